"""The queue API the forms call: rows join the caller's transaction, carry a stable Message-ID,
say the right things in the sender's language, and never a child's details."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from portal.outbox import (OutboxError, is_sendable_address, queue_acknowledgement,
                           queue_email, queue_team_notification, queue_urgent_alert)
from portal.tenancy import TenantScopeError, tenant_id_for, tenant_scope
from tests.canary import (CANARY_CHILD, assert_no_child_details_in_outbox,
                                             child_details_in)
from tests.integration.outbox.conftest import council, queue_in, rows

MESSAGE_ID = re.compile(r"^<[0-9a-f]{32}@[a-z0-9.-]+>$")


def ack(slug="stockport", **changes):
    kwargs = dict(to="parent@example.com", reference="STK-2026-000123",
                  form_title="Children missing education referral", language="en", urgent=False)
    kwargs.update(changes)
    return queue_in(slug, queue_acknowledgement, **kwargs)


def test_queued_rows_join_the_callers_transaction_and_are_not_committed(outbox_app):
    with outbox_app.app_context():
        ack()
        db.session.rollback()  # the submission failed: its email goes with it
        assert rows() == []
        ack()
        db.session.commit()
        [row] = rows()
        assert (row.status, row.attempts, row.kind) == ("pending", 0, "acknowledgement")
        assert row.reference == "STK-2026-000123"
        assert row.tenant_id == tenant_id_for("stockport")


def test_every_message_gets_its_own_stable_message_id(outbox_app):
    with outbox_app.app_context():
        ids = {ack().message_id for _ in range(5)}
        db.session.commit()
        assert len(ids) == 5 and all(MESSAGE_ID.match(i) for i in ids)
        assert {row.message_id for row in rows()} == ids  # stored as made, sent as stored


def test_the_message_id_domain_follows_the_portal_address(make_app):
    app = make_app(portal_base_url="https://cme.example.gov.uk")
    with app.app_context():
        assert ack().message_id.endswith("@cme.example.gov.uk>")
        db.session.rollback()


def test_the_acknowledgement_says_what_happens_next_and_whom_to_contact(outbox_app):
    with outbox_app.app_context():
        message = ack()
        stockport = council("stockport")
        assert message.subject == "We have received your form – reference STK-2026-000123"
        body = message.body_text
        assert "Stockport Council has received your form: Children missing education referral." in body
        assert "Your reference number is STK-2026-000123." in body
        assert "What happens next" in body
        assert stockport.contacts.cme.phone in body and stockport.contacts.cme.email in body
        assert "999" not in body  # not urgent: no safeguarding numbers
        db.session.rollback()


def test_an_urgent_acknowledgement_gives_the_safeguarding_numbers(outbox_app):
    with outbox_app.app_context():
        body = ack("staffordshire", reference="STF-2026-000001", urgent=True).body_text
        sg = council("staffordshire").contacts.safeguarding
        assert "call 999" in body
        assert f"call First Response on {sg.phone}" in body
        assert "Monday to Thursday, 8:30am to 5pm; Friday, 8:30am to 4:30pm" in body
        assert f"call {sg.out_of_hours.name.en} on {sg.out_of_hours.phone}" in body
        db.session.rollback()


def test_the_team_is_told_a_referral_is_waiting_with_a_link_to_its_back_office(make_app):
    app = make_app(portal_base_url="https://cme.example.gov.uk")
    with app.app_context():
        staffordshire = council("staffordshire")
        team = staffordshire.route("missing-pupil-checklist", postcode="WS11 1AB").team
        normal = queue_in("staffordshire", queue_team_notification, team=team,
                          reference="STF-2026-000002", urgent=False)
        urgent = queue_in("staffordshire", queue_team_notification, team=team,
                          reference="STF-2026-000003", urgent=True,
                          form_title="Missing pupil checklist")
        assert normal.to_address == team.email == "lst.cannock@staffordshire.example"
        assert normal.kind == "team_notification" and normal.language == "en"
        assert normal.subject == "A new referral is waiting – STF-2026-000002"
        assert "A new referral is waiting for Cannock Local Support Team." in normal.body_text
        assert "https://cme.example.gov.uk/staffordshire/staff/" in normal.body_text
        assert urgent.subject.startswith("Urgent: a new referral is waiting")
        assert "please look at it now" in urgent.body_text
        assert "Form: Missing pupil checklist" in urgent.body_text
        db.session.rollback()


def test_an_urgent_alert_goes_to_the_duty_address(outbox_app):
    with outbox_app.app_context():
        alert = queue_in("southwark", queue_urgent_alert, reference="SWK-2026-000004")
        assert alert.to_address == "cme.duty@southwark.example"
        assert alert.kind == "urgent_alert"
        assert alert.subject == "Urgent referral received – SWK-2026-000004"
        assert "/southwark/staff/" in alert.body_text
        db.session.rollback()


def test_without_a_duty_address_the_alert_goes_to_the_cme_contact(outbox_app):
    with outbox_app.app_context():
        liverpool = council("liverpool")
        no_duty = liverpool.model_copy(update={
            "contacts": liverpool.contacts.model_copy(update={"duty": None})})
        with tenant_scope(tenant_id_for("liverpool")):
            alert = queue_urgent_alert(tenant=no_duty, reference="LIV-2026-000001")
        assert alert.to_address == liverpool.contacts.cme.email
        db.session.rollback()


# --- language ---------------------------------------------------------------------------------

def test_an_acknowledgement_is_in_the_language_the_sender_used(outbox_app):
    with outbox_app.app_context():
        rct = council("rhondda-cynon-taf")
        welsh = ack("rhondda-cynon-taf", reference="RCT-2026-000005", language="cy", urgent=True)
        english = ack("rhondda-cynon-taf", reference="RCT-2026-000006", language="en", urgent=True)
        assert (welsh.language, english.language) == ("cy", "en")
        with force_locale("cy"):
            welsh_label = gettext("Telephone:")
        assert welsh_label != "Telephone:"  # the catalogue has it: force_locale was in effect
        assert f"{welsh_label} {rct.contacts.cme.phone}" in welsh.body_text
        assert f"Telephone: {rct.contacts.cme.phone}" in english.body_text
        # The council's own Welsh texts and Welsh office hours.
        assert rct.contacts.cme.team.cy in welsh.body_text
        assert rct.contacts.safeguarding.name.cy in welsh.body_text
        assert "Dydd Llun i ddydd Iau" in welsh.body_text
        assert rct.contacts.cme.team.en in english.body_text
        db.session.rollback()


def test_a_language_the_council_does_not_offer_falls_back_to_english(outbox_app):
    with outbox_app.app_context():
        assert ack("stockport", language="cy").language == "en"
        db.session.rollback()


def test_staff_emails_of_a_welsh_council_are_in_welsh_and_english(outbox_app):
    with outbox_app.app_context():
        rct = council("rhondda-cynon-taf")
        team = rct.route("cme-referral", laestab="6744813").team
        message = queue_in("rhondda-cynon-taf", queue_team_notification, team=team,
                           reference="RCT-2026-000007", urgent=False)
        assert message.language == "cy"
        welsh, english = message.body_text.split("\n---\n")
        assert team.name.cy in welsh and team.name.en in english
        assert welsh.count("RCT-2026-000007") == english.count("RCT-2026-000007") == 1
        db.session.rollback()


# --- the generic queue and its checks -------------------------------------------------------

def test_queue_email_renders_any_email_template(outbox_app):
    with outbox_app.app_context(), tenant_scope(tenant_id_for("southwark")):
        message = queue_email(to="officer@southwark.example", kind="other",
                              template="urgent_alert", language="en", reference="SWK-2026-000009",
                              context={"t": {"subject": "Hello", "arrived": "Line one",
                                             "reference": "Ref", "link": "L", "footer": "F"}})
        assert (message.subject, message.kind) == ("Hello", "other")
        assert message.body_text.startswith("Line one\n\nRef\n")
        db.session.flush()
        assert message.tenant_id == tenant_id_for("southwark")
        db.session.rollback()


BAD_ADDRESSES = ["", "not-an-address", "a@b", "a@example.com\nBcc: x@example.com",
                 "a@example.com, b@example.com", "a,b@example.com", "a;b@example.com",
                 "<a@example.com>", "Name <a@example.com>"]


@pytest.mark.parametrize("to", BAD_ADDRESSES)
def test_anything_but_one_plain_address_is_refused(outbox_app, to):
    assert not is_sendable_address(to)
    with outbox_app.app_context(), pytest.raises(OutboxError):
        team = council("stockport").team("ehe").model_copy(update={"email": to})
        queue_in("stockport", queue_team_notification, team=team,
                 reference="STK-2026-000123", urgent=False)


@pytest.mark.parametrize("to", BAD_ADDRESSES)
def test_an_unusable_sender_address_skips_the_acknowledgement_not_the_submission(outbox_app, to):
    with outbox_app.app_context():
        assert ack(to=to) is None
        assert rows() == []


def test_a_plain_address_with_spaces_around_it_is_used(outbox_app):
    with outbox_app.app_context():
        assert ack(to="  parent@example.com ").to_address == "parent@example.com"
        db.session.rollback()


def test_an_unknown_kind_or_language_is_refused(outbox_app):
    with outbox_app.app_context(), tenant_scope(tenant_id_for("stockport")):
        with pytest.raises(OutboxError):
            queue_email(to="a@example.com", kind="newsletter", template="urgent_alert",
                        context={"t": {"subject": "x"}}, language="en")
        with pytest.raises(OutboxError):
            queue_email(to="a@example.com", kind="other", template="urgent_alert",
                        context={"t": {"subject": "x"}}, language="fr")


def test_a_message_for_another_council_is_refused(outbox_app):
    with outbox_app.app_context():
        with tenant_scope(tenant_id_for("stockport")):
            queue_urgent_alert(tenant=council("southwark"), reference="SWK-2026-000010")
            with pytest.raises(TenantScopeError):
                db.session.flush()
        db.session.rollback()


def test_a_council_sees_only_its_own_messages(outbox_app):
    with outbox_app.app_context():
        queue_in("stockport", queue_urgent_alert, reference="STK-2026-000011")
        queue_in("southwark", queue_urgent_alert, reference="SWK-2026-000011")
        db.session.commit()
        with tenant_scope(tenant_id_for("stockport")):
            refs = db.session.scalars(select(OutboxMessage.reference)).all()
        assert refs == ["STK-2026-000011"]
        with pytest.raises(TenantScopeError):
            db.session.scalars(select(OutboxMessage)).all()


# --- the canary -------------------------------------------------------------------------------

def test_no_email_carries_the_childs_details(outbox_app):
    """However a form passes its submission to the queue API, the API takes no child's
    details: here every message of an urgent submission about the canary child."""
    submission = {"reference": "STF-2026-000999", "urgent": True, "child": CANARY_CHILD,
                  "postcode": CANARY_CHILD["postcode"]}
    with outbox_app.app_context():
        staffordshire = council("staffordshire")
        decision = staffordshire.route("cme-referral", postcode=submission["postcode"],
                                       flags={"urgent"})
        for language in ("en", "cy"):
            ack("staffordshire", reference=submission["reference"], urgent=True,
                language=language)
            ack("rhondda-cynon-taf", reference="RCT-2026-000999", urgent=True,
                language=language)
        queue_in("staffordshire", queue_team_notification, team=decision.team,
                 reference=submission["reference"], urgent=True, form_title="CME referral")
        queue_in("staffordshire", queue_urgent_alert, reference=submission["reference"])
        db.session.commit()
        assert len(rows()) == 6
        assert_no_child_details_in_outbox()
    assert child_details_in("Dear Zebediah Canarywhistle") == ["Zebediah", "Canarywhistle"]


def test_the_outbox_table_has_no_column_for_a_childs_details(outbox_app):
    columns = set(OutboxMessage.__table__.columns.keys())
    assert columns == {"id", "tenant_id", "message_id", "kind", "to_address", "language",
                       "subject", "body_text", "body_html", "reference", "status", "attempts",
                       "next_attempt_at", "claimed_until", "last_error", "sent_at",
                       "created_at"}


def test_crossing_councils_happens_only_in_the_reviewed_modules():
    from portal.config import ROOT

    users = sorted(p.name for p in (ROOT / "portal" / "outbox").glob("*.py")
                   if "with unscoped(" in p.read_text())
    # worker.py: the queue is one for all councils; cli.py: the platform operator's
    # `outbox dead` and `outbox retry`.
    assert users == ["cli.py", "worker.py"]


def test_a_council_administrator_lists_and_retries_only_its_own_dead_messages(outbox_app, clock):
    from portal.outbox import dead_messages, retry_message
    from portal.outbox.service import NotDead

    with outbox_app.app_context():
        southwark = queue_in("southwark", queue_urgent_alert, reference="SWK-2026-000012")
        pending = queue_in("southwark", queue_urgent_alert, reference="SWK-2026-000013")
        southwark.status, southwark.attempts, southwark.last_error = "dead", 8, "smtp:recipient:550"
        db.session.commit()
        dead_id, pending_id = rows()[0].id, rows()[1].id

        with tenant_scope(tenant_id_for("stockport")):  # another council's administrator
            assert dead_messages() == []
            assert retry_message(dead_id) is None
        with tenant_scope(tenant_id_for("southwark")):
            [listed] = dead_messages()
            assert (listed.id, listed.kind, listed.reference, listed.last_error) == (
                dead_id, "urgent_alert", "SWK-2026-000012", "smtp:recipient:550")
            with pytest.raises(NotDead):
                retry_message(pending_id)
            clock.advance(minutes=5)
            revived = retry_message(dead_id)
            assert (revived.status, revived.attempts) == ("pending", 0)
            assert revived.next_attempt_at == clock()
            db.session.commit()
        assert [r.status for r in rows()] == ["pending", "pending"]
