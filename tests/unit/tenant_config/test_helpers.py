"""The small helpers the pages call: names, forms, teams, routing, school days, key paths."""

from __future__ import annotations

from datetime import date

import pytest

from portal.tenant_config import format_loc, outward_code
from portal.tenant_config.schema import OfficeHours


def test_display_name_falls_back_to_english(tenants):
    assert tenants["stockport"].display_name("cy") == "Stockport Council"
    assert tenants["rhondda-cynon-taf"].display_name("cy") == "Rhondda Cynon Taf"


def test_offers_and_team(tenants):
    stockport = tenants["stockport"]
    assert stockport.offers("cme-referral")
    assert not stockport.offers("no-such-form")
    assert stockport.team("education-welfare").email == "education.welfare@stockport.gov.uk"
    with pytest.raises(KeyError):
        stockport.team("nobody")
    assert stockport.school("9999999") is None


def test_route_rules_in_order_then_default(tenants):
    stockport = tenants["stockport"]
    assert stockport.route("ehe-notification").team.key == "ehe"
    assert stockport.route("change-to-register", flags={"ehe"}).team.key == "ehe"
    assert stockport.route("arrival-in-area").team.key == "admissions"
    assert stockport.route("arrival-in-area", flags=["ehe"]).team.key == "ehe"
    # safeguarding flags win over everything after them
    decision = stockport.route("cme-referral", flags=("looked_after", "ehe"))
    assert (decision.team.key, decision.rule_index) == ("massh-ewo", 0)
    default = stockport.route("cross-border-notice")
    assert default.rule_index is None and default.team.key == "education-welfare"
    assert default.reason.en == "Default team: Education Welfare Team"


@pytest.mark.parametrize(
    ("postcode", "outward"),
    [("WS11 1AB", "WS11"), ("ws111ab", "WS11"), ("B77", "B77"), ("SE1 2QH", "SE1"), ("", None), (None, None), ("nonsense", None)],
)
def test_outward_code(postcode, outward):
    assert outward_code(postcode) == outward


def test_school_days(tenants):
    calendar = tenants["staffordshire"].calendar
    assert not calendar.is_school_day(date(2025, 9, 1))  # fixed INSET day
    assert calendar.is_school_day(date(2025, 9, 2))
    assert not calendar.is_school_day(date(2025, 10, 29))  # half term
    assert not calendar.is_school_day(date(2025, 12, 24))  # between terms
    assert not calendar.is_school_day(date(2026, 5, 4))  # May Day bank holiday, in term
    assert not calendar.is_school_day(date(2026, 1, 10))  # Saturday
    assert calendar.is_school_day(date(2026, 1, 14))
    assert calendar.term_on(date(2026, 1, 14)).name.en == "Spring term 2026"


def test_office_hours_describe():
    weekend = OfficeHours(days=["sat", "sun"], opens="10:00", closes="12:00")
    assert weekend.describe() == "Saturday and Sunday, 10am to midday"
    assert weekend.describe("cy") == "Dydd Sadwrn a dydd Sul, 10yb i hanner dydd"
    odd = OfficeHours(days=["fri", "mon", "wed"], opens="09:15", closes="13:45")
    assert odd.describe() == "Monday, Wednesday and Friday, 9:15am to 1:45pm"


def test_format_loc():
    assert format_loc(("contacts", "safeguarding", "office_hours", 0, "opens")) == "contacts.safeguarding.office_hours[0].opens"
    assert format_loc(("offered_forms", 2)) == "offered_forms[2]"
    assert format_loc(()) == ""
