"""A notice to a council that is not on the portal (Birmingham): the email to the directory's
address carries no child's details, only a link; the link opens the notice once a one-time
code sent to the same address is entered; it fails after expiry, after revocation and after
five wrong codes; every opening is in the sending council's audit trail. The child is the
suite's canary, so no email, address, log line or cookie of this test may name them."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.canary import CANARY_CHILD, child_details_in
from tests.forms_driver import csrf_of
from tests.integration.notices.helpers import (csrf, make_case, make_officer, notice_answers,
                                               notice_row, outbox_rows, send_notice, sign_in)

SENDER = "liverpool"
TO_CODE, TO_ADDRESS = "330", "cme-team@birmingham.test.invalid"
LINK = re.compile(r"http://[^\s]+/liverpool/notices/([A-Za-z0-9_\-]+)")
CODE = re.compile(r"Your code is ([0-9]{6})")


def _set_directory_address(app, code: str, address: str) -> None:
    from portal.directory import NoChange, set_contact
    from portal.extensions import db

    with app.app_context():
        try:
            set_contact(code, address, admin_id=None, note="test",
                        now=datetime.now(timezone.utc))
            db.session.commit()
        except NoChange:
            db.session.rollback()
        db.session.remove()


@pytest.fixture
def sent(app, checked_client):
    """Liverpool has sent a notice about the canary child to Birmingham."""
    _set_directory_address(app, TO_CODE, TO_ADDRESS)
    child = CANARY_CHILD
    case = make_case(app, SENDER, first=child["first_name"], last=child["last_name"],
                     upn=child["upn"], postcode=child["postcode"])
    officer = make_officer(app, SENDER)
    client = checked_client(app.test_client())
    sign_in(client, officer)
    before = {m.id for m in outbox_rows(app, SENDER, "notice")}
    response = send_notice(client, SENDER, case["case_id"], notice_answers(
        TO_CODE, first=child["first_name"], last=child["last_name"], upn=child["upn"],
        postcode=child["postcode"], last_address=child["address"],
        **{"child_dob-day": "17", "child_dob-month": "3", "child_dob-year": "2014"}))
    assert response.status_code == 303, response.get_data(as_text=True)
    notice_id = int(response.location.split("/notices/sent/")[1].split("?")[0])
    [email] = [m for m in outbox_rows(app, SENDER, "notice") if m.id not in before]
    return {"client": client, "officer": officer, "notice_id": notice_id, "email": email,
            "token": LINK.search(email.body_text).group(1), **case}


def _openings(app, notice_id: int) -> int:
    from portal.extensions import db
    from portal.models import AuditEvent
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(SENDER)):
        count = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.object_type == "notice", AuditEvent.object_id == notice_id,
            AuditEvent.what == "notice.opened_by_link", AuditEvent.user_id.is_(None)))
        db.session.remove()
    return count


def _ask_for_code(app, client, token: str) -> str:
    """Press "Email me a code" and read the code from the email it queued."""
    before = {m.id for m in outbox_rows(app, SENDER, "notice")}
    start = client.get(f"/{SENDER}/notices/{token}")
    assert start.status_code == 200
    response = client.post(f"/{SENDER}/notices/{token}/send-code",
                           data={"csrf_token": csrf_of(start.get_data(as_text=True))})
    assert response.status_code == 303
    assert response.location.endswith(f"/{SENDER}/notices/{token}/code")
    [email] = [m for m in outbox_rows(app, SENDER, "notice") if m.id not in before]
    assert email.to_address == TO_ADDRESS
    assert child_details_in(f"{email.subject}\n{email.body_text}") == []
    return CODE.search(email.body_text).group(1)


def _enter(client, token: str, code: str):
    url = f"/{SENDER}/notices/{token}/code"
    return client.post(url, data={"csrf_token": csrf(client, url), "code": code})


def test_the_email_holds_no_child_details_only_a_link(app, sent):
    email = sent["email"]
    assert email.to_address == TO_ADDRESS
    assert email.kind == "notice"
    assert child_details_in(f"{email.subject}\n{email.body_text}") == []
    assert notice_row(app, SENDER, sent["notice_id"]).reference in email.subject
    assert f"/{SENDER}/notices/{sent['token']}" in email.body_text
    page = sent["client"].get(f"/{SENDER}/staff/notices/sent/{sent['notice_id']}")
    assert f"By email to {TO_ADDRESS}" in page.get_data(as_text=True)


def test_the_link_opens_the_notice_after_the_code_and_every_opening_is_audited(
        app, sent, checked_client):
    token = sent["token"]
    visitor = checked_client(app.test_client())
    start = visitor.get(f"/{SENDER}/notices/{token}").get_data(as_text=True)
    assert child_details_in(start) == []  # nothing before the code
    assert "c•••@birmingham.test.invalid" in start
    code = _ask_for_code(app, visitor, token)

    wrong = _enter(visitor, token, "000000" if code != "000000" else "111111")
    assert wrong.status_code == 400
    assert "this one is not right" in wrong.get_data(as_text=True)
    assert _openings(app, sent["notice_id"]) == 0

    right = _enter(visitor, token, code)
    assert right.status_code == 303
    page = visitor.get(right.location)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert CANARY_CHILD["first_name"] in body and "Family said they were moving" in body
    assert _openings(app, sent["notice_id"]) == 1
    visitor.get(f"/{SENDER}/notices/{token}")
    assert _openings(app, sent["notice_id"]) == 2

    # A code works once; another browser without it sees nothing of the notice.
    assert _enter(visitor, token, code).status_code == 400
    stranger = checked_client(app.test_client())
    assert child_details_in(stranger.get(f"/{SENDER}/notices/{token}")
                            .get_data(as_text=True)) == []
    blocked = stranger.post(f"/{SENDER}/notices/{token}/reply",
                            data={"csrf_token": csrf(stranger, f"/{SENDER}/notices/{token}"),
                                  "answer": "not_known", "responder_name": "Someone"})
    assert blocked.status_code == 303 and notice_row(app, SENDER, sent["notice_id"]).answer is None

    # The recipient acknowledges and answers there.
    url = f"/{SENDER}/notices/{token}"
    acknowledged = visitor.post(f"{url}/acknowledge", data={"csrf_token": csrf(visitor, url)})
    assert acknowledged.status_code == 303
    assert "can see that you have received it" in visitor.get(acknowledged.location).get_data(
        as_text=True)
    bad = visitor.post(f"{url}/reply", data={"csrf_token": csrf(visitor, url),
                                             "answer": "found_on_roll", "responder_name": ""})
    assert bad.status_code == 400
    errors = bad.get_data(as_text=True)
    assert "Enter the name of the school the child is on roll at" in errors
    assert "Enter your name" in errors
    answered = visitor.post(f"{url}/reply", data={
        "csrf_token": csrf(visitor, url), "answer": "ehe", "responder_name": "Pat Example",
        "details": "Parents wrote to us in October."})
    assert answered.status_code == 303
    row = notice_row(app, SENDER, sent["notice_id"])
    assert row.acknowledged_at is not None and row.answer == "ehe"

    # The sender sees each step, and every opening.
    sender_page = sent["client"].get(f"/{SENDER}/staff/notices/sent/{sent['notice_id']}")
    steps = sender_page.get_data(as_text=True).split('id="notice-steps"')[1].split("</table>")[0]
    assert steps.count("Opened through the link") == _openings(app, sent["notice_id"]) >= 4
    for step in ("Link emailed", "Acknowledged", "Answered: Home educated here"):
        assert step in steps, step
    assert "Pat Example" in sender_page.get_data(as_text=True)


def test_a_revoked_link_fails_and_a_new_one_works(app, sent, checked_client):
    token = sent["token"]
    visitor = checked_client(app.test_client())
    code = _ask_for_code(app, visitor, token)
    assert _enter(visitor, token, code).status_code == 303

    officer = sent["client"]
    page_url = f"/{SENDER}/staff/notices/sent/{sent['notice_id']}"
    revoked = officer.post(f"{page_url}/revoke", data={"csrf_token": csrf(officer, page_url)})
    assert revoked.status_code == 303
    assert "The link has been withdrawn" in officer.get(revoked.location).get_data(as_text=True)

    closed = visitor.get(f"/{SENDER}/notices/{token}")
    assert closed.status_code == 410
    body = closed.get_data(as_text=True)
    assert "This link has been withdrawn" in body and child_details_in(body) == []
    token_of_session = csrf(visitor, f"/{SENDER}/staff/sign-in")
    assert visitor.post(f"/{SENDER}/notices/{token}/send-code",
                        data={"csrf_token": token_of_session}).status_code == 410

    before = {m.id for m in outbox_rows(app, SENDER, "notice")}
    again = officer.post(f"{page_url}/new-link", data={"csrf_token": csrf(officer, page_url)})
    assert again.status_code == 303
    [email] = [m for m in outbox_rows(app, SENDER, "notice") if m.id not in before]
    new_token = re.search(r"/liverpool/notices/([A-Za-z0-9_\-]+)", email.body_text).group(1)
    assert new_token != token
    assert child_details_in(email.body_text) == []
    assert visitor.get(f"/{SENDER}/notices/{token}").status_code == 410
    assert visitor.get(f"/{SENDER}/notices/{new_token}").status_code == 200


def test_the_link_fails_after_it_expires(app, app_with, sent, checked_client):
    later = datetime.now(timezone.utc) + timedelta(days=15)
    late = checked_client(app_with(clock=lambda: later).test_client())
    response = late.get(f"/{SENDER}/notices/{sent['token']}")
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)


def test_a_code_expires_after_30_minutes(app, app_with, sent, checked_client):
    start = datetime.now(timezone.utc)
    early = app_with(clock=lambda: start)
    visitor = checked_client(early.test_client())
    code = _ask_for_code(early, visitor, sent["token"])
    later = start + timedelta(minutes=31)
    late = checked_client(app_with(clock=lambda: later).test_client())
    response = _enter(late, sent["token"], code)
    assert response.status_code == 400
    assert "The code has expired" in response.get_data(as_text=True)


def test_five_wrong_codes_lock_the_link(app, sent, checked_client):
    token = sent["token"]
    visitor = checked_client(app.test_client())
    code = _ask_for_code(app, visitor, token)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        assert _enter(visitor, token, wrong).status_code == 400
    locked = _enter(visitor, token, wrong)
    assert locked.status_code == 403
    assert "This link is locked" in locked.get_data(as_text=True)
    assert visitor.get(f"/{SENDER}/notices/{token}").status_code == 403
    page = sent["client"].get(f"/{SENDER}/staff/notices/sent/{sent['notice_id']}")
    assert "The link is locked" in page.get_data(as_text=True)


def test_an_unknown_link_or_another_councils_address_is_not_found(app, sent, checked_client):
    visitor = checked_client(app.test_client())
    assert visitor.get(f"/{SENDER}/notices/not-a-real-token-at-all").status_code == 404
    assert visitor.get(f"/stockport/notices/{sent['token']}").status_code == 404


def test_no_address_in_the_directory_means_no_email(app, checked_client):
    from portal.directory import entry

    with app.app_context():
        assert entry("201").cme_email is None  # City of London: no address known
    case = make_case(app, SENDER)
    officer = make_officer(app, SENDER)
    client = checked_client(app.test_client())
    sign_in(client, officer)
    response = send_notice(client, SENDER, case["case_id"], notice_answers("201"))
    assert response.status_code == 400
    assert "We do not have a children missing education contact address for City of London" \
        in response.get_data(as_text=True)
