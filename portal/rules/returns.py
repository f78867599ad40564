"""The statutory returns' own rules, with no Flask: which pupil rows the law exempts, and the
periods of a council's cadence (which return is due, for which period, by when).

Exemptions (School Attendance (Pupil Registration) (England) Regulations 2024, regulation 13):
- the new pupil return leaves out pupils who join the school's most junior class on the first
  day of the school year;
- the deletion return leaves out pupils in the most senior class who leave at the end of its
  final term.
The school year's first and last days are the council's term dates: the first day of the term
that starts in August or September, and the last day of the term that ends in June or July.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

from portal.rules.calendar import CalendarCoverageError, SchoolCalendar

DateRange = tuple[date, date]
YEAR_GROUPS = ("R",) + tuple(str(n) for n in range(1, 14))

JUNIOR_CLASS_FIRST_DAY = "junior_class_first_day"
SENIOR_CLASS_FINAL_TERM = "senior_class_final_term"


def school_year_of(day: date) -> int:
    """The calendar year the school year containing ``day`` starts in (1 August onwards)."""
    return day.year if day.month >= 8 else day.year - 1


def first_day_of_school_year(terms: Sequence[DateRange], school_year: int) -> date | None:
    starts = [start for start, _end in terms
              if (start.year, start.month) in ((school_year, 8), (school_year, 9))]
    return min(starts) if starts else None


def last_day_of_school_year(terms: Sequence[DateRange], school_year: int) -> date | None:
    ends = [end for _start, end in terms
            if (end.year, end.month) in ((school_year + 1, 6), (school_year + 1, 7))]
    return max(ends) if ends else None


def exemption_for(kind: str | None, row: dict, school: dict,
                  terms: Sequence[DateRange]) -> str | None:
    """The exemption that takes this pupil row out of the return, or None. ``row`` and
    ``school`` are validated answers (dates as ISO strings)."""
    if kind == JUNIOR_CLASS_FIRST_DAY:
        entered = row.get("entry_date")
        if not entered or row.get("year_group") != school.get("junior_year_group"):
            return None
        day = date.fromisoformat(entered)
        return kind if first_day_of_school_year(terms, school_year_of(day)) == day else None
    if kind == SENIOR_CLASS_FINAL_TERM:
        leaving = row.get("leaving_date")
        if not leaving or row.get("year_group") != school.get("senior_year_group"):
            return None
        day = date.fromisoformat(leaving)
        last = last_day_of_school_year(terms, school_year_of(day))
        # "at the end of the final term": its last day, or the weekend or holiday after it
        return kind if last is not None and last <= day <= last + timedelta(days=3) else None
    return None


# --- cadence ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    key: str          # e.g. "2026-11" (monthly), "2026-12-18" (term or interval ending that day)
    start: date
    end: date
    due: date         # the return for this period is due by the end of this day


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def latest_month(today: date, due_day: int) -> Period:
    """The last whole month before ``today``; its return is due by ``due_day`` of this month."""
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    return Period(f"{year:04d}-{month:02d}", date(year, month, 1), _month_end(year, month),
                  date(today.year, today.month, due_day))


def latest_term(today: date, calendar: SchoolCalendar, days_after: int) -> Period | None:
    """The last term that ended before ``today``; due ``days_after`` working days after."""
    ended = [(start, end) for start, end in calendar.terms if end < today]
    if not ended:
        return None
    start, end = ended[-1]
    due = calendar.add_working_days(end, days_after) if days_after else end
    return Period(end.isoformat(), start, end, due)


def latest_interval(today: date, calendar: SchoolCalendar, every: int) -> Period | None:
    """Every ``every`` school days from the first day of the school year: the last interval
    that ended before ``today``; due on the school day after it ends."""
    first = first_day_of_school_year(calendar.terms, school_year_of(today))
    if first is None or today <= first:
        return None
    start, latest = first, None
    try:
        while True:
            end = calendar.add_school_days(start - timedelta(days=1), every)
            if end >= today:
                return latest
            latest = Period(end.isoformat(), start, end, calendar.next_school_day(end))
            start = end + timedelta(days=1)
    except CalendarCoverageError:
        return latest


def latest_period(cadence, today: date, calendar: SchoolCalendar) -> Period | None:
    """The period a return sent ``today`` is for, under a council's cadence (its tenant.toml
    ``[[returns]].cadence``); None for a return sent as things happen."""
    try:
        if cadence.kind == "monthly":
            return latest_month(today, cadence.due_day)
        if cadence.kind == "termly":
            return latest_term(today, calendar, cadence.due_days_after)
        if cadence.kind == "interval":
            return latest_interval(today, calendar, cadence.every_school_days)
    except CalendarCoverageError:
        return None
    return None
