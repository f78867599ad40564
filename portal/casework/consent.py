"""The council's consent before a child is withdrawn from school to be educated at home.

A parent's EHE notification, or a school's deletion notice on the home education ground, about a
pupil at a special school in a place the council arranged, or (from the council's commencement
day for s.434A of the Education Act 1996) a child subject to s.47 enquiries or a child
protection plan, carries a **consent request** (portal.rules.consent says which): pending until
an officer of a role the council names (``[deletion.recorders] la_consent``) records the
council's decision, granted or refused, with its reasons; due ``[ehe] consent_decision_days``
calendar days after the notice was received, a council deadline on the inbox and the case.

One request per child: the notices of one case share it (the parent's notification and the
school's deletion notice about the same child), and a decision recorded on either answers both.
The decision is a ``DeletionRecord`` with condition ``la_consent``, the decision in ``party``
and the reasons in ``note``: never changed, only added to. Until it is granted the school's
"may the school delete?" panel cannot say yes (portal.casework.deletion); refused, the pupil
stays on roll. Each school that sent a deletion notice about the child is emailed the decision
(its notice's reference and the decision only, never the child or the reasons).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.casework import audit
from portal.casework.activity import record_activity
from portal.extensions import db
from portal.models.casework import Case, DeletionRecord
from portal.models.staff import StaffUser
from portal.models.submission import Submission
from portal.rules import consent as rules
from portal.tenant_config.schema import Tenant
from portal.i18n import Translated as _Translated

LONDON = ZoneInfo("Europe/London")




CONDITION = "la_consent"
#: The case deadline (portal.casework.deadlines.DATED_DEADLINES).
EVENT = "consent_decision"
LABEL = _Translated(_l("Decide whether the council consents to the child being educated at home"))
SOURCE = ("Education Act 1996 s.434A (Children's Wellbeing and Schools Act 2026 s.37); "
          "School Attendance (Pupil Registration) (England) Regulations 2024 reg 9(1)(f); "
          "Education (Pupil Registration) (Wales) Regulations 2010 reg 8(2)")
#: The longest reasons an officer may give.
REASONS_LIMIT = 5000


class ConsentRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _day(moment: datetime | date | None) -> date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(LONDON).date()
    return moment


@dataclass(frozen=True)
class ConsentRequest:
    """The consent request of one child's home education notice(s)."""

    reasons: tuple[str, ...]
    received_on: date
    due: date
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    #: The reference of the notice the decision was recorded on.
    decided_on_reference: str | None = None

    @property
    def pending(self) -> bool:
        return self.decision is None

    @property
    def granted(self) -> bool:
        return self.decision == rules.GRANTED

    @property
    def refused(self) -> bool:
        return self.decision == rules.REFUSED

    @property
    def decided_day(self) -> date | None:
        return _day(self.decided_at)

    @property
    def in_time(self) -> bool | None:
        """Whether the decision met its deadline (None while pending)."""
        return None if self.decided_day is None else self.decided_day <= self.due


def _reasons(submission: Submission, tenant: Tenant) -> tuple[str, ...]:
    return rules.consent_reasons(
        submission.form_slug, submission.answers or {}, nation=tenant.nation,
        received_on=_day(submission.received_at) or date.today(),
        s434a_commencement=tenant.ehe.consent_s434a_commencement)


def _same_child(submission: Submission) -> list[Submission]:
    """The notice and the other home education notices of its case."""
    if submission.case_id is None:
        return [submission]
    others = [s for s in db.session.scalars(select(Submission).where(
        Submission.case_id == submission.case_id, Submission.id != submission.id))
        if rules.is_home_education_notice(s.form_slug, s.answers or {})]
    return [submission, *others]


def request_for(submission: Submission, tenant: Tenant) -> ConsentRequest | None:
    """The consent request this notice is part of (None: no consent is needed)."""
    if not rules.is_home_education_notice(submission.form_slug, submission.answers or {}):
        return None
    notices = _same_child(submission)
    needing = [(s, _reasons(s, tenant)) for s in notices]
    needing = [(s, why) for s, why in needing if why]
    if not needing:
        return None
    reasons = tuple(dict.fromkeys(r for _s, why in needing for r in why))
    received = min(_day(s.received_at) for s, _why in needing)
    due = rules.decision_due(received, tenant.ehe.consent_decision_days)
    row = db.session.execute(
        select(DeletionRecord.party, DeletionRecord.recorded_at, DeletionRecord.note,
               StaffUser.display_name, Submission.reference)
        .join(StaffUser, StaffUser.id == DeletionRecord.recorded_by_id, isouter=True)
        .join(Submission, Submission.id == DeletionRecord.submission_id)
        .where(DeletionRecord.condition == CONDITION,
               DeletionRecord.submission_id.in_([s.id for s in notices]))
        .order_by(DeletionRecord.recorded_at, DeletionRecord.id).limit(1)).first()
    if row is None:
        return ConsentRequest(reasons, received, due)
    decision, at, note, name, reference = row
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return ConsentRequest(reasons, received, due, decision, name, at, note, reference)


