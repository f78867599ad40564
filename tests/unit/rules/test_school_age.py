"""Hand-checked cases. Last Fridays in June: 2024-06-28, 2025-06-27, 2026-06-26, 2027-06-25,
2028-06-30 (30 June 2028 is itself a Friday)."""
from datetime import date

import pytest

from portal.rules.school_age import (
    SchoolAgeStatus,
    birthday,
    compulsory_school_age_end,
    compulsory_school_age_start,
    is_of_compulsory_school_age,
    last_friday_in_june,
    school_age_status,
)


@pytest.mark.parametrize(
    ("dob", "age", "expected"),
    [
        (date(2010, 7, 4), 16, date(2026, 7, 4)),
        (date(2016, 2, 29), 5, date(2021, 3, 1)),  # edge: 2021 has no 29 February
        (date(2016, 2, 29), 8, date(2024, 2, 29)),  # edge: 2024 is a leap year
        (date(2012, 2, 29), 1, date(2013, 3, 1)),
        (date(2009, 2, 28), 16, date(2025, 2, 28)),
    ],
)
def test_birthday(dob: date, age: int, expected: date) -> None:
    assert birthday(dob, age) == expected


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (date(2020, 12, 31), date(2025, 12, 31)),  # edge: fifth birthday is a prescribed day
        (date(2021, 1, 1), date(2026, 3, 31)),  # edge: the day after a prescribed day
        (date(2020, 3, 31), date(2025, 3, 31)),  # edge: on 31 March
        (date(2020, 4, 1), date(2025, 8, 31)),  # edge: the day after 31 March
        (date(2020, 8, 31), date(2025, 8, 31)),  # edge: on 31 August
        (date(2020, 9, 1), date(2025, 12, 31)),  # edge: the day after 31 August
        (date(2019, 12, 30), date(2024, 12, 31)),
        (date(2020, 1, 1), date(2025, 3, 31)),
        (date(2020, 2, 29), date(2025, 3, 31)),  # edge: 29 February, fifth birthday 1 March
        (date(2019, 2, 28), date(2024, 3, 31)),
    ],
)
def test_compulsory_school_age_start(dob: date, expected: date) -> None:
    assert compulsory_school_age_start(dob) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, date(2024, 6, 28)),  # 30 June is a Sunday
        (2025, date(2025, 6, 27)),  # 30 June is a Monday
        (2026, date(2026, 6, 26)),  # 30 June is a Tuesday
        (2027, date(2027, 6, 25)),  # 30 June is a Wednesday
        (2028, date(2028, 6, 30)),  # edge: 30 June is the Friday
    ],
)
def test_last_friday_in_june(year: int, expected: date) -> None:
    assert last_friday_in_june(year) == expected


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (date(2010, 1, 15), date(2026, 6, 26)),
        (date(2010, 6, 25), date(2026, 6, 26)),  # turns 16 the day before the last Friday
        (date(2010, 6, 26), date(2026, 6, 26)),  # edge: turns 16 on the last Friday in June
        (date(2010, 6, 27), date(2026, 6, 26)),  # edge: turns 16 the day after it; leaves before
        (date(2010, 8, 31), date(2026, 6, 26)),  # edge: turns 16 on 31 August
        (date(2010, 9, 1), date(2027, 6, 25)),  # edge: turns 16 on 1 September, a school year on
        (date(2009, 9, 1), date(2026, 6, 26)),  # oldest of the cohort leaving in June 2026
        (date(2012, 2, 29), date(2028, 6, 30)),  # 29 February, turns 16 on 29 February 2028
        (date(2011, 2, 28), date(2027, 6, 25)),
    ],
)
def test_compulsory_school_age_end(dob: date, expected: date) -> None:
    assert compulsory_school_age_end(dob) == expected


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        (date(2020, 12, 31), date(2025, 12, 30), "below"),
        (date(2020, 12, 31), date(2025, 12, 31), "compulsory"),  # edge: first day counts
        (date(2021, 1, 1), date(2026, 1, 1), "below"),  # edge: five, but before 31 March
        (date(2021, 1, 1), date(2026, 3, 30), "below"),
        (date(2021, 1, 1), date(2026, 3, 31), "compulsory"),
        (date(2010, 6, 27), date(2026, 6, 26), "compulsory"),  # edge: last day counts
        (date(2010, 6, 27), date(2026, 6, 27), "above"),  # edge: day after; also 16th birthday
        (date(2010, 9, 1), date(2026, 9, 1), "compulsory"),  # 16 today, a year still to go
        (date(2010, 9, 1), date(2027, 6, 26), "above"),
        (date(2012, 2, 29), date(2028, 6, 30), "compulsory"),
        (date(2012, 2, 29), date(2028, 7, 1), "above"),
    ],
)
def test_school_age_status(dob: date, on: date, expected: SchoolAgeStatus) -> None:
    assert school_age_status(dob, on) == expected
    assert is_of_compulsory_school_age(dob, on) is (expected == "compulsory")
