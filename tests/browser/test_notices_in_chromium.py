"""Cross-border notices in Chromium, checked by axe-core: the send-notice form (with its
errors shown), a notice received from another council on the portal (with the answer form's
conditional school questions), and the pages a council not on the portal opens through its
link (the start, the code page with an error, the notice itself)."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pyotp
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.integration.auth.helpers import PASSWORD
from tests.integration.notices.helpers import (incoming_for, make_case, make_officer,
                                               notice_answers, outbox_rows, send_notice, sign_in)

AXE = Axe()


def _clean(page, failures):
    results = AXE.run(page)
    if results.violations_count:
        failures.append(f"{page.url}: {results.generate_report()}")


def _sign_in(page, live_server, officer):
    page.goto(f"{live_server}/{officer['slug']}/staff/sign-in")
    page.get_by_label("Email address").fill(officer["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(officer["secret"]).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Signed in as Test Officer")).to_be_visible()


def test_the_send_form_and_a_received_notice_pass_axe(browser, app, live_server,
                                                      checked_client):
    failures: list[str] = []
    case = make_case(app, "liverpool", first="Browsera", last="Noticechild")
    sender = make_officer(app, "liverpool")
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server, sender)
    page.goto(f"{live_server}/liverpool/staff/cases/{case['case_id']}")
    page.get_by_role("button", name="Send a notice to another council").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send a notice to another council")
    _clean(page, failures)
    page.get_by_label("First name").fill("")
    page.get_by_role("button", name="Send the notice").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text("Select the council to send the notice to").first).to_be_visible()
    _clean(page, failures)
    context.close()

    # A notice sent over HTTP; Stockport's officer opens it in the browser.
    client = checked_client(app.test_client())
    sign_in(client, make_officer(app, "liverpool"))  # a code is accepted once: another officer
    sent = send_notice(client, "liverpool", case["case_id"], notice_answers(
        "356", first="Browsera", last="Noticechild"))
    notice_id = int(sent.location.split("/notices/sent/")[1].split("?")[0])
    incoming_id, _, _ = incoming_for(app, "stockport", notice_id)
    receiver = make_officer(app, "stockport")
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, live_server, receiver)
    page.goto(f"{live_server}/stockport/staff/notices/received/{incoming_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Notice from Liverpool City Council")
    _clean(page, failures)
    page.get_by_label("On roll at a school here").check()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _clean(page, failures)
    page.get_by_label("Name of the school").fill("Invented Academy")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Your answer has been sent")).to_be_visible()
    context.close()
    assert failures == [], "\n\n".join(failures)


def test_the_pages_opened_through_a_link_pass_axe(browser, app, live_server, checked_client):
    from portal.directory import NoChange, set_contact
    from portal.extensions import db

    with app.app_context():
        try:
            set_contact("330", "cme-team@birmingham.test.invalid", admin_id=None, note="test",
                        now=datetime.now(timezone.utc))
            db.session.commit()
        except NoChange:
            db.session.rollback()
        db.session.remove()
    case = make_case(app, "liverpool", first="Linkopen", last="Noticechild")
    sender = make_officer(app, "liverpool")
    client = checked_client(app.test_client())
    sign_in(client, sender)
    before = {m.id for m in outbox_rows(app, "liverpool", "notice")}
    assert send_notice(client, "liverpool", case["case_id"],
                       notice_answers("330")).status_code == 303
    [email] = [m for m in outbox_rows(app, "liverpool", "notice") if m.id not in before]
    token = re.search(r"/liverpool/notices/([A-Za-z0-9_\-]+)", email.body_text).group(1)

    failures: list[str] = []
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/liverpool/notices/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Open a notice from Liverpool City Council")
    _clean(page, failures)
    before = {m.id for m in outbox_rows(app, "liverpool", "notice")}
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code we emailed to you")
    _clean(page, failures)
    page.get_by_label("Code").fill("12")
    page.get_by_role("button", name="Open the notice").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _clean(page, failures)
    [code_email] = [m for m in outbox_rows(app, "liverpool", "notice") if m.id not in before]
    code = re.search(r"Your code is ([0-9]{6})", code_email.body_text).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Open the notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Notice from Liverpool City Council")
    _clean(page, failures)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("can see that you have received it")).to_be_visible()
    _clean(page, failures)
    context.close()
    assert failures == [], "\n\n".join(failures)
