"""A submission's way into the back-office: filed (name keys, first deadline), acknowledged,
allocated, and opened as a case or joined to one.

Each action is one call that records who and when (an Activity for the timeline, an
AuditEvent for the audit trail) and leaves the commit to the caller, so an action is stored
whole or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from portal.casework import audit
from portal.casework.activity import record_activity
from portal.casework.cme_definition import note_missing_since
from portal.extensions import db
from portal.models.casework import Case
from portal.models.staff import StaffUser
from portal.models.submission import Submission
from portal.tenant_config import Tenant

LONDON = ZoneInfo("Europe/London")

NEW, ACKNOWLEDGED, CLOSED = "new", "acknowledged", "closed"


class ActionRefused(Exception):
    """The action cannot be taken (already done, closed, unknown team or officer)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def local_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        from datetime import timezone

        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON).date()


def _now() -> datetime:
    return current_app.config["CLOCK"]()


def _today() -> date:
    return local_day(_now())


def _deadline(kind: str, tenant: Tenant, received: date) -> date | None:
    """The acknowledge-by or allocate-by date, when the council's thresholds set one."""
    try:
        from portal.casework import deadlines
    except ImportError:  # pragma: no cover - being built
        return None
    function = deadlines.acknowledge_by if kind == "acknowledge" else deadlines.allocate_by
    try:
        return function(tenant, received)
    except (KeyError, LookupError, ValueError):
        return None


def on_filed_many(submissions: list[Submission], tenant: Tenant) -> None:
    """on_filed for many submissions filed together (a school's return): the same names index,
    first deadline and timeline row for each, with one flush for all of them."""
    from portal.casework.names import index_new_submissions_names

    db.session.flush()
    index_new_submissions_names(submissions)
    from portal.casework.school_deadlines import refresh_submission

    today = _today()
    for submission in submissions:
        submission.due_on = _deadline("acknowledge", tenant, local_day(submission.received_at))
        refresh_submission(submission, tenant, today, fresh=True)
        record_activity("submission", submission=submission, reference=submission.reference,
                        form=submission.form_slug)


def on_filed(submission: Submission, tenant: Tenant) -> None:
    """Called in the filing transaction: index the child's names for search, set the first
    deadline (to acknowledge it) and start its timeline."""
    db.session.flush()
    try:
        from portal.casework.names import index_submission_names
    except ImportError:  # pragma: no cover - being built
        index_submission_names = None
    if index_submission_names is not None:
        index_submission_names(submission)
    submission.due_on = _deadline("acknowledge", tenant, local_day(submission.received_at))
    from portal.casework.school_deadlines import refresh_submission

    refresh_submission(submission, tenant, _today(), fresh=True)
    record_activity("submission", submission=submission, reference=submission.reference,
                    form=submission.form_slug)


def refresh_submission_due(submission: Submission, tenant: Tenant,
                           case: Case | None = None) -> None:
    """The deadline the inbox sorts a submission by: to acknowledge it, then to give it to an
    officer, then its case's next deadline. Kept on the submission itself so that the inbox
    is one indexed read with no join (bench/backoffice_scale.py)."""
    received = local_day(submission.received_at)
    if submission.status == CLOSED:
        submission.due_on = None
    elif submission.acknowledged_at is None:
        submission.due_on = _deadline("acknowledge", tenant, received)
    elif submission.officer_id is None:
        submission.due_on = _deadline("allocate", tenant, received)
    else:
        case = case if case is not None else _case_of(submission)
        submission.due_on = case.next_due_on if case is not None else None
    if submission.status != CLOSED:
        # A pending consent decision (home education) is a council deadline too.
        from portal.casework.consent import pending_due

        consent_due = pending_due(submission, tenant)
        if consent_due is not None and (submission.due_on is None or consent_due < submission.due_on):
            submission.due_on = consent_due


# --- lookups (scoped to the council by the tenancy hook) -----------------------------------

def get_submission(submission_id: int) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.id == submission_id))


def get_case(case_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.id == case_id))


def staff_of_council(active_only: bool = True) -> list[StaffUser]:
    query = select(StaffUser).order_by(StaffUser.display_name, StaffUser.id)
    if active_only:
        query = query.where(StaffUser.is_active.is_(True))
    return list(db.session.scalars(query))


def officer_or_none(officer_id: int | None) -> StaffUser | None:
    if officer_id is None:
        return None
    return db.session.scalar(select(StaffUser).where(StaffUser.id == officer_id,
                                                     StaffUser.is_active.is_(True)))


# --- acknowledge ---------------------------------------------------------------------------

@dataclass(frozen=True)
class DeletionNote:
    earliest: date
    gated: bool  # True when the council's policy waits for this acknowledgement


def deletion_note(submission: Submission, tenant: Tenant, today: date) -> DeletionNote | None:
    """For a deletion notice: the first day the school may delete the pupil's name, now that
    the council has acknowledged it (never before today: a deletion is never backdated)."""
    from portal.rules.deletion_readiness import CME_ACKNOWLEDGEMENT
    from portal.submissions.store import readiness_for

    if not (submission.answers or {}).get("deletion_ground"):
        return None
    definition = current_app.extensions["portal.forms"].get((tenant.slug, submission.form_slug))
    if definition is None:
        return None
    readiness = readiness_for(definition, submission.answers, tenant, today)
    if readiness is None or readiness.earliest is None:
        return None
    return DeletionNote(earliest=max(readiness.earliest, today),
                        gated=CME_ACKNOWLEDGEMENT in readiness.conditions)


