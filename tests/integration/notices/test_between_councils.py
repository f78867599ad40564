"""A notice from Liverpool to Stockport, both on the portal, through the back-offices of both:
it arrives in Stockport's inbox, routed by Stockport's rules; Stockport's officer acknowledges
it (from the ordinary submission page) and answers it; Liverpool's case shows each step; and
Stockport reaches nothing else of Liverpool's case."""
from __future__ import annotations

import pytest

from portal.rules.upn import check_letter
from tests.canary import child_details_in
from tests.integration.notices.helpers import (csrf, incoming_for, make_case, make_officer,
                                               notice_answers, notice_row, outbox_rows,
                                               send_notice, sign_in)

SENDER, RECEIVER = "liverpool", "stockport"
# An invented pupil of an invented Liverpool school (LA 341): a UPN with a right check letter.
UPN = check_letter("341200015001") + "341200015001"
SECRET_NOTE = "liverpool-only-note-4471"
SECRET_ENQUIRY = "Seen at Larkspur Terrace by the outreach worker"


@pytest.fixture
def liverpool(app, checked_client):
    case = make_case(app, SENDER, first="Wanderly", last="Movedaway", upn=UPN,
                     postcode="L3 9AB", note=SECRET_NOTE, enquiry=SECRET_ENQUIRY)
    officer = make_officer(app, SENDER)
    client = checked_client(app.test_client())
    sign_in(client, officer)
    return {"client": client, "officer": officer, **case}


@pytest.fixture
def stockport(app, checked_client):
    officer = make_officer(app, RECEIVER)
    client = checked_client(app.test_client())
    sign_in(client, officer)
    return {"client": client, "officer": officer}


def _submission(app, slug: str, submission_id: int):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        row = db.session.scalar(select(Submission).where(Submission.id == submission_id))
        db.session.expunge_all()
        db.session.remove()
        return row


def _sent_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.location.split("/notices/sent/")[1].split("?")[0])


