"""Lost children stay in sight (portal.casework.lost): "lost, posted to S2S" keeps the case
open, in the whereabouts-unknown figure and the lost pupils register; six months on (the clock
frozen there) its re-check is overdue in the inbox; only an outcome that locates the child
closes it. "Located in another council" waits for that council's acknowledgement."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.models import Submission
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in
from tests.integration.backoffice.test_cases import (SLUG, case_with_submission, enquiry,
                                                     make_case, post, scoped, the_case)

JANUARY = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)  # a Monday in term
SIX_MONTHS_ON = datetime(2026, 7, 13, 10, 0, tzinfo=UTC)


def _period(first: date, last: date) -> dict:
    return {"start-day": first.day, "start-month": first.month, "start-year": first.year,
            "end-day": last.day, "end-month": last.month, "end-year": last.year}


def _figures(client, first: date, last: date) -> dict[str, str]:
    soup = BeautifulSoup(client.get(f"/{SLUG}/staff/reports", query_string=_period(first, last))
                         .get_data(as_text=True), "html.parser")
    table = soup.find("table", id="cme-figures")
    return {row.th.get_text(" ", strip=True): row.td.get_text(" ", strip=True)
            for row in table.tbody.find_all("tr")}


def _lost_register(client) -> list[list[str]]:
    body = client.get(f"/{SLUG}/staff/reports/registers/lost-pupils.csv").get_data()
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _overdue_inbox(client) -> str:
    return client.get(f"/{SLUG}/staff/inbox", query_string={"view": "open", "overdue": "1"}
                      ).get_data(as_text=True)


def test_a_lost_child_stays_in_the_figures_and_is_rechecked_until_located(app_with,
                                                                         checked_client):
    clock = {"now": JANUARY}
    app = app_with(clock=lambda: clock["now"])
    officer = make_officer(app, SLUG, role="manager")
    submission = make_submission(app, SLUG, received_at=JANUARY)
    with scoped(app) as session:  # acknowledged and given to the officer that day
        row = session.scalar(select(Submission).where(Submission.id == submission["id"]))
        row.acknowledged_at = row.allocated_at = JANUARY
        row.officer_id, row.status = officer["id"], "acknowledged"
        session.commit()
    case_id = make_case(app, submissions=(submission["id"],), opened_at=JANUARY,
                        officer_id=officer["id"])
    client = checked_client(app.test_client())
    sign_in(client, officer, at=JANUARY)

    # Other tests share the database: the figures are compared with those before and after.
    before = _figures(client, date(2026, 1, 1), date(2026, 1, 12))
    response = post(client, case_id, "/outcome", {"outcome": "lost_s2s", "outcome_confirm": "y"})
    assert response.status_code == 303 and response.location.endswith("?done=outcome")
    case = the_case(app, case_id)
    assert case.status == "open" and case.lost_on == date(2026, 1, 12)
    assert case.recheck_due_on == date(2026, 7, 12) and case.whereabouts_known is False
    page = client.get(f"/{SLUG}/staff/cases/{case_id}").get_data(as_text=True)
    assert "Lost, posted to S2S" in page and "12 July 2026" in page

    january = _figures(client, date(2026, 1, 1), date(2026, 1, 12))
    lost_key = "Lost, posted to S2S and still being re-checked"
    unknown_key = "Whereabouts not known at the end of the period"
    missing_key = "Missing education at the end of the period"
    assert january[missing_key] == before[missing_key]  # still missing education
    assert int(january[unknown_key]) >= 1 and january[unknown_key] == before[unknown_key]
    assert int(january[lost_key]) == int(before[lost_key]) + 1
    assert submission["reference"] not in _overdue_inbox(client)

    # Six months on: still missing, still lost, and its re-check is overdue in the inbox.
    clock["now"] = SIX_MONTHS_ON
    client = checked_client(app.test_client())
    sign_in(client, officer, at=SIX_MONTHS_ON)
    july = _figures(client, date(2026, 7, 1), date(2026, 7, 13))
    assert int(july[unknown_key]) >= 1 and int(july[lost_key]) >= 1
    rows = _lost_register(client)
    header, lost = rows[0], [r for r in rows[1:] if r[0] == str(case_id)]
    assert len(lost) == 1
    assert lost[0][header.index("Next re-check due")] == "2026-07-12"
    assert submission["reference"] in _overdue_inbox(client)
    case_page = " ".join(client.get(f"/{SLUG}/staff/cases/{case_id}").get_data(as_text=True).split())
    assert "Re-check a lost child" in case_page

    # Not located: refused, the case stays open and lost.
    html = post(client, case_id, "/outcome", {"outcome": "not_cme", "outcome_confirm": "y"}
                ).get_data(as_text=True)
    assert "only an outcome that says where the child is can close the case" in html
    assert the_case(app, case_id).status == "open"

    # The re-check done: the next one is six months later, and the task leaves the overdue list.
    response = post(client, case_id, "/enquiries", enquiry(key="s2s", day="13", month="7",
                                                           year="2026"))
    assert response.status_code == 303, response.get_data(as_text=True)
    assert the_case(app, case_id).recheck_due_on == date(2027, 1, 13)
    assert submission["reference"] not in _overdue_inbox(client)

    # Located: the case closes and the child leaves the figures and the register.
    response = post(client, case_id, "/outcome", {"outcome": "back_in_school",
                                                  "outcome_confirm": "y"})
    assert response.location.endswith("?done=closed")
    case = the_case(app, case_id)
    assert case.status == "closed" and case.lost_on is None and case.recheck_due_on is None
    after = _figures(client, date(2026, 7, 1), date(2026, 7, 13))
    assert int(after[unknown_key]) == int(july[unknown_key]) - 1
    assert int(after[lost_key]) == int(july[lost_key]) - 1
    assert int(after[missing_key]) == int(july[missing_key]) - 1
    assert [r for r in _lost_register(client)[1:] if r[0] == str(case_id)] == []


def test_located_in_another_council_closes_only_once_that_council_acknowledges(app,
                                                                              checked_client):
    from portal.casework.cases import complete_pending_outcome
    from portal.models import Case
    from portal.tenancy import tenants

    case_id, _submission = case_with_submission(app)
    officer = make_officer(app, SLUG, role="officer")
    client = checked_client(app.test_client())
    sign_in(client, officer)
    response = post(client, case_id, "/outcome", {"outcome": "located_other_la",
                                                  "outcome_confirm": "y"})
    assert response.location.endswith("?done=outcome")
    case = the_case(app, case_id)
    assert case.status == "open" and case.pending_outcome_key == "located_other_la"
    page = " ".join(client.get(f"/{SLUG}/staff/cases/{case_id}").get_data(as_text=True).split())
    assert "closes the case once the other council acknowledges the notice sent to it" in page

    with scoped(app) as session, app.test_request_context("/"):
        case = session.scalar(select(Case).where(Case.id == case_id))
        assert complete_pending_outcome(case, tenant=tenants()[SLUG])
        session.commit()
    case = the_case(app, case_id)
    assert case.status == "closed" and case.outcome_key == "located_other_la"
    assert case.closed_by_id is None
