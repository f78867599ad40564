"""School, working and calendar days, on published 2025-26 term dates.

Fixtures (from /work/shared/data/term_dates.md):

* STAFFORDSHIRE: VERIFIED on the council's page, autumn and spring terms only (the stored page
  stops at the start of the summer term, whose end was not found). 1 September 2025 is the fixed
  INSET day; teaching starts on Tuesday 2 September.
* LIVERPOOL: SECONDARY (a news report quoting the council), the whole year; the report's
  weekday slips ("Tuesday, April 13", "Tuesday, July 20") are taken as the dates, both Mondays.
  No LA-wide INSET days were published.

Where a test needs a school's own dates (an academy, a closure day) they are hypothetical and
say so. Hand counts: Staffordshire autumn term 80 weekdays - 5 half term - 1 INSET = 74 school
days; spring term 60 - 5 = 55; 129 in all.
"""
from collections.abc import Callable
from datetime import date

import pytest

from portal.rules.calendar import (
    CalendarCoverageError,
    DayUnit,
    SchoolCalendar,
    add_calendar_days,
    add_days,
    add_working_days,
    england_and_wales_bank_holidays,
)

STAFFORDSHIRE = SchoolCalendar(
    terms=[(date(2025, 9, 1), date(2025, 12, 19)), (date(2026, 1, 5), date(2026, 3, 27))],
    breaks=[(date(2025, 10, 27), date(2025, 10, 31)), (date(2026, 2, 16), date(2026, 2, 20))],
    inset_days=[date(2025, 9, 1)],
)

LIVERPOOL_TERMS = [
    (date(2025, 9, 1), date(2025, 12, 19)),
    (date(2026, 1, 5), date(2026, 3, 27)),
    (date(2026, 4, 13), date(2026, 7, 20)),
]
LIVERPOOL_BREAKS = [
    (date(2025, 10, 27), date(2025, 10, 31)),
    (date(2026, 2, 16), date(2026, 2, 20)),
    (date(2026, 5, 25), date(2026, 5, 29)),
]
LIVERPOOL = SchoolCalendar(terms=LIVERPOOL_TERMS, breaks=LIVERPOOL_BREAKS)


# --- bank holidays ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            2026,
            {
                date(2026, 1, 1),
                date(2026, 4, 3),  # Good Friday
                date(2026, 4, 6),  # Easter Monday
                date(2026, 5, 4),  # early May
                date(2026, 5, 25),  # spring
                date(2026, 8, 31),  # summer
                date(2026, 12, 25),
                date(2026, 12, 28),  # edge: Boxing Day is a Saturday; only the substitute counts
            },
        ),
        (
            2022,
            {
                date(2022, 1, 3),  # edge: 1 January was a Saturday; substitute day only
                date(2022, 4, 15),
                date(2022, 4, 18),
                date(2022, 5, 2),
                date(2022, 6, 2),
                date(2022, 6, 3),  # Platinum Jubilee
                date(2022, 8, 29),
                date(2022, 9, 19),  # State funeral
                date(2022, 12, 26),
                date(2022, 12, 27),  # edge: Christmas Day was a Sunday
            },
        ),
    ],
)
def test_england_and_wales_bank_holidays_are_weekdays_only(year: int, expected: set[date]) -> None:
    assert england_and_wales_bank_holidays([year]) == expected


def test_bank_holidays_span_several_years() -> None:
    both = england_and_wales_bank_holidays([2025, 2026])
    assert date(2025, 12, 26) in both and date(2026, 1, 1) in both


