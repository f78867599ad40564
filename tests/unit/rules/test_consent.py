"""Which home education notices need the council's consent (portal.rules.consent)."""
from __future__ import annotations

from datetime import date

import pytest

from portal.rules.consent import S434A, SPECIAL_SCHOOL, consent_reasons, decision_due

DAY = date(2026, 12, 7)
SCHOOL = {"deletion_ground": "home-education", "special_school": "no",
          "child_protection_plan": "no", "s47_enquiries": "no"}


def reasons(form, answers, *, nation="england", commencement=None, received=DAY):
    return consent_reasons(form, answers, nation=nation, received_on=received,
                           s434a_commencement=commencement)


@pytest.mark.parametrize("form, answers, expected", [
    ("ehe-notification", {"special_school": "yes", "council_arranged_place": "yes"}, (SPECIAL_SCHOOL,)),
    ("ehe-notification", {"special_school": "yes", "council_arranged_place": "no"}, ()),
    ("ehe-notification", {"special_school": "no"}, ()),
    ("change-to-register", {**SCHOOL, "special_school": "yes"}, (SPECIAL_SCHOOL,)),
    ("change-to-register", {**SCHOOL, "deletion_ground": "moved-away", "special_school": "yes"}, ()),
    ("cme-referral", {"special_school": "yes"}, ()),
])
def test_a_special_school_place_the_council_arranged_needs_consent(form, answers, expected):
    assert reasons(form, answers) == expected


@pytest.mark.parametrize("form, answers", [
    ("change-to-register", {**SCHOOL, "child_protection_plan": "yes"}),
    ("change-to-register", {**SCHOOL, "s47_enquiries": "yes"}),
    ("ehe-notification", {"child_protection": "yes"}),
])
def test_s434a_from_its_commencement_in_england_only(form, answers):
    assert reasons(form, answers) == ()  # not commenced
    assert reasons(form, answers, commencement=date(2026, 12, 8)) == ()  # the day after
    assert reasons(form, answers, commencement=DAY) == (S434A,)  # on the day
    assert reasons(form, answers, commencement=date(2026, 9, 1), nation="wales") == ()


def test_not_sure_is_not_a_yes():
    assert reasons("ehe-notification", {"child_protection": "not_sure"},
                   commencement=date(2026, 1, 1)) == ()


def test_the_decision_is_due_in_calendar_days():
    assert decision_due(date(2026, 12, 24), 15) == date(2027, 1, 8)
