"""An officer's day in Chromium: sign in with a password and a code, find the new urgent
referral at the top of the inbox, acknowledge it (the sender's email reaches a real SMTP server
on loopback), allocate it, open a case, record two enquiries and close the case with an
outcome. axe-core checks every back-office page on the way, errors shown included."""
from __future__ import annotations

import asyncio
import socket
from datetime import datetime, timedelta, timezone
from email import policy
from email.parser import BytesParser

import pyotp
import pytest
from aiosmtpd.controller import Controller
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from sqlalchemy import select

from tests.integration.auth.helpers import PASSWORD, make_officer
from tests.integration.backoffice.helpers import make_submission

AXE = Axe()
SLUG = "staffordshire"


def _clean(page, failures: list[str]) -> None:
    results = AXE.run(page)
    if results.violations_count:
        failures.append(f"{page.url}: {results.generate_report()}")


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, BytesParser(policy=policy.default)
                              .parsebytes(envelope.original_content or envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", inbox
    controller.stop()


def _deliver(app, reference: str, smtp_url: str) -> None:
    """Send the acknowledgement the officer's click queued, through our SMTP sender."""
    from portal.extensions import db
    from portal.models import OutboxMessage
    from portal.outbox.senders import Envelope, SmtpSender
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(SLUG)):
        row = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.reference == reference, OutboxMessage.kind == "case_acknowledgement"))
        assert row is not None, "acknowledging queued no email to the sender"
        SmtpSender(smtp_url, "portal@test.invalid", timeout=10).send(Envelope.of(row))
        db.session.remove()


def test_an_officer_works_an_urgent_referral_to_its_outcome(browser, app, live_server,
                                                            smtp_server):
    smtp_url, smtp_inbox = smtp_server
    manager = make_officer(app, SLUG, role="manager")
    now = datetime.now(timezone.utc)
    # Two weeks old: overdue to acknowledge whatever day of the week the test runs (two days
    # before a Sunday is a Friday, due on the Monday: the test failed at weekends).
    older = make_submission(app, SLUG, received_at=now - timedelta(days=14), first="Older",
                            last="Referralchild")
    urgent = make_submission(app, SLUG, received_at=now, urgent=True, first="Urgent",
                             last="Browserchild", sender_email="head@school.test.invalid")
    failures: list[str] = []
    context = browser.new_context()
    page = context.new_page()

    page.goto(f"{live_server}/{SLUG}/staff/sign-in")
    page.get_by_label("Email address").fill(manager["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(manager["secret"]).now())
    page.get_by_role("button", name="Continue").click()
    _clean(page, failures)

    # The inbox: the urgent referral is at the top.
    page.get_by_role("link", name="Inbox").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    first_row = page.locator("#inbox-results tbody tr").first
    expect(first_row).to_contain_text(urgent["reference"])
    expect(first_row).to_contain_text("Urgent")
    expect(page.locator("#inbox-results")).to_contain_text(older["reference"])
    _clean(page, failures)
    # A filter, applied in place by htmx.
    page.get_by_label("Overdue only").check()
    expect(page.locator("#inbox-results")).not_to_contain_text(urgent["reference"])
    expect(page.locator("#inbox-results")).to_contain_text(older["reference"])
    assert "overdue=1" in page.url

    page.goto(f"{live_server}/{SLUG}/staff/inbox")
    page.get_by_role("link", name=urgent["reference"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(urgent["reference"])
    _clean(page, failures)

    # Acknowledge: the sender's email arrives.
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged. The sender has been emailed.")).to_be_visible()
    _clean(page, failures)
    _deliver(app, urgent["reference"], smtp_url)
    delivered = [(to, message) for to, message in smtp_inbox.messages
                 if urgent["reference"] in message["Subject"]]
    assert delivered and delivered[0][0] == ["head@school.test.invalid"]
    assert "Browserchild" not in delivered[0][1].get_body().get_content()

    # Allocate to the manager themselves.
    page.get_by_label("Officer").select_option(label="Test Officer")
    page.get_by_role("button", name="Allocate", exact=True).click()
    expect(page.get_by_text("Allocated.", exact=True)).to_be_visible()

    # Open a case; an empty choice first shows the error.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _clean(page, failures)
    page.get_by_label("Open a new case").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case")
    _clean(page, failures)

    # Two enquiries; the first try has no date and shows the error beside the field.
    page.get_by_label("Which enquiry did you make?").select_option(index=1)
    page.get_by_label("What did it find?").fill("No record of the family at the address.")
    page.locator("fieldset", has_text="Did this find the child?").get_by_label("No").check()
    page.get_by_role("button", name="Record the enquiry").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date")
    expect(page.get_by_label("What did it find?")).to_have_value(
        "No record of the family at the address.")
    _clean(page, failures)
    for index, result in ((1, "No record of the family at the address."),
                          (2, "Health visitor has no contact since the summer.")):
        page.get_by_label("Which enquiry did you make?").select_option(index=index)
        date_group = page.locator("fieldset", has_text="When did you make it?")
        date_group.get_by_label("Day").fill("16")
        date_group.get_by_label("Month").fill("11")
        date_group.get_by_label("Year").fill("2026")
        page.get_by_label("What did it find?").fill(result)
        page.locator("fieldset", has_text="Did this find the child?").get_by_label("No").check()
        page.get_by_role("button", name="Record the enquiry").click()
        expect(page.get_by_text("The enquiry has been recorded.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("No record of the family at the address.")
    expect(page.locator("main")).to_contain_text("Health visitor has no contact")
    _clean(page, failures)

    # Close with an outcome.
    page.locator("fieldset", has_text="Outcome").get_by_label("Back in school").first.check()
    page.get_by_label("I have checked that this is the right outcome").check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_text("The outcome has been recorded and the case is closed.")).to_be_visible()
    _clean(page, failures)

    # The case's audit trail and the search page.
    page.get_by_role("link", name="Audit trail").click() if page.get_by_role(
        "link", name="Audit trail").count() else None
    _clean(page, failures)
    page.get_by_role("link", name="Search").first.click()
    page.get_by_label("Reference, UPN, date of birth, postcode or name").fill("Urgent Browserchild")
    page.get_by_role("button", name="Search").last.click()
    expect(page.get_by_role("link", name=urgent["reference"])).to_be_visible()
    assert "Browserchild" not in page.url
    _clean(page, failures)
    context.close()
    assert failures == [], "\n\n".join(failures)


def test_the_inbox_works_with_javascript_off(browser, app, live_server):
    officer = make_officer(app, SLUG, role="officer")
    item = make_submission(app, SLUG, form_slug="ehe-notification", first="Nojs",
                           last="Plainchild")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/{SLUG}/staff/sign-in")
    page.get_by_label("Email address").fill(officer["email"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(officer["secret"]).now())
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server}/{SLUG}/staff/inbox")
    page.get_by_label("Form").select_option("ehe-notification")
    page.get_by_role("button", name="Apply filters").click()
    assert "form=ehe-notification" in page.url
    expect(page.locator("#inbox-results")).to_contain_text(item["reference"])
    page.get_by_role("link", name=item["reference"]).click()
    page.get_by_role("button", name="Allocate to me").click()
    expect(page.get_by_text("Allocated.", exact=True)).to_be_visible()
    context.close()