# --- is_school_day and covers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 1), False),  # edge: the fixed INSET day
        (date(2025, 9, 2), True),  # first teaching day
        (date(2025, 9, 6), False),  # Saturday
        (date(2025, 10, 24), True),  # last day before half term
        (date(2025, 10, 27), False),  # half term, first day
        (date(2025, 10, 31), False),  # half term, last day
        (date(2025, 11, 3), True),
        (date(2025, 12, 19), True),  # edge: last day of term
        (date(2025, 12, 22), False),  # Christmas holiday, between terms
        (date(2025, 12, 25), False),
        (date(2026, 1, 1), False),
        (date(2026, 1, 5), True),  # edge: first day of term
        (date(2026, 2, 16), False),
        (date(2026, 3, 27), True),  # edge: the last day the calendar covers
    ],
)
def test_staffordshire_school_days(day: date, expected: bool) -> None:
    assert STAFFORDSHIRE.is_school_day(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 4, 3), False),  # Good Friday, in the Easter holiday
        (date(2026, 4, 6), False),  # Easter Monday, in the Easter holiday
        (date(2026, 4, 13), True),
        (date(2026, 5, 4), False),  # edge: May Day bank holiday in term time
        (date(2026, 5, 5), True),
        (date(2026, 5, 25), False),  # spring bank holiday, in half term
        (date(2026, 6, 1), True),
        (date(2026, 7, 20), True),  # last day of the summer term
    ],
)
def test_liverpool_school_days(day: date, expected: bool) -> None:
    assert LIVERPOOL.is_school_day(day) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 8, 31), False),
        (date(2025, 9, 1), True),  # edge: first day of the first term, though an INSET day
        (date(2025, 12, 25), True),  # holidays between terms are covered: known not school days
        (date(2026, 3, 27), True),
        (date(2026, 3, 28), False),  # edge: the day after the last term
    ],
)
def test_covers(day: date, expected: bool) -> None:
    assert STAFFORDSHIRE.covers(day) is expected


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 8, 29),  # before the first term
        date(2026, 4, 13),  # Staffordshire summer term: its end date was not found
    ],
)
def test_is_school_day_outside_the_calendar_raises(day: date) -> None:
    with pytest.raises(CalendarCoverageError):
        STAFFORDSHIRE.is_school_day(day)


# --- add_school_days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2025, 9, 1), 0, date(2025, 9, 1)),  # edge: n=0 returns the start
        (date(2025, 9, 6), 0, date(2025, 9, 6)),  # edge: n=0 even on a non-school day
        (date(2025, 9, 1), 1, date(2025, 9, 2)),  # edge: start on the INSET day
        (date(2025, 8, 31), 1, date(2025, 9, 2)),  # edge: start the day before the calendar
        (date(2025, 9, 5), 1, date(2025, 9, 8)),  # Friday to Monday
        (date(2025, 9, 6), 1, date(2025, 9, 8)),  # edge: start on a Saturday
        (date(2025, 10, 24), 1, date(2025, 11, 3)),  # across autumn half term
        (date(2025, 10, 20), 5, date(2025, 11, 3)),  # 21, 22, 23, 24 Oct, then 3 Nov
        (date(2025, 12, 18), 1, date(2025, 12, 19)),
        (date(2025, 12, 18), 2, date(2026, 1, 5)),  # across Christmas
        (date(2025, 12, 18), 3, date(2026, 1, 6)),
        (date(2026, 1, 5), 20, date(2026, 2, 2)),  # the 20-school-day ground
        (date(2026, 2, 13), 1, date(2026, 2, 23)),  # across spring half term
        (date(2026, 2, 6), 10, date(2026, 2, 27)),  # the 10-school-day ground, across half term
        (date(2026, 3, 20), 5, date(2026, 3, 27)),  # edge: lands on the last covered day
    ],
)
def test_staffordshire_add_school_days(start: date, n: int, expected: date) -> None:
    assert STAFFORDSHIRE.add_school_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 3, 27), 1, date(2026, 4, 13)),  # across Easter (Good Friday, Easter Monday)
        (date(2026, 5, 1), 1, date(2026, 5, 5)),  # skips May Day
        (date(2026, 4, 30), 3, date(2026, 5, 6)),  # 1 May, 5 May, 6 May
        (date(2026, 5, 22), 1, date(2026, 6, 1)),  # spring bank holiday and half term
        (date(2026, 4, 27), 20, date(2026, 6, 2)),  # May Day and half term inside the 20
    ],
)
def test_liverpool_add_school_days(start: date, n: int, expected: date) -> None:
    assert LIVERPOOL.add_school_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n"),
    [
        (date(2026, 3, 20), 6),  # edge: one past the last covered school day
        (date(2026, 3, 27), 1),  # edge: from the last covered day
        (date(2026, 6, 1), 1),  # well after the calendar
        (date(2025, 8, 30), 1),  # edge: 31 August is before the calendar, so unknown
    ],
)
def test_add_school_days_beyond_the_calendar_raises(start: date, n: int) -> None:
    with pytest.raises(CalendarCoverageError, match="2025-09-01|2026-03-27"):
        STAFFORDSHIRE.add_school_days(start, n)


