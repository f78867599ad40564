"""The DfE's termly return at the spring census date, Thursday 15 January 2026, on the
hand-built data set (dataset.py); every number worked out by hand."""
from __future__ import annotations

from datetime import date

import pytest

CENSUS = date(2026, 1, 15)


@pytest.fixture
def spring(in_liverpool):
    from portal.reports.dfe_return import dfe_return

    return dfe_return(in_liverpool, CENSUS)


def _counts(counts) -> dict[str, int]:
    return {count.key: count.value for count in counts if count.value}


def test_the_school_year_starts_on_1_september():
    from portal.reports.dfe_return import school_year_start

    assert school_year_start(date(2026, 1, 15)) == date(2025, 9, 1)
    assert school_year_start(date(2025, 10, 2)) == date(2025, 9, 1)
    assert school_year_start(date(2025, 8, 31)) == date(2024, 9, 1)


def test_children_missing_education_at_the_census_date_and_in_the_year(spring):
    # at the end of 15 January: c01 c02 c06 c09 (reopened 5 Jan) c12 c14
    assert spring.cme_at_census == 6
    # and c05 (October to December); not c16 (closed in July), not c07 (an EHE notice)
    assert spring.cme_in_year == 7
    assert spring.cme_started_in_year == 7


def test_how_long_each_child_had_been_missing(spring):
    assert [c.key for c in spring.durations] == [
        "under_2_weeks", "2_to_4_weeks", "4_to_8_weeks", "8_to_12_weeks", "12_to_26_weeks",
        "26_to_52_weeks", "over_52_weeks", "unknown"]
    assert _counts(spring.durations) == {
        "under_2_weeks": 2,  # c02 (first day of absence 5 Jan: 10 days), c09 (reopened 5 Jan)
        "4_to_8_weeks": 1,  # c12 (opened 15 Dec: 31 days)
        "8_to_12_weeks": 1,  # c06 (last attended 14 Nov: 61 days)
        "12_to_26_weeks": 2,  # c01 (last attended 20 Oct: 86 days), c14 (10 Sep: 127 days)
    }
    assert sum(c.value for c in spring.durations) == spring.cme_at_census


def test_the_primary_reasons(spring):
    assert len(spring.reasons) == 20  # every DfE reason, zeros included
    assert _counts(spring.reasons) == {
        "CME01": 1,  # c12: nothing recorded yet on 15 Jan; arrived from another council
        "CME07": 1,  # c09: reopened after home education
        "CME16": 1,  # c01: recorded
        "CME18": 1,  # c06: later closed as lost (S2S)
        "CME19": 2,  # c02 (nothing recorded), c14 ("XYZ" is not a DfE code)
    }
    assert spring.unrecognised_codes == 1  # c14


def test_elective_home_education(spring):
    assert spring.ehe_at_census == 2  # c07 c17; c09 was reopened on 5 Jan, c08 is later
    assert spring.ehe_in_year == 3  # c07 c09 c17
    assert spring.ehe_started_in_year == 2  # c07 c09
    assert len(spring.ehe_reasons) == 19
    assert _counts(spring.ehe_reasons) == {"EHE08": 1, "EHE01": 1}


def test_an_autumn_census_date_of_the_same_data(in_liverpool):
    from portal.reports.dfe_return import dfe_return

    autumn = dfe_return(in_liverpool, date(2025, 10, 2))
    assert autumn.year_start == date(2025, 9, 1)
    assert autumn.cme_at_census == 2  # c05 (opened 1 Oct), c14
    assert autumn.cme_in_year == 2
    assert autumn.ehe_at_census == 3  # c07 c09 c17
    assert _counts(autumn.durations) == {"under_2_weeks": 1, "2_to_4_weeks": 1}  # c05 1, c14 22


def test_the_return_rows_for_the_csv(spring):
    from portal.reports.dfe_return import return_rows

    rows = return_rows(spring)
    assert ("Children missing education", "", "At the census date", 6) in rows
    assert any(row[1] == "CME07" and row[3] == 1 for row in rows)
    assert len(rows) == 3 + 8 + 20 + 3 + 19
