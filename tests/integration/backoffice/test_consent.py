"""Consent before withdrawal (issue 16, item 6): a notice to home educate a pupil at a special
school in a place the council arranged (2024 regulations reg 9(1)(f); Wales 2010 reg 8(2)), or,
once s.434A of the Education Act 1996 is in force for the council, a child subject to s.47
enquiries or a child protection plan, starts a consent request. The "may the school delete?"
panel cannot say yes until the council's consent is recorded; refused, the pupil stays on roll.
The decision has a deadline, is its own audited action by a role the council names, is on the
timeline and is emailed to the school (reference and decision only)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in

HOME_EDUCATION = {"change_type": "deletion", "deletion_ground": "home-education",
                  "parent_notice_date": "2026-11-30", "intended_deletion_date": "2027-03-01",
                  "special_school": "yes", "child_protection_plan": "no", "s47_enquiries": "no",
                  "child_first_name": "Ada"}
SCHOOL = "office@school.test.invalid"


def _page(client, url):
    return BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")


def _conditions(soup) -> dict[str, str]:
    return {row["data-condition"]: row["data-met"]
            for row in soup.select("#deletion-conditions tbody tr")}


def _verdict(soup) -> str:
    return soup.select_one("#deletion-verdict").get_text(" ", strip=True)


def _post(client, url, action, data=None):
    page = client.get(url).get_data(as_text=True)
    return client.post(action, data={"csrf_token": csrf_of(page), **(data or {})})


def _rows(app, slug, model, **where):
    from portal.extensions import db
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        rows = list(db.session.scalars(query))
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
    return rows


def _emails(app, slug, reference):
    from portal.models import OutboxMessage

    return _rows(app, slug, OutboxMessage, reference=reference, kind="consent_decision")


def _manager(app, slug, client):
    manager = make_officer(app, slug, role="manager")
    sign_in(client, manager)
    return manager


@pytest.fixture
def s434a(app, monkeypatch):
    """Set a council's s.434A commencement day for one test."""
    from portal.tenancy import REGISTRY_KEY

    def set_day(slug: str, day: date | None) -> None:
        registry = app.extensions[REGISTRY_KEY]
        tenant = registry[slug]
        monkeypatch.setitem(registry, slug, tenant.model_copy(update={
            "ehe": tenant.ehe.model_copy(update={"consent_s434a_commencement": day})}))
    return set_day


