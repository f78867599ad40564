"""School deadlines met or late, from the facts (portal.casework.school_deadlines): a school
files its notice through the public form, on a day the test's clock sets; the due date is
counted from the dates the school gave, with the council's own school calendar (the October
half term of 2026, Stockport's INSET days); a late notice is flagged on the submission, the
inbox and the case, and listed by school and term in the late notices report; a notice in time
meets its threshold and nothing says overdue; a threshold nobody can meet any more is closed
with a reason."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from bs4 import BeautifulSoup

from tests.forms_driver import Journey, csrf_of
from tests.integration.backoffice.helpers import make_officer, sign_in
from tests.integration.backoffice.test_cases import post


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)


def _date(day: date) -> dict:
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _date_fields(key: str, day: date) -> dict:
    return {f"{key}-{part}": value for part, value in _date(day).items()}


def _file(app, client, slug: str, form: str, overrides: dict) -> str:
    """The school fills the council's public form; returns the reference."""
    from portal.tenancy import tenants

    with app.app_context():
        tenant = tenants()[slug]
    definition = app.extensions["portal.forms"][(slug, form)]
    return Journey(client, tenant, definition, overrides=overrides).complete()


def _submission_id(app, slug: str, reference: str) -> int:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        found = db.session.scalar(select(Submission.id).where(Submission.reference == reference))
        db.session.remove()
    return found


def _soup(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _states(soup, table_id: str = "school-deadlines") -> dict[str, tuple[str, str]]:
    """threshold key -> (state shown, the school's notice column)."""
    table = soup.find("table", id=table_id)
    if table is None:
        return {}
    return {row["data-threshold"]: (row.find_all("td")[3].get_text(" ", strip=True),
                                    " ".join(row.find_all("td")[4].get_text(" ", strip=True).split()))
            for row in table.tbody.find_all("tr")}


def _officer_client(app, checked_client, slug: str, now: datetime):
    officer = make_officer(app, slug, role="manager")
    client = checked_client(app.test_client())
    sign_in(client, officer, at=now)
    return client


def _open_case(client, slug: str, submission_id: int) -> int:
    url = f"/{slug}/staff/submissions/{submission_id}"
    page = client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/case", data={"csrf_token": csrf_of(page), "case": "new"})
    assert response.status_code == 303, response.status_code
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def _late_report(client, slug: str) -> BeautifulSoup:
    return _soup(client, f"/{slug}/staff/reports/late-notices")


def _school(app, slug: str) -> tuple[str, str]:
    from portal.tenancy import tenants

    with app.app_context():
        school = tenants()[slug].schools[0]  # the school the form driver gives
    return school.laestab, school.name


# Stockport: "within 10 school days of unexplained absence" (policy 9.4). Absent from Wednesday
# 14 October 2026: days 1-3 that week, 4-8 the next, the half term (26-30 October), day 9 on
# Monday 2 November and day 10, the due date, on Tuesday 3 November. Counting weekdays alone
# would have made it due on 27 October, in the half term.
STOCKPORT_ABSENT = date(2026, 10, 14)
STOCKPORT_DUE = date(2026, 11, 3)
# Liverpool: the missing pupils checklist on day 6 (policy 7). Absent from Wednesday 21 October:
# days 1-3 that week, the half term, then 2, 3 and 4 November: due Wednesday 4 November.
LIVERPOOL_ABSENT = date(2026, 10, 21)
LIVERPOOL_DUE = date(2026, 11, 4)


def test_a_notice_filed_after_its_due_date_is_flagged_and_reported_late_by_school_and_term(
        app_with, checked_client):
    clock = {"now": _at(date(2026, 11, 4))}
    app = app_with(clock=lambda: clock["now"])
    laestab, school_name = _school(app, "stockport")

    # Stockport: the checklist comes on Wednesday 4 November, a school day after day 10.
    reference = _file(app, checked_client(app.test_client()), "stockport",
                      "missing-pupil-checklist",
                      {"first_day_of_absence": _date_fields("first_day_of_absence",
                                                            STOCKPORT_ABSENT)})
    submission_id = _submission_id(app, "stockport", reference)
    client = _officer_client(app, checked_client, "stockport", clock["now"])

    page = _soup(client, f"/stockport/staff/submissions/{submission_id}")
    assert page.find(id="late-notice").get_text(strip=True) == "Late notice"
    state, notice = _states(page)["report_missing"]
    assert state == "Late"
    assert notice == f"{reference} received 4 November 2026: 1 school day late"
    assert "3 November 2026" in page.find("table", id="school-deadlines").get_text(" ")

    inbox = _soup(client, "/stockport/staff/inbox")
    row = inbox.find("a", string=reference).find_parent("tr")
    assert "Late notice" in row.get_text(" ")

    case_id = _open_case(client, "stockport", submission_id)
    case_page = _soup(client, f"/stockport/staff/cases/{case_id}")
    assert case_page.find(id="late-notice").get_text(strip=True) == "Late notice"
    assert _states(case_page)["report_missing"][0] == "Late"
    assert "The school sent 1 notice after its due date" in case_page.get_text(" ")

    report = _late_report(client, "stockport")
    table = report.find("table", attrs={"data-term": "2026-09-01", "data-school": laestab})
    assert table is not None, "the late notice is not listed under its term and school"
    assert table.caption.get_text(" ", strip=True).startswith(f"{school_name} ({laestab})")
    heading = report.find("h2", id="term-2026-09-01").get_text(strip=True)
    assert heading == "Autumn term 2026"
    listed = {r.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in r.find_all("td")]
              for r in table.tbody.find_all("tr")}
    assert listed[reference][2:] == ["3 Nov 2026", "4 Nov 2026", "1 school day late"]
    by_school = {r.th.get_text(strip=True): int(r.td.get_text(strip=True))
                 for r in report.find("table", id="late-by-school").tbody.find_all("tr")}
    assert by_school[f"{school_name} ({laestab})"] >= 1

    rows = list(csv.reader(io.StringIO(client.get("/stockport/staff/reports/late-notices.csv")
                                       .get_data().decode("utf-8-sig"))))
    mine = [r for r in rows[1:] if r[3] == reference]
    assert mine and mine[0][:3] == ["Autumn term 2026", f"{school_name} ({laestab})", laestab]

    # Liverpool: a deletion return filed on Thursday 5 November for a deletion on Monday
    # 2 November is late (the name may not be deleted before the council is told); the same
    # notice, for a pupil with no new school known, tells the CME Pupil Tracking Officer within
    # 10 school days of the last day of attendance (19 October), so that one is met.
    clock["now"] = _at(date(2026, 11, 5))
    reference = _file(app, checked_client(app.test_client()), "liverpool", "change-to-register", {
        "change_type": {"change_type": "deletion"},
        "deletion_ground": {"deletion_ground": "moved-away"},
        "destination_known": {"destination_known": "no"},
        "last_attendance": _date_fields("last_attendance", date(2026, 10, 19)),
        "intended_deletion_date": _date_fields("intended_deletion_date", date(2026, 11, 2))})
    submission_id = _submission_id(app, "liverpool", reference)
    client = _officer_client(app, checked_client, "liverpool", clock["now"])
    states = _states(_soup(client, f"/liverpool/staff/submissions/{submission_id}"))
    assert states["deletion_notice"] == ("Late", f"{reference} received 5 November 2026: "
                                                 "3 days late")
    assert states["leaver_notification"] == ("Met", f"{reference} received 5 November 2026")
    laestab, school_name = _school(app, "liverpool")
    report = _late_report(client, "liverpool")
    table = report.find("table", attrs={"data-term": "2026-09-01", "data-school": laestab})
    assert reference in table.get_text(" ")
    # Another council's late notices are not Liverpool's.
    assert "STK-" not in report.get_text(" ")


