"""Deadlines in each council's own school days, on the calendars of the five tenant files.

Every expected date is counted by hand from the council's ``[calendar]`` (the counts are in the
comments). The dates used, all in the files:

* 2025-26 (every council): autumn term 1 Sep to 19 Dec 2025, half term Mon 27 to Fri 31 Oct;
  spring term 5 Jan to 27 Mar 2026, half term 16 to 20 Feb; summer term from Mon 13 Apr 2026,
  half term 25 to 29 May.
* INSET days: Stockport 1-2 Sep 2025, 5 Jan 2026, 1-2 Sep 2026, 4 Jan 2027; Rhondda Cynon Taf
  and Southwark 1-2 Sep 2025 and 2026; Staffordshire 1 Sep 2025, 20 Jul 2026, 1 Sep 2026;
  Liverpool none.
* Rhondda Cynon Taf's spring half term 2027 is 8 to 12 Feb (the English councils': 15 to 19
  Feb). Every calendar starts on 1 Sep 2025 and ends on Wed 21 Jul 2027 (Rhondda Cynon Taf:
  Tue 20 Jul 2027).
* Bank holidays: Mon 25 Aug 2025, Thu 25 and Fri 26 Dec 2025, Thu 1 Jan 2026, Fri 3 and Mon 6
  Apr 2026 (Easter, in the holidays), Mon 4 May 2026 (in the summer term), Mon 25 May 2026 (in
  half term), Mon 31 Aug 2026.

Conventions under test (portal/casework/deadlines.py): a count from the first day of absence
makes that day day 1; any other event is followed by the count ("within 5 school days of" is
the 5th school day after it).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from portal.casework.deadlines import (
    acknowledge_by,
    allocate_by,
    case_events,
    deadlines_for,
    due_date,
    next_due,
    state_of,
)
from portal.models.casework import Case, Enquiry
from portal.models.submission import Submission
from portal.tenant_config import load_tenants

ROOT = Path(__file__).resolve().parents[2]
FIVE_LA_CODES = {"210": "Southwark", "341": "Liverpool", "356": "Stockport",
                 "674": "Rhondda Cynon Taf", "860": "Staffordshire"}
SLUGS = ("stockport", "rhondda-cynon-taf", "staffordshire", "liverpool", "southwark")
UTC = timezone.utc


@pytest.fixture(scope="module")
def councils():
    return load_tenants(ROOT / "tenants", FIVE_LA_CODES)


def due(councils, slug: str, key: str, event: date) -> tuple[date, bool]:
    tenant = councils[slug]
    return due_date(tenant, tenant.threshold(key), event)


# --- the portal's own thresholds in every council's file -------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_every_council_acknowledges_in_1_and_allocates_in_2_school_days(councils, slug):
    tenant = councils[slug]
    acknowledge, allocate = tenant.threshold("acknowledge"), tenant.threshold("allocate")
    assert (acknowledge.days, acknowledge.unit, acknowledge.from_event, acknowledge.owner) == (
        1, "school_days", "received", "council")
    assert (allocate.days, allocate.unit, allocate.from_event, allocate.owner) == (
        2, "school_days", "received", "council")
    assert acknowledge.label.en == "Acknowledge a new notification"
    assert allocate.label.en == "Allocate a new notification to an officer"
    assert "the council may change it" in acknowledge.source


def test_the_welsh_council_has_the_labels_in_welsh(councils):
    tenant = councils["rhondda-cynon-taf"]
    assert tenant.threshold("acknowledge").label.get("cy") == "Cydnabod hysbysiad newydd"
    assert tenant.threshold("allocate").label.get("cy") == "Dyrannu hysbysiad newydd i swyddog"


def test_who_must_act_is_read_from_each_policy(councils):
    owners = {slug: {t.key: t.owner for t in councils[slug].thresholds} for slug in SLUGS}
    assert owners["stockport"] == {"acknowledge": "council", "allocate": "council",
                                   "report_missing": "school", "recheck": "council",
                                   "monthly_school_return": "school", "new_pupil_return": "school",
                                   "deletion_notice": "school"}
    assert owners["liverpool"]["copp_review"] == "council"
    assert {key for key, owner in owners["liverpool"].items() if owner == "school"} == {
        "day_1_at_risk", "school_investigations", "ews_and_checklist", "cme_referral",
        "leaver_notification", "no_show", "new_pupil_return", "deletion_notice"}
    assert owners["southwark"]["letter_reply"] == "council"  # the council passes it to Early Help
    assert owners["southwark"]["absence_notification"] == "school"
    assert owners["staffordshire"]["cme_referral"] == "school"
    assert owners["rhondda-cynon-taf"]["ctf_transfer"] == "school"


# --- Stockport -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "event", "expected"),
    [
        # Day 1 Fri 24 Oct; half term; Mon 3 Nov is day 2 ... Thu 13 Nov day 10.
        ("report_missing", date(2025, 10, 24), date(2025, 11, 13)),
        # Day 1 Thu 30 Apr, 2 Fri 1 May, bank holiday Mon 4 May, 3 Tue 5 ... 10 Thu 14 May.
        ("report_missing", date(2026, 4, 30), date(2026, 5, 14)),
        # First day of absence on the INSET day Mon 5 Jan: day 1 is Tue 6 Jan, day 10 Mon 19 Jan.
        ("report_missing", date(2026, 1, 5), date(2026, 1, 19)),
        # First day of absence on Saturday 7 Mar: day 1 Mon 9, day 10 Fri 20 Mar.
        ("report_missing", date(2026, 3, 7), date(2026, 3, 20)),
        # Months: six months on, the same day of the month.
        ("recheck", date(2025, 10, 15), date(2026, 4, 15)),
        # ... or the last day of a shorter month (and no calendar needed before 1 Sep 2025).
        ("recheck", date(2025, 8, 31), date(2026, 2, 28)),
        ("recheck", date(2026, 3, 31), date(2026, 9, 30)),
        ("monthly_school_return", date(2026, 1, 31), date(2026, 2, 28)),
        # Calendar days: the end of the fifth day after, a Saturday or not.
        ("new_pupil_return", date(2026, 5, 28), date(2026, 6, 2)),
    ],
)
def test_stockport(councils, key, event, expected):
    assert due(councils, "stockport", key, event) == (expected, False)


def test_stockport_beyond_its_calendar_counts_working_days_and_says_so(councils):
    # The calendar ends Wed 21 Jul 2027: day 1 Mon 19 Jul, then working days: day 10 Fri 30 Jul.
    assert due(councils, "stockport", "report_missing", date(2027, 7, 19)) == (date(2027, 7, 30), True)


@pytest.mark.parametrize(
    ("received", "acknowledge", "allocate"),
    [
        (date(2025, 11, 14), date(2025, 11, 17), date(2025, 11, 18)),  # Friday: Mon, Tue
        (date(2025, 11, 15), date(2025, 11, 17), date(2025, 11, 18)),  # Saturday: Mon, Tue
        (date(2025, 10, 24), date(2025, 11, 3), date(2025, 11, 4)),  # Friday before half term
        (date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 6)),  # bank holiday Mon 4 May
        # Last day of the autumn term: Christmas, New Year, the INSET day Mon 5 Jan 2026.
        (date(2025, 12, 19), date(2026, 1, 6), date(2026, 1, 7)),
    ],
)
def test_stockport_acknowledge_and_allocate(councils, received, acknowledge, allocate):
    tenant = councils["stockport"]
    assert (acknowledge_by(tenant, received), allocate_by(tenant, received)) == (acknowledge, allocate)


def test_acknowledge_by_takes_the_london_day_of_a_received_time(councils):
    # 23:30 UTC on Fri 24 Oct 2025 is 00:30 on Sat 25 Oct in London (summer time).
    received = datetime(2025, 10, 24, 23, 30, tzinfo=UTC)
    assert acknowledge_by(councils["stockport"], received) == date(2025, 11, 3)


def test_before_the_calendar_acknowledging_counts_working_days(councils):
    # Received Fri 22 Aug 2025, before the first term: Mon 25 Aug is a bank holiday.
    tenant = councils["stockport"]
    assert acknowledge_by(tenant, date(2025, 8, 22)) == date(2025, 8, 26)
    assert allocate_by(tenant, date(2025, 8, 22)) == date(2025, 8, 27)
    [acknowledge, allocate] = deadlines_for(tenant, {"received": date(2025, 8, 22)}, date(2025, 8, 22))
    assert acknowledge.approximate and allocate.approximate


def test_stockport_half_term_in_the_states(councils):
    tenant = councils["stockport"]
    today = date(2025, 10, 24)  # Friday before half term: next school days Mon 3, Tue 4 Nov
    assert state_of(tenant, date(2025, 11, 1), today) == "due_soon"
    assert state_of(tenant, date(2025, 11, 4), today) == "due_soon"
    assert state_of(tenant, date(2025, 11, 5), today) == "due"


# --- Rhondda Cynon Taf -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "event", "expected"),
    [
        # After Fri 24 Oct: half term; Mon 3 Nov is 1 ... Fri 14 Nov 10.
        ("deletion_return", date(2025, 10, 24), date(2025, 11, 14)),
        # ... and on to 15: Mon 17 (11) ... Fri 21 Nov (15).
        ("ctf_transfer", date(2025, 10, 24), date(2025, 11, 21)),
        # After Thu 30 Apr: Fri 1 May (1), bank holiday Mon 4, Tue 5 (2) ... Fri 22 May (15).
        ("ctf_transfer", date(2026, 4, 30), date(2026, 5, 22)),
        # Welsh half term 8-12 Feb 2027: after Fri 5 Feb, Mon 15 (1) ... Fri 26 Feb (10).
        ("deletion_return", date(2027, 2, 5), date(2027, 2, 26)),
        # After Saturday 14 Mar 2026: Mon 16 (1) ... Fri 27 Mar (10), Easter holidays,
        # Mon 13 Apr (11) ... Fri 17 Apr (15).
        ("ctf_transfer", date(2026, 3, 14), date(2026, 4, 17)),
        # Four weeks, calendar days.
        ("four_weeks", date(2025, 12, 19), date(2026, 1, 16)),
    ],
)
def test_rhondda_cynon_taf(councils, key, event, expected):
    assert due(councils, "rhondda-cynon-taf", key, event) == (expected, False)


def test_rhondda_cynon_taf_beyond_its_calendar(councils):
    # The calendar ends Tue 20 Jul 2027: after Fri 16 Jul, working days: Fri 30 Jul is the 10th.
    assert due(councils, "rhondda-cynon-taf", "deletion_return", date(2027, 7, 16)) == (date(2027, 7, 30), True)


@pytest.mark.parametrize(
    ("slug", "received", "acknowledge", "allocate"),
    [
        # Received Fri 5 Feb 2027: half term 8-12 Feb in RCT, 15-19 Feb in Stockport.
        ("rhondda-cynon-taf", date(2027, 2, 5), date(2027, 2, 15), date(2027, 2, 16)),
        ("stockport", date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9)),
        ("rhondda-cynon-taf", date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 6)),  # bank holiday
        ("rhondda-cynon-taf", date(2026, 3, 14), date(2026, 3, 16), date(2026, 3, 17)),  # Saturday
    ],
)
def test_rhondda_cynon_taf_acknowledge_and_allocate(councils, slug, received, acknowledge, allocate):
    tenant = councils[slug]
    assert (acknowledge_by(tenant, received), allocate_by(tenant, received)) == (acknowledge, allocate)


def test_rhondda_cynon_taf_deadline_reads_in_welsh(councils):
    [acknowledge, _] = deadlines_for(councils["rhondda-cynon-taf"], {"received": date(2027, 2, 5)}, date(2027, 2, 5))
    assert acknowledge.label.get("cy") == "Cydnabod hysbysiad newydd"
    assert (acknowledge.due, acknowledge.state) == (date(2027, 2, 15), "due_soon")


# --- Staffordshire ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "event", "expected"),
    [
        # Day 1 Mon 13 Oct ... day 10 Fri 24 Oct; half term; day 11 Mon 3 Nov ... 20 Fri 14 Nov.
        ("cme_referral", date(2025, 10, 13), date(2025, 11, 14)),
        # Day 1 Mon 20 Apr ... 10 Fri 1 May; bank holiday Mon 4 May; 11 Tue 5 ... 20 Mon 18 May.
        ("cme_referral", date(2026, 4, 20), date(2026, 5, 18)),
        # Day 1 Mon 13 Jul ... 5 Fri 17 Jul; Mon 20 Jul and Tue 1 Sep are INSET days;
        # 6 Wed 2 Sep ... 20 Tue 22 Sep.
        ("cme_referral", date(2026, 7, 13), date(2026, 9, 22)),
        # One week, calendar days, into the Christmas holidays.
        ("no_show_admissions_check", date(2025, 12, 17), date(2025, 12, 24)),
    ],
)
def test_staffordshire(councils, key, event, expected):
    assert due(councils, "staffordshire", key, event) == (expected, False)


def test_staffordshire_before_its_calendar(councils):
    # The calendar starts 1 Sep 2025: from Mon 14 Jul 2025 twenty working days end Fri 8 Aug.
    assert due(councils, "staffordshire", "cme_referral", date(2025, 7, 14)) == (date(2025, 8, 8), True)


@pytest.mark.parametrize(
    ("received", "acknowledge", "allocate"),
    [
        (date(2026, 1, 10), date(2026, 1, 12), date(2026, 1, 13)),  # Saturday
        (date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 6)),  # bank holiday Mon 4 May
        (date(2025, 9, 1), date(2025, 9, 2), date(2025, 9, 3)),  # on the INSET day
    ],
)
def test_staffordshire_acknowledge_and_allocate(councils, received, acknowledge, allocate):
    tenant = councils["staffordshire"]
    assert (acknowledge_by(tenant, received), allocate_by(tenant, received)) == (acknowledge, allocate)


def test_staffordshire_summer_holidays_in_the_states(councils):
    tenant = councils["staffordshire"]
    today = date(2026, 7, 17)  # next school days: Wed 2 Sep, Thu 3 Sep (20 Jul, 1 Sep INSET)
    assert state_of(tenant, date(2026, 7, 20), today) == "due_soon"
    assert state_of(tenant, date(2026, 9, 3), today) == "due_soon"
    assert state_of(tenant, date(2026, 9, 4), today) == "due"


# --- Liverpool -------------------------------------------------------------------------------


def test_liverpool_timeline_from_the_friday_before_half_term(councils):
    tenant = councils["liverpool"]
    events = {"first_day_of_absence": date(2025, 10, 24)}
    timeline = deadlines_for(tenant, events, date(2025, 10, 24), owners=("school",))
    assert [(d.key, d.due) for d in timeline] == [
        ("day_1_at_risk", date(2025, 10, 24)),  # day 1 is the first day of absence
        ("school_investigations", date(2025, 11, 6)),  # Fri 24, Mon 3 ... Thu 6 Nov: day 5
        ("ews_and_checklist", date(2025, 11, 7)),  # day 6
        ("cme_referral", date(2025, 11, 27)),  # Fri 7 is 6; Mon 10-Fri 21 7-16; Mon 24-Thu 27 17-20
    ]
    assert [d.state for d in timeline] == ["due_today", "due", "due", "due"]
    assert all(d.owner == "school" and not d.approximate for d in timeline)
    # They are the school's: none is the council's to meet.
    assert deadlines_for(tenant, events, date(2025, 10, 24)) == []


def test_liverpool_timeline_from_a_saturday_across_easter(councils):
    tenant = councils["liverpool"]
    timeline = deadlines_for(tenant, {"first_day_of_absence": date(2026, 3, 7)}, date(2026, 3, 9),
                             owners=("school",))
    assert [d.due for d in timeline] == [
        date(2026, 3, 9),  # day 1: Mon 9 Mar
        date(2026, 3, 13),  # day 5
        date(2026, 3, 16),  # day 6
        date(2026, 4, 17),  # Mon 23-Fri 27 Mar 11-15; Easter holidays; Mon 13-Fri 17 Apr 16-20
    ]


@pytest.mark.parametrize(
    ("key", "event", "expected"),
    [
        # After Thu 30 Apr: Fri 1 May (1), bank holiday, Tue 5 (2) ... Fri 15 May (10).
        ("leaver_notification", date(2026, 4, 30), date(2026, 5, 15)),
        # Expected on Mon 16 Feb, in half term: Mon 23 (1) ... Fri 27 Feb (5).
        ("no_show", date(2026, 2, 16), date(2026, 2, 27)),
        ("copp_review", date(2025, 12, 19), date(2026, 1, 2)),  # a fortnight, in the holidays
        ("new_pupil_return", date(2026, 5, 28), date(2026, 6, 2)),  # five days, half term or not
    ],
)
def test_liverpool(councils, key, event, expected):
    assert due(councils, "liverpool", key, event) == (expected, False)


def test_liverpool_beyond_its_calendar(councils):
    # The calendar ends Wed 21 Jul 2027: after Wed 14 Jul, working days: Wed 28 Jul is the 10th.
    assert due(councils, "liverpool", "leaver_notification", date(2027, 7, 14)) == (date(2027, 7, 28), True)


@pytest.mark.parametrize(
    ("received", "acknowledge", "allocate"),
    [
        (date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 10)),  # Friday
        # Thursday before half term and the spring bank holiday (Mon 25 May).
        (date(2026, 5, 21), date(2026, 5, 22), date(2026, 6, 1)),
        (date(2026, 4, 2), date(2026, 4, 13), date(2026, 4, 14)),  # Easter holidays
    ],
)
def test_liverpool_acknowledge_and_allocate(councils, received, acknowledge, allocate):
    tenant = councils["liverpool"]
    assert (acknowledge_by(tenant, received), allocate_by(tenant, received)) == (acknowledge, allocate)


def test_liverpool_has_no_six_monthly_recheck(councils):
    assert deadlines_for(councils["liverpool"], {"last_check": date(2025, 10, 15)}, date(2026, 5, 1)) == []


# --- Southwark -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "event", "expected"),
    [
        # Day 1 Wed 22 Oct, 2 Thu 23, 3 Fri 24; half term; 4 Mon 3 Nov ... 10 Tue 11 Nov.
        ("absence_notification", date(2025, 10, 22), date(2025, 11, 11)),
        # First day of absence on the INSET day Mon 1 Sep (Tue 2 too): day 1 Wed 3 ... 10 Tue 16.
        ("absence_notification", date(2025, 9, 1), date(2025, 9, 16)),
        # Working days go on through half term: Mon 27 to Fri 31 Oct.
        ("letter_reply", date(2025, 10, 24), date(2025, 10, 31)),
        # Thu 30 Apr (1), Fri 1 May (2), bank holiday, Tue 5 (3), Wed 6 (4), Thu 7 May (5).
        ("letter_reply", date(2026, 4, 29), date(2026, 5, 7)),
        # Tue 23, Wed 24, bank holidays Thu 25 and Fri 26, Mon 29, Tue 30, Wed 31 Dec.
        ("letter_reply", date(2025, 12, 22), date(2025, 12, 31)),
        ("new_pupil_return", date(2025, 12, 19), date(2025, 12, 24)),
    ],
)
def test_southwark(councils, key, event, expected):
    assert due(councils, "southwark", key, event) == (expected, False)


def test_southwark_beyond_its_calendar(councils):
    # The calendar ends Wed 21 Jul 2027: day 1 Mon 12 Jul ... 8 Wed 21; then working days:
    # Thu 22 (9), Fri 23 Jul (10).
    assert due(councils, "southwark", "absence_notification", date(2027, 7, 12)) == (date(2027, 7, 23), True)
    # Working days never need the calendar.
    assert due(councils, "southwark", "letter_reply", date(2027, 7, 22)) == (date(2027, 7, 29), False)


@pytest.mark.parametrize(
    ("received", "acknowledge", "allocate", "approximate"),
    [
        (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), False),  # Sunday
        # Summer bank holiday Mon 31 Aug 2026, then INSET Tue 1 and Wed 2 Sep.
        (date(2026, 8, 31), date(2026, 9, 3), date(2026, 9, 4), False),
        # After the calendar ends (Wed 21 Jul 2027): working days.
        (date(2027, 7, 22), date(2027, 7, 23), date(2027, 7, 26), True),
    ],
)
def test_southwark_acknowledge_and_allocate(councils, received, acknowledge, allocate, approximate):
    tenant = councils["southwark"]
    assert (acknowledge_by(tenant, received), allocate_by(tenant, received)) == (acknowledge, allocate)
    found = deadlines_for(tenant, {"received": received}, received)
    assert [(d.key, d.due, d.approximate) for d in found] == [
        ("acknowledge", acknowledge, approximate), ("allocate", allocate, approximate)]


# --- states ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (date(2026, 3, 10), "overdue"),  # yesterday
        (date(2026, 3, 11), "due_today"),
        (date(2026, 3, 12), "due_soon"),  # tomorrow
        (date(2026, 3, 13), "due_soon"),  # in 2 school days
        (date(2026, 3, 16), "due"),  # in 3 school days
    ],
)
def test_state_of_boundaries(councils, slug, due_on, expected):
    assert state_of(councils[slug], due_on, date(2026, 3, 11)) == expected  # a Wednesday


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (date(2026, 3, 14), "due_soon"),  # Saturday, before Mon 16, the 2nd school day
        (date(2026, 3, 16), "due_soon"),
        (date(2026, 3, 17), "due"),
    ],
)
def test_state_of_over_a_weekend(councils, due_on, expected):
    assert state_of(councils["southwark"], due_on, date(2026, 3, 12)) == expected  # a Thursday


def test_state_of_beyond_the_calendar_counts_working_days(councils):
    today = date(2027, 8, 2)  # Monday, after every calendar's last term
    assert state_of(councils["liverpool"], date(2027, 8, 4), today) == "due_soon"
    assert state_of(councils["liverpool"], date(2027, 8, 5), today) == "due"


# --- the events of a case --------------------------------------------------------------------


def submission(received_at: datetime, answers: dict, **work) -> Submission:
    return Submission(reference="STK-2025-000001", form_slug="missing-pupil-checklist",
                      received_at=received_at, answers=answers, **work)


HANDLED = dict(acknowledged_at=datetime(2025, 10, 27, 9, 0, tzinfo=UTC), officer_id=7,
               allocated_at=datetime(2025, 10, 28, 9, 0, tzinfo=UTC))


def test_case_events_of_a_handled_submission(councils):
    first = submission(datetime(2025, 10, 24, 23, 30, tzinfo=UTC),  # 00:30 Sat 25 Oct in London
                       {"first_day_of_absence": "2025-10-13"}, **HANDLED)
    case = Case(status="open", opened_at=datetime(2025, 10, 27, 10, 0, tzinfo=UTC))
    events = case_events(case, [first], [])
    assert events == {
        "received": date(2025, 10, 25),
        "acknowledged": date(2025, 10, 27),
        "allocated": date(2025, 10, 28),
        "first_day_of_absence": date(2025, 10, 13),
        "last_check": date(2025, 10, 27),  # no enquiry yet: the day the case was opened
    }
    # Acknowledged and allocated: Stockport's six-monthly re-check is all that is left.
    stockport = councils["stockport"]
    [recheck] = deadlines_for(stockport, events, date(2025, 11, 3))
    assert (recheck.key, recheck.due, recheck.state) == ("recheck", date(2026, 4, 27), "due")
    assert next_due(stockport, events, date(2025, 11, 3)) == date(2026, 4, 27)
    # The school's deadline is there for information: day 1 Mon 13 Oct ... day 10 Fri 24 Oct.
    [report] = deadlines_for(stockport, events, date(2025, 11, 3), owners=("school",))
    assert (report.key, report.due, report.state) == ("report_missing", date(2025, 10, 24), "overdue")
    # Liverpool has no council deadline for these events.
    assert next_due(councils["liverpool"], events, date(2025, 11, 3)) is None


def test_case_events_of_a_new_submission_on_a_case(councils):
    first = submission(datetime(2025, 10, 24, 23, 30, tzinfo=UTC),
                       {"first_day_of_absence": "2025-10-13"}, **HANDLED)
    deletion = Submission(
        reference="STK-2025-000002", form_slug="change-to-register",
        received_at=datetime(2025, 11, 3, 9, 0, tzinfo=UTC),
        answers={"change_type": "deletion", "last_attendance": "2025-10-10",
                 "first_day_of_absence": "2025-10-14", "intended_deletion_date": "2025-11-14"})
    case = Case(status="open", opened_at=datetime(2025, 10, 27, 10, 0, tzinfo=UTC))
    enquiries = [Enquiry(checklist_key="electoral_roll", made_on=date(2025, 11, 5), result="Not found"),
                 Enquiry(checklist_key=None, made_on=date(2025, 10, 30), result="Phoned")]
    events = case_events(case, [deletion, first], enquiries)
    assert events == {
        "received": date(2025, 11, 3),  # the submission waiting to be acknowledged
        "first_day_of_absence": date(2025, 10, 14),  # the newest submission's answer
        "last_day_of_attendance": date(2025, 10, 10),
        "name_deleted": date(2025, 11, 14),
        "left_school": date(2025, 11, 14),
        "last_check": date(2025, 11, 5),  # the latest enquiry
    }
    # Received Mon 3 Nov: acknowledge by Tue 4, allocate by Wed 5 Nov.
    found = deadlines_for(councils["stockport"], events, date(2025, 11, 4))
    assert [(d.key, d.due, d.state) for d in found] == [
        ("acknowledge", date(2025, 11, 4), "due_today"),
        ("allocate", date(2025, 11, 5), "due_soon"),
        ("recheck", date(2026, 5, 5), "due"),
    ]
    assert next_due(councils["stockport"], events, date(2025, 11, 4)) == date(2025, 11, 4)


def test_a_case_officer_allocates_its_submissions(councils):
    joined = submission(datetime(2026, 1, 12, 9, 0, tzinfo=UTC), {},
                        acknowledged_at=datetime(2026, 1, 12, 11, 0, tzinfo=UTC))
    case = Case(status="open", officer_id=3, whereabouts_known=True,
                opened_at=datetime(2026, 1, 2, 9, 0, tzinfo=UTC))
    events = case_events(case, [joined], [])
    assert events == {"received": date(2026, 1, 12), "acknowledged": date(2026, 1, 12),
                      "allocated": date(2026, 1, 12)}  # whereabouts known: no re-check
    assert next_due(councils["stockport"], events, date(2026, 1, 12)) is None


def test_southwark_letter_to_the_parents(councils):
    case = Case(status="open", opened_at=datetime(2026, 4, 20, 9, 0, tzinfo=UTC))
    enquiries = [Enquiry(checklist_key="letter", made_on=date(2026, 4, 29), result="Sent"),
                 Enquiry(checklist_key="housing", made_on=date(2026, 5, 1), result="No trace")]
    events = case_events(case, [], enquiries)
    assert events == {"letter_sent": date(2026, 4, 29), "last_check": date(2026, 5, 1)}
    [reply] = deadlines_for(councils["southwark"], events, date(2026, 5, 6))
    # Thu 30 Apr, Fri 1 May, (bank holiday), Tue 5, Wed 6, Thu 7 May: five working days.
    assert (reply.key, reply.due, reply.state, reply.owner) == ("letter_reply", date(2026, 5, 7), "due_soon", "council")
    # Other councils have no letter threshold.
    assert deadlines_for(councils["staffordshire"], events, date(2026, 5, 6)) == []


@pytest.mark.parametrize(
    "case",
    [Case(status="closed", opened_at=datetime(2026, 4, 20, 9, 0, tzinfo=UTC)),
     Case(status="open", whereabouts_known=True, opened_at=datetime(2026, 4, 20, 9, 0, tzinfo=UTC))],
    ids=["closed", "located"],
)
def test_no_recheck_or_letter_once_located_or_closed(case):
    enquiries = [Enquiry(checklist_key="letter", made_on=date(2026, 4, 29), result="Sent")]
    assert case_events(case, [], enquiries) == {}


def test_case_events_from_the_answers_of_each_form():
    addition = Submission(reference="SWK-2025-000003", form_slug="change-to-register",
                          received_at=datetime(2025, 12, 1, 23, 30, tzinfo=UTC),  # GMT: same day
                          answers={"change_type": "addition", "date_entered": "2026-05-28",
                                   "first_attendance": "2026-06-01"})
    ehe = Submission(reference="SWK-2025-000004", form_slug="ehe-notification",
                     received_at=datetime(2025, 12, 2, 9, 0, tzinfo=UTC),
                     answers={"leaving_date": "2026-04-03", "first_day_of_absence": "31/02/2026",
                              "last_attendance": ""})
    events = case_events(None, [ehe, addition])
    assert events == {
        "received": date(2025, 12, 1),
        "name_entered": date(2026, 5, 28),
        "expected_first_day": date(2026, 6, 1),
        "leaving_date": date(2026, 4, 3),
    }  # a date that is not one, or an empty answer, gives no event
