"""The earliest lawful day to delete a pupil, counted in school days (hand-checked)."""
from datetime import date

import pytest

from portal.rules.calendar import SchoolCalendar
from portal.rules.deletion_grounds import ENGLAND_2024, WALES_2010
from portal.rules.deletion_readiness import (CALENDAR_UNKNOWN, CME_ACKNOWLEDGEMENT,
                                             JOINT_ENQUIRIES, LA_CONSENT_SPECIAL_SCHOOL,
                                             DeletionPolicy, deletion_readiness)

# Staffordshire 2025-26 as published (autumn and spring terms; half terms; INSET 1 Sep).
STAFFORDSHIRE = SchoolCalendar(
    terms=[(date(2025, 9, 1), date(2025, 12, 19)), (date(2026, 1, 5), date(2026, 3, 27))],
    breaks=[(date(2025, 10, 27), date(2025, 10, 31)), (date(2026, 2, 16), date(2026, 2, 20))],
    inset_days=[date(2025, 9, 1)],
)
STAFFS_POLICY = DeletionPolicy(requires_cme_acknowledgement=True, continuous_absence_school_days=20)
ABSENCE = ENGLAND_2024.ground("9(1)(i)")
LEAVE = ENGLAND_2024.ground("9(1)(h)")
HOME_EDUCATION = ENGLAND_2024.ground("9(1)(f)")
DIED = ENGLAND_2024.ground("9(1)(k)")


@pytest.mark.parametrize("first_absent, expected", [
    # Mon 2 Feb 2026 is day 1; days 1-10 run to Fri 13 Feb, half term 16-20 Feb is skipped,
    # days 11-20 run Mon 23 Feb - Fri 6 Mar; the earliest deletion is Mon 9 Mar.
    (date(2026, 2, 2), date(2026, 3, 9)),
    # Day 1 Mon 1 Dec 2025; 15 school days to Fri 19 Dec; Christmas; days 16-20 are
    # Mon 5 - Fri 9 Jan 2026; earliest Mon 12 Jan.
    (date(2025, 12, 1), date(2026, 1, 12)),
    # Absent from Saturday 31 Jan: day 1 is the next school day, Mon 2 Feb.
    (date(2026, 1, 31), date(2026, 3, 9)),
    # Day 1 is Tue 2 Sep (1 Sep is INSET); 20 school days end Mon 29 Sep; earliest Tue 30 Sep.
    (date(2025, 9, 1), date(2025, 9, 30)),
])
def test_twenty_school_days_of_continuous_absence(first_absent, expected):
    readiness = deletion_readiness(ABSENCE, today=date(2025, 9, 1), calendar=STAFFORDSHIRE,
                                   policy=STAFFS_POLICY, first_day_of_absence=first_absent)
    assert readiness.earliest == expected
    assert readiness.conditions == (JOINT_ENQUIRIES, CME_ACKNOWLEDGEMENT)
    assert readiness.school_days_counted == 20


def test_a_council_asking_for_more_days_counts_its_own_number():
    readiness = deletion_readiness(
        ABSENCE, today=date(2026, 2, 2), calendar=STAFFORDSHIRE,
        policy=DeletionPolicy(continuous_absence_school_days=25),
        first_day_of_absence=date(2026, 2, 2))
    # days 21-25 are Mon 9 - Fri 13 Mar; earliest Mon 16 Mar
    assert readiness.earliest == date(2026, 3, 16)
    assert readiness.conditions == (JOINT_ENQUIRIES,)


def test_a_deletion_is_never_backdated():
    readiness = deletion_readiness(ABSENCE, today=date(2026, 3, 20), calendar=STAFFORDSHIRE,
                                   first_day_of_absence=date(2026, 1, 5))
    assert readiness.earliest == date(2026, 3, 20)


def test_not_back_within_ten_school_days_after_leave():
    # Leave ended Fri 6 Feb 2026: school days 1-5 are 9-13 Feb, half term, 6-10 are 23-27 Feb;
    # earliest Mon 2 Mar.
    readiness = deletion_readiness(LEAVE, today=date(2026, 2, 6), calendar=STAFFORDSHIRE,
                                   leave_ended=date(2026, 2, 6))
    assert readiness.earliest == date(2026, 3, 2)
    assert readiness.conditions == (JOINT_ENQUIRIES,)


def test_other_grounds_may_delete_from_today_without_the_councils_gate():
    readiness = deletion_readiness(DIED, today=date(2026, 1, 14), calendar=STAFFORDSHIRE,
                                   policy=STAFFS_POLICY)
    assert readiness == readiness.__class__(date(2026, 1, 14), (), None)


def test_an_unknown_destination_is_gated_by_the_councils_policy():
    readiness = deletion_readiness(ENGLAND_2024.ground("9(1)(g)"), today=date(2026, 1, 14),
                                   calendar=STAFFORDSHIRE, policy=STAFFS_POLICY,
                                   whereabouts_unknown=True)
    assert readiness.conditions == (CME_ACKNOWLEDGEMENT,)


def test_a_special_school_pupil_educated_at_home_needs_the_councils_consent():
    readiness = deletion_readiness(HOME_EDUCATION, today=date(2026, 1, 14),
                                   calendar=STAFFORDSHIRE, special_school=True)
    assert readiness.conditions == (LA_CONSENT_SPECIAL_SCHOOL,)


def test_beyond_the_known_term_dates_the_date_is_not_guessed():
    readiness = deletion_readiness(ABSENCE, today=date(2026, 3, 2), calendar=STAFFORDSHIRE,
                                   first_day_of_absence=date(2026, 3, 2))
    assert readiness.earliest is None
    assert CALENDAR_UNKNOWN in readiness.conditions


def test_welsh_grounds_count_the_same_way():
    ground = next(g for g in WALES_2010.grounds if g.key == "continuous-absence-20-days")
    readiness = deletion_readiness(ground, today=date(2026, 2, 2), calendar=STAFFORDSHIRE,
                                   first_day_of_absence=date(2026, 2, 2))
    assert readiness.earliest == date(2026, 3, 9)
