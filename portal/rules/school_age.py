"""Compulsory school age in England and Wales.

Sources (both apply to England and to Wales):

* Education Act 1996, s.8(2): a child begins to be of compulsory school age on attaining the
  age of five if that day is a prescribed day, and otherwise at the beginning of the next
  prescribed day. The Education (Start of Compulsory School Age) Order 1998 (SI 1998/1607)
  prescribes 31 March, 31 August and 31 December.
* Education Act 1996, s.8(3)-(4): a child ceases to be of compulsory school age at the end of
  the school leaving date of the school year in which they attain sixteen. The Education
  (School Leaving Date) Order 1997 (SI 1997/1970) makes that date the last Friday in June.
  A child who turns sixteen after that Friday but before 1 September still leaves on it.
* Family Law Reform Act 1969, s.9: an age is attained at the start of the anniversary of the
  birth; a child born on 29 February attains an age on 1 March in a year that is not a leap
  year.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

__all__ = [
    "SchoolAgeStatus",
    "birthday",
    "compulsory_school_age_end",
    "compulsory_school_age_start",
    "is_of_compulsory_school_age",
    "last_friday_in_june",
    "school_age_status",
]

SchoolAgeStatus = Literal["below", "compulsory", "above"]

_START_AGE = 5
_END_AGE = 16
_FRIDAY = 4
_SCHOOL_YEAR_START_MONTH = 9  # a school year runs from 1 September to 31 August


def birthday(dob: date, age: int) -> date:
    """The day on which a child born on ``dob`` attains ``age`` (29 February -> 1 March)."""
    year = dob.year + age
    if (dob.month, dob.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 3, 1)
    return dob.replace(year=year)


def _prescribed_days(year: int) -> tuple[date, date, date]:
    """The start-of-compulsory-school-age days in a calendar year, in order (SI 1998/1607)."""
    return date(year, 3, 31), date(year, 8, 31), date(year, 12, 31)


def compulsory_school_age_start(dob: date) -> date:
    """The first prescribed day on or after the fifth birthday."""
    fifth = birthday(dob, _START_AGE)
    # 31 December always closes the year, so a day is always found in it.
    return next(day for day in _prescribed_days(fifth.year) if day >= fifth)


def last_friday_in_june(year: int) -> date:
    """The school leaving date for ``year`` (SI 1997/1970)."""
    june_30 = date(year, 6, 30)
    return june_30 - timedelta(days=(june_30.weekday() - _FRIDAY) % 7)


def compulsory_school_age_end(dob: date) -> date:
    """The last day of compulsory school age: the last Friday in June of the school year
    (1 September to 31 August) in which the child turns sixteen."""
    sixteenth = birthday(dob, _END_AGE)
    school_year_ends_in = (
        sixteenth.year + 1 if sixteenth.month >= _SCHOOL_YEAR_START_MONTH else sixteenth.year
    )
    return last_friday_in_june(school_year_ends_in)


def school_age_status(dob: date, on: date) -> SchoolAgeStatus:
    """Whether on ``on`` the child is below, of, or above compulsory school age.

    Both the first and the last day count as compulsory school age."""
    if on < compulsory_school_age_start(dob):
        return "below"
    if on > compulsory_school_age_end(dob):
        return "above"
    return "compulsory"


def is_of_compulsory_school_age(dob: date, on: date) -> bool:
    """True when the child is of compulsory school age on ``on``."""
    return school_age_status(dob, on) == "compulsory"
