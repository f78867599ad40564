"""Notices within one council: sending one from a case, what the sender's pages show of it, the
steps that come back onto it (acknowledged, answered), and the receiver's side of a notice that
arrived (its page, its answer).

Every query here runs under the council in scope (the request's, or the one portal.notices.
exchange names with `tenant_scope`); nothing here crosses councils by itself. Each change
records an Activity and an AuditEvent and leaves the commit to the caller.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from portal.casework import audit
from portal.casework.activity import record_activity
from portal.extensions import db
from portal.models.casework import Activity, AuditEvent, Case
from portal.models.notice import IncomingNotice, NoticeLink, NoticeReply, OutgoingNotice
from portal.models.staff import StaffUser
from portal.models.submission import Submission
from portal.notices import FORM_SLUG
from portal.tenant_config import Tenant

LONDON = ZoneInfo("Europe/London")
#: The notice's own fields: what the sender chose to tell, under the keys of the
#: cross-border-notice form (plus `actions_taken`). Nothing else is ever copied to the receiver.
NOTICE_FIELDS = (
    "at_risk_now", "sending_council", "sender_name", "sender_role", "sender_email",
    "sender_phone", "direction", "child_first_name", "child_last_name", "other_names",
    "child_dob", "upn", "last_address", "postcode", "new_address", "new_postcode",
    "last_school_name", "school_laestab", "last_attendance", "what_is_known", "actions_taken",
    "risk_groups", "s2s_status", "reply_by",
)
TEXT_LIMIT = 5000


class NoticeRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- time and councils ---------------------------------------------------------------------

def now() -> datetime:
    return current_app.config["CLOCK"]()


def aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def today() -> date:
    return now().astimezone(LONDON).date()


def in_london(moment: datetime | None) -> datetime | None:
    moment = aware(moment)
    return moment.astimezone(LONDON) if moment is not None else None


def tenant_by_id(tenant_id: int) -> Tenant | None:
    """A council's configuration from its database id (the tenants table is not council data)."""
    from portal.models.tenant import TenantRow
    from portal.tenancy import tenants

    slug = db.session.scalar(select(TenantRow.slug).where(TenantRow.id == tenant_id))
    return tenants().get(slug) if slug else None


def tenant_by_code(code: str) -> Tenant | None:
    """The council on the portal with this DfE code, if any."""
    from portal.tenancy import tenants

    return next((t for t in tenants().values() if t.dfe_code == code), None)


def definition_for(slug: str | None = None):
    """The cross-border-notice form as a council has it (for its option labels), else as any
    council has it."""
    forms = current_app.extensions["portal.forms"]
    if slug and (slug, FORM_SLUG) in forms:
        return forms[(slug, FORM_SLUG)]
    return next((d for (s, f), d in sorted(forms.items()) if f == FORM_SLUG), None)


def option_labels(question_key: str, slug: str | None = None) -> list[tuple[str, Any]]:
    """(value, LocalText) of a question of the cross-border-notice form."""
    definition = definition_for(slug)
    if definition is None:
        return []
    for page in definition.pages:
        for question in page.questions:
            if question.key == question_key:
                return [(option.value, option.label) for option in question.options or []]
    return []


# --- sending ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Destination:
    code: str
    name: str
    tenant: Tenant | None  # on the portal
    email: str | None      # the directory's address (not on the portal)


def destination(code: str, *, own_code: str) -> Destination:
    from portal.directory import entry

    found = entry(code)
    if found is None:
        raise NoticeRefused("unknown_council")
    if code == own_code:
        raise NoticeRefused("own_council")
    receiver = tenant_by_code(code)
    if receiver is None and not found.cme_email:
        raise NoticeRefused("no_address")
    name = receiver.name.get("en") if receiver else found.authority.name
    return Destination(code=code, name=name, tenant=receiver,
                       email=None if receiver else found.cme_email)


def notice_by_token(send_token: str) -> OutgoingNotice | None:
    """The notice an earlier POST of the same form made (a double click sends once)."""
    return db.session.scalar(select(OutgoingNotice).where(OutgoingNotice.send_token == send_token))