def test_a_special_school_pupil_cannot_be_deleted_until_the_council_consents(
        app, checked_client):
    from portal.models import Activity, AuditEvent, DeletionRecord

    slug = "liverpool"
    item = make_submission(app, slug, form_slug="change-to-register", answers=HOME_EDUCATION,
                           sender_email=SCHOOL)
    client = checked_client(app.test_client())
    manager = _manager(app, slug, client)
    url = f"/{slug}/staff/submissions/{item['id']}"

    soup = _page(client, url)
    # the council's rule for 9(1)(f) asks only to be told; the law adds its consent
    assert _conditions(soup) == {"informed_in_advance": "yes", "la_consent": "no"}
    assert _verdict(soup).startswith("Not yet")
    assert soup.select_one("#consent-status")["data-status"] == "pending"
    due = (datetime.now(timezone.utc).date() + timedelta(days=15))
    deadline = soup.select_one("#consent-deadline")
    assert deadline["data-met"] == "pending"
    assert f"{due.day} " in deadline.get_text(" ", strip=True)
    assert "It must decide by" in soup.select_one("#deletion-permission").get_text(" ", strip=True)

    # acknowledging, and every other condition met, is still not permission
    assert _post(client, url, f"{url}/acknowledge").status_code == 303
    assert _post(client, url, f"{url}/take").status_code == 303
    soup = _page(client, url)
    assert _conditions(soup)["informed_in_advance"] == "yes"
    assert _verdict(soup).startswith("Not yet")
    # with nothing else left for the council to do, the consent decision is its next deadline
    from portal.models import Submission

    assert _rows(app, slug, Submission, id=item["id"])[0].due_on == due

    response = _post(client, url, f"{url}/consent",
                     {"consent_decision": "granted",
                      "consent_reasons": "A suitable education at home was described; the EHE adviser agrees."})
    assert response.status_code == 303, response.get_data(as_text=True)
    soup = _page(client, url)
    assert _conditions(soup) == {"informed_in_advance": "yes", "la_consent": "yes"}
    assert _verdict(soup).startswith("Yes")
    assert "Done: Test Officer" in soup.select_one("#deletion-permission").get_text(" ", strip=True)
    assert soup.select_one("#consent-status")["data-status"] == "granted"
    assert soup.select_one("#consent-deadline")["data-met"] == "yes"
    assert "EHE adviser agrees" in soup.select_one("#consent-note").get_text()
    assert soup.select_one("#consent form") is None  # decided: no form any more
    assert _rows(app, slug, Submission, id=item["id"])[0].due_on is None  # met, nothing due

    rows = _rows(app, slug, DeletionRecord, submission_id=item["id"])
    assert [(r.condition, r.party, r.recorded_by_id) for r in rows] == [
        ("la_consent", "granted", manager["id"])]
    assert "consent.granted" in {a.what for a in _rows(app, slug, AuditEvent, object_id=item["id"],
                                                      object_type="submission")}
    assert "consent" in {a.kind for a in _rows(app, slug, Activity, submission_id=item["id"])}

    [email] = _emails(app, slug, item["reference"])
    assert email.to_address == SCHOOL and email.language == "en"
    body = " ".join(email.body_text.split())
    assert "has given its consent" in body and item["reference"] in body
    assert "Ada" not in body and "Testchild" not in body and "EHE adviser" not in body

    # a second decision is refused and stores nothing
    again = _post(client, url, f"{url}/consent",
                  {"consent_decision": "refused", "consent_reasons": "Changed our mind"})
    assert again.status_code == 409
    assert len(_rows(app, slug, DeletionRecord, submission_id=item["id"])) == 1


def test_refused_consent_means_the_pupil_stays_on_roll(app, checked_client):
    slug = "stockport"  # its rule for 9(1)(f): inform only; the law still asks for consent
    item = make_submission(app, slug, form_slug="change-to-register", answers=HOME_EDUCATION,
                           sender_email=SCHOOL)
    client = checked_client(app.test_client())
    _manager(app, slug, client)
    url = f"/{slug}/staff/submissions/{item['id']}"
    soup = _page(client, url)
    assert soup.select_one("#deletion-inform-only") is None
    assert _conditions(soup) == {"la_consent": "no"}
    response = _post(client, url, f"{url}/consent",
                     {"consent_decision": "refused", "consent_reasons": "The EHCP provision cannot be met at home."})
    assert response.status_code == 303
    soup = _page(client, url)
    assert _verdict(soup).startswith("No: the council has refused its consent")
    assert "must stay on the school's roll" in _verdict(soup)
    assert soup.select_one("#consent-status")["data-status"] == "refused"
    assert "Refused: Test Officer" in soup.select_one("#deletion-permission").get_text(" ", strip=True)
    [email] = _emails(app, slug, item["reference"])
    assert "has refused its consent" in email.body_text and "must stay on your school" in email.body_text


