"""Panels (portal.casework.panels): Liverpool's Children Out of Provision Panel meets every
second Tuesday. With the clock frozen, the right children are on the next agenda and the others
are not; the agenda PDF is read back; after the meeting the decisions are recorded (bad input
refused next to the field); the register and the next reviews follow."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlalchemy import select

from portal.models import AuditEvent, PanelDecision
from portal.rules import panels as cadence
from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, sign_in
from tests.integration.backoffice.test_cases import errors, make_case, scoped

SLUG = "liverpool"
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the day before a meeting
MEETING = date(2026, 12, 1)  # a Tuesday: 2026-09-08 and every second Tuesday since
TUESDAY = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # after the meeting
NEXT, AFTER = date(2026, 12, 15), date(2026, 12, 29)


def _name() -> str:
    return "Panel" + uuid.uuid4().hex[:8]


@pytest.fixture
def liverpool(app_with, checked_client):
    clock = {"now": MONDAY}
    app = app_with(clock=lambda: clock["now"])
    officer = make_officer(app, SLUG)
    names = {key: _name() for key in ("referred", "early", "lost", "closed", "waiting")}
    ids = {
        # Referred as CME at day 20: on the panel's list.
        "referred": make_case(app, SLUG, first=names["referred"], stage_key="cme_referral"),
        # Still in the school's first days: not yet.
        "early": make_case(app, SLUG, first=names["early"], stage_key="school_enquiries"),
        # Lost, on S2S: still out of provision.
        "lost": make_case(app, SLUG, first=names["lost"], stage_key="ews",
                          lost_on=date(2026, 10, 1), whereabouts_known=False),
        # Closed: back in school.
        "closed": make_case(app, SLUG, first=names["closed"], stage_key="tracking",
                            status="closed", closed_at=MONDAY, outcome_key="back_in_school"),
        # Waiting for an appeal, moved to the panel's stage by an officer: urgent, so first.
        "waiting": make_case(app, SLUG, first=names["waiting"], stage_key="copp", urgent=True),
    }
    client = checked_client(app.test_client())
    sign_in(client, officer, at=MONDAY)
    return {"app": app, "clock": clock, "client": client, "ids": ids, "names": names,
            "officer": officer}


def _agenda(client, meeting: date | None = None) -> str:
    query = {"panel": "copp", **({"meeting": meeting.isoformat()} if meeting else {})}
    response = client.get(f"/{SLUG}/staff/panels/agenda", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _on(page: str, names: dict, *keys) -> set[str]:
    return {key for key in keys if names[key] in page}


def _decide(client, meeting: date, case_id: int, **fields):
    page = client.get(f"/{SLUG}/staff/panels/agenda",
                      query_string={"panel": "copp", "meeting": meeting.isoformat()})
    data = {"csrf_token": csrf_of(page.get_data(as_text=True)), "case_id": str(case_id),
            **fields}
    return client.post(f"/{SLUG}/staff/panels/decision?panel=copp&meeting={meeting.isoformat()}",
                       data=data)


def _text(response) -> str:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").get_text(" ", strip=True)


def _register(client) -> list[dict]:
    body = client.get(f"/{SLUG}/staff/reports/registers/children-out-of-provision.csv").get_data()
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_panel_meets_every_second_tuesday():
    first = date(2026, 9, 8)
    assert cadence.next_meeting(first, 2, date(2026, 11, 30)) == MEETING
    assert cadence.next_meeting(first, 2, MEETING) == MEETING
    assert cadence.next_meeting(first, 2, date(2026, 12, 2)) == NEXT
    assert cadence.next_meeting(first, 2, date(2026, 1, 1)) == first
    assert cadence.previous_meeting(first, 2, date(2026, 12, 2)) == MEETING
    assert cadence.previous_meeting(first, 2, MEETING) == date(2026, 11, 17)
    assert cadence.previous_meeting(first, 2, first) is None
    assert cadence.meetings_between(first, 2, MEETING, AFTER) == [MEETING, NEXT, AFTER]
    assert not cadence.meets_on(first, 2, date(2026, 12, 8))  # a Tuesday between


def test_the_next_agenda_has_the_right_children_with_their_reasons(liverpool):
    client, names = liverpool["client"], liverpool["names"]
    panels = client.get(f"/{SLUG}/staff/panels").get_data(as_text=True)
    assert "Children Out of Provision Panel" in panels and "Tuesday 1 December 2026" in panels
    assert "Every 2 weeks on a Tuesday" in panels

    page = _agenda(client)
    assert "Meeting of Tuesday 1 December 2026" in page
    assert _on(page, names, *names) == {"referred", "lost", "waiting"}
    soup = BeautifulSoup(page, "html.parser")
    cards = [card for card in soup.select(".govuk-summary-card")
             if any(names[k] in card.get_text() for k in ("referred", "lost", "waiting"))]
    order = [next(k for k in ("referred", "lost", "waiting") if names[k] in card.get_text())
             for card in cards]
    assert order[0] == "waiting"  # urgent first
    reasons = {key: card.get_text(" ", strip=True) for key, card in zip(order, cards)}
    assert "At the stage: CME referral (day 20)" in reasons["referred"]
    assert "Lost: on the lost pupils database (S2S)" in reasons["lost"]
    assert "First time at the panel" in reasons["referred"]
    # Before the meeting there is nothing to record yet.
    assert "Record the decision" not in page
    assert "Decisions can be recorded once the meeting has happened." in page
    refused = _decide(client, MEETING, liverpool["ids"]["referred"], decision="Too soon",
                      next_review=NEXT.isoformat())
    assert refused.status_code == 200
    assert "Decisions can be recorded once the meeting has happened" in errors(
        refused.get_data(as_text=True)).values()


def test_the_agenda_pdf_lists_the_children_for_the_members(liverpool):
    client, names = liverpool["client"], liverpool["names"]
    response = client.get(f"/{SLUG}/staff/panels/agenda.pdf",
                          query_string={"panel": "copp", "meeting": MEETING.isoformat()})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Children Out of Provision Panel: agenda for Tuesday 1 December 2026" in text
    assert "CME Pupil Tracking Officer (chair)" in text
    assert {key for key in names if names[key] in text} == {"referred", "lost", "waiting"}
    with scoped(liverpool["app"], SLUG) as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.what == "panel.agenda_pdf"))


def test_decisions_are_recorded_and_the_register_and_reviews_follow(liverpool):
    client, names, ids, clock = (liverpool["client"], liverpool["names"], liverpool["ids"],
                                 liverpool["clock"])
    clock["now"] = TUESDAY
    sign_in(client, liverpool["officer"], at=TUESDAY)
    page = _agenda(client)  # the meeting today
    assert "Record the decision" in page

    # Bad input: nothing decided, a review the panel does not hold; what was typed is kept.
    bad = _decide(client, MEETING, ids["referred"], decision="  ", actions="Call the family",
                  next_review="2026-12-08")
    assert bad.status_code == 200
    found = errors(bad.get_data(as_text=True))
    assert found[f"decision-{ids['referred']}"] == "Enter what the panel decided"
    assert found[f"next-review-{ids['referred']}"] == "Select one of the options"
    assert "Call the family" in bad.get_data(as_text=True)
    assert _decide(client, MEETING, ids["early"], decision="x", next_review="off"
                   ).status_code == 404  # not on this agenda
    assert _decide(client, MEETING, 10 ** 12, decision="x", next_review="off").status_code == 404
    with scoped(liverpool["app"], SLUG) as session:
        assert not session.scalars(select(PanelDecision).where(
            PanelDecision.case_id == ids["referred"])).all()

    done = _decide(client, MEETING, ids["referred"], decision="Admissions to offer a place",
                   actions="Admissions: offer by Friday", next_review=NEXT.isoformat())
    assert done.status_code == 303 and "recorded=1" in done.location
    assert "The panel's decision has been recorded." in _text(client.get(done.location))
    again = _decide(client, MEETING, ids["referred"], decision="Twice",
                    next_review=NEXT.isoformat())
    assert again.status_code == 303  # a second click records nothing more
    assert _decide(client, MEETING, ids["lost"], decision="Keep checking S2S monthly",
                   next_review=AFTER.isoformat()).status_code == 303
    assert _decide(client, MEETING, ids["waiting"], decision="Appeal won: starts Monday",
                   next_review="off").status_code == 303
    with scoped(liverpool["app"], SLUG) as session:
        rows = {d.case_id: d for d in session.scalars(select(PanelDecision).where(
            PanelDecision.case_id.in_(list(ids.values()))))}
        assert rows[ids["referred"]].decision == "Admissions to offer a place"
        assert rows[ids["referred"]].next_review_on == NEXT
        assert rows[ids["lost"]].next_review_on == AFTER
        assert rows[ids["waiting"]].next_review_on is None
        assert "At the stage" in rows[ids["referred"]].reason
        assert session.scalar(select(AuditEvent).where(
            AuditEvent.what == "case.panel_decision", AuditEvent.object_id == ids["referred"]))

    # The register is the panel's list, each child with the next review.
    register = {row["Child"].split()[0]: row for row in _register(client)}
    assert names["referred"] in register and names["lost"] in register
    assert names["waiting"] not in register and names["early"] not in register
    assert register[names["referred"]]["Next review at the panel"] == NEXT.isoformat()
    assert register[names["lost"]]["Next review at the panel"] == AFTER.isoformat()

    # The next fortnight: the referred child is back, the lost child comes at the one after,
    # the child placed does not come back.
    clock["now"] = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    sign_in(client, liverpool["officer"], at=clock["now"])
    assert _on(_agenda(client), names, *names) == {"referred"}
    assert "Meeting of Tuesday 15 December 2026" in _agenda(client)
    later = _agenda(client, AFTER)
    assert _on(later, names, *names) == {"referred", "lost"}
    assert "Review set at the panel of 1 December 2026" in later
    # The meeting held shows its decisions.
    held = _agenda(client, MEETING)
    assert "Admissions to offer a place" in held and "Appeal won: starts Monday" in held

    case_page = _text(client.get(f"/{SLUG}/staff/cases/{ids['referred']}"))
    assert "On the panel's list: next review 15 December 2026" in case_page
    assert ("Children Out of Provision Panel, 1 December 2026: decision recorded; next review "
            "15 December 2026") in case_page


def test_a_day_the_panel_does_not_meet_goes_back_to_the_next_meeting(liverpool):
    client = liverpool["client"]
    response = client.get(f"/{SLUG}/staff/panels/agenda",
                          query_string={"panel": "copp", "meeting": "2026-12-08"})
    assert response.status_code == 303 and "meeting" not in response.location
    for meeting in ("not-a-date", "9999-99-99", "2026-12-08' OR 1=1"):
        assert client.get(f"/{SLUG}/staff/panels/agenda", query_string={
            "panel": "copp", "meeting": meeting}).status_code == 303
    assert client.get(f"/{SLUG}/staff/panels/agenda",
                      query_string={"panel": "nope"}).status_code == 303


def test_a_council_with_no_panel_says_so_and_keeps_its_register(app, checked_client):
    officer = make_officer(app, "stockport")
    client = checked_client(app.test_client())
    sign_in(client, officer)
    assert "This council has no panels set up." in client.get(
        "/stockport/staff/panels").get_data(as_text=True)
    response = client.get("/stockport/staff/panels/agenda")
    assert response.status_code == 303 and response.location.endswith("/stockport/staff/panels")
    first = _name()
    make_case(app, "stockport", first=first)  # at no stage: every open case is listed
    body = client.get("/stockport/staff/reports/registers/children-out-of-provision.csv")
    assert first in body.get_data(as_text=True)
    assert "Next review at the panel" not in body.get_data(as_text=True)
