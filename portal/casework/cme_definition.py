"""The council's own definition of a child missing education: when an open case counts as CME.

One module, two ways of asking the same question, so that every report agrees:

- per case: :func:`case_cme_status` (``status.counts``, ``status.met_on``, what is still
  missing) for a case page or a panel; :func:`cme_met_on` is the pure rule under it;
- set-based, in SQL: :func:`counts_as_cme_clause` ``(tenant, on)`` is a WHERE condition on
  ``Case`` ("open and counting as CME at the end of ``on``"); :func:`at_risk_clause` is its
  complement among open cases. Both are built from :func:`cme_cutoff`, the latest "missing
  since" day that meets the definition on a given day, computed in Python from the council's
  calendar, and one correlated ``EXISTS`` per required check. A report runs a few grouped
  queries with them, never one query per case::

      from portal.casework.cme_definition import counts_as_cme_clause
      db.session.scalar(select(func.count(Case.id)).where(counts_as_cme_clause(tenant, day)))

- for the period reports (portal.reports.casebook) :func:`check_days_by_case` loads, in one
  grouped query per chunk of cases, the first day each required check was recorded, and
  :func:`cme_met_on` gives the day each episode starts to count.

The definition is ``[cme_definition]`` in the tenant file (RCT: four weeks; Southwark: 20
school days, checks and an Early Help home visit). A council without one counts every open
case as CME from the day it opens, as before.

How days are counted: the child's first day out of education (``Case.missing_since``: the
earliest first day of absence, or the day after the last day of attendance, its forms give;
else the day the case was opened) is day one. ``school_days`` / ``working_days``: the
definition is met on the ``missing_for``-th such day counted from day one; ``calendar_days``:
``missing_for`` days after day one (four weeks after a Monday is the Monday four weeks on).
Beyond the council's calendar, school days are counted as working days.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, false, func, not_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from portal.extensions import db
from portal.models.casework import Case, Enquiry
from portal.rules.calendar import CalendarCoverageError, SchoolCalendar, add_working_days
from portal.tenant_config.schema import CmeDefinition, Tenant

LONDON = ZoneInfo("Europe/London")
ONE_DAY = timedelta(days=1)
CHUNK = 900


def definition_of(tenant: Tenant) -> CmeDefinition | None:
    return tenant.cme_definition


def required_checks(tenant: Tenant) -> tuple[str, ...]:
    definition = tenant.cme_definition
    return definition.required_checks if definition else ()


# --- counting days -------------------------------------------------------------------------

def _is_working_day(day: date, school: SchoolCalendar) -> bool:
    return day.weekday() < 5 and day not in school.bank_holidays


def _nth_day_from(definition: CmeDefinition, school: SchoolCalendar, since: date) -> date:
    """The day the days-missing part of the definition is met for a child out since ``since``."""
    n = definition.missing_for
    if definition.unit == "calendar_days":
        return since + timedelta(days=n)
    if definition.unit == "school_days":
        try:
            return school.add_school_days(since - ONE_DAY, n)
        except CalendarCoverageError:
            pass
    return add_working_days(since - ONE_DAY, n, school.bank_holidays)


def cme_cutoff(tenant: Tenant, on: date, school: SchoolCalendar | None = None) -> date | None:
    """The latest first day out of education for which the days-missing part of the
    definition is met by the end of ``on`` (any earlier day meets it too). ``on`` itself when
    the council has no definition. Computed from the calendar, for a SQL filter."""
    definition = tenant.cme_definition
    if definition is None:
        return on
    n = definition.missing_for
    if definition.unit == "calendar_days":
        return on - timedelta(days=n)
    school = school or tenant.calendar.school_calendar()
    # The n-th counted day back from ``on`` (inclusive) is the latest day one that works.
    day, counted = on, 0
    use_school = definition.unit == "school_days"
    for _ in range(n * 7 + 400):
        try:
            counts = school.is_school_day(day) if use_school else _is_working_day(day, school)
        except CalendarCoverageError:
            use_school = False
            counts = _is_working_day(day, school)
        if counts:
            counted += 1
            if counted == n:
                return day
        day -= ONE_DAY
    return day


def cme_met_on(tenant: Tenant, missing_since: date | None, check_days: Mapping[str, date],
               school: SchoolCalendar | None = None) -> date | None:
    """The first day a case counts as a child missing education under the council's
    definition: the later of the day the days-missing part is met and the day each required
    check was recorded. None while a required check has not been recorded. Pure."""
    definition = tenant.cme_definition
    if definition is None:
        return missing_since
    if missing_since is None:
        return None
    school = school or tenant.calendar.school_calendar()
    met = _nth_day_from(definition, school, missing_since)
    for key in definition.required_checks:
        done = check_days.get(key)
        if done is None:
            return None
        met = max(met, done)
    return met


# --- per case ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CmeStatus:
    """Whether an open case counts as CME on ``on``, and why (or what is missing)."""

    counts: bool
    on: date
    missing_since: date | None
    days_met_on: date | None  # the day the days-missing part is met
    met_on: date | None  # the day the whole definition is (or was) met
    checks_done: tuple[str, ...] = ()
    checks_missing: tuple[str, ...] = ()
    has_definition: bool = True

    @property
    def at_risk(self) -> bool:
        return not self.counts

    @property
    def days_met(self) -> bool:
        return self.days_met_on is not None and self.days_met_on <= self.on


def _london_day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON).date()


def missing_since_of(case: Case) -> date | None:
    return case.missing_since or _london_day(case.opened_at)


#: Answers that give the day a child stopped being in education (the reports read the same).
MISSING_SINCE_ANSWERS = ("first_day_of_absence", "last_attendance")


def missing_since_from_answers(answers: Mapping | None) -> date | None:
    """The child's first day out of education that a form's answers give: the first day of
    absence, or the day after the last day of attendance (the earlier of the two)."""
    found: list[date] = []
    for key in MISSING_SINCE_ANSWERS:
        value = (answers or {}).get(key)
        if isinstance(value, str) and value.strip():
            try:
                day = date.fromisoformat(value.strip()[:10])
            except ValueError:
                continue
            found.append(day + ONE_DAY if key == "last_attendance" else day)
    return min(found) if found else None


def note_missing_since(case: Case, answers: Mapping | None, *, today: date,
                       fresh: bool = False) -> None:
    """Keep ``Case.missing_since`` up to date when a case is opened (``fresh``), reopened
    (``fresh``: a new spell out of education starts then) or joined by another form."""
    given = missing_since_from_answers(answers)
    if fresh:
        case.missing_since = min(given, today) if given else today
    elif given is not None:
        current = case.missing_since or today
        case.missing_since = min(current, given)


def case_cme_status(case: Case, on: date, *, tenant: Tenant) -> CmeStatus:
    """The per-case answer: does this case count as a child missing education at the end of
    ``on``? Reads the case's enquiries (the same rule as :func:`counts_as_cme_clause`)."""
    since = missing_since_of(case)
    definition = tenant.cme_definition
    if definition is None:
        return CmeStatus(case.status == "open", on, since, since, since, has_definition=False)
    days = check_days_by_case(tenant, [case.id], on=on).get(case.id, {})
    school = tenant.calendar.school_calendar()
    days_met_on = _nth_day_from(definition, school, since) if since else None
    met = cme_met_on(tenant, since, days, school)
    done = tuple(k for k in definition.required_checks if k in days)
    missing = tuple(k for k in definition.required_checks if k not in days)
    counts = case.status == "open" and met is not None and met <= on
    return CmeStatus(counts, on, since, days_met_on, met, done, missing)


