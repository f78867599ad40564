"""A child's national curriculum year group in England, from the date of birth.

England's rule: a year group is the children born from 1 September to 31 August of one year
(the school year runs from 1 September; the Education Act 1996 s.8 and the Education (National
Curriculum) (Key Stage 1 Assessment Arrangements) (England) Order, which place a child in the
year group of the children of the same age at 31 August). Reception is the year in which a child
turns five (before compulsory school age begins, s.8(2)); Year 1 the year they turn six; Year 11
the year they turn sixteen. The DfE's return counts Reception to Year 11 and "Unknown": a child
with no date of birth, or one outside those years, is "unknown" and listed for the officer.

No Flask here.
"""
from __future__ import annotations

from datetime import date

RECEPTION = 0
YEAR_11 = 11
_SCHOOL_YEAR_START_MONTH = 9


def school_year_start_year(day: date) -> int:
    """The calendar year in which the school year of ``day`` began (1 September)."""
    return day.year if day.month >= _SCHOOL_YEAR_START_MONTH else day.year - 1


def birth_cohort(dob: date) -> int:
    """The year of the 1 September that begins the child's cohort (born 1 September of it to
    31 August of the next)."""
    return school_year_start_year(dob)


def year_number(cohort: int, school_year: int) -> int:
    """Reception is 0, Year 1 is 1, ...: the cohort born from 1 September ``cohort`` is in
    Reception in the school year that begins in ``cohort + 5``."""
    return school_year - cohort - 5


def year_group_number(dob: date | None, on: date) -> int | None:
    """0 for Reception, 1 to 11 for Years 1 to 11 on the day ``on``; None when the date of
    birth is missing or the child is outside Reception to Year 11."""
    if dob is None or dob > on:
        return None
    number = year_number(birth_cohort(dob), school_year_start_year(on))
    return number if RECEPTION <= number <= YEAR_11 else None


def year_group_key(number: int | None) -> str:
    """The DfE breakdown key: ``reception``, ``year_1`` ... ``year_11`` or ``unknown``."""
    if number is None or not RECEPTION <= number <= YEAR_11:
        return "unknown"
    return "reception" if number == RECEPTION else f"year_{number}"


def year_group(dob: date | None, on: date) -> str:
    """The DfE year-group key of a child born on ``dob``, on the day ``on``."""
    return year_group_key(year_group_number(dob, on))
