"""Deadlines the school owns, met or late by the school's own notice, from the facts.

A threshold of the council's ``tenant.toml`` with ``owner = "school"`` says the school must
tell the council something by a day counted from an event: the deletion return no later than
the day the name is deleted, the new pupil return by the end of the fifth day after the name is
entered, "tell the council within 10 school days of unexplained absence". The event's date is
the one the school gives on its form (portal.casework.deadlines.case_events), the due date is
counted with the council's own school calendar, and the threshold's ``met_by_forms`` names the
forms whose submission fulfils it. So:

* **met**: a notice of one of those forms, from a school, arrived on or before the due date
  (the latest such one counts);
* **late**: none arrived by the due date, and one arrived after it (the earliest such one):
  the notice and its case are flagged late and the late notices report lists it, by school and
  by term (what a council needs to challenge unlawful deletions: Stockport 8.2, 9.3);
* **closed**, with a reason, when nobody can meet it any more: the case was closed before a
  notice came, the child's whereabouts became known (for the steps about a missing child), or
  the step is one the school takes outside the portal (no form meets it) and its day has come;
* otherwise **due** until its due date, then **not received** while the case is open and the
  child is still missing.

Nothing here ever says "overdue" of a school that complied: a threshold is read from the
notices that arrived, never from today's date alone.

The results that no longer change with the date (met, late, closed) are kept in
``school_deadlines`` for the report, the inbox's flag and the submission page; they are
recomputed whenever the case's deadlines are (portal.casework.cases.refresh_next_due) and when
a notice is filed without a case.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from portal.casework.deadlines import (_answer_events, _as_date, _school_calendar, case_events,
                                       due_date, submission_events)
from portal.rules.calendar import CalendarCoverageError
from portal.tenant_config.schema import Tenant, Threshold

__all__ = ["REASONS", "STATE_NAMES", "SchoolResult", "evaluate", "for_case",
           "refresh_case", "refresh_submission", "results_of_submission"]

#: Events about a child missing or not arriving: a step counted from one of them is no longer
#: needed once the child's whereabouts are known.
MISSING_EVENTS = frozenset({"first_day_of_absence", "last_day_of_attendance",
                            "expected_first_day", "end_of_leave"})

#: Why a school-owned threshold was closed.
REASONS = {
    "case_closed": _l("The case was closed before a notice came"),
    "located": _l("The child's whereabouts are known: the step is no longer needed"),
    "no_notice": _l("The school takes this step outside the portal: no notice of it comes to "
                    "the council"),
}

#: The states a school-owned threshold is shown in.
STATE_NAMES = {
    "met": _l("Met"),
    "late": _l("Late"),
    "due": _l("Due"),
    "not_received": _l("Not received"),
    "closed": _l("Closed"),
}
STATE_TAGS = {"met": "govuk-tag--green", "late": "govuk-tag--red", "due": "govuk-tag--blue",
              "not_received": "govuk-tag--orange", "closed": "govuk-tag--grey"}
KEPT = ("met", "late", "closed")


@dataclass(frozen=True)
class SchoolResult:
    threshold: Threshold
    event_date: date
    due: date
    approximate: bool
    state: str  # met | late | due | not_received | closed
    met_on: date | None = None
    days_late: int | None = None
    submission_id: int | None = None  # the notice that met it (or was late)
    reference: str | None = None
    school_laestab: str | None = None
    reason: str | None = None

    @property
    def key(self) -> str:
        return self.threshold.key

    @property
    def label(self):
        return self.threshold.label

    @property
    def state_name(self) -> str:
        return str(STATE_NAMES[self.state])

    @property
    def tag(self) -> str:
        return STATE_TAGS[self.state]

    @property
    def reason_text(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""

    @property
    def late_by(self) -> str:
        return late_by(self.threshold.unit, self.days_late or 0)


def _from_school(submission) -> bool:
    """A notice sent by a school: every school form, and a referral whose referrer says so."""
    referrer = (submission.answers or {}).get("referrer_type")
    return referrer in (None, "", "school")


def _answers_match(submission, wanted: Mapping[str, str]) -> bool:
    answers = submission.answers or {}
    return all(str(answers.get(key, "")) == value for key, value in wanted.items())


def days_late(tenant: Tenant, threshold: Threshold, due: date, arrived: date) -> int:
    """How late, in the threshold's own days (school days for a school-day count)."""
    if arrived <= due:
        return 0
    if threshold.unit == "school_days":
        try:
            return _school_calendar(tenant).school_days_between(due, arrived)
        except CalendarCoverageError:
            pass
    if threshold.unit in ("school_days", "working_days"):
        school = _school_calendar(tenant)
        count, day = 0, due
        while True:
            day = school.add_working_days(day, 1)
            if day > arrived:
                return count
            count += 1
    return (arrived - due).days


