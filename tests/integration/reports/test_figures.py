"""Every figure of a period, against the hand-built data set (dataset.py), for February 2026
(1 to 28 February, both included). Each expected number was worked out by hand; the comment
beside it names the cases it counts."""
from __future__ import annotations

from datetime import date

import pytest

from tests.integration.reports.dataset import NOW

FIRST, LAST = date(2026, 2, 1), date(2026, 2, 28)
TODAY = NOW.date()


@pytest.fixture
def february(in_liverpool):
    from portal.reports.figures import period_figures

    return period_figures(in_liverpool, FIRST, LAST, today=TODAY)


def _counts(counts) -> dict[str, int]:
    return {count.key: count.value for count in counts}


def test_children_missing_education_at_the_start_and_end_of_the_period(february):
    # c01 c02 c06 c08 c09 (reopened 5 Jan) c12 c14 c15 c18; not c07 or c17 (EHE notices),
    # not c05 (closed in December), not c10 (not missing education)
    assert february.cme_at_start == 9
    # c03 c04 c13 opened in February, c05 reopened on 15 February
    assert february.cme_went_missing == 4
    # c02 c04 c06 c08 and c14 (closed at 23:30 on 27 February); not c15, closed at midnight
    # at the very end of the period, nor c03, closed in March
    assert february.cme_stopped == 5
    # c01 c03 c05 c09 c12 c13 c15 c18
    assert february.cme_at_end == 8
    assert (february.cme_at_start + february.cme_went_missing - february.cme_stopped
            == february.cme_at_end)


def test_the_primary_reasons_of_those_missing_at_the_end(february):
    assert _counts(february.reasons) == {
        "cme_moved_in_other_la": 1,  # c15: a cross-border notice says the child moved in
        "cme_application_awaiting": 1,  # c12: recorded
        "cme_unsuitable_ehe": 1,  # c09: reopened after home education
        "cme_believed_moved_la": 2,  # c01 recorded; c03 closed later as found in another council
        "cme_believed_moved_country": 1,  # c18 recorded
        "cme_not_recorded": 2,  # c05 nothing recorded or mapped; c13's code "ABC1" is not the DfE's
    }
    assert sum(c.value for c in february.reasons) == february.cme_at_end
    labels = {c.key: c.label for c in february.reasons}
    assert labels["cme_unsuitable_ehe"] == "Unsuitable elective home education"


def test_how_long_those_missing_at_the_end_had_been_missing(february):
    assert _counts(february.durations) == {
        "under_2_weeks": 2,  # c05 (reopened 15 Feb: 13 days), c13 (26 Feb: 2 days)
        "2_to_4_weeks": 1,  # c03 (5 Feb: 23 days)
        "4_to_8_weeks": 3,  # c09 (5 Jan: 54), c15 (26 Jan: 33), c18 (25 Jan: 34)
        "8_to_12_weeks": 1,  # c12 (15 Dec: 75)
        "12_to_26_weeks": 1,  # c01 (last attended 20 Oct: 130)
    }


def test_whereabouts_not_known_at_the_end(february):
    # c01 and c18 recorded as not known; c03 (located recorded only on 9 March), c05, c09 and
    # c13 never recorded; c12 and c15 known
    assert february.whereabouts_unknown == 6
    assert february.whereabouts_not_recorded == 4


def test_whereabouts_or_education_established_in_the_period(february, ids):
    assert february.established_total == 4  # c02 c04 c08 c14
    assert _counts(february.established_by_outcome) == {
        "back_in_school": 2,  # c02, and c14 (Liverpool's "found within the 20 days")
        "ehe": 1,  # c08
        "located_other_la": 1,  # c04
    }
    how = {count.label: count.value for count in february.established_how}
    assert how == {
        "No enquiry recorded as finding the child": 2,  # c04 c08
        "Capita One checked for another education provider or home education": 1,  # c02
        "Another enquiry": 1,  # c14
    }
    rows = [(r.case_id, r.day, r.dfe_outcome) for r in february.established_rows]
    assert rows == [(ids["c02"], date(2026, 2, 10), "back_in_school"),
                    (ids["c08"], date(2026, 2, 12), "ehe"),
                    (ids["c04"], date(2026, 2, 20), "located_other_la"),
                    (ids["c14"], date(2026, 2, 27), "back_in_school")]
    assert february.lost_s2s == 1  # c06
    assert february.not_cme == 1  # c10