def test_liverpool_to_stockport_end_to_end(app, liverpool, stockport):
    lpl, stk = liverpool["client"], stockport["client"]
    case_id = liverpool["case_id"]

    # Liverpool sends the notice from its case.
    response = send_notice(lpl, SENDER, case_id, notice_answers(
        "356", first="Wanderly", last="Movedaway", upn=UPN))
    notice_id = _sent_id(response)
    page = lpl.get(response.location).get_data(as_text=True)
    assert "The notice has been sent." in page
    incoming_id, submission_id, reference = incoming_for(app, RECEIVER, notice_id)
    assert reference.startswith("STK-")
    assert f"In their back-office, as {reference}" in page

    # It is in Stockport's inbox, routed by Stockport's rules, and its team was emailed.
    inbox = stk.get(f"/{RECEIVER}/staff/inbox?view=unallocated&form=cross-border-notice")
    found = stk.post(f"/{RECEIVER}/staff/search", data={
        "csrf_token": csrf(stk, f"/{RECEIVER}/staff/search"), "q": reference})
    assert inbox.status_code == 200 and reference in found.get_data(as_text=True)
    arrived = _submission(app, RECEIVER, submission_id)
    with app.app_context():
        from portal.tenancy import tenants

        route = tenants()[RECEIVER].route("cross-border-notice", laestab="3412000",
                                          postcode="L3 9AB", flags=())
    assert (arrived.status, arrived.form_slug, arrived.team_key) == (
        "new", "cross-border-notice", route.team.key)
    notifications = [m for m in outbox_rows(app, RECEIVER, "team_notification")
                     if m.reference == reference]
    assert len(notifications) == 1
    assert "Wanderly" not in notifications[0].body_text

    # Stockport reads it: the notice's own fields, nothing else of Liverpool's case.
    received = stk.get(f"/{RECEIVER}/staff/notices/received/{incoming_id}")
    assert received.status_code == 200
    body = received.get_data(as_text=True)
    assert "Wanderly" in body and "Family said they were moving" in body
    assert "Home visit, no answer" in body  # actions taken travel with the notice
    assert SECRET_NOTE not in body and "Larkspur" not in body
    assert "Notice from Liverpool City Council" in body

    # Stockport acknowledges from the ordinary submission page; Liverpool sees it.
    submission_page = f"/{RECEIVER}/staff/submissions/{submission_id}"
    assert stk.post(f"{submission_page}/acknowledge",
                    data={"csrf_token": csrf(stk, submission_page)}).status_code == 303
    sent = lpl.get(f"/{SENDER}/staff/notices/sent/{notice_id}").get_data(as_text=True)
    assert "Not yet" not in sent.split('id="notice-acknowledged"')[1].split("</dd>")[0]
    assert "Stockport" in sent.split('id="notice-acknowledged"')[1].split("</dd>")[0]

    # Stockport answers; Liverpool's case shows both steps.
    page_url = f"/{RECEIVER}/staff/notices/received/{incoming_id}"
    answered = stk.post(f"{page_url}/answer", data={
        "csrf_token": csrf(stk, page_url), "answer": "found_on_roll",
        "school_name": "Invented Academy Stockport", "school_laestab": "3564001",
        "details": "Started on Monday."})
    assert answered.status_code == 303, answered.get_data(as_text=True)
    assert "Your answer has been sent" in stk.get(answered.location).get_data(as_text=True)

    case_page = lpl.get(f"/{SENDER}/staff/cases/{case_id}").get_data(as_text=True)
    notices = case_page.split('id="case-notices"')[1].split("</table>")[0]
    assert "On roll at a school here" in notices
    assert "Not yet" not in notices  # acknowledged
    sent = lpl.get(f"/{SENDER}/staff/notices/sent/{notice_id}").get_data(as_text=True)
    steps = sent.split('id="notice-steps"')[1].split("</table>")[0]
    for step in ("Sent", "Arrived in their back-office", "Acknowledged",
                 "Answered: On roll at a school here"):
        assert step in steps, step
    assert "Invented Academy Stockport" in sent and "Started on Monday." in sent
    row = notice_row(app, SENDER, notice_id)
    assert row.acknowledged_at is not None and row.answer == "found_on_roll"
    assert row.answered_at is not None

    # The sending officer was told by email, with no child's details.
    updates = [m for m in outbox_rows(app, SENDER, "notice") if m.reference == row.reference]
    assert len(updates) == 2
    for message in updates:
        assert "Wanderly" not in message.body_text and "Movedaway" not in message.body_text

    # Stockport reaches no other part of Liverpool's case: 404 at either address.
    for url in (f"/{RECEIVER}/staff/cases/{case_id}", f"/{SENDER}/staff/cases/{case_id}",
                f"/{RECEIVER}/staff/notices/sent/{notice_id}",
                f"/{SENDER}/staff/notices/sent/{notice_id}",
                f"/{RECEIVER}/staff/cases/{case_id}/summary.pdf",
                f"/{RECEIVER}/staff/cases/{case_id}/notices/new",
                f"/{RECEIVER}/staff/submissions/{liverpool['submission_id']}"):
        assert stk.get(url).status_code == 404, url
    # ... and Liverpool nothing of Stockport's side.
    for url in (f"/{SENDER}/staff/notices/received/{incoming_id}",
                f"/{SENDER}/staff/submissions/{submission_id}",
                f"/{RECEIVER}/staff/notices/received/{incoming_id}"):
        assert lpl.get(url).status_code == 404, url


def test_a_notice_arrives_once_however_often_it_is_posted(app, liverpool):
    lpl = liverpool["client"]
    page = lpl.get(f"/{SENDER}/staff/cases/{liverpool['case_id']}/notices/new")
    from tests.forms_driver import csrf_of
    from tests.integration.notices.helpers import SEND_TOKEN

    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_of(html), "send_token": SEND_TOKEN.search(html).group(1),
            **notice_answers("356")}
    first = lpl.post(f"/{SENDER}/staff/cases/{liverpool['case_id']}/notices/new", data=data)
    second = lpl.post(f"/{SENDER}/staff/cases/{liverpool['case_id']}/notices/new", data=data)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location


