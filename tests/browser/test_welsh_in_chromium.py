"""A parent completes the EHE notification in Welsh with JavaScript off: the confirmation,
the PDF receipt and the acknowledgement email are in Welsh."""
from __future__ import annotations

import io

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from portal.tenancy import unscoped
from tests.browser.test_forms_in_chromium import fill
from tests.forms_driver import Journey

SLUG = "rhondda-cynon-taf"


def test_ehe_notification_in_welsh_without_javascript(browser, app, live_server):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    tenant = app.extensions["portal.tenants"][SLUG]
    definition = app.extensions["portal.forms"][(SLUG, "ehe-notification")]
    planner = Journey(None, tenant, definition)

    page.goto(f"{live_server}/{SLUG}/forms/ehe-notification")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(definition.title.cy)
    page.get_by_role("button", name="Dechrau nawr").click()
    for _ in range(20):
        if page.url.endswith("/check"):
            break
        key = page.url.rsplit("/", 1)[1]
        fields = planner.page_fields(key)
        fill(page, fields)
        planner.typed.update({k: v for k, v in fields.items() if not k.startswith("items-")})
        page.get_by_role("button", name="Parhau").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_role("button", name="Derbyn ac anfon").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    reference = page.locator("#reference").inner_text()
    assert reference.startswith("RCT-")
    expect(page.locator(".govuk-panel__title")).not_to_have_text("Form sent")

    with page.expect_download() as download:
        page.get_by_role("link", name="(PDF)").click()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(
        io.BytesIO(download.value.path().read_bytes())).pages).split())
    assert reference in text
    assert "Eich rhif cyfeirnod" in text and "Your reference number" not in text
    assert definition.title.cy in text

    with app.app_context(), unscoped():
        ack = db.session.scalar(select(OutboxMessage).where(
            OutboxMessage.reference == reference, OutboxMessage.kind == "acknowledgement"))
    assert ack.language == "cy"
    assert reference in ack.subject
    assert "We have received your form" not in ack.subject
    assert "has received your form" not in ack.body_text
    context.close()
