"""The case page: an officer works a case (enquiries, notes, stage, outcome, reopening, the
DfE details), sees its deadlines, checklist, forms and timeline, and downloads its summary;
every look and change is audited; nobody outside the council's caseworkers gets in."""
from __future__ import annotations

import io
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in

SLUG = "stockport"
ERROR_MESSAGE = re.compile(r'<p id="([\w-]+)-error" class="govuk-error-message">\s*'
                           r'<span class="govuk-visually-hidden">[^<]*</span>\s*([^<]*?)\s*</p>')


# --- helpers ------------------------------------------------------------------------------

@contextmanager
def scoped(app, slug: str = SLUG):
    """The database as one council sees it."""
    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context():
        with tenant_scope(tenant_id_for(slug)):
            yield db.session
        db.session.remove()


def make_case(app, slug: str = SLUG, *, first: str = "Ada", last: str = "Testchild",
              submissions: tuple[int, ...] = (), **fields) -> int:
    """An open case of an invented child, with the given submissions linked to it."""
    from portal.models import Case, Submission
    from portal.tenancy import tenants

    with scoped(app, slug) as session:
        tenant = tenants()[slug]
        values = {"status": "open", "child_first_name": first, "child_last_name": last,
                  "child_dob": date(2015, 3, 14), "upn": "B801200005001", "postcode": "SK1 3TA",
                  "team_key": tenant.teams[0].key, **fields}
        case = Case(**values)
        session.add(case)
        session.flush()
        for submission_id in submissions:
            session.scalar(select(Submission).where(Submission.id == submission_id)).case_id = case.id
        session.commit()
        return case.id


def case_with_submission(app, slug: str = SLUG, **kwargs) -> tuple[int, dict]:
    submission = make_submission(app, slug, first=kwargs.get("first", "Ada"),
                                 last=kwargs.get("last", "Testchild"))
    return make_case(app, slug, submissions=(submission["id"],), **kwargs), submission


def signed_in(app, checked_client, slug: str = SLUG, role: str = "officer"):
    officer = make_officer(app, slug, role=role)
    client = checked_client(app.test_client())
    sign_in(client, officer)
    return client, officer


def url(case_id: int, tail: str = "", slug: str = SLUG) -> str:
    return f"/{slug}/staff/cases/{case_id}{tail}"


def post(client, case_id: int, tail: str, data: dict, slug: str = SLUG):
    page = client.get(url(case_id, slug=slug))
    assert page.status_code == 200
    return client.post(url(case_id, tail, slug), data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), **data})


def enquiry(key="home_visit", day="12", month="1", year="2026",
            result="Nobody answered at the last known address.", located="no") -> dict:
    return {"enquiry_item": key, "enquiry_date-day": day, "enquiry_date-month": month,
            "enquiry_date-year": year, "enquiry_result": result, "enquiry_located": located}


def errors(html: str) -> dict[str, str]:
    """The error message shown next to each field: field id -> sentence."""
    return {field: " ".join(text.replace("&#39;", "'").split())
            for field, text in ERROR_MESSAGE.findall(html)}


def counts(app, case_id: int, slug: str = SLUG) -> dict[str, int]:
    """What is stored about a case: activities, enquiries and change rows of the audit."""
    from portal.models import Activity, AuditEvent, Enquiry

    with scoped(app, slug) as session:
        return {
            "activities": session.scalar(select(func.count()).select_from(Activity)
                                         .where(Activity.case_id == case_id)),
            "enquiries": session.scalar(select(func.count()).select_from(Enquiry)
                                        .where(Enquiry.case_id == case_id)),
            "changes": session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.object_type == "case", AuditEvent.object_id == case_id,
                AuditEvent.action == "change")),
        }


def audit_rows(app, case_id: int, slug: str = SLUG) -> list[tuple[str, str, int | None]]:
    from portal.models import AuditEvent

    with scoped(app, slug) as session:
        return [(e.action, e.what, e.user_id) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "case",
                                     AuditEvent.object_id == case_id)
            .order_by(AuditEvent.id))]


def the_case(app, case_id: int, slug: str = SLUG):
    from portal.models import Case

    with scoped(app, slug) as session:
        case = session.scalar(select(Case).where(Case.id == case_id))
        session.expunge(case)
        return case


# --- the page -----------------------------------------------------------------------------