def evaluate(tenant: Tenant, events: Mapping[str, date], submissions: Iterable, today: date,
             *, case=None) -> list[SchoolResult]:
    """Every school-owned threshold whose event is known, met, late, due, not received or
    closed (see the module's docstring), earliest due first."""
    subs = sorted(submissions, key=lambda s: (_as_date(s.received_at), s.id or 0))
    closed_case = case is not None and case.status == "closed"
    located = case is not None and case.whereabouts_known is True
    found: list[SchoolResult] = []
    for threshold in tenant.thresholds:
        if threshold.owner != "school":
            continue
        if threshold.when_answers and not any(_answers_match(s, threshold.when_answers)
                                              for s in subs):
            continue  # it applies only to a notice with these answers
        if threshold.from_forms:  # only these forms' dates start it
            given = [_answer_events(s.answers, s.form_slug).get(threshold.from_event)
                     for s in subs if s.form_slug in threshold.from_forms]
            given = [day for day in given if day is not None]
            if not given:
                continue
            event_day = given[-1]
        elif threshold.from_event in events:
            event_day = _as_date(events[threshold.from_event])
        else:
            continue
        due, approximate = due_date(tenant, threshold, event_day)
        base = dict(threshold=threshold, event_date=event_day, due=due, approximate=approximate)
        notices = [s for s in subs if s.form_slug in threshold.met_by_forms and _from_school(s)]
        in_time = [s for s in notices if _as_date(s.received_at) <= due]
        after = [s for s in notices if _as_date(s.received_at) > due]
        notice = in_time[-1] if in_time else (after[0] if after else None)
        if notice is not None:
            arrived = _as_date(notice.received_at)
            late = arrived > due
            found.append(SchoolResult(
                **base, state="late" if late else "met", met_on=arrived,
                days_late=days_late(tenant, threshold, due, arrived),
                submission_id=notice.id, reference=notice.reference,
                school_laestab=notice.school_laestab))
            continue
        reason = None
        if not threshold.met_by_forms and due <= today:
            reason = "no_notice"
        elif closed_case:
            reason = "case_closed"
        elif located and threshold.from_event in MISSING_EVENTS:
            reason = "located"
        if reason:
            found.append(SchoolResult(**base, state="closed", reason=reason))
        else:
            found.append(SchoolResult(**base, state="not_received" if due < today else "due"))
    found.sort(key=lambda result: result.due)
    return found


def for_case(tenant: Tenant, case, submissions, enquiries, today: date) -> list[SchoolResult]:
    """The school's deadlines on a case, as the case page shows them."""
    return evaluate(tenant, case_events(case, submissions, enquiries), submissions, today,
                    case=case)


# --- kept results ----------------------------------------------------------------------------

def _store(tenant: Tenant, results: list[SchoolResult], *, case_id: int | None,
           default_school: str | None) -> None:
    from portal.extensions import db
    from portal.models.school_deadline import SchoolDeadline

    for result in results:
        if result.state not in KEPT:
            continue
        db.session.add(SchoolDeadline(
            case_id=case_id, submission_id=result.submission_id, threshold_key=result.key,
            state=result.state, event_date=result.event_date, due_on=result.due,
            met_on=result.met_on, days_late=result.days_late,
            school_laestab=result.school_laestab or default_school, reason=result.reason,
            approximate=result.approximate))


