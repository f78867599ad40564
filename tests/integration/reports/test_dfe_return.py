"""The DfE's termly return at the spring census date, Thursday 15 January 2026, on the
hand-built data set (dataset.py); every number worked out by hand. (The full cell-by-cell
check on generated children is test_dfe_return_cells.py.)"""
from __future__ import annotations

from datetime import date

import pytest

CENSUS = date(2026, 1, 15)


@pytest.fixture
def spring(in_liverpool):
    from portal.reports.dfe_return import dfe_return

    return dfe_return(in_liverpool, CENSUS)


def _counts(result, measure, topic) -> dict[str, int]:
    prefix = f"{measure}|{topic}|"
    return {key[len(prefix):]: value for key, value in result.figures.items()
            if key.startswith(prefix) and value}


def test_the_school_year_starts_on_1_september():
    from portal.reports.dfe_return import school_year_start

    assert school_year_start(date(2026, 1, 15)) == date(2025, 9, 1)
    assert school_year_start(date(2025, 10, 2)) == date(2025, 9, 1)
    assert school_year_start(date(2025, 8, 31)) == date(2024, 9, 1)


def test_the_reference_date_period_and_version(spring):
    assert spring.version.key == "2025-26" and spring.term == "spring"
    assert (spring.period_first, spring.period_last) == (date(2025, 10, 3), CENSUS)
    assert (spring.previous_year_first, spring.previous_year_last) == (date(2024, 9, 1),
                                                                       date(2025, 8, 31))


def test_children_missing_education_at_the_census_date(spring):
    # at the end of 15 January: c01 c02 c06 c09 (reopened 5 Jan) c12 c14
    assert spring.value("cme_census") == 6
    # every child of the data set is born 1 May 2014: Year 7 in 2025/26; no sex given
    assert _counts(spring, "cme_census", "Year group") == {"year_7": 6}
    assert _counts(spring, "cme_census", "Sex") == {"unknown": 6}


def test_how_long_each_child_had_been_missing(spring):
    assert _counts(spring, "cme_census", "Duration") == {
        "under_2_weeks": 2,  # c02 (first day of absence 5 Jan: 10 days), c09 (reopened 5 Jan)
        "4_to_8_weeks": 1,  # c12 (opened 15 Dec: 31 days)
        "8_to_12_weeks": 1,  # c06 (last attended 14 Nov: 61 days)
        "12_to_26_weeks": 2,  # c01 (last attended 20 Oct: 86 days), c14 (10 Sep: 127 days)
    }


def test_the_primary_reasons(spring):
    assert _counts(spring, "cme_census", "Reason") == {
        "cme_moved_in_other_la": 1,  # c12: nothing recorded yet on 15 Jan; from another council
        "cme_unsuitable_ehe": 1,  # c09: reopened after home education
        "cme_believed_moved_la": 1,  # c01: recorded
        "cme_unknown": 1,  # c06: later closed as lost (S2S)
        "cme_not_recorded": 2,  # c02 (nothing recorded), c14 ("XYZ" is not a DfE code)
    }


def test_a_code_on_no_list_and_the_unknowns_are_listed_for_the_officer(spring, ids):
    assert spring.unknown_codes == [ids["c14"]]
    # nobody in the data set has a recorded sex: all are listed to put right
    assert ids["c01"] in spring.unknown_sex and ids["c07"] in spring.unknown_sex
    assert spring.unknown_year_group == []


def test_children_missing_education_in_the_previous_academic_year(spring):
    # 1 Sep 2024 to 31 Aug 2025: c16 (June 2025) only; c17 was opened from an EHE notice
    assert spring.value("cme_previous_year") == 1


def test_elective_home_education(spring):
    assert spring.value("ehe_census") == 2  # c07 c17; c09 was reopened on 5 Jan, c08 is later
    assert _counts(spring, "ehe_census", "Reason") == {"ehe_philosophical": 1,
                                                       "ehe_mental_health": 1}
    # the period 3 Oct 2025 to 15 Jan 2026: nobody started home education (c07 and c09 in
    # September, c08 in February)
    assert spring.value("ehe_starts") == 0


def test_an_autumn_census_date_of_the_same_data(in_liverpool):
    from portal.reports.dfe_return import dfe_return

    autumn = dfe_return(in_liverpool, date(2025, 10, 2))
    assert autumn.year_start == date(2025, 9, 1)
    assert autumn.value("cme_census") == 2  # c05 (opened 1 Oct), c14
    assert autumn.value("ehe_census") == 3  # c07 c09 c17
    assert _counts(autumn, "cme_census", "Duration") == {"under_2_weeks": 1, "2_to_4_weeks": 1}
    # the period runs from the day after the summer census 2025 (15 May): c07 and c09
    # started home education in September, c17 on 10 May (before it)
    assert autumn.period_first == date(2025, 5, 16)
    assert autumn.value("ehe_starts") == 2
    assert autumn.value("ehe_starts", "School type", "else_unk") == 2


def test_a_date_that_is_not_a_census_date_is_refused(in_liverpool):
    from portal.reports.dfe_return import UnknownCensusDate, dfe_return

    with pytest.raises(UnknownCensusDate):
        dfe_return(in_liverpool, date(2026, 1, 14))


def test_the_cells_are_in_the_collections_order(spring):
    cells = spring.cells()
    assert (cells[0].measure, cells[0].topic, cells[0].value) == ("cme_census", "Total", 6)
    assert [c.label for c in cells[1:4]] == ["Female", "Male", "Unknown"]
    assert cells[4].label == "Reception" and cells[15].label == "Year 11"
    assert len(cells) == (1 + 3 + 13 + 8 + 20) + 1 + (1 + 3 + 13 + 19) + (1 + 11) + 4