def test_coverage_error_is_a_value_error() -> None:
    assert issubclass(CalendarCoverageError, ValueError)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        STAFFORDSHIRE.add_school_days(date(2025, 10, 1), -1)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 1), date(2025, 9, 2)),  # from the INSET day
        (date(2025, 10, 24), date(2025, 11, 3)),
        (date(2025, 12, 19), date(2026, 1, 5)),
        (date(2025, 9, 3), date(2025, 9, 4)),  # strictly after: a school day gives the next
    ],
)
def test_next_school_day(day: date, expected: date) -> None:
    assert STAFFORDSHIRE.next_school_day(day) == expected


def test_next_school_day_beyond_the_calendar_raises() -> None:
    with pytest.raises(CalendarCoverageError):
        STAFFORDSHIRE.next_school_day(date(2026, 3, 27))


# --- school_days_between ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 8, 31), date(2026, 3, 27), 129),  # the whole calendar
        (date(2025, 8, 31), date(2025, 12, 19), 74),  # edge: the INSET day is not counted
        (date(2025, 9, 1), date(2025, 12, 19), 74),
        (date(2025, 9, 1), date(2025, 9, 1), 0),  # edge: end == start
        (date(2025, 9, 5), date(2025, 9, 1), 0),  # edge: end before start
        (date(2030, 1, 2), date(2030, 1, 1), 0),  # edge: nothing to count, so no coverage needed
        (date(2025, 10, 24), date(2025, 11, 3), 1),  # half term
        (date(2025, 12, 19), date(2026, 1, 5), 1),  # Christmas
        (date(2026, 1, 5), date(2026, 2, 2), 20),  # agrees with add_school_days
        (date(2025, 9, 5), date(2025, 9, 7), 0),  # a weekend only
    ],
)
def test_school_days_between(start: date, end: date, expected: int) -> None:
    assert STAFFORDSHIRE.school_days_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2026, 1, 5), date(2026, 3, 28)),  # end after the last term
        (date(2025, 8, 30), date(2025, 9, 5)),  # 31 August is before the first term
    ],
)
def test_school_days_between_beyond_the_calendar_raises(start: date, end: date) -> None:
    with pytest.raises(CalendarCoverageError):
        STAFFORDSHIRE.school_days_between(start, end)


# --- a school's own dates --------------------------------------------------------------------


def test_a_school_closure_day_is_not_a_school_day() -> None:
    # Hypothetical: the school closes on Thursday 20 November 2025 (e.g. a heating failure).
    school = STAFFORDSHIRE.with_school_calendar(closure_days=[date(2025, 11, 20)])
    assert school.is_school_day(date(2025, 11, 20)) is False
    assert school.add_school_days(date(2025, 11, 19), 1) == date(2025, 11, 21)
    assert STAFFORDSHIRE.is_school_day(date(2025, 11, 20)) is True  # the council's is unchanged


def test_a_school_inset_day_replaces_the_councils() -> None:
    # Hypothetical: a school sets its INSET days on 1 September and 5 January.
    school = STAFFORDSHIRE.with_school_calendar(inset_days=[date(2025, 9, 1), date(2026, 1, 5)])
    assert school.add_school_days(date(2025, 12, 19), 1) == date(2026, 1, 6)
    assert school.school_days_between(date(2025, 8, 31), date(2026, 3, 27)) == 128


def test_an_academys_own_terms_replace_the_councils() -> None:
    # Hypothetical academy starting on Wednesday 3 September; the council's breaks stay.
    academy = STAFFORDSHIRE.with_school_calendar(
        terms=[(date(2025, 9, 3), date(2025, 12, 19)), (date(2026, 1, 5), date(2026, 3, 27))]
    )
    assert academy.add_school_days(date(2025, 9, 2), 1) == date(2025, 9, 3)
    assert academy.covers(date(2025, 9, 2)) is False
    assert academy.is_school_day(date(2025, 10, 27)) is False  # council half term kept
    assert STAFFORDSHIRE.add_school_days(date(2025, 9, 1), 1) == date(2025, 9, 2)


def test_a_bank_holiday_stops_a_school_day_when_a_school_moves_its_half_term() -> None:
    # Hypothetical: a school takes its summer half term 1-5 June, so 25 May is in term time.
    school = LIVERPOOL.with_school_calendar(
        breaks=[*LIVERPOOL_BREAKS[:2], (date(2026, 6, 1), date(2026, 6, 5))]
    )
    assert school.is_school_day(date(2026, 5, 25)) is False  # spring bank holiday
    assert school.add_school_days(date(2026, 5, 22), 1) == date(2026, 5, 26)
    assert school.add_school_days(date(2026, 5, 29), 1) == date(2026, 6, 8)


