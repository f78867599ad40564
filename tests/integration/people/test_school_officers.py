"""RCT's named Attendance and Well Being Officers (AWOs): the council administrator imports the
school -> officer table from RCT's real school list (shared data: URNs, no DfE numbers), a
school's change-to-register notice lands with its AWO, who is emailed (no child details), and
changing the table offers to move the open work, never silently."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from tests.forms_driver import CHILD_FIRST, CHILD_LAST, Journey, csrf_of
from tests.integration.backoffice.helpers import make_officer, sign_in, sign_out

RCT = "rhondda-cynon-taf"
#: A copy of the shared reference data's schools_sample.csv (87 real schools, see its sources).
SCHOOLS_CSV = Path(__file__).resolve().parents[2] / "data" / "schools_sample.csv"


def rct_schools() -> list[dict]:
    """RCT's schools as published (LA 674): a URN and a name each, no DfE number."""
    with SCHOOLS_CSV.open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["la_code"] == "674"]


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["school_number", "urn", "school_name",
                                              "officer_email", "team"])
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def _upload(client, data: bytes):
    page = client.get(f"/{RCT}/staff/school-officers")
    assert page.status_code == 200
    return client.post(f"/{RCT}/staff/school-officers/import", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)),
        "file": (io.BytesIO(data), "awos.csv")}, content_type="multipart/form-data")


def _named(app, officer: dict, name: str) -> dict:
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import tenant_scope

    with app.app_context(), tenant_scope(officer["tenant_id"]):
        db.session.get(StaffUser, officer["id"]).display_name = name
        db.session.commit()
    return {**officer, "name": name}


@pytest.fixture
def awos(app):
    """Two AWOs of RCT; the table they appear in is emptied afterwards."""
    from portal.extensions import db
    from portal.models import SchoolOfficer, SchoolOfficerChange
    from portal.tenancy import tenant_id_for, tenant_scope

    people = {"cynon": _named(app, make_officer(app, RCT), "Awo Cynon"),
              "taf": _named(app, make_officer(app, RCT), "Awo Taf")}
    yield people
    with app.app_context(), tenant_scope(tenant_id_for(RCT)):
        db.session.execute(delete(SchoolOfficerChange))
        db.session.execute(delete(SchoolOfficer))
        db.session.commit()


def _submission(app, reference: str):
    from portal.extensions import db
    from portal.models import Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    with app.app_context(), tenant_scope(tenant_id_for(RCT)):
        found = db.session.scalar(select(Submission).where(Submission.reference == reference))
        db.session.expunge(found)
        return found


def _emails(app, reference: str, kind: str):
    from portal.extensions import db
    from portal.models import OutboxMessage
    from portal.tenancy import unscoped

    with app.app_context(), unscoped():
        return list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.reference == reference, OutboxMessage.kind == kind)))


