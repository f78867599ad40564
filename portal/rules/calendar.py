"""School days, working days and calendar days.

A school day is a weekday within a term that is not in a break (half term), an INSET day, a
closure day or a bank holiday. The local authority sets the term dates of community,
voluntary-controlled, community special and maintained nursery schools; the governing body
sets them for foundation and voluntary-aided schools (Education Act 2002, s.32), and an
academy trust under its funding agreement: see ``SchoolCalendar.with_school_calendar``.

Bank holidays are one list for England and Wales (Banking and Financial Dealings Act 1971,
Sch.1), taken from the ``holidays`` package unless a list is given.

Nothing here guesses: a count that needs a day outside the calendar's terms raises
``CalendarCoverageError`` rather than counting weekdays.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from functools import cache
from typing import Literal

import holidays

__all__ = [
    "CalendarCoverageError",
    "DateRange",
    "DayUnit",
    "SchoolCalendar",
    "add_calendar_days",
    "add_days",
    "add_working_days",
    "england_and_wales_bank_holidays",
]

DateRange = tuple[date, date]
"""An inclusive range of dates: (first day, last day)."""

DayUnit = Literal["school_days", "working_days", "calendar_days"]

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


class CalendarCoverageError(ValueError):
    """A computation needed a day the school calendar does not cover."""


def _is_weekday(day: date) -> bool:
    return day.weekday() < _SATURDAY


@cache
def _bank_holidays_in(year: int) -> frozenset[date]:
    # A holiday on a weekend appears on the day and on its substitute day; only weekdays
    # can stop a school or working day, so the weekend entries are dropped.
    listed = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return frozenset(day for day in listed if _is_weekday(day))


def england_and_wales_bank_holidays(years: Iterable[int]) -> frozenset[date]:
    """The weekday bank holidays in England and Wales in the given years."""
    return frozenset().union(*(_bank_holidays_in(year) for year in years))


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError(f"cannot count a negative number of days ({n})")


def add_calendar_days(start: date, n: int) -> date:
    """The day ``n`` calendar days after ``start``."""
    _check_count(n)
    return start + timedelta(days=n)


def add_working_days(start: date, n: int, bank_holidays: Iterable[date] | None = None) -> date:
    """The ``n``-th working day (Monday to Friday, less bank holidays) strictly after
    ``start``; ``start`` itself when ``n`` is 0.

    ``bank_holidays`` of None means the England-and-Wales list."""
    _check_count(n)
    given = None if bank_holidays is None else frozenset(bank_holidays)

    def is_bank_holiday(day: date) -> bool:
        return day in (_bank_holidays_in(day.year) if given is None else given)

    day = start
    while n:
        day += _ONE_DAY
        if _is_weekday(day) and not is_bank_holiday(day):
            n -= 1
    return day


def _checked_ranges(ranges: Iterable[DateRange]) -> tuple[DateRange, ...]:
    checked = tuple(ranges)
    for first, last in checked:
        if last < first:
            raise ValueError(f"a date range ends before it starts: {first} to {last}")
    return checked


def _days_in(ranges: Iterable[DateRange]) -> set[date]:
    return {
        first + timedelta(days=i) for first, last in ranges for i in range((last - first).days + 1)
    }


def _sorted_terms(terms: Sequence[DateRange]) -> tuple[DateRange, ...]:
    if not terms:
        raise ValueError("a school calendar needs at least one term")
    ordered = tuple(sorted(_checked_ranges(terms)))
    for (_, last), (next_first, _) in zip(ordered, ordered[1:]):
        if next_first <= last:
            raise ValueError(f"terms overlap: one ends on {last}, the next starts on {next_first}")
    return ordered


class SchoolCalendar:
    """The school days of one local authority's (or one school's) terms."""

    def __init__(
        self,
        terms: Sequence[DateRange],
        breaks: Sequence[DateRange] = (),
        inset_days: Iterable[date] = (),
        closure_days: Iterable[date] = (),
        bank_holidays: Iterable[date] | None = None,
    ) -> None:
        self._terms = _sorted_terms(terms)
        self._breaks = _checked_ranges(breaks)
        self._inset_days = frozenset(inset_days)
        self._closure_days = frozenset(closure_days)
        self._given_bank_holidays = (
            None if bank_holidays is None else frozenset(filter(_is_weekday, bank_holidays))
        )
        self._first = self._terms[0][0]
        self._last = self._terms[-1][1]
        not_school = (
            _days_in(self._breaks) | self._inset_days | self._closure_days | self.bank_holidays
        )
        self._days = tuple(
            sorted(d for d in _days_in(self._terms) if _is_weekday(d) and d not in not_school)
        )
        self._day_set = frozenset(self._days)

    @property
    def terms(self) -> tuple[DateRange, ...]:
        return self._terms

    @property
    def bank_holidays(self) -> frozenset[date]:
        """The weekday bank holidays this calendar leaves out, for the years of its terms
        when it uses the England-and-Wales list."""
        if self._given_bank_holidays is not None:
            return self._given_bank_holidays
        return england_and_wales_bank_holidays(range(self._first.year, self._last.year + 1))

    def covers(self, day: date) -> bool:
        """True when ``day`` is between the first day of the first term and the last day of
        the last term, inclusive."""
        return self._first <= day <= self._last

    def _require_cover(self, first: date, last: date) -> None:
        if first < self._first or last > self._last:
            raise CalendarCoverageError(
                f"the school calendar covers {self._first} to {self._last} but this needs "
                f"{first} to {last}: add the missing term dates"
            )

    def is_school_day(self, day: date) -> bool:
        """True when ``day`` is a school day; raises when the calendar does not cover it."""
        self._require_cover(day, day)
        return day in self._day_set

    def add_school_days(self, start: date, n: int) -> date:
        """The ``n``-th school day strictly after ``start`` (which need not be a school
        day); ``start`` itself when ``n`` is 0."""
        _check_count(n)
        if n == 0:
            return start
        self._require_cover(start + _ONE_DAY, start + _ONE_DAY)
        index = bisect.bisect_right(self._days, start) + n - 1
        if index >= len(self._days):
            raise CalendarCoverageError(
                f"{n} school days after {start} falls beyond the last term, which ends on "
                f"{self._last}: add the next year's term dates"
            )
        return self._days[index]

    def next_school_day(self, day: date) -> date:
        """The first school day strictly after ``day``."""
        return self.add_school_days(day, 1)

    def school_days_between(self, start: date, end: date) -> int:
        """The number of school days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
        if end <= start:
            return 0
        self._require_cover(start + _ONE_DAY, end)
        return bisect.bisect_right(self._days, end) - bisect.bisect_right(self._days, start)

    def add_working_days(self, start: date, n: int) -> date:
        """``add_working_days`` with this calendar's bank holidays (the England-and-Wales
        list unless the calendar was given its own)."""
        return add_working_days(start, n, self._given_bank_holidays)

    def with_school_calendar(
        self,
        terms: Sequence[DateRange] | None = None,
        breaks: Sequence[DateRange] | None = None,
        inset_days: Iterable[date] | None = None,
        closure_days: Iterable[date] | None = None,
    ) -> SchoolCalendar:
        """This calendar with a school's own dates in place of the council's, field by field
        (academies, foundation and voluntary-aided schools set their own term dates). Bank
        holidays stay the same: they are national."""
        return SchoolCalendar(
            terms=self._terms if terms is None else terms,
            breaks=self._breaks if breaks is None else breaks,
            inset_days=self._inset_days if inset_days is None else inset_days,
            closure_days=self._closure_days if closure_days is None else closure_days,
            bank_holidays=self._given_bank_holidays,
        )


def add_days(calendar: SchoolCalendar, start: date, n: int, unit: DayUnit) -> date:
    """Add ``n`` days of the given unit to ``start``: each rule says which unit it counts."""
    if unit == "school_days":
        return calendar.add_school_days(start, n)
    if unit == "working_days":
        return calendar.add_working_days(start, n)
    if unit == "calendar_days":
        return add_calendar_days(start, n)
    raise ValueError(f"unknown day unit {unit!r}")
