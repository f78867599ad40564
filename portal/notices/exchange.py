"""The one module that writes across two councils: a notice between two councils on the portal.

Three movements, each inside the transaction of the request that caused it:

- `deliver`: the sender's notice becomes a submission (form "cross-border-notice") in the
  receiving council, routed by the receiver's own rules, with an `IncomingNotice` that links it
  back to the sender's notice by id. Only the notice's own fields travel (service.NOTICE_FIELDS).
- `relay_acknowledgement`: the receiver acknowledged the submission; the sender's notice and
  case record it. Acknowledging from the ordinary submission page relays too: a session hook
  (`install_acknowledgement_relay`) notices an incoming notice's acknowledgement in a flush and
  relays it before the commit.
- `relay_answer`: the receiver's answer, onto the sender's notice and case.

Rules kept here, and only here:
- the other council is named explicitly with `tenant_scope(other_id)`, and everything pending
  is flushed before a scope is entered and before it is left, so that the tenancy hook stamps
  each new row with the council it belongs to (and refuses a row for another);
- nothing of the sender's case but the notice's own fields is ever read for the receiver, and
  nothing of the receiver's records but the step (when, by whom, the answer) for the sender;
- no row made in the other council names this request's officer (no actor, no audit user: they
  are not that council's staff).
"""
from __future__ import annotations

import secrets

from flask import has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models.casework import Activity
from portal.models.notice import IncomingNotice, OutgoingNotice
from portal.models.staff import StaffUser
from portal.models.submission import Submission
from portal.notices import FORM_SLUG
from portal.tenancy import tenant_id_for, tenant_scope

_PENDING_ACKS = "portal.notices.pending_acknowledgements"


def deliver(notice: OutgoingNotice, *, sender, sender_id: int, receiver,
            officer_name: str) -> None:
    """Put the notice in the receiving council's inbox. Called in the sender's transaction,
    after the notice is flushed; the caller commits both councils' rows together."""
    from portal import outbox
    from portal.casework.intake import on_filed
    from portal.notices.service import LONDON, NOTICE_FIELDS, definition_for, now
    from portal.rules.deletion_grounds import ruleset_for
    from portal.submissions.references import next_reference
    from portal.submissions.store import routing_flags

    receiver_id = tenant_id_for(receiver.slug)
    if receiver_id is None:
        raise LookupError(f"council {receiver.slug!r} is not in the database")
    # Everything read from the sender's notice is read here, before the other council's scope:
    # only the notice's own fields travel.
    fields = {key: value for key, value in notice.answers.items() if key in NOTICE_FIELDS}
    reference_of_sender, notice_id = notice.reference, notice.id
    reply_by, urgent = notice.reply_by, notice.urgent
    moment = now()
    local = moment.astimezone(LONDON)
    sender_name = sender.name.get("en")
    db.session.flush()
    with tenant_scope(receiver_id):
        definition = definition_for(receiver.slug)
        flags = routing_flags(definition, fields, urgent) if definition else ()
        route = receiver.route(FORM_SLUG, laestab=fields.get("school_laestab"),
                               postcode=fields.get("postcode"), flags=flags)
        submission = Submission(
            tenant_id=receiver_id,
            reference=next_reference(db.session, tenant_id=receiver_id,
                                     prefix=receiver.reference_prefix, year=local.year),
            submission_token=secrets.token_hex(16), form_slug=FORM_SLUG, received_at=moment,
            urgent=urgent, language=receiver.languages[0], answers=fields,
            rules_version=ruleset_for(receiver.nation, local.date()).key,
            child_first_name=fields.get("child_first_name"),
            child_last_name=fields.get("child_last_name"),
            child_dob=_day(fields.get("child_dob")), upn=fields.get("upn"),
            postcode=fields.get("postcode"), school_laestab=fields.get("school_laestab"),
            sender_name=f"{officer_name}, {sender_name}"[:200],
            # No address here: the sender hears of each step in their own back-office.
            sender_email=None,
            team_key=route.team.key, officer=route.officer,
            routing_reason=route.reason.get("en")[:300])
        db.session.add(submission)
        on_filed(submission, receiver)
        for row in db.session.new:  # the "received" step: nobody of this council did it
            if isinstance(row, Activity):
                row.actor_id = None
        incoming = IncomingNotice(tenant_id=receiver_id, submission_id=submission.id,
                                  from_tenant_id=sender_id, from_notice_id=notice_id,
                                  from_name=sender_name, from_reference=reference_of_sender,
                                  reply_by=reply_by, created_at=moment)
        db.session.add(incoming)
        form_title = definition.title.get(receiver.languages[0]) if definition else None
        outbox.queue_team_notification(tenant=receiver, team=route.team,
                                       reference=submission.reference, urgent=urgent,
                                       form_title=form_title)
        if urgent:
            outbox.queue_urgent_alert(tenant=receiver, reference=submission.reference)
        db.session.flush()
        receiver_reference, incoming_id = submission.reference, incoming.id
    notice.receiver_tenant_id = receiver_id
    notice.receiver_reference = receiver_reference
    notice.receiver_notice_id = incoming_id