def test_an_officer_sees_the_child_the_checklist_and_the_forms_of_the_case(app, checked_client):
    case_id, submission = case_with_submission(app)
    client, officer = signed_in(app, checked_client)
    response = client.get(url(case_id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Case {case_id}" in html
    assert "Ada Testchild" in html and "14 March 2015" in html
    assert "B801200005001" in html and "SK1 3TA" in html
    assert submission["reference"] in html
    assert "Refer a child who may be missing education" in html
    assert "Home visit to the last known address" in html  # the council's checklist
    assert "Other enquiry" in html
    assert "School enquiries (days 1 to 10)" in html  # its stages
    assert "Back in school" in html  # its outcomes
    assert response.headers["Cache-Control"] == "no-store"
    assert ("view", "case.view", officer["id"]) in audit_rows(app, case_id)


def test_every_look_at_the_case_page_is_audited(app, checked_client):
    case_id = make_case(app)
    client, officer = signed_in(app, checked_client, role="manager")
    client.get(url(case_id))
    client.get(url(case_id))
    assert audit_rows(app, case_id).count(("view", "case.view", officer["id"])) == 2


def test_signed_out_the_case_page_sends_you_to_sign_in(app, client):
    case_id = make_case(app)
    response = client.get(url(case_id))
    assert response.status_code == 303
    assert response.location.endswith(f"/{SLUG}/staff/sign-in")


# --- enquiries ----------------------------------------------------------------------------

def test_two_enquiries_show_in_the_checklist_and_the_timeline(app, checked_client):
    case_id, _submission = case_with_submission(app)
    client, officer = signed_in(app, checked_client)
    response = post(client, case_id, "/enquiries", enquiry())
    assert response.status_code == 303
    assert response.location.endswith(url(case_id) + "?done=enquiry")
    page = client.get(response.location).get_data(as_text=True)
    assert "govuk-notification-banner--success" in page
    assert "The enquiry has been recorded." in page

    response = post(client, case_id, "/enquiries", enquiry(
        key="_other", day="14", result="Health visitor says the family moved to Leeds.",
        located="yes"))
    assert response.status_code == 303
    html = client.get(url(case_id)).get_data(as_text=True)
    checklist = html[html.index('id="checklist"'):html.index('id="record-enquiry"')]
    assert "Nobody answered at the last known address." in checklist
    assert "12 January 2026" in checklist
    assert "Health visitor says the family moved to Leeds." in checklist
    assert "Other enquiries" in checklist and "14 January 2026" in checklist
    assert "Test Officer" in checklist
    assert "Enquiries are recorded for 1 of the 12 checks." in checklist
    timeline = html[html.index(">Timeline<"):]
    assert timeline.count("Enquiry recorded") == 2
    assert "Home visit to the last known address: Nobody answered" in timeline
    assert "(this found the child)" in timeline

    assert counts(app, case_id)["enquiries"] == 2
    assert audit_rows(app, case_id).count(("change", "case.enquiry", officer["id"])) == 2
    # An enquiry that found the child: the council now knows where the child is.
    assert the_case(app, case_id).whereabouts_known is True


@pytest.mark.parametrize("data, field, sentence", [
    (enquiry(key="", day="", month="", year="", result="", located=""), "enquiry_item",
     "Select the enquiry you made"),
    (enquiry(day="", month="", year=""), "enquiry_date", "Enter the date you made the enquiry"),
    (enquiry(day="30", month="2", year="2026"), "enquiry_date",
     "Enter a real date, for example 27 3 2012"),
    (enquiry(day="12", month="", year="2026"), "enquiry_date",
     "The date must include a day, a month and a year"),
    (enquiry(year="2099"), "enquiry_date", "The date of the enquiry must be today or in the past"),
    (enquiry(result=""), "enquiry_result", "Enter what the enquiry found"),
    (enquiry(result="Long answer. " * 400), "enquiry_result",
     "The answer must be 2000 characters or fewer"),
    (enquiry(located=""), "enquiry_located",
     "Select yes if this enquiry found the child or where they are"),
    (enquiry(located="maybe"), "enquiry_located", "Select one of the options"),
    (enquiry(key="not_a_checklist_item"), "enquiry_item", "Select one of the options"),
])
def test_a_bad_enquiry_is_shown_with_its_error_and_nothing_is_stored(app, checked_client, data,
                                                                      field, sentence):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    before = counts(app, case_id)
    response = post(client, case_id, "/enquiries", data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error:" in html and "govuk-error-summary" in html
    assert errors(html).get(field) == sentence
    anchor = f"#{field}-day" if field == "enquiry_date" else f"#{field}"
    assert f'href="{anchor}"' in html
    if data["enquiry_result"].strip():
        assert data["enquiry_result"].strip()[:40] in html  # what was typed is kept
    if data["enquiry_date-day"]:
        assert f'value="{data["enquiry_date-day"]}"' in html
    assert counts(app, case_id) == before


# --- notes, stage, details ----------------------------------------------------------------

def test_a_note_is_added_to_the_timeline(app, checked_client):
    case_id = make_case(app)
    client, officer = signed_in(app, checked_client)
    response = post(client, case_id, "/notes", {"note_text": "Spoke to the school's DSL.\nNo news."})
    assert response.status_code == 303 and response.location.endswith("?done=note")
    html = client.get(response.location).get_data(as_text=True)
    assert "The note has been added." in html
    assert "Spoke to the school&#39;s DSL.<br>No news." in html
    assert ("change", "case.note", officer["id"]) in audit_rows(app, case_id)


@pytest.mark.parametrize("text, sentence", [
    ("   ", "Enter the note"),
    ("x" * 5000, "The answer must be 2000 characters or fewer"),
])
def test_a_bad_note_is_refused_and_kept(app, checked_client, text, sentence):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    before = counts(app, case_id)
    html = post(client, case_id, "/notes", {"note_text": text}).get_data(as_text=True)
    assert errors(html) == {"note_text": sentence}
    if text.strip():
        assert text in html
    assert counts(app, case_id) == before


def test_the_stage_is_changed_and_shown(app, checked_client):
    case_id = make_case(app)
    client, officer = signed_in(app, checked_client)
    response = post(client, case_id, "/stage", {"stage": "locating"})
    assert response.status_code == 303 and response.location.endswith("?done=stage")
    html = client.get(response.location).get_data(as_text=True)
    assert "The stage has been changed." in html
    assert the_case(app, case_id).stage_key == "locating"
    timeline = html[html.index(">Timeline<"):]
    assert "Stage changed" in timeline and "Locating checks" in timeline
    assert ("change", "case.stage", officer["id"]) in audit_rows(app, case_id)

    # The same stage again: nothing to change.
    html = post(client, case_id, "/stage", {"stage": "locating"}).get_data(as_text=True)
    assert errors(html) == {"stage": "The case is already at this stage: select another stage"}


@pytest.mark.parametrize("data, sentence", [
    ({}, "Select a stage"),
    ({"stage": "made_up_stage"}, "Select one of the options"),
])
def test_an_unknown_or_missing_stage_is_refused(app, checked_client, data, sentence):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    before = counts(app, case_id)
    html = post(client, case_id, "/stage", data).get_data(as_text=True)
    assert errors(html) == {"stage": sentence}
    assert the_case(app, case_id).stage_key is None
    assert counts(app, case_id) == before


def test_the_details_for_the_dfe_return_are_saved(app, checked_client):
    case_id = make_case(app)
    client, officer = signed_in(app, checked_client)
    response = post(client, case_id, "/details", {"reason_code": "cme_moved_in_other_la", "whereabouts": "no"})
    assert response.status_code == 303
    case = the_case(app, case_id)
    assert (case.reason_code, case.whereabouts_known) == ("cme_moved_in_other_la", False)
    assert ("change", "case.details", officer["id"]) in audit_rows(app, case_id)

    before = counts(app, case_id)
    html = post(client, case_id, "/details", {"reason_code": "<b>not a code</b>",
                                              "whereabouts": ""}).get_data(as_text=True)
    assert errors(html) == {
        "reason_code": "Select a reason from the list",
        "whereabouts": "Select yes if the council knows where the child is"}
    assert "&lt;b&gt;not a code&lt;/b&gt;" not in html  # a select keeps only its own options
    assert counts(app, case_id) == before


# --- outcome and reopening ----------------------------------------------------------------

def test_an_outcome_closes_the_case_and_its_submissions_and_it_can_be_reopened(app,
                                                                              checked_client):
    from portal.models import Submission

    case_id, submission = case_with_submission(app)
    client, officer = signed_in(app, checked_client)
    response = post(client, case_id, "/outcome", {"outcome": "back_in_school",
                                                  "outcome_confirm": "y"})
    assert response.status_code == 303 and response.location.endswith("?done=closed")
    html = client.get(response.location).get_data(as_text=True)
    assert "The outcome has been recorded and the case is closed." in html
    assert "Back in school" in html and "Closed on" in html
    assert "Reopen the case" in html and "Record an enquiry" not in html
    case = the_case(app, case_id)
    assert case.status == "closed" and case.outcome_key == "back_in_school"
    assert case.closed_by_id == officer["id"] and case.closed_at is not None
    assert case.next_due_on is None
    with scoped(app) as session:
        assert session.scalar(select(Submission.status).where(
            Submission.id == submission["id"])) == "closed"
    assert ("change", "case.outcome", officer["id"]) in audit_rows(app, case_id)

    # A closed case takes no change until it is reopened.
    before = counts(app, case_id)
    for tail, data in [("/notes", {"note_text": "Late note"}), ("/enquiries", enquiry()),
                       ("/stage", {"stage": "locating"}),
                       ("/outcome", {"outcome": "ehe", "outcome_confirm": "y"}),
                       ("/details", {"reason_code": "X1", "whereabouts": "yes"})]:
        response = post(client, case_id, tail, data)
        assert response.status_code == 409, tail
        assert "This case is closed. To change it, reopen it first" in response.get_data(as_text=True)
    assert counts(app, case_id) == before

    # Reopening needs a reason.
    html = post(client, case_id, "/reopen", {"reopen_reason": ""}).get_data(as_text=True)
    assert errors(html) == {"reopen_reason": "Enter why you are reopening the case"}
    assert the_case(app, case_id).status == "closed"

    response = post(client, case_id, "/reopen", {"reopen_reason": "The school saw the child again."})
    assert response.status_code == 303 and response.location.endswith("?done=reopened")
    html = client.get(response.location).get_data(as_text=True)
    assert "The case has been reopened." in html
    case = the_case(app, case_id)
    assert case.status == "open" and case.outcome_key is None and case.closed_at is None
    timeline = html[html.index(">Timeline<"):]
    assert "Case reopened" in timeline and "The school saw the child again." in timeline
    assert "Outcome recorded" in timeline and "The case was closed." in timeline
    assert ("change", "case.reopen", officer["id"]) in audit_rows(app, case_id)


def test_an_outcome_that_does_not_close_the_case_leaves_it_open(app, checked_client):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client, role="manager")
    response = post(client, case_id, "/outcome", {"outcome": "school_attendance_order",
                                                  "outcome_confirm": "y"})
    assert response.status_code == 303 and response.location.endswith("?done=outcome")
    case = the_case(app, case_id)
    assert case.status == "open" and case.outcome_key == "school_attendance_order"


@pytest.mark.parametrize("data, expected", [
    ({"outcome_confirm": "y"}, {"outcome": "Select an outcome"}),
    ({"outcome": "made_up", "outcome_confirm": "y"}, {"outcome": "Select one of the options"}),
    ({"outcome": "ehe"}, {"outcome_confirm": "Confirm that you have checked the outcome"}),
])
def test_a_bad_outcome_is_refused(app, checked_client, data, expected):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    before = counts(app, case_id)
    html = post(client, case_id, "/outcome", data).get_data(as_text=True)
    assert errors(html) == expected
    if data.get("outcome") == "ehe":
        assert re.search(r'value="ehe" checked', html)  # the choice is kept
    assert the_case(app, case_id).status == "open"
    assert counts(app, case_id) == before


def test_reopening_an_open_case_changes_nothing(app, checked_client):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    before = counts(app, case_id)
    response = post(client, case_id, "/reopen", {"reopen_reason": "Twice"})
    assert response.status_code == 303
    assert counts(app, case_id) == before


def test_a_post_without_its_csrf_token_is_refused_and_stores_nothing(app, checked_client):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    before = counts(app, case_id)
    for tail, data in [("/notes", {"note_text": "No token"}), ("/enquiries", enquiry()),
                       ("/stage", {"stage": "locating"}),
                       ("/outcome", {"outcome": "ehe", "outcome_confirm": "y"}),
                       ("/details", {"reason_code": "X1", "whereabouts": "yes"})]:
        assert client.post(url(case_id, tail), data=data).status_code == 400, tail
    assert counts(app, case_id) == before
    assert the_case(app, case_id).status == "open"


# --- the timeline's emails ----------------------------------------------------------------

def test_the_timeline_lists_the_emails_about_the_cases_forms_without_their_text(app,
                                                                               checked_client):
    from portal.models import OutboxMessage

    case_id, submission = case_with_submission(app)
    with scoped(app) as session:
        session.add(OutboxMessage(message_id=f"<case-test-{case_id}@portal.invalid>",
                                  kind="acknowledgement", to_address="dsl@school.test.invalid",
                                  subject="Secret subject line", body_text="Secret body text",
                                  reference=submission["reference"], status="sent",
                                  sent_at=datetime.now(timezone.utc)))
        session.commit()
    client, _officer = signed_in(app, checked_client)
    html = client.get(url(case_id)).get_data(as_text=True)
    timeline = html[html.index(">Timeline<"):]
    assert "Email: acknowledgement to the sender" in timeline
    assert f"{submission['reference']}: Sent" in timeline
    assert "Form received" in timeline
    assert "dsl@school.test.invalid" not in html
    assert "Secret subject line" not in html and "Secret body text" not in html


# --- the PDF summary ----------------------------------------------------------------------

def test_the_summary_pdf_holds_the_enquiries_and_the_outcome_and_nothing_of_another_case(
        app, checked_client):
    other_case = make_case(app, first="Bartholomew", last="Otherchild")
    case_id, submission = case_with_submission(app, first="Clementine", last="Pdfchild")
    client, officer = signed_in(app, checked_client)
    post(client, case_id, "/enquiries", enquiry(result="Neighbour saw a removal van."))
    post(client, case_id, "/enquiries", enquiry(key="electoral_roll", day="13",
                                                result="Not on the electoral roll."))
    post(client, case_id, "/outcome", {"outcome": "located_other_la", "outcome_confirm": "y"})

    response = client.get(url(case_id, "/summary.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="case-{case_id}-summary.pdf"')
    assert "Clementine" not in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    assert f"Case {case_id}" in flat
    assert "Clementine Pdfchild" in flat
    assert "Neighbour saw a removal van." in flat and "Not on the electoral roll." in flat
    assert "Located in another council" in flat
    assert submission["reference"] in flat
    assert "Bartholomew" not in flat and "Otherchild" not in flat
    assert ("export", "case.pdf", officer["id"]) in audit_rows(app, case_id)
    assert other_case != case_id


# --- who may see a case -------------------------------------------------------------------

CASE_URLS = [("get", ""), ("get", "/summary.pdf"), ("get", "/audit"),
             ("post", "/notes"), ("post", "/enquiries"), ("post", "/stage"),
             ("post", "/outcome"), ("post", "/reopen"), ("post", "/details")]


def _csrf(client, slug: str) -> str:
    return csrf_of(client.get(f"/{slug}/staff/").get_data(as_text=True))


def test_another_councils_officer_gets_404_on_every_case_url(app, checked_client):
    case_id = make_case(app, first="Dorothea", last="Scopedchild")
    client, _officer = signed_in(app, checked_client, slug="liverpool", role="manager")
    token = _csrf(client, "liverpool")
    before = counts(app, case_id)
    for method, tail in CASE_URLS:
        # Under its own council's address (the case id of another council is not found)...
        response = getattr(client, method)(url(case_id, tail, "liverpool"),
                                           data={"csrf_token": token} if method == "post" else None)
        assert response.status_code == 404, (method, tail)
        assert "Scopedchild" not in response.get_data(as_text=True)
        # ... and under the case's council's address.
        response = getattr(client, method)(url(case_id, tail),
                                           data={"csrf_token": token} if method == "post" else None)
        assert response.status_code == 404, (method, tail)
    assert counts(app, case_id) == before
    assert [row for row in audit_rows(app, case_id) if row[0] == "view"] == []


def test_the_council_administrator_sees_only_the_audit_trail_of_a_case(app, checked_client):
    case_id = make_case(app)
    officer_client, officer = signed_in(app, checked_client)
    officer_client.get(url(case_id))
    client, _admin = signed_in(app, checked_client, role="council_admin")
    token = _csrf(client, SLUG)
    for method, tail in CASE_URLS:
        if tail == "/audit":
            continue
        response = getattr(client, method)(url(case_id, tail),
                                           data={"csrf_token": token} if method == "post" else None)
        assert response.status_code == 404, (method, tail)
    response = client.get(url(case_id, "/audit"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Audit trail of case {case_id}" in html
    assert "Viewed the case" in html and "Test Officer" in html
    assert "Ada" not in html and "Testchild" not in html


def test_an_officer_cannot_see_the_audit_trail_and_a_manager_can(app, checked_client):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    assert client.get(url(case_id, "/audit")).status_code == 404
    assert client.get(url(case_id)).status_code == 200
    assert "Who has viewed and changed this case" not in client.get(url(case_id)).get_data(
        as_text=True)
    manager, _manager = signed_in(app, checked_client, role="manager")
    post(manager, case_id, "/notes", {"note_text": "Checked by a manager."})
    html = manager.get(url(case_id, "/audit")).get_data(as_text=True)
    assert "Added a note" in html and "Viewed the case" in html
    assert "Checked by a manager." not in html


def test_an_unknown_case_is_404(app, checked_client):
    client, _officer = signed_in(app, checked_client)
    assert client.get(url(999999)).status_code == 404


def test_every_change_writes_one_audit_row_and_one_activity(app, checked_client):
    case_id = make_case(app)
    client, _officer = signed_in(app, checked_client)
    steps = [("/notes", {"note_text": "One"}), ("/enquiries", enquiry()),
             ("/stage", {"stage": "monitoring"}),
             ("/details", {"reason_code": "cme_moved_in_other_country", "whereabouts": "yes"}),
             ("/outcome", {"outcome": "not_cme", "outcome_confirm": "y"}),
             ("/reopen", {"reopen_reason": "More to do."})]
    for number, (tail, data) in enumerate(steps, start=1):
        assert post(client, case_id, tail, data).status_code == 303, tail
        stored = counts(app, case_id)
        assert (stored["changes"], stored["activities"]) == (number, number), tail


def test_the_deadlines_table_shows_the_councils_deadlines_with_their_state(app_with,
                                                                           checked_client):
    from tests.integration.auth.test_sign_in import FixedClock

    clock = FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc))
    timed = app_with(clock=clock)
    case_id = make_case(timed, opened_at=clock.now - timedelta(days=400))
    officer = make_officer(timed, SLUG)
    client = checked_client(timed.test_client())
    sign_in(client, officer, at=clock.now)
    html = client.get(url(case_id)).get_data(as_text=True)
    deadlines = html[html.index(">Deadlines<"):html.index('id="checklist"')]
    # Stockport re-checks a child whose whereabouts are unknown every six months, counted
    # from the case's opening when no enquiry is recorded: long overdue.
    assert "Repeat multi-agency and database checks every six months" in deadlines
    assert "govuk-tag--red" in deadlines and "Overdue" in deadlines


def test_an_action_recorded_on_a_form_and_on_its_case_shows_once_in_the_timeline(
        app, checked_client):
    from portal.models import Activity
    from portal.tenancy import tenants

    case_id, submission = case_with_submission(app)
    with app.app_context():
        team = tenants()[SLUG].teams[0]
    moment = datetime.now(timezone.utc) - timedelta(hours=1)
    allocated = {"team": team.key, "officer": "Jo Allocatee", "from_team": team.key,
                 "reallocated": False}
    with scoped(app) as session:
        session.add_all([
            Activity(kind="acknowledged", submission_id=submission["id"], case_id=case_id,
                     at=moment, details={"reference": submission["reference"], "emailed": True}),
            Activity(kind="allocated", submission_id=submission["id"], case_id=case_id,
                     at=moment + timedelta(minutes=1),
                     details={"reference": submission["reference"], **allocated}),
        ])
        session.commit()
    client, _officer = signed_in(app, checked_client)
    timeline = client.get(url(case_id)).get_data(as_text=True).split(">Timeline<")[1]
    assert timeline.count("Form acknowledged") == 1
    assert timeline.count(">Allocated<") == 1
    assert f"{submission['reference']}: to Jo Allocatee, {team.name.en}" in timeline


def test_a_welsh_councils_case_page_shows_its_checklist_and_stages_in_welsh(app,
                                                                           checked_client):
    slug = "rhondda-cynon-taf"
    case_id = make_case(app, slug)
    client, _officer = signed_in(app, checked_client, slug=slug)
    response = client.get(url(case_id, "?lang=cy", slug))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="cy"' in html
    assert "Wedi ceisio&#39;r teulu estynedig" in html
    assert "Atgyfeiriad Lles (Pecyn Cymorth Presenoldeb)" in html
    # The PDF is made in the page's language too.
    assert client.get(url(case_id, "/summary.pdf", slug)).status_code == 200
