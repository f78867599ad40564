"""Year groups in England from a date of birth: the cohort runs 1 September to 31 August."""
from datetime import date

import pytest

from portal.rules.year_group import birth_cohort, year_group, year_group_number


@pytest.mark.parametrize("dob, on, expected", [
    (date(2020, 9, 1), date(2025, 10, 2), "reception"),   # turns 5 in the school year
    (date(2021, 8, 31), date(2025, 10, 2), "reception"),  # youngest of the cohort
    (date(2020, 8, 31), date(2025, 10, 2), "year_1"),     # one day older: a year ahead
    (date(2010, 9, 1), date(2026, 5, 21), "year_10"),
    (date(2010, 8, 31), date(2026, 5, 21), "year_11"),    # turns 16 on 31 August 2026
    (date(2009, 8, 31), date(2026, 1, 15), "unknown"),    # Year 12: outside the return
    (date(2021, 9, 1), date(2025, 10, 2), "unknown"),     # nursery age
    (None, date(2025, 10, 2), "unknown"),
    (date(2016, 2, 29), date(2026, 1, 15), "year_5"),     # a leap day is in its cohort
])
def test_year_groups(dob, on, expected):
    assert year_group(dob, on) == expected


def test_a_child_moves_up_a_year_on_1_september_not_on_the_birthday():
    dob = date(2015, 3, 10)
    assert year_group(dob, date(2026, 8, 31)) == "year_6"
    assert year_group(dob, date(2026, 9, 1)) == "year_7"
    assert year_group(dob, date(2027, 3, 10)) == "year_7"


def test_the_cohort_and_the_number():
    assert birth_cohort(date(2019, 9, 1)) == 2019
    assert birth_cohort(date(2020, 8, 31)) == 2019
    assert year_group_number(date(2019, 12, 25), date(2024, 9, 1)) == 0
    assert year_group_number(date(2030, 1, 1), date(2025, 1, 1)) is None  # born later
