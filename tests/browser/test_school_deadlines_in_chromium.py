"""The late notices report and the school's deadlines in Chromium: an officer, with JavaScript
off, goes from the reports to the late notices, sees a late checklist under its term and
school, and follows it to the notice; with JavaScript on, axe-core finds nothing on either."""
from __future__ import annotations

from datetime import UTC, datetime

import pyotp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.integration.auth.helpers import PASSWORD, make_officer
from tests.integration.backoffice.helpers import make_submission

AXE = Axe()
SLUG = "stockport"


def _sign_in(page, base: str, officer: dict) -> None:
    page.goto(f"{base}/{SLUG}/staff/sign-in")
    page.get_by_label("Email address").fill(officer["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(officer["secret"]).now())
    page.get_by_role("button", name="Continue").click()


def test_late_notices_work_without_javascript_and_pass_axe(browser, app, live_server):
    from portal.tenancy import tenants

    with app.app_context():
        school = tenants()[SLUG].schools[0]
    # Absent from 14 October 2026: day 10 is 3 November (the half term not counted); the
    # checklist came on the 4th.
    late = make_submission(app, SLUG, form_slug="missing-pupil-checklist",
                           received_at=datetime(2026, 11, 4, 11, 0, tzinfo=UTC),
                           school_laestab=school.laestab,
                           answers={"child_first_name": "Axe", "child_last_name": "Testchild",
                                    "first_day_of_absence": "2026-10-14"})
    officer = make_officer(app, SLUG)

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, live_server, officer)
    page.get_by_role("link", name="Reports").first.click()
    page.get_by_role("link", name="Late notices from schools").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Late notices from schools")
    expect(page.get_by_role("heading", name="Autumn term 2026")).to_be_visible()
    table = page.get_by_role("table", name=f"{school.name} ({school.laestab})").first
    expect(table).to_contain_text(late["reference"])
    expect(table).to_contain_text("1 school day late")
    table.get_by_role("link", name=late["reference"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(late["reference"])
    expect(page.locator("#late-notice")).to_have_text("Late notice")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server, officer)
    failures = []
    for path in ("/reports/late-notices", f"/submissions/{late['id']}"):
        page.goto(f"{live_server}/{SLUG}/staff{path}")
        results = AXE.run(page)
        if results.violations_count:
            failures.append(f"{path}: {results.generate_report()}")
    context.close()
    assert failures == [], "\n\n".join(failures)
