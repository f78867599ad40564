"""Returns uploaded as CSV and CTF: a valid file lands as one submission per pupil, each
routed and deadlined as if filed alone; every bad file is refused with its rows and columns,
stores nothing, and the school can fix it and send it again. Files are invented here."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, SchoolReturn, Submission
from portal.tenancy import unscoped
from tests.integration.returns.conftest import counts
from tests.integration.returns.files import csv_bytes, ctf_bytes, rows_for, wrong_check_letter

EVERY_RETURN = [
    ("stockport", "new-pupil-return"), ("stockport", "deletion-return"),
    ("stockport", "unauthorised-absence-return"), ("stockport", "sickness-return"),
    ("stockport", "attendance-concerns-return"), ("southwark", "unauthorised-absence-return"),
    ("liverpool", "new-pupil-return"), ("staffordshire", "deletion-return"),
    ("rhondda-cynon-taf", "unauthorised-absence-return"),
]
CTF_RETURNS = [("stockport", "new-pupil-return"), ("stockport", "deletion-return"),
               ("southwark", "deletion-return")]
LA = {"stockport": "356", "southwark": "210", "liverpool": "341", "staffordshire": "860",
      "rhondda-cynon-taf": "674"}
ROW_ERROR = re.compile(r'<td class="govuk-table__cell">([^<]*)</td>\s*'
                       r'<td class="govuk-table__cell">(?:<code>([^<]*)</code>)?</td>\s*'
                       r'<td class="govuk-table__cell">([^<]*)</td>')


def ground(slug):
    return "moved-away"


def filed(app, reference: str) -> tuple[SchoolReturn, list[Submission]]:
    with app.app_context(), unscoped():
        school_return = db.session.scalar(select(SchoolReturn).where(
            SchoolReturn.reference == reference))
        subs = list(db.session.scalars(select(Submission).where(
            Submission.return_id == school_return.id).order_by(Submission.id)))
        db.session.expunge_all()
        return school_return, subs


def sent_reference(client, response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r'id="reference">([A-Z]{3}-\d{4}-\d{6})<', page)[1]


def row_errors(response) -> list[tuple[str, str, str]]:
    html = response.get_data(as_text=True).replace("&#39;", "'")
    return [(row, column or "", message) for row, column, message in ROW_ERROR.findall(html)]


@pytest.mark.parametrize("slug, form", EVERY_RETURN)
def test_a_valid_csv_lands_as_one_submission_per_pupil(app, client, sender, slug, form):
    school = sender(slug, form)
    headings = school.template_headings()
    rows = rows_for(form, 4, ground=ground(slug), la=LA[slug])
    before = counts(app)
    reference = sent_reference(client, school.upload(csv_bytes(rows, headings)))
    school_return, subs = filed(app, reference)
    assert counts(app) == (before[0] + 1, before[1] + 4)
    assert school_return.pupil_count == 4 and school_return.source == "csv"
    tenant = app.extensions["portal.tenants"][slug]
    for row, sub in zip(rows, subs):
        assert sub.form_slug == form and sub.reference.startswith(tenant.reference_prefix)
        assert sub.upn == row["upn"] and sub.child_last_name == row["child_last_name"]
        assert sub.school_laestab == school.school()["school_laestab"]
        assert sub.answers["return_reference"] == reference
        # routed as if filed alone: the council's own routing table decides
        route = tenant.route(form, laestab=sub.school_laestab, postcode=sub.postcode, flags=())
        assert (sub.team_key, sub.officer) == (route.team.key, route.officer)
        assert sub.due_on is not None  # the council's acknowledge-by deadline
    # the school is told the return's reference, never a pupil's name
    with app.app_context(), unscoped():
        mails = list(db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.reference == reference)))
    assert any(m.to_address == "office@school.example" for m in mails)
    assert all(row["child_last_name"] not in m.body_text for m in mails for row in rows)


def test_rct_pupils_reach_the_schools_named_attendance_officer(app, client, sender):
    school = sender("rhondda-cynon-taf", "unauthorised-absence-return")
    rows = rows_for("unauthorised-absence-return", 2, la="674")
    reference = sent_reference(client, school.upload(csv_bytes(rows, school.template_headings())))
    _return, subs = filed(app, reference)
    assert {(s.team_key, bool(s.officer)) for s in subs} == {("aws", True)}


def test_a_deletion_return_gives_each_pupil_its_lawful_deletion_date(app, client, sender):
    school = sender("staffordshire", "deletion-return")
    rows = rows_for("deletion-return", 3, ground="continuous-absence-20-days", la="860")
    reference = sent_reference(client, school.upload(csv_bytes(rows, school.template_headings())))
    _return, subs = filed(app, reference)
    assert [s.answers["destination_known"] for s in subs] == ["no", "yes", "yes"]
    assert all(s.rules_version == "england-2024" for s in subs)


@pytest.mark.parametrize("slug, form", CTF_RETURNS)
def test_a_valid_ctf_lands_as_one_submission_per_pupil(app, client, sender, slug, form):
    school = sender(slug, form)
    rows = rows_for(form, 3, ground=ground(slug), la=LA[slug])
    rows[1]["cme_message"] = "Family said they were moving abroad; no forwarding address"
    content = ctf_bytes(rows, source=school.school()["school_laestab"], destination="XXXXXXX")
    before = counts(app)
    if form == "deletion-return":
        # a CTF carries no legal ground: without one for the file, nothing is stored
        response = school.upload(content, kind="ctf", name="leavers.xml")
        assert response.status_code == 200
        assert "Select the ground for deleting the pupil" in response.get_data(as_text=True)
        assert counts(app) == before
    response = school.upload(content, kind="ctf", name="leavers.xml",
                             deletion_ground="moved-away")
    reference = sent_reference(client, response)
    school_return, subs = filed(app, reference)
    assert counts(app) == (before[0] + 1, before[1] + 3)
    assert school_return.source == "ctf" and len(subs) == 3
    assert [s.upn for s in subs] == [r["upn"] for r in rows]
    assert [s.child_first_name for s in subs] == [r["child_first_name"] for r in rows]
    if form == "deletion-return":
        assert {s.answers["destination_laestab"] for s in subs} == {"XXXXXXX"}
        assert {s.answers["destination_known"] for s in subs} == {"no"}
        assert subs[1].answers["cme_message"].startswith("Family said they were moving")
        assert {s.answers["leaving_date"] for s in subs} == {"2026-11-27"}
    else:
        assert subs[0].answers["parent_phone"] == "01632 960 001"
        assert subs[0].answers["entry_date"] == "2026-11-09"
