"""A case's work: notes, enquiries, its stage, its outcome (closing it), reopening it, its
details for the DfE return, its next deadline, and what the case page shows of it (the
timeline and the checklist).

Every change records an Activity (the timeline) and an AuditEvent (the audit trail) and
leaves the commit to the caller, so an action is stored whole or not at all. Every query goes
through the council scoping of portal.tenancy.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select

from portal.casework import audit, lost
from portal.casework.activity import record_activity
from portal.extensions import db
from portal.i18n import current_language
from portal.models.casework import Activity, AuditEvent, Case, Enquiry
from portal.models.outbox import OutboxMessage
from portal.models.staff import StaffUser
from portal.models.submission import Submission
from portal.tenant_config import Tenant

LONDON = ZoneInfo("Europe/London")

OPEN, CLOSED = "open", "closed"
#: The longest note, enquiry result and reopening reason an officer may write.
TEXT_LIMIT = 2000


class CaseRefused(Exception):
    """The action cannot be taken on this case (closed, unknown key, unchanged ...)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- time ---------------------------------------------------------------------------------

def now() -> datetime:
    return current_app.config["CLOCK"]()


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: every time we store is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def in_london(moment: datetime | None) -> datetime | None:
    moment = aware(moment)
    return moment.astimezone(LONDON) if moment is not None else None


def today() -> date:
    """The council's today (the portal serves councils in England and Wales)."""
    return now().astimezone(LONDON).date()


def _tenant(tenant: Tenant | None) -> Tenant:
    if tenant is not None:
        return tenant
    from portal.tenancy import current_tenant

    return current_tenant._get_current_object()  # type: ignore[attr-defined]


# --- lookups ------------------------------------------------------------------------------

def get_case(case_id: int) -> Case | None:
    """A case of the current council, or None. A select (never `session.get`), so that the
    council scoping applies: another council's case is simply not found."""
    return db.session.scalar(select(Case).where(Case.id == case_id))


def submissions_of(case: Case) -> list[Submission]:
    return list(db.session.scalars(select(Submission).where(Submission.case_id == case.id)
                                   .order_by(Submission.received_at, Submission.id)))


def enquiries_of(case: Case) -> list[Enquiry]:
    return list(db.session.scalars(select(Enquiry).where(Enquiry.case_id == case.id)
                                   .order_by(Enquiry.made_on, Enquiry.id)))


def staff_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(StaffUser.id, StaffUser.display_name)
                                   .where(StaffUser.id.in_(ids))).all())


def _user_id() -> int | None:
    try:
        return current_user.id if current_user.is_authenticated else None
    except Exception:  # outside a request: no user
        return None


def _require_open(case: Case) -> None:
    if case.status != OPEN:
        raise CaseRefused("closed")