def test_a_school_notice_lands_with_its_awo_who_is_emailed_and_a_change_offers_reallocation(
        app, client, awos, checked_client):
    from portal.tenancy import tenants

    with app.app_context():
        tenant = tenants()[RCT]
    schools = rct_schools()
    assert len(schools) == 16 and all(not row["laestab"] for row in schools)
    admin = make_officer(app, RCT, role="council_admin")
    sign_in(client, admin)

    # A file with problems changes nothing and names each line.
    bad = _csv([{"urn": schools[0]["urn"], "school_name": schools[0]["name"],
                 "officer_email": "nobody@rhondda-cynon-taf.test.invalid", "team": "aws"},
                {"urn": "999999", "school_name": "Nowhere School",
                 "officer_email": awos["taf"]["email"], "team": "aws"},
                {"school_number": "3562000", "school_name": "Adswood Primary School",
                 "officer_email": awos["taf"]["email"], "team": "aws"}])
    response = _upload(client, bad)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "nothing was changed" in html
    problems = re.findall(r'<tr class="govuk-table__row"><td class="govuk-table__cell">(\d+)</td>'
                          r'<td class="govuk-table__cell">([^<]*)</td>', html)
    assert [line for line, _ in problems] == ["2", "3", "4"]
    assert "nobody@rhondda-cynon-taf.test.invalid" in problems[0][1].replace("&#64;", "@")
    assert "999999" in problems[1][1]
    assert "3562000" in problems[2][1]
    assert "No schools yet" in html

    # RCT's real list: the first eight schools to Cynon's AWO, the rest to Taf's.
    rows = [{"urn": row["urn"], "school_name": row["name"],
             "officer_email": awos["cynon" if i < 8 else "taf"]["email"], "team": "aws"}
            for i, row in enumerate(schools)]
    response = _upload(client, _csv(rows))
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "16 schools added" in page
    penderyn = next(s for s in tenant.schools if s.urn == schools[0]["urn"])
    assert penderyn.name == schools[0]["name"]
    assert f">{penderyn.laestab}<" in page and "Awo Cynon" in page

    # Penderyn's change-to-register notice, through the public form.
    public = checked_client(app.test_client())
    journey = Journey(public, tenant, app.extensions["portal.forms"][(RCT, "change-to-register")],
                      overrides={"school_laestab": {"school_laestab": penderyn.laestab}})
    reference = journey.complete()
    filed = _submission(app, reference)
    assert filed.school_laestab == penderyn.laestab
    assert filed.officer_id == awos["cynon"]["id"] and filed.allocated_by_school
    assert filed.team_key == "aws"
    [email] = _emails(app, reference, "officer_allocation")
    assert email.to_address == awos["cynon"]["email"]
    assert reference in email.body_text and reference in email.subject
    for detail in (CHILD_FIRST, CHILD_LAST, journey.typed.get("upn", "").upper()):
        assert detail and detail not in email.body_text and detail not in email.subject

    # The AWO sees it on the submission page, allocated as the school's named officer.
    awo = checked_client(app.test_client())
    sign_in(awo, awos["cynon"])
    page = awo.get(f"/{RCT}/staff/submissions/{filed.id}").get_data(as_text=True)
    officer_cell = page.split('id="current-officer">', 1)[1].split("</dd>")[0]
    assert officer_cell.strip().replace("&#39;", "'") == "Awo Cynon (the school's named officer)", officer_cell

    # The administrator gives Penderyn to Taf's AWO: the open notice is offered, not moved.
    url = f"/{RCT}/staff/school-officers/{penderyn.laestab}"
    page = client.get(url)
    response = client.post(url, data={"csrf_token": csrf_of(page.get_data(as_text=True)),
                                      "school_name": penderyn.name,
                                      "officer": str(awos["taf"]["id"]), "team": "aws",
                                      "note": "Cynon's AWO moved to Taf Elái"})
    assert response.status_code == 303 and "/school-officers/offers/" in response.location
    assert _submission(app, reference).officer_id == awos["cynon"]["id"]  # not silent
    offer = client.get(response.location).get_data(as_text=True)
    assert reference in offer and "Awo Taf" in offer and "Awo Cynon" in offer
    # Choosing nothing is an error beside the question.
    decide = response.location + "/decision"
    refused = client.post(decide, data={"csrf_token": csrf_of(offer)})
    assert refused.status_code == 400
    assert "Select whether to move the work" in refused.get_data(as_text=True)
    moved = client.post(decide, data={"csrf_token": csrf_of(offer),
                                                  "decision": "move"})
    assert moved.status_code == 303
    assert "1 item was moved to Awo Taf" in client.get(moved.location).get_data(as_text=True)
    after = _submission(app, reference)
    assert after.officer_id == awos["taf"]["id"] and after.allocated_by_school
    assert [e.to_address for e in _emails(app, reference, "officer_allocation")] == [
        awos["cynon"]["email"], awos["taf"]["email"]]
    # The history keeps both the import and the change, with the note and the decision.
    history = client.get(url).get_data(as_text=True)
    assert "From Awo Cynon (Attendance and Well Being Service) to Awo Taf" in history
    assert "Cynon&#39;s AWO moved to Taf Elái" in history or "Cynon's AWO moved to Taf Elái" in history and "Open work was moved." in history
    assert "(import)" in history


def test_an_edit_with_a_bad_team_keeps_what_was_typed(app, client, awos):
    admin = make_officer(app, RCT, role="council_admin")
    sign_in(client, admin)
    rows = [{"school_number": "6742133", "school_name": "Penderyn Primary School",
             "officer_email": awos["cynon"]["email"], "team": ""}]
    assert _upload(client, _csv(rows)).status_code == 303
    url = f"/{RCT}/staff/school-officers/6742133"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_of(page), "school_name": "Penderyn PS",
                                      "officer": "", "team": "no-such-team"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Penderyn PS"' in html and "govuk-error-summary" in html
    assert "Error:" in html.split("</title>")[0]
    assert client.get(f"/{RCT}/staff/school-officers/6740000").status_code == 404
