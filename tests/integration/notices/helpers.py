"""Councils, cases and notices for the notice tests. Every child here is invented."""
from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in  # noqa: F401

SEND_TOKEN = re.compile(r'name="send_token" value="([^"]+)"')


def make_case(app, slug: str, *, first: str = "Ada", last: str = "Testchild",
              dob: date = date(2015, 3, 14), upn: str | None = None, postcode: str | None = None,
              note: str | None = None, enquiry: str | None = None) -> dict:
    """A council's open case (from a filed submission), optionally with a note and an enquiry
    that must never reach another council."""
    from portal.extensions import db
    from portal.models import Activity, Case, Enquiry, Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    item = make_submission(app, slug, first=first, last=last, dob=dob, upn=upn, postcode=postcode)
    with app.app_context():
        with tenant_scope(tenant_id_for(slug)):
            case = Case(status="open", opened_at=datetime.now(timezone.utc),
                        child_first_name=first, child_last_name=last, child_dob=dob, upn=upn,
                        postcode=postcode)
            db.session.add(case)
            db.session.flush()
            submission = db.session.scalar(select(Submission).where(Submission.id == item["id"]))
            submission.case_id = case.id
            if note:
                db.session.add(Activity(case_id=case.id, kind="note",
                                        at=datetime.now(timezone.utc), details={"text": note}))
            if enquiry:
                db.session.add(Enquiry(case_id=case.id, made_on=date(2026, 11, 2), result=enquiry,
                                       located=False))
            db.session.commit()
            ids = {"case_id": case.id, "submission_id": item["id"], "slug": slug}
        db.session.remove()
    return ids


def notice_answers(to_code: str, *, first: str = "Ada", last: str = "Testchild",
                   reply_by: date | None = None, **changes) -> dict:
    """A complete send-notice form, as an officer would fill it in."""
    reply_by = reply_by or date.today() + timedelta(days=14)
    data = {
        "to_council": to_code, "direction": "moved_into_your_area", "at_risk_now": "no",
        "child_first_name": first, "child_last_name": last, "other_names": "",
        "child_dob-day": "14", "child_dob-month": "3", "child_dob-year": "2015",
        "upn": "", "last_address": "12 Invented Row\nLiverpool", "postcode": "L3 9AB",
        "new_address": "Somewhere in Stockport", "new_postcode": "",
        "last_school_name": "Invented Primary School", "school_laestab": "3412000",
        "last_attendance-day": "", "last_attendance-month": "", "last_attendance-year": "",
        "risk_groups": ["young_carer"],
        "what_is_known": "Family said they were moving to be near relatives.",
        "actions_taken": "Home visit, no answer. School contacted.",
        "s2s_status": "searched_not_found",
        "reply_by-day": str(reply_by.day), "reply_by-month": str(reply_by.month),
        "reply_by-year": str(reply_by.year),
        "sender_role": "CME Officer", "sender_phone": "",
    }
    data.update(changes)
    return data


def send_notice(client, slug: str, case_id: int, data: dict):
    """Open the send-notice form of a case and post it (with the page's one-time token)."""
    page = client.get(f"/{slug}/staff/cases/{case_id}/notices/new")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    return client.post(f"/{slug}/staff/cases/{case_id}/notices/new", data={
        "csrf_token": csrf_of(html), "send_token": SEND_TOKEN.search(html).group(1), **data})


def csrf(client, url: str) -> str:
    return csrf_of(client.get(url).get_data(as_text=True))


def notice_row(app, slug: str, notice_id: int):
    """A council's notice, read back (scoped to that council)."""
    from portal.extensions import db
    from portal.models import OutgoingNotice
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        row = db.session.scalar(select(OutgoingNotice).where(OutgoingNotice.id == notice_id))
        db.session.expunge_all()
        db.session.remove()
        return row


def incoming_for(app, slug: str, from_notice_id: int):
    """(IncomingNotice id, submission id, reference) of a notice that arrived in `slug`."""
    from portal.extensions import db
    from portal.models import IncomingNotice, Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        incoming = db.session.scalar(select(IncomingNotice).where(
            IncomingNotice.from_notice_id == from_notice_id))
        submission = db.session.scalar(select(Submission).where(
            Submission.id == incoming.submission_id))
        result = (incoming.id, submission.id, submission.reference)
        db.session.remove()
        return result


def outbox_rows(app, slug: str, kind: str | None = None) -> list:
    from portal.extensions import db
    from portal.models import OutboxMessage
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        db.session.remove()
        return rows


def make_notice_objects(app, slug: str, case_id: int, *, from_slug: str) -> dict:
    """For the role matrix: a notice council `slug` sent by email (with a live link) from case
    `case_id`, and a notice it received from council `from_slug`: their ids."""
    from portal.casework.intake import on_filed
    from portal.extensions import db
    from portal.models import IncomingNotice, NoticeLink, OutgoingNotice, Submission
    from portal.submissions.references import next_reference
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    now = datetime.now(timezone.utc)
    answers = {"direction": "moved_into_your_area", "child_first_name": "Matrix",
               "child_last_name": "Noticechild", "what_is_known": "Invented.",
               "reply_by": (date.today() + timedelta(days=10)).isoformat()}
    with app.app_context():
        tenant = tenants()[slug]
        tenant_id = tenant_id_for(slug)
        with tenant_scope(tenant_id):
            notice = OutgoingNotice(
                reference=next_reference(db.session, tenant_id=tenant_id,
                                         prefix=tenant.reference_prefix, year=now.year),
                case_id=case_id, sent_at=now, to_la_code="202", to_name="Camden",
                channel="email", to_address="cme@camden.test.invalid",
                direction="moved_into_your_area", answers=answers,
                reply_by=date.today() + timedelta(days=10))
            db.session.add(notice)
            db.session.flush()
            db.session.add(NoticeLink(notice_id=notice.id, token_hash=secrets.token_hex(32),
                                      to_address=notice.to_address,
                                      expires_at=now + timedelta(days=14), created_at=now))
            submission = Submission(
                reference=next_reference(db.session, tenant_id=tenant_id,
                                         prefix=tenant.reference_prefix, year=now.year),
                submission_token=secrets.token_hex(16), form_slug="cross-border-notice",
                received_at=now, language="en", answers=answers, child_first_name="Matrix",
                child_last_name="Noticechild", team_key=tenant.teams[0].key,
                routing_reason="test")
            db.session.add(submission)
            on_filed(submission, tenant)
            incoming = IncomingNotice(submission_id=submission.id,
                                      from_tenant_id=tenant_id_for(from_slug), from_notice_id=0,
                                      from_name="Another Council", from_reference="XXX-2026-1",
                                      reply_by=notice.reply_by)
            db.session.add(incoming)
            db.session.commit()
            ids = {"notice_id": notice.id, "incoming_id": incoming.id}
        db.session.remove()
    return ids