def test_a_notice_filed_in_time_meets_its_threshold_and_nothing_shows_overdue(
        app_with, checked_client):
    clock = {"now": _at(STOCKPORT_DUE)}
    app = app_with(clock=lambda: clock["now"])

    # Stockport: the checklist on day 10 itself (the half term not counted) is in time.
    stockport = _file(app, checked_client(app.test_client()), "stockport",
                      "missing-pupil-checklist",
                      {"first_day_of_absence": _date_fields("first_day_of_absence",
                                                            STOCKPORT_ABSENT)})
    # Liverpool: the checklist on day 6, and a new pupil return on the fifth day after the name
    # was entered (calendar days: regulation 13).
    clock["now"] = _at(LIVERPOOL_DUE)
    liverpool = _file(app, checked_client(app.test_client()), "liverpool",
                      "missing-pupil-checklist",
                      {"first_day_of_absence": _date_fields("first_day_of_absence",
                                                            LIVERPOOL_ABSENT)})
    addition = _file(app, checked_client(app.test_client()), "liverpool", "change-to-register", {
        "change_type": {"change_type": "addition"},
        "date_entered": _date_fields("date_entered", date(2026, 10, 30))})

    for slug, reference, key, due in (("stockport", stockport, "report_missing", STOCKPORT_DUE),
                                      ("liverpool", liverpool, "ews_and_checklist", LIVERPOOL_DUE),
                                      ("liverpool", addition, "new_pupil_return",
                                       date(2026, 11, 4))):
        submission_id = _submission_id(app, slug, reference)
        client = _officer_client(app, checked_client, slug, clock["now"])
        page = _soup(client, f"/{slug}/staff/submissions/{submission_id}")
        assert page.find(id="late-notice") is None
        received = f"{due.day} November 2026"
        assert _states(page)[key] == ("Met", f"{reference} received {received}"), reference
        inbox_row = _soup(client, f"/{slug}/staff/inbox").find("a", string=reference).find_parent("tr")
        assert "Late notice" not in inbox_row.get_text(" ")
        assert reference not in _late_report(client, slug).get_text(" ")

        # Two months on, the case page still says met: nothing turns overdue with time.
        case_id = _open_case(client, slug, submission_id)
        clock["now"] = _at(date(2027, 1, 11))
        later = _officer_client(app, checked_client, slug, clock["now"])
        case_page = _soup(later, f"/{slug}/staff/cases/{case_id}")
        school_table = case_page.find("table", id="school-deadlines")
        assert _states(case_page)[key][0] == "Met"
        assert "Overdue" not in school_table.get_text(" ")
        assert case_page.find(id="late-notice") is None
        if key == "new_pupil_return":  # its first day of attendance starts no no-show referral
            assert {state for state, _ in _states(case_page).values()} == {"Met"}
        clock["now"] = _at(LIVERPOOL_DUE)


