"""The council administrator's audit question: which cases did one member of staff view
between two times? Only the administrator may ask it, and asking is itself audited."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from tests.integration.auth.test_sign_in import FixedClock
from tests.integration.backoffice.helpers import make_officer, sign_in
from tests.integration.backoffice.test_cases import errors, make_case, scoped, signed_in, url

SLUG = "stockport"


def query(user_id, start: tuple[str, str, str, str], end: tuple[str, str, str, str]) -> str:
    """/audit?... for a user and (day, month, year, time) at each end."""
    params = {"user": user_id}
    for name, (day, month, year, clock) in (("start", start), ("end", end)):
        params.update({f"{name}_date-day": day, f"{name}_date-month": month,
                       f"{name}_date-year": year, f"{name}_time": clock})
    return f"/{SLUG}/staff/audit?{urlencode(params)}"


def cases_listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"/staff/cases/(\d+)/audit", html)]


def test_the_administrator_finds_the_cases_one_user_viewed_between_two_times(app_with,
                                                                              checked_client):
    # A summer day: the times asked are UK times (BST, an hour ahead of UTC).
    clock = FixedClock(datetime(2026, 6, 15, 8, 0, tzinfo=timezone.utc))  # 09:00 in London
    timed = app_with(clock=clock)
    first, second, third = make_case(timed), make_case(timed), make_case(timed)
    officer = make_officer(timed, SLUG)
    colleague = make_officer(timed, SLUG, role="manager")
    admin = make_officer(timed, SLUG, role="council_admin")
    officer_client = checked_client(timed.test_client())
    sign_in(officer_client, officer, at=clock.now)
    colleague_client = checked_client(timed.test_client())
    sign_in(colleague_client, colleague, at=clock.now)

    assert officer_client.get(url(first)).status_code == 200          # 09:00 BST
    clock.advance(minutes=25)
    assert colleague_client.get(url(third)).status_code == 200        # 09:25, someone else
    clock.advance(minutes=5)
    assert officer_client.get(url(second, "/summary.pdf")).status_code == 200  # 09:30
    for _step in range(3):  # busy elsewhere (a session ends after 30 minutes idle)
        clock.advance(minutes=28)
        assert officer_client.get(f"/{SLUG}/staff/").status_code == 200
    assert officer_client.get(url(third)).status_code == 200          # 10:54, after the window

    admin_client = checked_client(timed.test_client())
    sign_in(admin_client, admin, at=clock.now)
    response = admin_client.get(query(officer["id"], ("15", "6", "2026", "09:00"),
                                      ("15", "6", "2026", "10:30")))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert cases_listed(html) == [first, second]
    assert "15 June 2026 09:00:00" in html and "15 June 2026 09:30:00" in html
    assert "Viewed the case" in html and "Downloaded the case summary (PDF)" in html
    assert "Testchild" not in html  # the answer names no child

    # A window before any of it finds nothing; one that ends at 09:00 takes in that minute.
    html = admin_client.get(query(officer["id"], ("15", "6", "2026", "07:00"),
                                  ("15", "6", "2026", "08:59"))).get_data(as_text=True)
    assert cases_listed(html) == [] and "viewed no case between these times" in html
    html = admin_client.get(query(officer["id"], ("15", "6", "2026", "8:00"),
                                  ("15", "6", "2026", "9:00"))).get_data(as_text=True)
    assert cases_listed(html) == [first]
    # The colleague's look at the third case is theirs alone.
    html = admin_client.get(query(colleague["id"], ("15", "6", "2026", "09:00"),
                                  ("15", "6", "2026", "23:59"))).get_data(as_text=True)
    assert cases_listed(html) == [third]

    # Asking is itself on record.
    from portal.models import AuditEvent

    with scoped(timed) as session:
        searches = list(session.scalars(select(AuditEvent).where(
            AuditEvent.user_id == admin["id"], AuditEvent.action == "search")))
    assert len(searches) == 4
    assert {(e.what, e.object_type) for e in searches} == {("audit.case_views", "staff_user")}


def test_the_form_lists_only_this_councils_staff(app, checked_client):
    here = make_officer(app, SLUG)
    elsewhere = make_officer(app, "liverpool")
    client, _admin = signed_in(app, checked_client, role="council_admin")
    html = client.get(f"/{SLUG}/staff/audit").get_data(as_text=True)
    assert here["email"] in html and elsewhere["email"] not in html
    assert "govuk-error-summary" not in html and "Cases viewed" not in html


@pytest.mark.parametrize("start, end, field, sentence", [
    (("", "", "", ""), ("", "", "", ""), "start_date", "Enter the date to search from"),
    (("30", "2", "2026", "09:00"), ("1", "3", "2026", "09:00"), "start_date",
     "Enter a real date, for example 27 3 2012"),
    (("1", "3", "2026", "09:00"), ("1", "", "2026", "10:00"), "end_date",
     "The date must include a day, a month and a year"),
    (("1", "3", "2026", "25:00"), ("1", "3", "2026", "10:00"), "start_time",
     "Enter a time in 24-hour format, like 09:30 or 17:00"),
    (("1", "3", "2026", "09:00"), ("1", "3", "2026", ""), "end_time",
     "Enter the time to search to"),
    (("2", "3", "2026", "09:00"), ("1", "3", "2026", "10:00"), "end_date",
     "The end of the search must be after its start"),
    (("1", "3", "2026", "10:00"), ("1", "3", "2026", "09:59"), "end_date",
     "The end of the search must be after its start"),
])
def test_bad_times_are_shown_with_their_errors(app, checked_client, start, end, field, sentence):
    officer = make_officer(app, SLUG)
    client, _admin = signed_in(app, checked_client, role="council_admin")
    response = client.get(query(officer["id"], start, end))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert errors(html).get(field) == sentence
    assert "Cases viewed" not in html
    if start[3]:
        assert f'value="{start[3]}"' in html  # what was typed is kept


@pytest.mark.parametrize("user", ["", "not-a-number", "OTHER"])
def test_a_missing_or_foreign_user_is_refused(app, checked_client, user):
    client, _admin = signed_in(app, checked_client, role="council_admin")
    if user == "OTHER":
        user = make_officer(app, "liverpool")["id"]
    html = client.get(query(user, ("1", "3", "2026", "09:00"),
                            ("1", "3", "2026", "10:00"))).get_data(as_text=True)
    assert errors(html).get("user") == ("Select a member of staff" if user == ""
                                        else "Select one of the options")
    assert "Cases viewed" not in html


@pytest.mark.parametrize("role", ["officer", "manager"])
def test_only_the_council_administrator_may_ask(app, checked_client, role):
    client, _officer = signed_in(app, checked_client, role=role)
    assert client.get(f"/{SLUG}/staff/audit").status_code == 404


def test_another_councils_administrator_gets_404(app, checked_client):
    client, _admin = signed_in(app, checked_client, slug="liverpool", role="council_admin")
    assert client.get(f"/{SLUG}/staff/audit").status_code == 404
    case_id = make_case(app)
    assert client.get(url(case_id, "/audit", "liverpool")).status_code == 404


def test_signed_out_the_audit_page_sends_you_to_sign_in(client):
    response = client.get(f"/{SLUG}/staff/audit")
    assert response.status_code == 303 and response.location.endswith("/staff/sign-in")