def check_days_by_case(tenant: Tenant, case_ids: Iterable[int], *,
                       on: date | None = None) -> dict[int, dict[str, date]]:
    """For each case, the first day each of the definition's required checks was recorded
    (made on or before ``on``): one grouped query per chunk of case ids."""
    keys = required_checks(tenant)
    result: dict[int, dict[str, date]] = {}
    ids = sorted(set(case_ids))
    if not keys or not ids:
        return result
    for index in range(0, len(ids), CHUNK):
        query = (select(Enquiry.case_id, Enquiry.checklist_key, func.min(Enquiry.made_on))
                 .where(Enquiry.case_id.in_(ids[index:index + CHUNK]),
                        Enquiry.checklist_key.in_(keys))
                 .group_by(Enquiry.case_id, Enquiry.checklist_key))
        if on is not None:
            query = query.where(Enquiry.made_on <= on)
        for case_id, key, first in db.session.execute(query):
            result.setdefault(case_id, {})[key] = first
    return result


# --- set-based, in SQL ---------------------------------------------------------------------

def _start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(timezone.utc)


def _definition_met_clause(tenant: Tenant, on: date) -> ColumnElement[bool]:
    definition = tenant.cme_definition
    if definition is None:
        return true()
    cutoff = cme_cutoff(tenant, on)
    days = or_(Case.missing_since <= cutoff,
               and_(Case.missing_since.is_(None), Case.opened_at < _start_of_day(cutoff + ONE_DAY)))
    checks = [exists().where(Enquiry.case_id == Case.id, Enquiry.checklist_key == key,
                             Enquiry.made_on <= on)
              for key in definition.required_checks]
    return and_(days, *checks)


def counts_as_cme_clause(tenant: Tenant, on: date) -> ColumnElement[bool]:
    """A WHERE condition on ``Case``: the case is open and counts as a child missing education
    under the council's definition at the end of ``on`` (use on today's open cases)."""
    return and_(Case.status == "open", _definition_met_clause(tenant, on))


def at_risk_clause(tenant: Tenant, on: date) -> ColumnElement[bool]:
    """A WHERE condition on ``Case``: open, but not yet meeting the definition ("at risk of
    missing education"). Never true for a council without a definition."""
    if tenant.cme_definition is None:
        return false()
    return and_(Case.status == "open", not_(_definition_met_clause(tenant, on)))


# --- in words ------------------------------------------------------------------------------

def definition_summary(tenant: Tenant, language: str = "en") -> str | None:
    definition = tenant.cme_definition
    return definition.summary.get(language) if definition else None