def send_notice(case: Case, answers: dict, *, to: Destination, reply_by: date, urgent: bool,
                tenant: Tenant, tenant_id: int, officer, send_token: str) -> OutgoingNotice:
    """Record the notice on the case and send it: into the other council's back-office, or by
    a code-protected link to the directory's address. The caller commits."""
    from portal.submissions.references import next_reference

    if case.status != "open":
        raise NoticeRefused("closed")
    moment = now()
    fields = {key: answers[key] for key in NOTICE_FIELDS
              if key in answers and answers[key] not in (None, "", [])}
    reference = next_reference(db.session, tenant_id=tenant_id, prefix=tenant.reference_prefix,
                               year=moment.astimezone(LONDON).year)
    notice = OutgoingNotice(
        reference=reference, case_id=case.id, sent_by_id=officer.id, sent_at=moment,
        to_la_code=to.code, to_name=to.name, channel="portal" if to.tenant else "email",
        to_address=to.email, direction=fields["direction"], urgent=urgent, answers=fields,
        reply_by=reply_by, send_token=send_token)
    db.session.add(notice)
    db.session.flush()
    record_activity("notice", case=case, reference=reference, notice_id=notice.id, step="sent",
                    to=to.code)
    audit.record("change", "notice.send", "case", case.id)
    audit.record("change", "notice.send", "notice", notice.id)
    if to.tenant is not None:
        from portal.notices import exchange

        exchange.deliver(notice, sender=tenant, sender_id=tenant_id, receiver=to.tenant,
                         officer_name=officer.display_name)
        record_step(notice, "delivered", their_reference=notice.receiver_reference)
    else:
        from portal.notices import links

        links.issue(notice, tenant=tenant)
        record_step(notice, "emailed")
    refresh_case_due(case, tenant)
    return notice


def record_step(notice: OutgoingNotice, step: str, *, actor: bool = True,
                **details) -> Activity:
    """A step of a notice on its case's timeline."""
    details = {"reference": notice.reference, "notice_id": notice.id, "step": step, **details}
    if actor:
        return record_activity("notice", case=_Ref(notice.case_id), **details)
    activity = Activity(at=now(), actor_id=None, kind="notice", case_id=notice.case_id,
                        details=details)
    db.session.add(activity)
    return activity


def refresh_case_due(case: Case, tenant: Tenant) -> None:
    from portal.casework.cases import refresh_next_due

    refresh_next_due(case, today(), tenant=tenant)


# --- what the sender's pages show ----------------------------------------------------------

def get_outgoing(notice_id: int) -> OutgoingNotice | None:
    return db.session.scalar(select(OutgoingNotice).where(OutgoingNotice.id == notice_id))


def notices_of_case(case_id: int) -> list[OutgoingNotice]:
    return list(db.session.scalars(select(OutgoingNotice).where(OutgoingNotice.case_id == case_id)
                                   .order_by(OutgoingNotice.sent_at.desc(),
                                             OutgoingNotice.id.desc())))


def sent_notices(limit: int = 200) -> list[OutgoingNotice]:
    """Sent notices, those waiting for a reply first (earliest reply-by date first)."""
    return list(db.session.scalars(
        select(OutgoingNotice)
        .order_by(OutgoingNotice.answered_at.is_not(None), OutgoingNotice.reply_by.is_(None),
                  OutgoingNotice.reply_by, OutgoingNotice.sent_at.desc(), OutgoingNotice.id)
        .limit(limit)))


def replies_of(notice: OutgoingNotice) -> list[NoticeReply]:
    return list(db.session.scalars(select(NoticeReply).where(NoticeReply.notice_id == notice.id)
                                   .order_by(NoticeReply.at, NoticeReply.id)))


def current_link(notice: OutgoingNotice) -> NoticeLink | None:
    return db.session.scalar(select(NoticeLink).where(NoticeLink.notice_id == notice.id)
                             .order_by(NoticeLink.id.desc()).limit(1))


