"""An officer signs in with a password and a code in Chromium; axe-core finds nothing on the
sign-in pages (errors shown included) or the back-office landing page."""
from __future__ import annotations

import pyotp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.integration.auth.helpers import PASSWORD, make_officer

AXE = Axe()


def _clean(page, failures):
    results = AXE.run(page)
    if results.violations_count:
        failures.append(f"{page.url}: {results.generate_report()}")


def test_an_officer_signs_in_with_a_code_and_out_again(browser, app, live_server):
    officer = make_officer(app, "liverpool")
    context = browser.new_context()
    page = context.new_page()
    failures: list[str] = []
    page.goto(f"{live_server}/liverpool/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    _clean(page, failures)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _clean(page, failures)
    page.get_by_label("Email address").fill(officer["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    _clean(page, failures)
    page.get_by_label("Code").fill(pyotp.TOTP(officer["secret"]).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as Test Officer")).to_be_visible()
    _clean(page, failures)
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server}/liverpool/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    context.close()
    assert failures == [], "\n\n".join(failures)


def test_the_undelivered_emails_page_passes_axe(browser, app, live_server):
    from tests.integration.test_undelivered_emails import _dead_message

    _dead_message(app, "southwark", "SWK-2026-999100")
    admin = make_officer(app, "southwark", role="council_admin")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/southwark/staff/sign-in")
    page.get_by_label("Email address").fill(admin["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(admin["secret"]).now())
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Emails not delivered").first.click()
    expect(page.get_by_role("cell", name="SWK-2026-999100", exact=True)).to_be_visible()
    failures: list[str] = []
    _clean(page, failures)
    page.get_by_role("button", name="Send again: Urgent alert to the duty address, SWK-2026-999100").click()
    expect(page.get_by_text("The email will be sent again")).to_be_visible()
    _clean(page, failures)
    context.close()
    assert failures == [], "\n\n".join(failures)