def test_a_threshold_nobody_can_meet_any_more_is_closed_with_a_reason(app_with, checked_client):
    clock = {"now": _at(LIVERPOOL_DUE)}
    app = app_with(clock=lambda: clock["now"])
    reference = _file(app, checked_client(app.test_client()), "liverpool",
                      "missing-pupil-checklist",
                      {"first_day_of_absence": _date_fields("first_day_of_absence",
                                                            LIVERPOOL_ABSENT)})
    client = _officer_client(app, checked_client, "liverpool", clock["now"])
    case_id = _open_case(client, "liverpool", _submission_id(app, "liverpool", reference))
    states = _states(_soup(client, f"/liverpool/staff/cases/{case_id}"))
    # Day 1 (tell social care or the police) is a step outside the portal: closed, not overdue.
    assert states["day_1_at_risk"] == (
        "Closed", "The school takes this step outside the portal: no notice of it comes to the "
                  "council")
    # Day 20, the CME referral (Liverpool policy 7: due 25 November 2026): not yet due.
    assert states["cme_referral"] == ("Due", "No notice yet")

    # A month on without a referral: not received (the school has not complied)...
    clock["now"] = _at(date(2026, 12, 2))
    client = _officer_client(app, checked_client, "liverpool", clock["now"])
    assert _states(_soup(client, f"/liverpool/staff/cases/{case_id}"))["cme_referral"] == (
        "Not received", "No notice has come since it fell due")
    # ... until the child is found: then nobody can meet it and it is closed, with the reason.
    response = post(client, case_id, "/details", {"whereabouts": "yes"}, slug="liverpool")
    assert response.status_code == 303, response.status_code
    states = _states(_soup(client, f"/liverpool/staff/cases/{case_id}"))
    assert states["cme_referral"] == (
        "Closed", "The child's whereabouts are known: the step is no longer needed")
    assert not {state for state, _ in states.values()} & {"Not received", "Overdue"}


def test_the_councils_own_calendars_set_the_due_dates(app):
    """The same first day of absence, 1 September 2026: Stockport's first two days of term are
    INSET days, Liverpool's are not."""
    from portal.casework.school_deadlines import evaluate
    from portal.tenancy import tenants

    with app.app_context():
        councils = tenants()
        events = {"first_day_of_absence": date(2026, 9, 1)}
        stockport = {r.key: r.due for r in evaluate(councils["stockport"], events, [],
                                                    date(2026, 9, 1))}
        liverpool = {r.key: r.due for r in evaluate(councils["liverpool"], events, [],
                                                    date(2026, 9, 1))}
    # Stockport: day 1 is Thursday 3 September, day 10 Wednesday 16 September.
    assert stockport["report_missing"] == date(2026, 9, 16)
    # Liverpool: day 1 is Tuesday 1 September, day 6 Tuesday 8 September.
    assert liverpool["ews_and_checklist"] == date(2026, 9, 8)


def test_a_step_for_some_notices_only_applies_to_those(app):
    """Liverpool's leaver notification is for "a pupil left with no new school known": a
    deletion notice whose new school is known, sent 15 school days after the last day of
    attendance, is not late for it (its deletion return is met)."""
    from types import SimpleNamespace

    from portal.casework.deadlines import submission_events
    from portal.casework.school_deadlines import evaluate
    from portal.tenancy import tenants

    def notice(destination_known: str):
        return SimpleNamespace(
            id=1, reference="LIV-2026-000001", form_slug="change-to-register",
            received_at=datetime(2026, 11, 16, 10, 0, tzinfo=UTC), acknowledged_at=None,
            officer_id=None, allocated_at=None, school_laestab=None,
            answers={"change_type": "deletion", "last_attendance": "2026-10-19",
                     "intended_deletion_date": "2026-11-20",
                     "destination_known": destination_known})

    with app.app_context():
        liverpool = tenants()["liverpool"]
        results = {}
        for known in ("yes", "no"):
            item = notice(known)
            results[known] = {r.key: r.state for r in evaluate(
                liverpool, submission_events(item), [item], date(2026, 11, 16))}
    assert results["yes"] == {"deletion_notice": "met"}
    assert results["no"] == {"deletion_notice": "met", "leaver_notification": "late"}