@dataclass(frozen=True)
class Step:
    at: datetime
    step: str
    detail: str
    who: str


def steps_of(notice: OutgoingNotice) -> list[Step]:
    """What happened to a notice, oldest first: its activities on the case, and each opening
    of its link (from the audit trail)."""
    from portal.notices import ANSWER_LABELS, STEP_LABELS, label

    activities = [a for a in db.session.scalars(
        select(Activity).where(Activity.case_id == notice.case_id, Activity.kind == "notice")
        .order_by(Activity.at, Activity.id)) if (a.details or {}).get("notice_id") == notice.id]
    names = staff_names(a.actor_id for a in activities)
    steps = []
    for activity in activities:
        d = activity.details or {}
        detail = ""
        if d.get("step") == "answered":
            detail = label(ANSWER_LABELS, d.get("answer"))
        elif d.get("step") == "delivered":
            detail = d.get("their_reference") or ""
        elif d.get("by"):
            detail = d["by"]
        steps.append(Step(in_london(activity.at), d.get("step", ""),
                          label(STEP_LABELS, d.get("step")) + (f": {detail}" if detail else ""),
                          names.get(activity.actor_id, "")))
    for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == "notice", AuditEvent.object_id == notice.id,
            AuditEvent.what == "notice.opened_by_link").order_by(AuditEvent.at, AuditEvent.id)):
        steps.append(Step(in_london(event.at), "opened", label(STEP_LABELS, "opened"), ""))
    steps.sort(key=lambda s: s.at)
    return steps


def staff_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(StaffUser.id, StaffUser.display_name)
                                   .where(StaffUser.id.in_(ids))).all())


def reply_state(notice, on: date | None = None) -> str | None:
    """answered / overdue / due_today / due (None: no reply-by date)."""
    if notice.answered_at is not None:
        return "answered"
    if notice.reply_by is None:
        return None
    on = on or today()
    if notice.reply_by < on:
        return "overdue"
    return "due_today" if notice.reply_by == on else "due"


# --- steps coming back (run under the SENDER's scope) -------------------------------------

def record_acknowledgement(notice: OutgoingNotice, *, at: datetime, by: str,
                           tenant: Tenant) -> bool:
    """The receiver acknowledged the notice. False when it already had."""
    if notice.acknowledged_at is not None:
        return False
    notice.acknowledged_at = at
    notice.acknowledged_by = by[:200]
    record_step(notice, "acknowledged", actor=False, by=notice.acknowledged_by)
    _event("notice.acknowledged", notice)
    _close_waiting_case(notice, tenant)
    _tell_sender(notice, tenant, "acknowledged")
    return True


def _close_waiting_case(notice: OutgoingNotice, tenant: Tenant) -> None:
    """A case waiting for this acknowledgement ("located in another council") closes now."""
    from portal.casework.cases import complete_pending_outcome

    case = db.session.scalar(select(Case).where(Case.id == notice.case_id))
    if case is not None:
        complete_pending_outcome(case, tenant=tenant)


def record_reply(notice: OutgoingNotice, *, via: str, answer: str, school_name: str | None,
                 school_laestab: str | None, details: str | None, by_name: str | None,
                 tenant: Tenant) -> NoticeReply:
    """The receiver answered (found on roll at a school, EHE, not known, still looking). The
    first answer meets the reply-by date."""
    moment = now()
    if notice.acknowledged_at is None:
        record_acknowledgement(notice, at=moment, by=by_name or notice.to_name, tenant=tenant)
    reply = NoticeReply(notice_id=notice.id, at=moment, via=via, answer=answer,
                        school_name=(school_name or None), school_laestab=(school_laestab or None),
                        details=(details or None), by_name=(by_name or None))
    db.session.add(reply)
    notice.answer = answer
    notice.last_answer_at = moment
    if notice.answered_at is None:
        notice.answered_at = moment
    record_step(notice, "answered", actor=False, answer=answer)
    _event("notice.answered", notice)
    case = db.session.scalar(select(Case).where(Case.id == notice.case_id))
    if case is not None:
        refresh_case_due(case, tenant)
    _tell_sender(notice, tenant, "answered")
    return reply