def _clean(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise CaseRefused("empty")
    if len(text) > TEXT_LIMIT:
        raise CaseRefused("too_long")
    return text


# --- changes ------------------------------------------------------------------------------

def add_note(case: Case, text: str) -> Activity:
    _require_open(case)
    activity = record_activity("note", case=case, text=_clean(text))
    audit.record("change", "case.note", "case", case.id)
    return activity


def add_enquiry(case: Case, checklist_key: str | None, made_on: date, result: str,
                located: bool, *, tenant: Tenant | None = None) -> Enquiry:
    """An enquiry of the council's checklist (or another one, `checklist_key` None). One that
    found the child also records that the council knows where the child is."""
    tenant = _tenant(tenant)
    _require_open(case)
    if checklist_key is not None and checklist_key not in {i.key for i in tenant.checklist}:
        raise CaseRefused("unknown_checklist_item")
    if made_on > today():
        raise CaseRefused("future_date")
    enquiry = Enquiry(case_id=case.id, checklist_key=checklist_key, made_on=made_on,
                      result=_clean(result), located=bool(located), made_by_id=_user_id())
    db.session.add(enquiry)
    db.session.flush()
    if located:
        case.whereabouts_known = True
    lost.rechecked(case, tenant, made_on)
    record_activity("enquiry", case=case, enquiry_id=enquiry.id, checklist_key=checklist_key,
                    made_on=made_on.isoformat(), located=bool(located))
    audit.record("change", "case.enquiry", "case", case.id)
    refresh_next_due(case, today(), tenant=tenant)
    return enquiry


def set_stage(case: Case, stage_key: str, *, tenant: Tenant | None = None) -> None:
    tenant = _tenant(tenant)
    _require_open(case)
    if stage_key not in {stage.key for stage in tenant.workflow.stages}:
        raise CaseRefused("unknown_stage")
    if stage_key == case.stage_key:
        raise CaseRefused("unchanged")
    before = case.stage_key
    case.stage_key = stage_key
    record_activity("stage", case=case, stage=stage_key, before=before)
    audit.record("change", "case.stage", "case", case.id)
    refresh_next_due(case, today(), tenant=tenant)


def outcome_of(tenant: Tenant, key: str | None):
    return next((o for o in tenant.workflow.outcomes if o.key == key), None)


def close_case(case: Case, outcome_key: str, *, tenant: Tenant | None = None) -> bool:
    """Record one of the council's outcomes. An outcome that closes the case (most do) closes
    it and its submissions; one that does not (e.g. an order issued) is recorded on the open
    case. "Lost, posted to S2S" is a status of the open case and sets its re-check; a lost
    child's case closes only with an outcome that locates the child; "located in another
    council" waits for that council's acknowledgement (portal.casework.lost). Returns whether
    the case is now closed."""
    tenant = _tenant(tenant)
    _require_open(case)
    outcome = outcome_of(tenant, outcome_key)
    if outcome is None:
        raise CaseRefused("unknown_outcome")
    if outcome.closes_case and case.lost_on is not None and not lost.locates(tenant, outcome):
        raise CaseRefused("lost_needs_located")
    if outcome.closes_case and outcome.until_acknowledged and not lost.other_council_acknowledged(case):
        case.pending_outcome_key = outcome.key
        record_activity("outcome", case=case, outcome=outcome.key, closed=False, pending=True)
        audit.record("change", "case.outcome", "case", case.id)
        refresh_next_due(case, today(), tenant=tenant)
        return False
    case.outcome_key = outcome.key
    if lost.is_lost_outcome(outcome):
        lost.mark_lost(case, outcome, today())
        if case.whereabouts_known is not False:
            case.whereabouts_known = False
            record_activity("details", case=case, reason_code=case.reason_code,
                            whereabouts_known=False)
    if outcome.closes_case:
        _close(case, _user_id())
    record_activity("outcome", case=case, outcome=outcome.key, closed=outcome.closes_case,
                    **({"lost": True} if lost.is_lost_outcome(outcome) else {}))
    audit.record("change", "case.outcome", "case", case.id)
    from portal.casework.feedback import tell_senders

    tell_senders(case, submissions_of(case), tenant, outcome.key, now())
    refresh_next_due(case, today(), tenant=tenant)  # closed: the school's steps close too
    return outcome.closes_case


def _close(case: Case, closed_by_id: int | None) -> None:
    case.status = CLOSED
    case.closed_at = now()
    case.closed_by_id = closed_by_id
    case.next_due_on = None
    lost.clear(case)
    for submission in submissions_of(case):
        if submission.status != CLOSED:
            submission.status = CLOSED
            submission.due_on = None
            audit.record("change", "submission.close", "submission", submission.id)


def complete_pending_outcome(case: Case, *, tenant: Tenant) -> bool:
    """The other council acknowledged the notice: close the case with the outcome waiting for
    it. No officer of this council acted, so none is named. Returns whether it closed."""
    if case.status != OPEN or not case.pending_outcome_key:
        return False
    outcome = outcome_of(tenant, case.pending_outcome_key)
    if outcome is None:
        return False
    case.outcome_key = outcome.key
    _close(case, None)
    refresh_next_due(case, today(), tenant=tenant)
    db.session.add(Activity(at=now(), actor_id=None, kind="outcome", case_id=case.id,
                            details={"outcome": outcome.key, "closed": True,
                                     "acknowledged": True}))
    return True


def reopen(case: Case, reason_text: str, *, tenant: Tenant | None = None) -> None:
    """Reopen a closed case, saying why. The outcome it had stays in the timeline."""
    if case.status != CLOSED:
        raise CaseRefused("open")
    reason = _clean(reason_text)
    previous = case.outcome_key
    case.status = OPEN
    case.outcome_key = None
    case.closed_at = None
    case.closed_by_id = None
    case.missing_since = today()  # a new spell out of education starts now
    lost.clear(case)
    record_activity("reopened", case=case, reason=reason, outcome=previous)
    audit.record("change", "case.reopen", "case", case.id)
    refresh_next_due(case, today(), tenant=tenant)


def set_details(case: Case, reason_code: str | None, whereabouts_known: bool | None, *,
                tenant: Tenant | None = None) -> None:
    """The DfE reason code and whether the council knows where the child is (None: not
    recorded), for the termly return."""
    _require_open(case)
    reason_code = (reason_code or "").strip().lower() or None
    if reason_code is not None and len(reason_code) > 64:
        raise CaseRefused("too_long")
    if (reason_code, whereabouts_known) == (case.reason_code, case.whereabouts_known):
        raise CaseRefused("unchanged")
    case.reason_code = reason_code
    case.whereabouts_known = whereabouts_known
    record_activity("details", case=case, reason_code=reason_code,
                    whereabouts_known=whereabouts_known)
    audit.record("change", "case.details", "case", case.id)
    refresh_next_due(case, today(), tenant=tenant)


def refresh_next_due(case: Case, today: date, *, tenant: Tenant | None = None) -> date | None:
    """Keep `next_due_on` (the sort key of the lists) at the case's earliest council deadline
    not yet met; None once the case is closed. The school's own deadlines on the case are
    kept with it (portal.casework.school_deadlines)."""
    from portal.casework import deadlines, school_deadlines

    tenant = _tenant(tenant)
    db.session.flush()
    submissions = submissions_of(case)
    enquiries = enquiries_of(case)
    school_deadlines.refresh_case(case, tenant, today, submissions, enquiries)
    if case.status == CLOSED:
        case.next_due_on = None
        return None
    events = deadlines.case_events(case, submissions, enquiries)
    case.next_due_on = deadlines.next_due(tenant, events, today)
    from portal.casework.intake import refresh_submission_due

    for submission in submissions:  # the inbox sorts on the submissions' own column
        refresh_submission_due(submission, tenant, case=case)
    return case.next_due_on


# --- what the case page shows ------------------------------------------------------------

def deadlines_of(case: Case, submissions: list[Submission], enquiries: list[Enquiry],
                 today: date, *, tenant: Tenant | None = None) -> tuple[list, list]:
    """The council's deadlines on an open case, and (for information) the school's and the
    family's. A closed case has none."""
    if case.status == CLOSED:
        return [], []
    from portal.casework import deadlines

    tenant = _tenant(tenant)
    events = deadlines.case_events(case, submissions, enquiries)
    return (deadlines.deadlines_for(tenant, events, today, owners=("council",)),
            deadlines.deadlines_for(tenant, events, today, owners=("family",)))


def school_deadlines_of(case: Case, submissions: list[Submission], enquiries: list[Enquiry],
                        today: date, *, tenant: Tenant | None = None) -> list:
    """The deadlines the school owns on the case: met, late, due, not received or closed
    (portal.casework.school_deadlines), shown whether or not the case is open."""
    from portal.casework import school_deadlines

    return school_deadlines.for_case(_tenant(tenant), case, submissions, enquiries, today)


def label(text, language: str | None = None) -> str:
    """A council's text (LocalText) in the page's language."""
    if text is None:
        return ""
    return text.get(language or current_language())


def stage_label(tenant: Tenant, key: str | None) -> str:
    stage = next((s for s in tenant.workflow.stages if s.key == key), None)
    return label(stage.label) if stage else (key or "")


def outcome_label(tenant: Tenant, key: str | None) -> str:
    outcome = outcome_of(tenant, key)
    return label(outcome.label) if outcome else (key or "")


def team_name(tenant: Tenant, key: str | None) -> str:
    if not key:
        return ""
    try:
        return label(tenant.team(key).name)
    except KeyError:
        return key


def checklist_label(tenant: Tenant, key: str | None) -> str:
    item = next((i for i in tenant.checklist if i.key == key), None) if key else None
    return label(item.label) if item else _("Other enquiry")


def form_name(slug: str) -> str:
    from portal.public.catalogue import FORMS

    info = FORMS.get(slug)
    return str(info.title) if info else slug


@dataclass(frozen=True)
class EnquiryRow:
    id: int
    checklist_key: str | None
    made_on: date
    result: str
    located: bool
    who: str


@dataclass(frozen=True)
class ChecklistRow:
    key: str
    label: str
    kind: str  # "school" or "la"
    hint: str
    enquiries: list[EnquiryRow] = field(default_factory=list)


@dataclass(frozen=True)
class ChecklistState:
    items: list[ChecklistRow]
    #: Enquiries outside the council's checklist.
    others: list[EnquiryRow]

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.enquiries)