def may_decide(user, tenant: Tenant) -> bool:
    return getattr(user, "role", None) in tenant.deletion.roles_for(CONDITION)


def decide(submission: Submission, tenant: Tenant, *, decision: str, reasons: str,
           user) -> DeletionRecord:
    """Record the council's decision (its own audited action), tell each school that sent a
    deletion notice about the child, and move the deadlines on. Refused when no consent is
    needed, a decision is recorded already, or the officer's role may not record it."""
    request = request_for(submission, tenant)
    if request is None:
        raise ConsentRefused("not_needed")
    if not request.pending:
        raise ConsentRefused("already")
    if not may_decide(user, tenant):
        raise ConsentRefused("role")
    text = (reasons or "").strip()
    if decision not in rules.DECISIONS or not text or len(text) > REASONS_LIMIT:
        raise ConsentRefused("invalid")
    row = DeletionRecord(submission_id=submission.id, condition=CONDITION, party=decision,
                         recorded_at=current_app.config["CLOCK"](), recorded_by_id=user.id,
                         note=text)
    db.session.add(row)
    db.session.flush()
    case = db.session.scalar(select(Case).where(Case.id == submission.case_id)) \
        if submission.case_id else None
    record_activity("consent", case=case, submission=submission, reference=submission.reference,
                    decision=decision)
    audit.record("change", f"consent.{decision}", "submission", submission.id)
    _tell_the_schools(submission, tenant, granted=decision == rules.GRANTED)
    _refresh(submission, tenant, case)
    return row


def _tell_the_schools(submission: Submission, tenant: Tenant, *, granted: bool) -> None:
    from portal.outbox import queue_consent_decision

    for notice in _same_child(submission):
        if notice.form_slug == rules.EHE_FORM or not (notice.answers or {}).get("deletion_ground"):
            continue  # a parent's notification: the parent is written to, not emailed here
        queue_consent_decision(tenant=tenant, to=notice.sender_email or "",
                               reference=notice.reference, granted=granted)


def schools_told(submission: Submission) -> list[str]:
    """The references of the school notices that the decision is emailed about."""
    return [s.reference for s in _same_child(submission)
            if s.form_slug != rules.EHE_FORM and (s.answers or {}).get("deletion_ground")
            and s.sender_email]


def _refresh(submission: Submission, tenant: Tenant, case: Case | None) -> None:
    from portal.casework.intake import refresh_submission_due

    if case is not None:
        from portal.casework.cases import refresh_next_due, today

        refresh_next_due(case, today(), tenant=tenant)
    else:
        refresh_submission_due(submission, tenant)


def pending_due(submission: Submission, tenant: Tenant) -> date | None:
    """The decision's deadline while it is pending (the inbox sorts by it), else None."""
    if not rules.is_home_education_notice(submission.form_slug, submission.answers or {}):
        return None
    request = request_for(submission, tenant)
    return request.due if request is not None and request.pending else None


def consent_events(case) -> dict[str, date]:
    """A pending consent request's deadline on an open case, for portal.casework.deadlines."""
    case_id = getattr(case, "id", None)
    if case_id is None or not has_app_context():
        return {}
    tenant = _tenant_of(case)
    if tenant is None:
        return {}
    notices = [s for s in db.session.scalars(select(Submission).where(Submission.case_id == case_id))
               if rules.is_home_education_notice(s.form_slug, s.answers or {})]
    if not notices:
        return {}
    request = request_for(notices[0], tenant)
    return {EVENT: request.due} if request is not None and request.pending else {}


def _tenant_of(case) -> Tenant | None:
    """The case's council: the request's, else the one whose database id the case has."""
    from flask import g

    from portal.tenancy import tenant_id_for, tenants

    tenant = g.get("tenant")
    if tenant is not None:
        return tenant
    return next((t for t in tenants().values()
                 if tenant_id_for(t.slug) == getattr(case, "tenant_id", None)), None)


def register() -> None:
    from portal.casework import deadlines

    deadlines.DATED_DEADLINES[EVENT] = (LABEL, SOURCE, None)
    if consent_events not in deadlines.CASE_EVENT_SOURCES:
        deadlines.CASE_EVENT_SOURCES.append(consent_events)