def _event(what: str, notice: OutgoingNotice) -> None:
    """An audit row with no user: the change came from another council or from the link."""
    db.session.add(AuditEvent(at=now(), user_id=None, action="change", what=what,
                              object_type="notice", object_id=notice.id))


def _tell_sender(notice: OutgoingNotice, tenant: Tenant, what: str) -> None:
    """An email to the officer who sent the notice: its reference and a link, nothing else."""
    from portal.notices import wording
    from portal.outbox import is_sendable_address, queue_email

    if notice.sent_by_id is None:
        return
    email = db.session.scalar(select(StaffUser.email).where(StaffUser.id == notice.sent_by_id,
                                                            StaffUser.is_active.is_(True)))
    if not is_sendable_address(email):
        return
    base = current_app.config["PORTAL_SETTINGS"].portal_base_url.rstrip("/")
    link = f"{base}/{tenant.slug}/staff/notices/sent/{notice.id}"
    queue_email(to=email, kind="notice", template="notice_update", language="en",
                reference=notice.reference, tenant=tenant,
                context={"t": wording.update(tenant, notice=notice, what=what, link=link)})


# --- the receiver's side of a notice that arrived -----------------------------------------

def get_incoming(incoming_id: int) -> IncomingNotice | None:
    return db.session.scalar(select(IncomingNotice).where(IncomingNotice.id == incoming_id))


def incoming_for_submission(submission_id: int) -> IncomingNotice | None:
    return db.session.scalar(select(IncomingNotice)
                             .where(IncomingNotice.submission_id == submission_id))


def submission_of(incoming: IncomingNotice) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.id == incoming.submission_id))


def received_notices(limit: int = 200) -> list[tuple[IncomingNotice, Submission]]:
    """Notices from other councils, those not yet answered first."""
    return [(incoming, submission) for incoming, submission in db.session.execute(
        select(IncomingNotice, Submission).join(Submission,
                                                Submission.id == IncomingNotice.submission_id)
        .order_by(IncomingNotice.answered_at.is_not(None), IncomingNotice.reply_by.is_(None),
                  IncomingNotice.reply_by, Submission.received_at.desc(), IncomingNotice.id)
        .limit(limit))]


def acknowledge_incoming(incoming: IncomingNotice, submission: Submission,
                         tenant: Tenant) -> None:
    """Acknowledge as any submission is acknowledged; the sender hears of it at once."""
    from portal.casework.intake import acknowledge
    from portal.notices import exchange

    acknowledge(submission, tenant)
    exchange.relay_acknowledgement(incoming, submission)


def answer_incoming(incoming: IncomingNotice, submission: Submission, *, tenant: Tenant,
                    officer, answer: str, school_name: str | None, school_laestab: str | None,
                    details: str | None) -> None:
    """The receiving council answers (acknowledging first if it had not); the answer goes
    back onto the sender's notice."""
    from portal.notices import exchange

    if submission.acknowledged_at is None:
        acknowledge_incoming(incoming, submission, tenant)
    moment = now()
    incoming.answer = answer
    incoming.last_answer_at = moment
    if incoming.answered_at is None:
        incoming.answered_at = moment
    record_activity("notice", submission=submission, reference=submission.reference,
                    step="answered", answer=answer)
    if submission.case_id is not None:
        record_activity("notice", case=_Ref(submission.case_id), submission=submission,
                        reference=submission.reference, step="answered", answer=answer)
    audit.record("change", "notice.answer", "submission", submission.id)
    exchange.relay_answer(incoming, answer=answer, school_name=school_name,
                          school_laestab=school_laestab, details=details,
                          by_name=f"{officer.display_name}, {tenant.name.get('en')}")


class _Ref:
    """What record_activity needs of a case: its id."""

    def __init__(self, case_id: int):
        self.id = case_id


def new_send_token() -> str:
    return secrets.token_urlsafe(24)