def checklist_state(case: Case, *, tenant: Tenant | None = None) -> ChecklistState:
    """Each item of the council's checklist with the enquiries made for it (oldest first),
    and the enquiries outside the checklist."""
    tenant = _tenant(tenant)
    enquiries = enquiries_of(case)
    names = staff_names(e.made_by_id for e in enquiries)
    rows = [EnquiryRow(e.id, e.checklist_key, e.made_on, e.result, e.located,
                       names.get(e.made_by_id, "")) for e in enquiries]
    keys = {item.key for item in tenant.checklist}
    items = [ChecklistRow(item.key, label(item.label), item.kind, label(item.hint),
                          [row for row in rows if row.checklist_key == item.key])
             for item in tenant.checklist]
    return ChecklistState(items, [row for row in rows if row.checklist_key not in keys])


ACTIVITY_TITLES = {
    "submission": _l("Form received"),
    "acknowledged": _l("Form acknowledged"),
    "allocated": _l("Allocated"),
    "case_opened": _l("Case opened"),
    "joined": _l("Form added to the case"),
    "note": _l("Note"),
    "enquiry": _l("Enquiry recorded"),
    "stage": _l("Stage changed"),
    "outcome": _l("Outcome recorded"),
    "reopened": _l("Case reopened"),
    "email": _l("Email"),
    "notice": _l("Notice"),
    "details": _l("Case details changed"),
    "letter": _l("Letter to the family"),
    "task": _l("Task"),
    "panel": _l("Panel"),
    "message": _l("Secure message"),
    "professional": _l("Social worker or lead professional"),
    "deletion": _l("Deletion condition recorded"),
    "consent": _l("The council's consent decision (home education)"),
}

