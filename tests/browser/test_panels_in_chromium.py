"""A panel in Chromium: a Liverpool officer, with JavaScript off, goes from the menu to the
Children Out of Provision Panel, opens the last meeting's agenda, records a decision and sees
it; with JavaScript on, axe-core finds nothing on the panels page, the agenda or the result."""
from __future__ import annotations

import uuid
from datetime import date

import pyotp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.integration.auth.helpers import PASSWORD, make_officer
from tests.integration.backoffice.test_cases import make_case

AXE = Axe()
SLUG = "liverpool"


def _sign_in(page, base: str, officer: dict) -> None:
    page.goto(f"{base}/{SLUG}/staff/sign-in")
    page.get_by_label("Email address").fill(officer["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(officer["secret"]).now())
    page.get_by_role("button", name="Continue").click()


def test_a_panel_decision_without_javascript_and_axe_on_the_panel_pages(browser, app,
                                                                       live_server):
    from portal.casework.panels import previous_meeting
    from portal.tenancy import tenants

    with app.app_context():
        panel = tenants()[SLUG].panels[0]
    held = previous_meeting(panel, date.today())
    first, second = ("Panel" + uuid.uuid4().hex[:6] for _ in range(2))
    one = make_case(app, SLUG, first=first, stage_key="cme_referral")
    two = make_case(app, SLUG, first=second, stage_key="tracking")
    officer = make_officer(app, SLUG)

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, live_server, officer)
    page.get_by_role("link", name="Panels").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panels")
    page.get_by_role("link", name="The next meeting's agenda").click()
    page.get_by_role("link", name="The last meeting:").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting of")
    card = page.locator(f"#case-{one}")
    expect(card).to_contain_text(first)
    card.get_by_label("What did the panel decide?").fill("Admissions to offer a place")
    card.get_by_label("Actions, with who does each (optional)").fill("Admissions: by Friday")
    card.get_by_role("radio").first.check()
    card.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The panel's decision has been recorded.")).to_be_visible()
    expect(page.locator(f"#case-{one}")).to_contain_text("Admissions to offer a place")
    # Nothing decided: the error is next to the box, and in the summary.
    card = page.locator(f"#case-{two}")
    card.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what the panel decided")
    expect(page.locator(f"#decision-{two}-error")).to_contain_text("Enter what the panel decided")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server, officer)
    failures = []
    for address in (f"/{SLUG}/staff/panels",
                    f"/{SLUG}/staff/panels/agenda?panel={panel.key}",
                    f"/{SLUG}/staff/panels/agenda?panel={panel.key}&meeting={held.isoformat()}"):
        assert page.goto(live_server + address).status == 200
        results = AXE.run(page)
        if results.violations_count:
            failures.append(f"{address}: {results.generate_report()}")
    context.close()
    assert failures == [], "\n\n".join(failures)