def test_the_parents_notice_and_the_schools_notice_share_one_decision(app, checked_client):
    """The parent's EHE notification says special school; the school's deletion notice about the
    same child, joined to its case, waits for the decision recorded on the parent's notice."""
    slug = "southwark"
    parent = make_submission(app, slug, form_slug="ehe-notification", upn="B801200005001",
                             sender_email="parent@example.test.invalid",
                             answers={"child_first_name": "Ada", "special_school": "yes",
                                      "council_arranged_place": "yes"})
    school = make_submission(app, slug, form_slug="change-to-register", upn="B801200005001",
                             sender_email=SCHOOL,
                             answers={**HOME_EDUCATION, "special_school": "no"})
    client = checked_client(app.test_client())
    _manager(app, slug, client)
    purl, surl = (f"/{slug}/staff/submissions/{parent['id']}",
                  f"/{slug}/staff/submissions/{school['id']}")
    assert _conditions(_page(client, surl)) == {"informed_in_advance": "yes"}  # not yet linked
    opened = _post(client, purl, f"{purl}/case", {"case": "new"})
    case_id = int(opened.location.rstrip("/").rsplit("/", 1)[1])
    assert _post(client, surl, f"{surl}/case", {"case": str(case_id)}).status_code == 303

    soup = _page(client, surl)
    assert _conditions(soup) == {"informed_in_advance": "yes", "la_consent": "no"}
    case_page = client.get(f"/{slug}/staff/cases/{case_id}").get_data(as_text=True)
    assert "Decide whether the council consents to the child being educated at home" in case_page
    page = _page(client, purl)
    assert school["reference"] in page.select_one("#consent").get_text(" ", strip=True)

    assert _post(client, purl, f"{purl}/consent",
                 {"consent_decision": "granted", "consent_reasons": "Agreed at the EHE panel."}
                 ).status_code == 303
    soup = _page(client, surl)
    assert _conditions(soup) == {"informed_in_advance": "yes", "la_consent": "yes"}
    assert _verdict(soup).startswith("Yes")
    [email] = _emails(app, slug, school["reference"])
    assert email.to_address == SCHOOL  # the school, not the parent
    assert not _emails(app, slug, parent["reference"])
    case_page = client.get(f"/{slug}/staff/cases/{case_id}").get_data(as_text=True)
    assert "Decide whether the council consents" not in case_page  # met


@pytest.mark.parametrize("form_slug, answers", [
    ("change-to-register", {**HOME_EDUCATION, "special_school": "no", "child_protection_plan": "yes"}),
    ("change-to-register", {**HOME_EDUCATION, "special_school": "no", "s47_enquiries": "yes"}),
    ("ehe-notification", {"child_first_name": "Ada", "special_school": "no",
                          "child_protection": "yes"}),
])
def test_s434a_applies_only_from_the_councils_commencement_day(
        app, checked_client, s434a, form_slug, answers):
    slug = "staffordshire"
    client = checked_client(app.test_client())
    _manager(app, slug, client)
    today = datetime.now(timezone.utc).date()

    s434a(slug, None)  # not commenced
    item = make_submission(app, slug, form_slug=form_slug, answers=answers, sender_email=SCHOOL)
    url = f"/{slug}/staff/submissions/{item['id']}"
    assert _page(client, url).select_one("#consent") is None

    s434a(slug, today + timedelta(days=1))  # commenced after the notice arrived
    assert _page(client, url).select_one("#consent") is None
    refused = _post(client, url, f"{url}/consent",
                    {"consent_decision": "granted", "consent_reasons": "x"})
    assert refused.status_code == 409  # nothing to decide

    s434a(slug, today - timedelta(days=1))  # in force when the notice arrived
    soup = _page(client, url)
    assert "section 47 enquiries or a child protection plan" in \
        soup.select_one("#consent-reasons").get_text(" ", strip=True)
    if form_slug == "change-to-register":
        assert _conditions(soup)["la_consent"] == "no"
        assert _verdict(soup).startswith("Not yet")


def test_s434a_is_not_the_law_in_wales(app, checked_client, s434a):
    slug = "rhondda-cynon-taf"
    s434a(slug, date(2026, 1, 1))
    item = make_submission(app, slug, form_slug="change-to-register", sender_email=SCHOOL,
                           answers={**HOME_EDUCATION, "special_school": "no",
                                    "child_protection_plan": "yes", "awo_advised": "no"})
    client = checked_client(app.test_client())
    _manager(app, slug, client)
    assert _page(client, f"/{slug}/staff/submissions/{item['id']}").select_one("#consent") is None