def test_notifications_received_by_source_and_form(february):
    # c03 c04 c05 (its second referral) c10 c13 and sA sB sC; not Southwark's
    assert february.notifications == 8
    assert _counts(february.by_source) == {"school": 3, "agency": 1, "public": 2, "council": 2}
    assert _counts(february.by_form) == {"cme-referral": 5, "cross-border-notice": 1,
                                         "ehe-notification": 1, "missing-pupil-checklist": 1}
    assert february.cases_opened == 4  # c03 c04 c10 c13


def test_acknowledgement_and_allocation_against_the_thresholds(february):
    acknowledge, allocate = february.timeliness
    assert (acknowledge.key, acknowledge.allowed) == ("acknowledge", "1 school day")
    assert acknowledge.received == 8
    assert acknowledge.done == 7
    # late: c04 (2 school days); c05's referral came on the Sunday before half term and was
    # acknowledged on the first school day after it, in time
    assert (acknowledge.on_time, acknowledge.late) == (6, 1)
    assert (acknowledge.waiting, acknowledge.waiting_overdue) == (1, 1)  # sA
    assert acknowledge.median_days == 1  # 0 0 0 1 1 1 2
    assert acknowledge.longest_days == 2

    assert (allocate.key, allocate.days) == ("allocate", 2)
    assert allocate.done == 6
    # late: c04 (first allocated on 5 Feb, 3 school days; reallocated in March, which does not
    # count) and c13 (4 school days); in time: c03, c05, c10, sC (Friday to Tuesday)
    assert (allocate.on_time, allocate.late) == (4, 2)
    assert (allocate.waiting, allocate.waiting_overdue) == (2, 2)  # sA sB
    assert allocate.median_days == 1.5  # 1 1 1 2 3 4
    assert (allocate.allowed, allocate.median_text) == ("2 school days", "1.5 school days")
    assert allocate.longest_days == 4


def test_elective_home_education_in_the_period(february):
    assert february.ehe_at_end == 3  # c07 c08 c17; not c09, reopened in January
    assert february.ehe_started == 1  # c08


def test_open_work_today(february):
    assert february.open_now == 7  # c01 c05 c09 c11 c12 c13 c18
    assert february.overdue_cases == 2  # c11 (due 10 March), c12 (due 19 March)
    assert february.urgent_open == 2  # c11 c18; c06 is closed
    assert february.overdue_notifications == 3  # sA sB and c11's notice


def test_a_past_period_counts_what_was_true_then(in_liverpool):
    """The school year's autumn term: c03's and c12's later records do not change it."""
    from portal.reports.figures import period_figures

    autumn = period_figures(in_liverpool, date(2025, 9, 1), date(2025, 12, 19), today=TODAY)
    # c01 c05 (until 1 Dec) c06 c12 c14 went missing; c09 and c07 were home education notices
    assert autumn.cme_at_start == 0
    assert autumn.cme_went_missing == 5
    assert autumn.cme_stopped == 1  # c05
    assert autumn.cme_at_end == 4  # c01 c06 c12 c14
    # c12's cme_application_awaiting and "located" were recorded on 20 January: at 19 December it had neither,
    # and its arrival from another council gives its reason
    assert {c.key: c.value for c in autumn.reasons} == {"cme_moved_in_other_la": 1, "cme_believed_moved_la": 1, "cme_unknown": 1,
                                                         "cme_not_recorded": 1}
    assert autumn.whereabouts_unknown == 4
    assert autumn.ehe_at_end == 3  # c07 c09 c17
    assert autumn.ehe_started == 2  # c07 c09


def test_another_councils_cases_are_not_counted(reports_app):
    from portal.extensions import db
    from portal.reports.figures import period_figures
    from portal.tenancy import tenant_id_for, tenant_scope, tenants

    with reports_app.test_request_context("/"), tenant_scope(tenant_id_for("southwark")):
        southwark = period_figures(tenants()["southwark"], FIRST, LAST, today=TODAY)
        db.session.remove()
    # c19 only; Southwark counts a child as missing education only once its checks and an
    # Early Help home visit are recorded (its [cme_definition]): c19 has none, so at risk
    assert southwark.cme_at_end == 0
    assert southwark.at_risk_at_end == 1
    assert southwark.notifications == 1
    assert southwark.open_now == 1