def test_a_given_bank_holiday_list_replaces_the_national_one() -> None:
    calendar = SchoolCalendar(terms=LIVERPOOL_TERMS, breaks=LIVERPOOL_BREAKS, bank_holidays=())
    assert calendar.is_school_day(date(2026, 5, 4)) is True
    school = calendar.with_school_calendar(closure_days=[date(2026, 5, 5)])
    assert school.is_school_day(date(2026, 5, 4)) is True  # the given list is kept
    assert calendar.add_working_days(date(2026, 5, 1), 1) == date(2026, 5, 4)


def test_terms_may_be_given_in_any_order() -> None:
    reordered = SchoolCalendar(terms=list(reversed(LIVERPOOL_TERMS)), breaks=LIVERPOOL_BREAKS)
    assert reordered.terms == tuple(LIVERPOOL_TERMS)
    assert reordered.add_school_days(date(2026, 3, 27), 1) == date(2026, 4, 13)


@pytest.mark.parametrize(
    ("terms", "breaks", "message"),
    [
        ([], [], "at least one term"),
        ([(date(2025, 12, 19), date(2025, 9, 1))], [], "ends before it starts"),
        (LIVERPOOL_TERMS[:1], [(date(2025, 10, 31), date(2025, 10, 27))], "ends before it starts"),
        (
            [(date(2025, 9, 1), date(2025, 12, 19)), (date(2025, 12, 19), date(2026, 3, 27))],
            [],
            "overlap",  # edge: sharing one day is an overlap
        ),
    ],
)
def test_a_malformed_calendar_is_refused(
    terms: list[tuple[date, date]], breaks: list[tuple[date, date]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        SchoolCalendar(terms=terms, breaks=breaks)


# --- working days and calendar days ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Good Friday, weekend, Easter Monday
        (date(2026, 5, 1), 1, date(2026, 5, 5)),  # May Day
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # spring bank holiday
        (date(2026, 5, 20), 5, date(2026, 5, 28)),  # "5 working days to reply" over 25 May
        (date(2025, 12, 24), 1, date(2025, 12, 29)),  # Christmas Day and Boxing Day
        (date(2025, 12, 31), 1, date(2026, 1, 2)),  # edge: across the year, New Year's Day
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # edge: Boxing Day's substitute Monday
        (date(2026, 4, 4), 0, date(2026, 4, 4)),  # edge: n=0 on a non-working day
        (date(2026, 8, 7), 10, date(2026, 8, 21)),  # summer holiday: working, not school, days
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_add_working_days_with_a_given_list() -> None:
    assert add_working_days(date(2026, 5, 1), 1, bank_holidays=[]) == date(2026, 5, 4)
    assert add_working_days(date(2026, 5, 1), 1, bank_holidays=[date(2026, 5, 5)]) == date(
        2026, 5, 4
    )


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 1, 30), 5, date(2026, 2, 4)),
        (date(2024, 2, 27), 3, date(2024, 3, 1)),  # edge: through 29 February
        (date(2026, 5, 4), 0, date(2026, 5, 4)),
    ],
)
def test_add_calendar_days(start: date, n: int, expected: date) -> None:
    assert add_calendar_days(start, n) == expected


@pytest.mark.parametrize("count", [add_working_days, add_calendar_days])
def test_negative_counts_are_refused_everywhere(count: Callable[[date, int], date]) -> None:
    with pytest.raises(ValueError, match="negative"):
        count(date(2026, 5, 1), -1)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("school_days", date(2026, 6, 1)),  # half term
        ("working_days", date(2026, 5, 26)),  # spring bank holiday
        ("calendar_days", date(2026, 5, 23)),
    ],
)
def test_add_days_dispatches_on_the_unit(unit: DayUnit, expected: date) -> None:
    assert add_days(LIVERPOOL, date(2026, 5, 22), 1, unit) == expected


def test_add_days_refuses_an_unknown_unit() -> None:
    # edge: a unit read from a tenant's settings file is not checked by the type checker
    with pytest.raises(ValueError, match="weeks"):
        add_days(LIVERPOOL, date(2026, 5, 22), 1, "weeks")  # type: ignore[arg-type]
