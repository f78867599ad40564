"""The reports in Chromium: an officer opens the dashboard from the menu, chooses a period,
opens a register and the DfE return; axe-core finds nothing on any of them. The charts are
SVG images named by their titles, with their numbers in a table beside them."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pyotp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.integration.auth.helpers import PASSWORD, make_officer

AXE = Axe()
SHOTS = os.environ.get("REPORT_SCREENSHOTS")  # a folder: keep screenshots to look at
SLUG = "stockport"


def _clean(page, failures):
    results = AXE.run(page)
    if results.violations_count:
        failures.append(f"{page.url}: {results.generate_report()}")


def _some_cases(app):
    """A few invented cases of this council, so that the charts have bars."""
    from portal.extensions import db
    from portal.models import Case, Submission
    from portal.tenancy import tenant_id_for, tenant_scope
    from tests.integration.backoffice.helpers import make_submission

    now = datetime.now(timezone.utc)
    made = [make_submission(app, SLUG, received_at=now - timedelta(days=days), urgent=days == 3,
                            answers={"referrer_type": kind, "child_first_name": "Axe"})
            for days, kind in ((3, "school"), (5, "agency"), (8, "public"))]
    with app.app_context(), tenant_scope(tenant_id_for(SLUG)):
        for index, item in enumerate(made):
            case = Case(status="open", opened_at=now - timedelta(days=2 + index),
                        child_first_name="Axe", child_last_name=f"Testchild{index}",
                        reason_code=("cme_believed_moved_la", "cme_application_awaiting", None)[index], urgent=index == 0,
                        whereabouts_known=index == 1)
            db.session.add(case)
            db.session.flush()
            db.session.get(Submission, item["id"]).case_id = case.id
        db.session.commit()
        db.session.remove()


def test_the_reports_pass_axe(browser, app, live_server):
    _some_cases(app)
    officer = make_officer(app, SLUG)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/{SLUG}/staff/sign-in")
    page.get_by_label("Email address").fill(officer["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(officer["secret"]).now())
    page.get_by_role("button", name="Continue").click()
    failures: list[str] = []

    page.get_by_role("link", name="Reports").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reports-dashboard.png", full_page=True)
    expect(page.get_by_role("img", name="Notifications received in the period, by who sent "
                                        "them")).to_be_visible()
    expect(page.get_by_role("table", name="Notifications received in the period, by who sent "
                                          "them")).to_be_visible()
    _clean(page, failures)

    # a period that ends before it starts: the error summary, in the browser too
    page.locator("#end-year").fill("2001")
    page.get_by_role("button", name="Show the figures").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _clean(page, failures)

    page.get_by_role("link", name="Children out of provision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children out of provision")
    expect(page.get_by_role("cell", name="Axe Testchild0")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reports-register.png", full_page=True)
    _clean(page, failures)

    page.goto(f"{live_server}/{SLUG}/staff/reports/registers/elective-home-education")
    _clean(page, failures)

    page.goto(f"{live_server}/{SLUG}/staff/reports/dfe-return")
    expect(page.get_by_role("heading", level=1)).to_have_text("DfE termly return")
    expect(page.get_by_role("table", name="The return")).to_be_visible()
    _clean(page, failures)
    total = page.get_by_role("table", name="The return").get_by_role("link").first
    if total.count():  # the children behind the first number of the return
        total.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Children in this number")
        _clean(page, failures)
    context.close()
    assert failures == [], "\n\n".join(failures)