def _tenant_id(tenant: Tenant) -> int:
    from portal.tenancy import tenant_id_for

    return tenant_id_for(tenant.slug)


def _flag(submissions, results: list[SchoolResult]) -> None:
    late = {r.submission_id for r in results if r.state == "late"}
    for submission in submissions:
        submission.school_late = submission.id in late


def refresh_case(case, tenant: Tenant, today: date, submissions, enquiries) -> list[SchoolResult]:
    """Recompute and keep a case's school-owned deadlines (and its notices' late flags)."""
    from portal.extensions import db
    from portal.models.school_deadline import SchoolDeadline

    ids = [s.id for s in submissions]
    clauses = [SchoolDeadline.case_id == case.id]
    if ids:
        clauses.append((SchoolDeadline.case_id.is_(None)) & SchoolDeadline.submission_id.in_(ids))
    db.session.execute(delete(SchoolDeadline).where(
        SchoolDeadline.tenant_id == _tenant_id(tenant), or_(*clauses))
        .execution_options(synchronize_session=False))
    results = for_case(tenant, case, submissions, enquiries, today)
    schools = [s.school_laestab for s in submissions if s.school_laestab]
    _store(tenant, results, case_id=case.id, default_school=schools[-1] if schools else None)
    _flag(submissions, results)
    return results


def refresh_submission(submission, tenant: Tenant, today: date, *, fresh: bool = False
                       ) -> list[SchoolResult]:
    """A notice filed without a case: its own school-owned deadlines, from its own answers.
    ``fresh``: it has just been filed, so nothing is kept for it yet."""
    from portal.extensions import db
    from portal.models.school_deadline import SchoolDeadline

    if submission.case_id is not None:
        return []
    if not fresh:
        db.session.execute(delete(SchoolDeadline).where(
            SchoolDeadline.tenant_id == _tenant_id(tenant), SchoolDeadline.case_id.is_(None),
            SchoolDeadline.submission_id == submission.id)
            .execution_options(synchronize_session=False))
    results = [r for r in evaluate(tenant, submission_events(submission), [submission], today)
               if r.state in ("met", "late")]
    _store(tenant, results, case_id=None, default_school=submission.school_laestab)
    _flag([submission], results)
    return results


def results_of_submission(submission_id: int) -> list:
    """The kept results a notice met or was late for (the submission page)."""
    from portal.extensions import db
    from portal.models.school_deadline import SchoolDeadline

    return list(db.session.scalars(
        select(SchoolDeadline).where(SchoolDeadline.submission_id == submission_id)
        .order_by(SchoolDeadline.due_on, SchoolDeadline.id)))


def late_on_case(case_id: int) -> bool:
    from portal.extensions import db
    from portal.models.school_deadline import SchoolDeadline

    return db.session.scalar(select(SchoolDeadline.id).where(
        SchoolDeadline.case_id == case_id, SchoolDeadline.state == "late").limit(1)) is not None



# --- what the pages show ---------------------------------------------------------------------

def late_by(unit: str, days: int) -> str:
    """"3 school days late" in the threshold's own days."""
    from flask_babel import ngettext

    if unit == "school_days":
        return ngettext("%(num)d school day late", "%(num)d school days late", days)
    if unit == "working_days":
        return ngettext("%(num)d working day late", "%(num)d working days late", days)
    return ngettext("%(num)d day late", "%(num)d days late", days)


def from_rows(tenant: Tenant, rows, references: Mapping[int, str] | None = None
              ) -> list[SchoolResult]:
    """Kept rows as results (a threshold since removed from the council's file is left out)."""
    thresholds = {threshold.key: threshold for threshold in tenant.thresholds}
    found = []
    for row in rows:
        threshold = thresholds.get(row.threshold_key)
        if threshold is None:
            continue
        found.append(SchoolResult(
            threshold=threshold, event_date=row.event_date, due=row.due_on,
            approximate=row.approximate, state=row.state, met_on=row.met_on,
            days_late=row.days_late, submission_id=row.submission_id,
            reference=(references or {}).get(row.submission_id),
            school_laestab=row.school_laestab, reason=row.reason))
    return found
