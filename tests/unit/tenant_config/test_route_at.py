"""Safeguarding.route_at: office contact inside office hours (Europe/London), else out of hours."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from portal.tenant_config import is_bank_holiday

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def first_response(tenants):
    # Staffordshire: 8.30am to 5pm Monday to Thursday, 8.30am to 4.30pm Friday (as printed).
    return tenants["staffordshire"].contacts.safeguarding


def test_weekday_inside_office_hours_gives_the_office_contact(first_response):
    route = first_response.route_at(datetime(2026, 1, 14, 10, 0, tzinfo=UTC))  # Wednesday
    assert route.is_office_hours is True
    assert (route.name.en, route.phone, route.email) == ("First Response", "0800 13 13 126", "firstr@staffordshire.gov.uk")
    assert route.demo is False


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 1, 14, 20, 0, tzinfo=UTC),  # 8pm on a Wednesday
        datetime(2026, 1, 17, 11, 0, tzinfo=UTC),  # Saturday
        datetime(2026, 1, 18, 11, 0, tzinfo=UTC),  # Sunday
        datetime(2025, 12, 25, 11, 0, tzinfo=UTC),  # Christmas Day (a Thursday)
        datetime(2026, 4, 3, 10, 0, tzinfo=LONDON),  # Good Friday 2026
        datetime(2026, 4, 6, 10, 0, tzinfo=LONDON),  # Easter Monday 2026
        datetime(2026, 12, 28, 10, 0, tzinfo=LONDON),  # Boxing Day (substitute day), a Monday
    ],
)
def test_out_of_hours(first_response, when):
    route = first_response.route_at(when)
    assert route.is_office_hours is False
    assert route.name.en == "Emergency Duty Service (out of hours)"
    assert route.phone == first_response.out_of_hours.phone
    assert route.email is None
    assert route.demo is True  # Staffordshire's policy prints no out-of-hours number


@pytest.mark.parametrize(
    ("when", "office"),
    [
        # GMT (January): London time = UTC
        (datetime(2026, 1, 14, 8, 29, tzinfo=UTC), False),
        (datetime(2026, 1, 14, 8, 30, tzinfo=UTC), True),
        (datetime(2026, 1, 14, 16, 59, tzinfo=UTC), True),
        (datetime(2026, 1, 14, 17, 0, tzinfo=UTC), False),
        # BST (June): London time = UTC + 1
        (datetime(2026, 6, 10, 7, 29, tzinfo=UTC), False),
        (datetime(2026, 6, 10, 7, 30, tzinfo=UTC), True),
        (datetime(2026, 6, 10, 15, 59, tzinfo=UTC), True),
        (datetime(2026, 6, 10, 16, 0, tzinfo=UTC), False),
        # Friday closes at 4.30pm
        (datetime(2026, 6, 12, 15, 29, tzinfo=UTC), True),
        (datetime(2026, 6, 12, 15, 30, tzinfo=UTC), False),
    ],
)
def test_boundary_minutes_in_gmt_and_bst(first_response, when, office):
    assert first_response.route_at(when).is_office_hours is office


def test_the_clocks_change_day(first_response):
    # Sunday 29 March 2026 the clocks go forward; Monday 30 March 07:30 UTC is 08:30 BST.
    assert first_response.route_at(datetime(2026, 3, 30, 7, 30, tzinfo=UTC)).is_office_hours is True
    # Monday 26 October 2026, back on GMT: 07:30 UTC is 07:30 in London.
    assert first_response.route_at(datetime(2026, 10, 26, 7, 30, tzinfo=UTC)).is_office_hours is False


def test_naive_datetime_is_refused(first_response):
    with pytest.raises(ValueError, match="time-zone-aware"):
        first_response.route_at(datetime(2026, 1, 14, 10, 0))


def test_welsh_route_has_welsh_names(tenants):
    safeguarding = tenants["rhondda-cynon-taf"].contacts.safeguarding
    office = safeguarding.route_at(datetime(2026, 1, 14, 10, 0, tzinfo=UTC))
    night = safeguarding.route_at(datetime(2026, 1, 14, 22, 0, tzinfo=UTC))
    assert office.name.get("cy") == "Gwasanaethau Plant"
    assert night.name.get("cy") == "Tîm Dyletswydd Brys (y tu allan i oriau)"
    assert night.description.get("cy") == "Y tu allan i oriau swyddfa, ar benwythnosau ac ar wyliau banc."
    assert [hours.describe("cy") for hours in safeguarding.office_hours] == [
        "Dydd Llun i ddydd Iau, 8:30yb i 5yh",
        "Dydd Gwener, 8:30yb i 4:30yh",
    ]


def test_every_tenant_answers_at_any_time(tenants):
    for tenant in tenants.values():
        routes = {tenant.contacts.safeguarding.route_at(datetime(2026, 1, 14, h, 0, tzinfo=UTC)).is_office_hours for h in (3, 12)}
        assert routes == {True, False}, tenant.slug


def test_bank_holidays_of_england_and_wales():
    assert is_bank_holiday(date(2026, 4, 3))  # Good Friday
    assert is_bank_holiday(date(2026, 8, 31))  # late summer bank holiday (England and Wales)
    assert not is_bank_holiday(date(2026, 8, 3))  # Scotland's summer bank holiday only
    assert not is_bank_holiday(date(2026, 1, 14))