EMAIL_TITLES = {
    "acknowledgement": _l("Email: acknowledgement to the sender"),
    "team_notification": _l("Email: notice to a team"),
    "urgent_alert": _l("Email: urgent alert to the duty address"),
    "case_acknowledgement": _l("Email: the council's acknowledgement to the sender"),
    "notice": _l("Email: notice"),
    "officer_allocation": _l("Email: new work to the school's named officer"),
    "referrer_outcome": _l("Email: the outcome to the sender"),
    "secure_message": _l("Email: secure message to the social worker or lead professional"),
    "consent_decision": _l("Email: the council's consent decision to the school"),
    "other": _l("Email"),
}

EMAIL_STATUSES = {
    "pending": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "dead": _l("Not delivered"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # UTC
    kind: str
    title: str
    detail: str
    actor: str

    @property
    def local(self) -> datetime:
        return in_london(self.at)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return _("Not recorded")
    return _("Yes") if value else _("No")


def _activity_detail(activity: Activity, tenant: Tenant, references: dict[int, str],
                     enquiries: dict[int, Enquiry]) -> str:
    d: dict[str, Any] = activity.details or {}
    reference = d.get("reference") or references.get(activity.submission_id) or ""
    kind = activity.kind
    if kind == "submission":
        return _("%(reference)s: %(form)s", reference=reference,
                 form=form_name(d.get("form") or ""))
    if kind == "allocated":
        team = team_name(tenant, d.get("team"))
        if d.get("by_school") and d.get("officer"):
            return _("%(reference)s: to the school's named officer, %(officer)s, %(team)s",
                     reference=reference, officer=d["officer"], team=team)
        if d.get("officer"):
            return _("%(reference)s: to %(officer)s, %(team)s", reference=reference,
                     officer=d["officer"], team=team)
        return _("%(reference)s: to %(team)s", reference=reference, team=team)
    if kind == "note":
        return d.get("text") or ""
    if kind == "enquiry":
        enquiry = enquiries.get(d.get("enquiry_id"))
        what = checklist_label(tenant, d.get("checklist_key"))
        result = enquiry.result if enquiry is not None else ""
        if d.get("located"):
            return _("%(enquiry)s: %(result)s (this found the child)", enquiry=what,
                     result=result)
        return _("%(enquiry)s: %(result)s", enquiry=what, result=result)
    if kind == "stage":
        return stage_label(tenant, d.get("stage"))
    if kind == "outcome":
        outcome = outcome_label(tenant, d.get("outcome"))
        if d.get("closed"):
            return _("%(outcome)s. The case was closed.", outcome=outcome)
        return outcome
    if kind == "reopened":
        return d.get("reason") or reference
    if kind == "panel":
        from portal.casework.panels import decision_detail

        return decision_detail(tenant, d)
    if kind == "details":
        return _("Reason code: %(code)s. Whereabouts known: %(known)s.",
                 code=d.get("reason_code") or _("Not recorded"),
                 known=_yes_no(d.get("whereabouts_known")))
    return reference


def timeline(case: Case, *, tenant: Tenant | None = None) -> list[TimelineEntry]:
    """Everything that happened to the case and its submissions, and the emails about them
    (their kind and state, never an address or a text), newest first."""
    tenant = _tenant(tenant)
    submissions = submissions_of(case)
    references = {s.id: s.reference for s in submissions}
    conditions = [Activity.case_id == case.id]
    if references:
        conditions.append(Activity.submission_id.in_(references))
    activities = list(db.session.scalars(select(Activity).where(or_(*conditions))
                                         .order_by(Activity.at, Activity.id)))
    # An action on a submission within a case is one row with both ids: it is listed once.
    kept = activities
    enquiries = {e.id: e for e in enquiries_of(case)}
    names = staff_names(a.actor_id for a in kept)
    entries = [TimelineEntry(aware(a.at), a.kind, str(ACTIVITY_TITLES.get(a.kind, a.kind)),
                             _activity_detail(a, tenant, references, enquiries),
                             names.get(a.actor_id, ""))
               for a in kept]
    received = {a.submission_id for a in kept if a.kind == "submission"}
    for submission in submissions:
        if submission.id not in received:
            entries.append(TimelineEntry(
                aware(submission.received_at), "submission", str(ACTIVITY_TITLES["submission"]),
                _("%(reference)s: %(form)s", reference=submission.reference,
                  form=form_name(submission.form_slug)), ""))
    if references:
        for message in db.session.scalars(select(OutboxMessage).where(
                OutboxMessage.reference.in_(list(references.values())))):
            entries.append(TimelineEntry(
                aware(message.sent_at or message.created_at), "email",
                str(EMAIL_TITLES.get(message.kind, EMAIL_TITLES["other"])),
                _("%(reference)s: %(status)s", reference=message.reference,
                  status=EMAIL_STATUSES.get(message.status, message.status)), ""))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


# --- the audit trail of cases -------------------------------------------------------------

AUDIT_WHAT = {
    "case.view": _l("Viewed the case"),
    "case.pdf": _l("Downloaded the case summary (PDF)"),
    "case.open": _l("Opened the case"),
    "case.join": _l("Added a form to the case"),
    "case.allocate": _l("Allocated the case"),
    "case.note": _l("Added a note"),
    "case.enquiry": _l("Recorded an enquiry"),
    "case.stage": _l("Changed the stage"),
    "case.outcome": _l("Recorded an outcome"),
    "case.reopen": _l("Reopened the case"),
    "case.details": _l("Changed the case details"),
    "notice.view": _l("Viewed a notice to another council"),
    "notice.send": _l("Sent a notice to another council"),
}


def audit_what(code: str) -> str:
    return str(AUDIT_WHAT.get(code, code))


def cases_seen_by(user_id: int, start: datetime, end: datetime) -> list[AuditEvent]:
    """The case pages a user viewed, and the case summaries they downloaded, between two
    times (inclusive), oldest first."""
    return list(db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.user_id == user_id, AuditEvent.object_type == "case",
               AuditEvent.action.in_(("view", "export")),
               AuditEvent.at >= start, AuditEvent.at <= end)
        .order_by(AuditEvent.at, AuditEvent.id)))