def test_an_answer_meets_the_reply_by_date_and_an_unanswered_one_goes_overdue(
        app, app_with, checked_client, liverpool, stockport):
    from datetime import date, datetime, timedelta, timezone

    lpl = liverpool["client"]
    reply_by = date.today() + timedelta(days=3)
    notice_id = _sent_id(send_notice(lpl, SENDER, liverpool["case_id"],
                                     notice_answers("356", reply_by=reply_by)))
    case_url = f"/{SENDER}/staff/cases/{liverpool['case_id']}"
    deadlines = lpl.get(case_url).get_data(as_text=True).split("Checklist")[0]
    assert "Reply wanted to a notice sent to another council" in deadlines

    # A week later, with no answer: overdue on the case, on the notices list, in the inbox.
    later = datetime.now(timezone.utc) + timedelta(days=7)
    late_app = app_with(clock=lambda: later)
    client = checked_client(late_app.test_client())
    sign_in(client, liverpool["officer"], at=later)
    page = client.get(case_url).get_data(as_text=True)
    deadlines = page.split("Checklist")[0]
    row = deadlines.split("Reply wanted to a notice sent to another council")[1].split("</tr>")[0]
    assert "Overdue" in row
    assert "Reply overdue" in page.split('id="case-notices"')[1].split("</table>")[0]
    listing = client.get(f"/{SENDER}/staff/notices").get_data(as_text=True)
    assert "Reply overdue" in listing.split('id="sent-notices"')[1]

    # Stockport answers "still looking": the reply has come, the deadline is met.
    incoming_id, _, _ = incoming_for(app, RECEIVER, notice_id)
    stk = stockport["client"]
    page_url = f"/{RECEIVER}/staff/notices/received/{incoming_id}"
    assert stk.post(f"{page_url}/answer", data={"csrf_token": csrf(stk, page_url),
                                                "answer": "still_looking"}).status_code == 303
    page = client.get(case_url).get_data(as_text=True)
    assert "Reply wanted to a notice sent to another council" not in page.split("Checklist")[0]
    assert "Still looking" in page.split('id="case-notices"')[1].split("</table>")[0]


def test_sending_needs_a_complete_notice_and_keeps_what_was_typed(app, liverpool):
    lpl = liverpool["client"]
    response = send_notice(lpl, SENDER, liverpool["case_id"], notice_answers(
        "", child_first_name="Typedname", what_is_known="", **{"reply_by-day": "1",
                                                              "reply_by-month": "1",
                                                              "reply_by-year": "2020"},
        upn="B80120000500"))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    for error in ("Select the council to send the notice to",
                  "Enter what is known about the child and family",
                  "The date you want a reply by must be in the future",
                  "Enter a unique pupil number (UPN) of 13 characters"):
        assert error in body, error
    assert 'value="Typedname"' in body
    assert "govuk-error-summary" in body


def test_an_unknown_la_code_in_a_upn_warns_and_does_not_block(app, liverpool):
    from portal.rules.upn import check_letter

    body = "999" + "1234" + "26" + "001"
    upn = check_letter(body) + body
    lpl = liverpool["client"]
    refused = send_notice(lpl, SENDER, liverpool["case_id"], notice_answers(
        "356", upn=upn, what_is_known=""))
    assert refused.status_code == 400
    assert "The local authority code in this UPN is not one we know" in \
        refused.get_data(as_text=True)
    sent = send_notice(lpl, SENDER, liverpool["case_id"], notice_answers("356", upn=upn))
    assert sent.status_code == 303
    page = lpl.get(sent.location).get_data(as_text=True)
    assert "its local authority code is not one we know" in page


def test_the_receiver_sees_the_notice_and_its_own_inbox_only(app, liverpool, stockport):
    """No child's details of the canary in any log or address: the notice pages use ids."""
    notice_id = _sent_id(send_notice(liverpool["client"], SENDER, liverpool["case_id"],
                                     notice_answers("356")))
    incoming_id, _, reference = incoming_for(app, RECEIVER, notice_id)
    listing = stockport["client"].get(f"/{RECEIVER}/staff/notices").get_data(as_text=True)
    assert reference in listing and "Liverpool City Council" in listing
    assert child_details_in(f"/{RECEIVER}/staff/notices/received/{incoming_id}") == []
