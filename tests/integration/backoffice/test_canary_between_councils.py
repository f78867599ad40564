"""A canary child of council B (Liverpool): their details, written into every field B's
officers can fill, never appear in anything council A's (Stockport's) users can fetch — any
back-office page, search result, PDF, or email addressed to council A."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in
from tests.integration.backoffice.test_role_matrix import MATRIX, _back_office_routes, _url

A, B = "stockport", "liverpool"
CANARY = ("Quetzalina", "Bordercanary", "B801200005001", "L1 8JQ", "Featherstone Close",
          "canary-note-7731")


def _leaks(text: str) -> list[str]:
    lowered = text.casefold()
    return [word for word in CANARY if word.casefold() in lowered]


@pytest.fixture(scope="module")
def councils(app):
    from portal.extensions import db
    from portal.models import Activity, Case, Enquiry
    from portal.tenancy import tenant_id_for, tenant_scope

    b_item = make_submission(app, B, first="Quetzalina", last="Bordercanary",
                             dob=date(2013, 6, 9), upn="B801200005001", postcode="L1 8JQ",
                             answers={"child_first_name": "Quetzalina",
                                      "child_last_name": "Bordercanary",
                                      "address_line": "4 Featherstone Close"})
    a_item = make_submission(app, A, first="Ordinary", last="Stockportchild")
    ids = {}
    with app.app_context():
        for slug, item in ((B, b_item), (A, a_item)):
            with tenant_scope(tenant_id_for(slug)):
                case = Case(status="open", opened_at=datetime.now(timezone.utc),
                            child_first_name="Quetzalina" if slug == B else "Ordinary",
                            child_last_name="Bordercanary" if slug == B else "Stockportchild",
                            upn="B801200005001" if slug == B else None,
                            postcode="L1 8JQ" if slug == B else None,
                            child_dob=date(2013, 6, 9))
                db.session.add(case)
                db.session.flush()
                from portal.models import Submission
                submission = db.session.scalar(select(Submission).where(
                    Submission.id == item["id"]))
                submission.case_id = case.id
                if slug == B:
                    db.session.add(Enquiry(case_id=case.id, made_on=date(2026, 11, 2),
                                           result="Seen at Featherstone Close canary-note-7731",
                                           located=False))
                    db.session.add(Activity(case_id=case.id, kind="note", at=datetime.now(
                        timezone.utc), details={"text": "Quetzalina canary-note-7731"}))
                db.session.commit()
                ids[slug] = {"submission_id": item["id"], "case_id": case.id, "message_id": 0,
                             "notice_id": 0, "incoming_id": 0, "change_id": 0}
        db.session.remove()
    return ids


@pytest.mark.parametrize("role", ["officer", "manager", "council_admin"])
def test_council_a_never_sees_council_bs_child(app, client, councils, role):
    user = make_officer(app, A, role=role)
    sign_in(client, user)
    fetched = 0
    for method, path in _back_office_routes(app):
        if method != "GET" or role not in MATRIX[f"{method} {path}"]:
            continue
        for ids in (councils[A], councils[B]):  # A's own objects, and B's ids at A's address
            response = client.get(_url(A, path, ids))
            if response.status_code != 200:
                continue
            fetched += 1
            if response.mimetype == "application/pdf":
                text = "\n".join(page.extract_text() for page in
                                 PdfReader(io.BytesIO(response.data)).pages)
            else:
                text = response.get_data(as_text=True)
            assert _leaks(text) == [], (path, _leaks(text))
    assert fetched >= 2
    if role in ("officer", "manager"):
        for query in ("Quetzalina", "Quetzalina Bordercanary", "B801200005001", "09/06/2013",
                      "L1 8JQ", "LIV-2026-000001"):
            page = client.get(f"/{A}/staff/search")
            result = client.post(f"/{A}/staff/search", data={
                "csrf_token": csrf_of(page.get_data(as_text=True)), "q": query})
            assert result.status_code == 200
            body = result.get_data(as_text=True).replace(f'value="{query}"', "")
            assert _leaks(body.replace(query, "")) == [], query
        inbox = client.get(f"/{A}/staff/inbox?view=open").get_data(as_text=True)
        assert _leaks(inbox) == []


def test_no_email_to_council_a_names_council_bs_child(app, councils):
    from portal.extensions import db
    from portal.models import OutboxMessage
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(A)):
        for row in db.session.scalars(select(OutboxMessage)):
            assert _leaks(f"{row.subject}\n{row.body_text}\n{row.body_html or ''}") == []
        db.session.remove()


def test_the_canary_is_really_in_council_bs_pages(app, client, councils):
    """Otherwise the test above would prove nothing."""
    user = make_officer(app, B, role="officer")
    sign_in(client, user)
    page = client.get(f"/{B}/staff/cases/{councils[B]['case_id']}").get_data(as_text=True)
    assert "Quetzalina" in page and "canary-note-7731" in page


# --- cross-border notices --------------------------------------------------------------------
# Council B (Liverpool) sends council A (Stockport) a notice about a child on one of its cases.
# A's officers see the notice's own fields (the child's name, what B chose to tell) and nothing
# else of B's case: not its notes, not its enquiries, not its other forms.

NOTICE_CHILD = ("Wanderina", "Noticeonly")
CASE_ONLY = ("liverpool-case-note-9902", "Hollyhock Mews", "enquiry-result-5531",
             "Otherform Siblingchild")


def _text_of(response) -> str:
    if response.mimetype == "application/pdf":
        return "\n".join(page.extract_text() for page in
                         PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


def test_a_notice_from_b_shows_a_the_notices_fields_and_nothing_else_of_bs_case(
        app, client, checked_client):
    from tests.integration.notices.helpers import (incoming_for, make_case, notice_answers,
                                                   send_notice)

    case = make_case(app, B, first=NOTICE_CHILD[0], last=NOTICE_CHILD[1],
                     note="liverpool-case-note-9902 seen at Hollyhock Mews",
                     enquiry="enquiry-result-5531: neighbours at Hollyhock Mews")
    make_submission(app, B, first="Otherform", last="Siblingchild")
    sender = make_officer(app, B, role="officer")
    b_client = checked_client(app.test_client())
    sign_in(b_client, sender)
    sent = send_notice(b_client, B, case["case_id"], notice_answers(
        "356", first=NOTICE_CHILD[0], last=NOTICE_CHILD[1], postcode="L3 9AB",
        last_address="2 Invented Gardens, Liverpool"))
    assert sent.status_code == 303
    notice_id = int(sent.location.split("/notices/sent/")[1].split("?")[0])
    incoming_id, submission_id, reference = incoming_for(app, A, notice_id)
    # B's case holds the data that must stay in B.
    b_case = b_client.get(f"/{B}/staff/cases/{case['case_id']}").get_data(as_text=True)
    assert "liverpool-case-note-9902" in b_case and "enquiry-result-5531" in b_case

    for role in ("officer", "manager", "council_admin"):
        user = make_officer(app, A, role=role)
        sign_in(client, user)
        a_ids = {"submission_id": submission_id, "incoming_id": incoming_id, "change_id": 0,
                 "case_id": case["case_id"], "notice_id": notice_id, "message_id": 0}
        saw_the_notice = False
        for method, path in _back_office_routes(app):
            if method != "GET" or role not in MATRIX[f"{method} {path}"]:
                continue
            response = client.get(_url(A, path, a_ids))
            if response.status_code != 200:
                continue
            text = _text_of(response)
            lowered = text.casefold()
            assert [w for w in CASE_ONLY if w.casefold() in lowered] == [], (role, path)
            saw_the_notice = saw_the_notice or NOTICE_CHILD[0] in text
        # Officers and managers read the notice itself; the administrator works no casework.
        assert saw_the_notice == (role != "council_admin"), role
        # B's case, B's notice and B's other form do not exist at either address.
        for path in (f"/cases/{case['case_id']}", f"/cases/{case['case_id']}/summary.pdf",
                     f"/notices/sent/{notice_id}", f"/submissions/{case['submission_id']}"):
            assert client.get(f"/{A}/staff{path}").status_code == 404, path
            assert client.get(f"/{B}/staff{path}").status_code == 404, path
        page = client.get(f"/{A}/staff/").get_data(as_text=True)
        client.post(f"/{A}/staff/sign-out", data={"csrf_token": csrf_of(page)})

    from portal.extensions import db
    from portal.models import OutboxMessage, Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(A)):
        arrived = db.session.scalar(select(Submission).where(Submission.id == submission_id))
        stored = f"{arrived.answers} {arrived.sender_name} {arrived.routing_reason}".casefold()
        assert [w for w in CASE_ONLY if w.casefold() in stored] == []
        assert arrived.reference == reference and arrived.form_slug == "cross-border-notice"
        for row in db.session.scalars(select(OutboxMessage).where(
                OutboxMessage.reference == reference)):
            assert NOTICE_CHILD[0] not in row.body_text and NOTICE_CHILD[1] not in row.subject
        db.session.remove()