def _day(value):
    from datetime import date

    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _sender_notice(notice_id: int) -> OutgoingNotice | None:
    """In the sender's scope (the caller has entered it): the notice an incoming one came from."""
    return db.session.scalar(select(OutgoingNotice).where(OutgoingNotice.id == notice_id))


def relay_acknowledgement(incoming: IncomingNotice, submission: Submission) -> None:
    """Tell the sender that the receiver acknowledged the notice (when, and which council and
    officer). Called in the receiver's scope; does nothing if the sender already knows."""
    from portal.notices.service import record_acknowledgement, tenant_by_id

    if submission.acknowledged_at is None:
        return
    receiver = tenant_by_id(submission.tenant_id)
    officer = db.session.scalar(select(StaffUser.display_name).where(
        StaffUser.id == submission.acknowledged_by_id)) if submission.acknowledged_by_id else None
    council = receiver.name.get("en") if receiver else ""
    by = f"{officer}, {council}" if officer else council
    at, from_tenant_id = submission.acknowledged_at, incoming.from_tenant_id
    notice_id = incoming.from_notice_id
    sender = tenant_by_id(from_tenant_id)
    if sender is None:
        return
    db.session.flush()
    with tenant_scope(from_tenant_id):
        notice = _sender_notice(notice_id)
        if notice is not None:
            record_acknowledgement(notice, at=at, by=by, tenant=sender)
        db.session.flush()


def relay_answer(incoming: IncomingNotice, *, answer: str, school_name: str | None,
                 school_laestab: str | None, details: str | None, by_name: str) -> None:
    """Put the receiver's answer on the sender's notice and case. Called in the receiver's
    scope, in the transaction that records the answer there."""
    from portal.notices.service import record_reply, tenant_by_id

    from_tenant_id, notice_id = incoming.from_tenant_id, incoming.from_notice_id
    sender = tenant_by_id(from_tenant_id)
    if sender is None:
        return
    db.session.flush()
    with tenant_scope(from_tenant_id):
        notice = _sender_notice(notice_id)
        if notice is not None:
            record_reply(notice, via="portal", answer=answer, school_name=school_name,
                         school_laestab=school_laestab, details=details, by_name=by_name,
                         tenant=sender)
        db.session.flush()


# --- the acknowledgement relay for the ordinary submission page -----------------------------

def install_acknowledgement_relay() -> None:
    """Once per process. An incoming notice acknowledged anywhere (the submission page, the
    notice page) is relayed to its sender in the same transaction: noted when its flush writes
    `acknowledged_at`, relayed just before the commit."""
    if getattr(install_acknowledgement_relay, "_installed", False):
        return

    def _acknowledged(session: Session) -> list[Submission]:
        return [row for row in session.dirty
                if isinstance(row, Submission) and row.form_slug == FORM_SLUG
                and row.acknowledged_at is not None
                and inspect(row).attrs.acknowledged_at.history.added]

    @event.listens_for(Session, "after_flush")
    def _note(session: Session, _context) -> None:
        for row in _acknowledged(session):
            session.info.setdefault(_PENDING_ACKS, set()).add((row.tenant_id, row.id))

    @event.listens_for(Session, "before_commit")
    def _relay(session: Session) -> None:
        if not has_app_context() or session is not db.session():
            return
        if _acknowledged(session):
            session.flush()  # the commit's own flush, a moment early: it notes the rows above
        pending = session.info.pop(_PENDING_ACKS, None)
        if not pending:
            return
        for tenant_id, submission_id in sorted(pending):
            with tenant_scope(tenant_id):
                incoming = db.session.scalar(select(IncomingNotice).where(
                    IncomingNotice.submission_id == submission_id))
                submission = db.session.scalar(select(Submission).where(
                    Submission.id == submission_id))
                if incoming is not None and submission is not None:
                    relay_acknowledgement(incoming, submission)
                db.session.flush()

    @event.listens_for(Session, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(_PENDING_ACKS, None)

    install_acknowledgement_relay._installed = True  # type: ignore[attr-defined]


__all__ = ["deliver", "relay_acknowledgement", "relay_answer", "install_acknowledgement_relay"]