def acknowledge(submission: Submission, tenant: Tenant) -> DeletionNote | None:
    """Record the acknowledgement, email the sender (through the outbox) and move the
    deadline on to allocation. Refused if already acknowledged."""
    if submission.acknowledged_at is not None:
        raise ActionRefused("already_acknowledged")
    now = _now()
    today = local_day(now)
    submission.acknowledged_at = now
    submission.acknowledged_by_id = current_user.id
    if submission.status == NEW:
        submission.status = ACKNOWLEDGED
    refresh_submission_due(submission, tenant)
    note = deletion_note(submission, tenant, today)
    emailed = False
    if submission.sender_email:
        from portal.casework.deletion import panel_for
        from portal.outbox import queue_case_acknowledgement

        # Acknowledging grants nothing: the email gives the earliest lawful date and what the
        # council's policy still needs (portal.casework.deletion).
        emailed = queue_case_acknowledgement(
            tenant=tenant, submission=submission, deletion=note,
            panel=panel_for(submission, tenant, today=today)) is not None
    # One row, on the submission and (if it has one) its case: each timeline shows it once.
    record_activity("acknowledged", case=_case_of(submission), submission=submission,
                    reference=submission.reference, emailed=emailed,
                    deletion_from=note.earliest.isoformat() if note else None)
    audit.record("change", "submission.acknowledge", "submission", submission.id)
    return note


def _case_of(submission: Submission) -> Case | None:
    return get_case(submission.case_id) if submission.case_id else None


# --- allocate ------------------------------------------------------------------------------

def allocate(submission: Submission, tenant: Tenant, *, team_key: str,
             officer: StaffUser | None) -> None:
    """Give the submission (and its case, if it has one) to a team and, optionally, an
    officer. Reallocation is the same action; each is kept in the timeline."""
    if submission.status == CLOSED:
        raise ActionRefused("closed")
    if team_key not in {team.key for team in tenant.teams}:
        raise ActionRefused("unknown_team")
    before = {"team": submission.team_key, "officer_id": submission.officer_id}
    if before == {"team": team_key, "officer_id": officer.id if officer else None}:
        raise ActionRefused("unchanged")
    submission.team_key = team_key
    submission.officer_id = officer.id if officer else None
    submission.allocated_at = _now()
    refresh_submission_due(submission, tenant)
    details = {"team": team_key, "officer": officer.display_name if officer else None,
               "from_team": before["team"], "reallocated": before["officer_id"] is not None
               or before["team"] != team_key}
    case = _case_of(submission)
    if case is not None and case.status == "open":
        case.team_key = team_key
        case.officer_id = submission.officer_id
        audit.record("change", "case.allocate", "case", case.id)
    record_activity("allocated", case=case, submission=submission,
                    reference=submission.reference, **details)
    audit.record("change", "submission.allocate", "submission", submission.id)


# --- cases ---------------------------------------------------------------------------------

def open_case(submission: Submission) -> Case:
    """A new case for the child this submission is about."""
    if submission.case_id is not None:
        raise ActionRefused("already_in_case")
    case = Case(status="open", opened_at=_now(), opened_by_id=current_user.id,
                child_first_name=submission.child_first_name,
                child_last_name=submission.child_last_name, child_dob=submission.child_dob,
                upn=submission.upn, postcode=submission.postcode, urgent=submission.urgent,
                team_key=submission.team_key, officer_id=submission.officer_id)
    note_missing_since(case, submission.answers, today=local_day(case.opened_at), fresh=True)
    case.opened_from_form = submission.form_slug
    note_child_facts(case, submission)
    db.session.add(case)
    db.session.flush()
    submission.case_id = case.id
    record_activity("case_opened", case=case, submission=submission,
                    reference=submission.reference)
    audit.record("change", "case.open", "case", case.id)
    audit.record("change", "submission.case", "submission", submission.id)
    _refresh_case_due(case)
    return case


def join_case(submission: Submission, case: Case) -> None:
    """File this submission on an existing case of the same child. A closed case is
    reopened: something new has been heard about the child."""
    if submission.case_id is not None:
        raise ActionRefused("already_in_case")
    submission.case_id = case.id
    note_child_facts(case, submission)
    if submission.urgent:
        case.urgent = True
    if case.status == "closed":
        case.status = "open"
        case.outcome_key = None
        case.closed_at = None
        case.closed_by_id = None
        note_missing_since(case, submission.answers, today=_today(), fresh=True)
        record_activity("reopened", case=case, reference=submission.reference)
    else:
        note_missing_since(case, submission.answers, today=_today())
    record_activity("joined", case=case, submission=submission, reference=submission.reference)
    audit.record("change", "case.join", "case", case.id)
    audit.record("change", "submission.case", "submission", submission.id)
    _refresh_case_due(case)


def note_child_facts(case: Case, submission: Submission) -> None:
    """What the DfE's return reads from the forms, kept on the case so the return is a few
    grouped queries: the child's sex (the first form that gives it). Since when the child has
    been missing is kept by portal.casework.cme_definition.note_missing_since."""
    answers = submission.answers or {}
    if case.child_sex is None and answers.get("sex") in ("female", "male"):
        case.child_sex = answers["sex"]


def _refresh_case_due(case: Case) -> None:
    try:
        from portal.casework.cases import refresh_next_due
    except ImportError:  # pragma: no cover - being built
        return
    refresh_next_due(case, _today())