def test_a_welsh_council_records_the_decision_and_tells_the_school_in_welsh_then_english(
        app, checked_client):
    slug = "rhondda-cynon-taf"
    item = make_submission(app, slug, form_slug="change-to-register", sender_email=SCHOOL,
                           answers={**HOME_EDUCATION, "awo_advised": "no"})
    client = checked_client(app.test_client())
    _manager(app, slug, client)
    url = f"/{slug}/staff/submissions/{item['id']}"
    welsh = client.get(f"{url}?lang=cy").get_data(as_text=True)
    soup = BeautifulSoup(welsh, "html.parser")
    assert _conditions(soup) == {"officer_advice": "no", "la_consent": "no"}
    assert "Caniatâd y cyngor" in soup.select_one("#consent h2").get_text()
    assert _post(client, url, f"{url}/consent",
                 {"consent_decision": "granted", "consent_reasons": "Cytunwyd."}).status_code == 303
    [email] = _emails(app, slug, item["reference"])
    assert email.language == "cy"
    welsh_part, english_part = email.body_text.split("\n---\n")
    assert "wedi rhoi ei ganiatâd" in welsh_part
    assert "has given its consent" in english_part
    assert " / " in email.subject


@pytest.mark.parametrize("data, field, message", [
    ({"consent_reasons": "Reasons given"}, "consent_decision", "Select whether the council consents"),
    ({"consent_decision": "granted", "consent_reasons": "   "}, "consent_reasons",
     "Enter the council's reasons for its decision"),
    ({"consent_decision": "granted"}, "consent_reasons", "Enter the council's reasons for its decision"),
    ({"consent_decision": "granted", "consent_reasons": "x" * 5001}, "consent_reasons", "5000"),
    ({"consent_decision": "maybe", "consent_reasons": "Reasons"}, "consent_decision", None),
    ({"consent_decision": ["granted", "refused"], "consent_reasons": "Reasons"}, None, None),
    ({"consent_decision": "granted", "consent_reasons": "\x00\x01\ue000 reasons"}, None, None),
])
def test_bad_input_is_an_error_beside_the_field_and_nothing_is_stored(
        app, checked_client, data, field, message):
    from portal.models import DeletionRecord

    slug = "liverpool"
    item = make_submission(app, slug, form_slug="change-to-register", answers=HOME_EDUCATION,
                           sender_email=SCHOOL)
    client = checked_client(app.test_client())
    _manager(app, slug, client)
    url = f"/{slug}/staff/submissions/{item['id']}"
    response = _post(client, url, f"{url}/consent", data)
    html = response.get_data(as_text=True)
    if field is None:  # whatever the browser sent: never a 500
        assert response.status_code in (303, 400), html
        return
    assert response.status_code == 400, html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".govuk-error-summary") is not None
    assert soup.title.get_text().startswith("Error:")
    error = soup.select_one(f"#{field}-error")
    assert error is not None
    if message:
        assert message.replace(",", "") in error.get_text(" ", strip=True).replace(",", "")
    assert not _rows(app, slug, DeletionRecord, submission_id=item["id"])
    assert not _emails(app, slug, item["reference"])


def test_only_a_role_the_council_names_records_the_decision(app, checked_client):
    from portal.models import DeletionRecord

    slug = "liverpool"  # [deletion.recorders] la_consent = ["manager"]
    item = make_submission(app, slug, form_slug="change-to-register", answers=HOME_EDUCATION,
                           sender_email=SCHOOL)
    client = checked_client(app.test_client())
    sign_in(client, make_officer(app, slug, role="officer"))
    url = f"/{slug}/staff/submissions/{item['id']}"
    soup = _page(client, url)
    assert soup.select_one("#consent form") is None
    response = _post(client, url, f"{url}/consent",
                     {"consent_decision": "granted", "consent_reasons": "Fine"})
    assert response.status_code == 403
    assert not _rows(app, slug, DeletionRecord, submission_id=item["id"])


def test_a_notice_that_needs_no_consent_has_nothing_to_decide(app, checked_client):
    slug = "liverpool"
    item = make_submission(app, slug, form_slug="change-to-register", sender_email=SCHOOL,
                           answers={**HOME_EDUCATION, "special_school": "no"})
    client = checked_client(app.test_client())
    _manager(app, slug, client)
    url = f"/{slug}/staff/submissions/{item['id']}"
    soup = _page(client, url)
    assert soup.select_one("#consent") is None
    assert "la_consent" not in _conditions(soup)
    assert _post(client, url, f"{url}/consent",
                 {"consent_decision": "granted", "consent_reasons": "x"}).status_code == 409
