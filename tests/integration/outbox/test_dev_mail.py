"""Outside production, emails are captured and shown at /_dev/mail; production has no such page."""
from __future__ import annotations

import re
from dataclasses import replace

from portal.access import access_of, dev_only
from portal.extensions import db
from portal.outbox import queue_acknowledgement
from portal.outbox.senders import CaptureSender, select_sender
from portal.outbox.worker import WorkerOptions, run
from tests.conftest import CheckedClient, make_settings
from tests.integration.outbox.conftest import queue_in


def test_captured_emails_are_listed_and_shown(outbox_app, clock):
    with outbox_app.app_context():
        message = queue_in("rhondda-cynon-taf", queue_acknowledgement, to="rhiant@example.com",
                           reference="RCT-2026-000042", form_title="Atgyfeiriad CME",
                           language="cy", urgent=False)
        message_id = message.message_id
        db.session.commit()
        sender = select_sender(outbox_app.config["PORTAL_SETTINGS"])
        assert isinstance(sender, CaptureSender)
        assert run(sender, clock=clock, options=WorkerOptions(), once=True) == 1

    client = CheckedClient(outbox_app.test_client())
    listing = client.get("/_dev/mail/")
    assert listing.status_code == 200
    page = listing.get_data(as_text=True)
    assert "Captured emails" in page and "rhiant@example.com" in page
    assert "RCT-2026-000042" in page and "1 sent" in page
    [name] = sender.capture.names()
    shown = client.get(f"/_dev/mail/{name}")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "RCT-2026-000042" in text and "Atgyfeiriad CME" in text
    assert message_id.strip("<>") in text
    assert re.search(r">\s*cy\s*</dd>", text)  # the language it was written in


def test_an_unknown_or_crafted_name_is_not_found(outbox_app):
    client = outbox_app.test_client()
    for name in ("nothing.eml", "20261123T000000000000-deadbeef.eml", "..%2F..%2Fwsgi.py",
                 "%2Fetc%2Fpasswd"):
        assert client.get(f"/_dev/mail/{name}").status_code == 404


def test_the_mail_pages_are_declared_dev_only(outbox_app):
    assert access_of(outbox_app.view_functions["dev_mail.index"]) == "dev_only"
    assert access_of(outbox_app.view_functions["dev_mail.show"]) == "dev_only"


def _production_app(outbox_database):
    from portal import create_app

    settings = replace(make_settings(outbox_database), env="production",
                       secret_key="f3c9a1e07b5d4c2a9e8f7d6c5b4a39281706f5e4d3c2b1a0",
                       database_url="postgresql+psycopg://x@127.0.0.1:1/none",
                       demo_accounts=False, smtp_url="smtps://mail.internal",
                       portal_base_url="https://cme.example.gov.uk")
    return create_app(settings)


def test_production_has_no_mail_pages(outbox_database):
    app = _production_app(outbox_database)
    assert "dev_mail.index" not in app.view_functions
    assert app.test_client().get("/_dev/mail/").status_code == 404


def test_a_dev_only_view_answers_404_in_production_even_if_registered(outbox_database):
    app = _production_app(outbox_database)

    @app.get("/_dev/probe")
    @dev_only
    def probe():
        return "development"

    assert app.test_client().get("/_dev/probe").status_code == 404
