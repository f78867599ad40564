"""May the school delete? For each of the five councils a deletion notice under a ground its
policy names, with the school's answers both ways: the panel on the submission page (each
condition met or not, who and when, the earliest lawful date), the acknowledgement email
(acknowledging is never permission where the policy asks for more) and recording each
condition as its own action by a role the council names."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.forms_driver import csrf_of
from tests.integration.backoffice.helpers import make_officer, make_submission, sign_in

ABSENT = {"change_type": "deletion", "deletion_ground": "continuous-absence-20-days",
          "first_day_of_absence": "2026-09-07", "intended_deletion_date": "2027-03-01"}


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


def _email(app, reference) -> str:
    from portal.models import OutboxMessage
    from portal.tenancy import tenant_id_for, tenant_scope  # noqa: F401
    from portal.extensions import db
    from portal.tenancy import unscoped

    with app.app_context(), unscoped():
        body = db.session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.reference == reference,
            OutboxMessage.kind == "case_acknowledgement")).one()
        db.session.remove()
    return " ".join(body.split())


CASES = [
    # slug, answers, the conditions and whether met after acknowledging, what the school says,
    # what an officer records then (condition, party), and whether it may delete at the end
    ("stockport", ABSENT, {"informed_in_advance": "yes", "joint_enquiries": "no"}, None,
     [("joint_enquiries", None)]),
    ("stockport", {**ABSENT, "intended_deletion_date": "2026-01-05"},
     {"informed_in_advance": "no", "joint_enquiries": "no"},
     "The notice arrived after the date the school gave for the deletion.",
     None),
    ("staffordshire", {**ABSENT, "destination_known": "no", "cme_acknowledged": "not_sent",
                       "ctf_code": "XXXXXXX", "s2s_uploaded": "yes"},
     {"joint_enquiries": "no", "cme_referral_acknowledged": "no", "ctf_s2s": "yes"},
     "The school says it has not sent a CME referral yet.", None),
    ("staffordshire", {**ABSENT, "destination_known": "no", "cme_acknowledged": "acknowledged",
                       "ctf_code": "MMMMMMM", "s2s_uploaded": "yes"},
     {"joint_enquiries": "no", "cme_referral_acknowledged": "yes", "ctf_s2s": "no"},
     "The school coded the CTF with another destination code, not XXXXXXX.",
     [("joint_enquiries", None), ("ctf_s2s", None)]),
    ("liverpool", {**ABSENT, "destination_known": "no", "ctf_code": "XXXXXXX",
                   "s2s_uploaded": "no"},
     {"informed_in_advance": "yes", "joint_enquiries": "no", "cme_referral_acknowledged": "yes",
      "agreement:cme_tracking_officer": "no", "agreement:education_welfare": "no",
      "ctf_s2s": "no"},
     "The school says it has not uploaded the CTF to S2S yet.",
     [("joint_enquiries", None), ("agreement", "cme_tracking_officer"),
      ("agreement", "education_welfare"), ("ctf_s2s", None)]),
    ("southwark", {"change_type": "deletion", "deletion_ground": "moved-away",
                   "intended_deletion_date": "2027-03-01"},
     {"informed_in_advance": "yes"}, None, []),
    ("southwark", {"change_type": "deletion", "deletion_ground": "moved-away",
                   "intended_deletion_date": "2026-01-05"},
     {"informed_in_advance": "no"},
     "The notice arrived after the date the school gave for the deletion.", None),
    ("rhondda-cynon-taf", {"change_type": "deletion", "deletion_ground": "home-education",
                           "awo_advised": "no", "intended_deletion_date": "2027-03-01"},
     {"officer_advice": "no"},
     "The school says the school's Attendance and Well Being Officer (AWO) has not advised yet.",
     [("officer_advice", None)]),
    ("rhondda-cynon-taf", {"change_type": "deletion", "deletion_ground": "home-education",
                           "awo_advised": "yes", "intended_deletion_date": "2027-03-01"},
     {"officer_advice": "no"},
     "the council has not recorded it yet.", [("officer_advice", None)]),
]


@pytest.mark.parametrize("slug, answers, after_ack, school_says, recorded", CASES)
def test_the_panel_the_email_and_recording_follow_the_councils_policy(
        app, checked_client, slug, answers, after_ack, school_says, recorded):
    from portal.extensions import db
    from portal.models import AuditEvent, DeletionRecord, Submission
    from portal.tenancy import tenant_id_for, tenant_scope

    upn = "B801200005001"
    if slug in ("staffordshire", "liverpool") and answers.get("cme_acknowledged") != "not_sent":
        # a CME referral about the same child (same UPN), acknowledged by the CME team
        referral = make_submission(app, slug, form_slug="cme-referral", upn=upn)
        manager = make_officer(app, slug, role="manager")
        c = checked_client(app.test_client())
        sign_in(c, manager)
        ref_url = f"/{slug}/staff/submissions/{referral['id']}"
        assert _post(c, ref_url, f"{ref_url}/acknowledge").status_code == 303

    item = make_submission(app, slug, form_slug="change-to-register", upn=upn,
                           answers={**answers, "child_first_name": "Ada"},
                           school_laestab=None)
    officer = make_officer(app, slug, role="manager")
    client = checked_client(app.test_client())
    sign_in(client, officer)
    url = f"/{slug}/staff/submissions/{item['id']}"
    soup = _page(client, url)
    assert soup.select_one("#deletion-earliest-lawful") is not None
    assert re.search(r"Earliest lawful date: \w+day, \d{1,2} \w+ 20\d\d",
                     soup.select_one("#deletion-earliest-lawful").get_text(" ", strip=True))

    assert _post(client, url, f"{url}/acknowledge").status_code == 303
    soup = _page(client, url)
    assert _conditions(soup) == after_ack
    email = _email(app, item["reference"])
    if "no" in after_ack.values():
        # acknowledging alone is never permission where the policy asks for more
        assert _verdict(soup).startswith("Not yet")
        assert "Acknowledging your notice is not permission to delete" in email
        assert "the council's policy asks for nothing more" not in email
    else:
        assert _verdict(soup).startswith("Yes")
        assert "the council's policy asks for nothing more" in email
    if school_says:
        assert school_says in soup.select_one("#deletion-permission").get_text(" ", strip=True)
        assert school_says in email
    assert "Ada" not in email and "Testchild" not in email

    if recorded is None:
        return
    for condition, party in recorded:
        response = _post(client, url, f"{url}/deletion-condition",
                         {"condition": condition, **({"party": party} if party else {})})
        assert response.status_code == 303, response.get_data(as_text=True)
    soup = _page(client, url)
    assert set(_conditions(soup).values()) <= {"yes"}
    assert _verdict(soup).startswith("Yes")
    text = soup.select_one("#deletion-permission").get_text(" ", strip=True)
    assert not recorded or "Done: Test Officer" in text
    with app.app_context(), tenant_scope(tenant_id_for(slug)):
        rows = db.session.scalars(select(DeletionRecord).where(
            DeletionRecord.submission_id == item["id"])).all()
        assert sorted((r.condition, r.party) for r in rows) == sorted(recorded)
        assert all(r.recorded_by_id == officer["id"] for r in rows)
        whats = set(db.session.scalars(select(AuditEvent.what).where(
            AuditEvent.object_type == "submission", AuditEvent.object_id == item["id"])))
        assert {f"deletion.{c}" for c, _p in recorded} <= whats
        db.session.remove()

    # a second click records nothing more
    if recorded:
        condition, party = recorded[0]
        again = _post(client, url, f"{url}/deletion-condition",
                      {"condition": condition, **({"party": party} if party else {})})
        assert again.status_code == 409


def test_a_role_the_council_does_not_name_cannot_record(app, checked_client):
    item = make_submission(app, "stockport", form_slug="change-to-register", answers=ABSENT)
    admin = make_officer(app, "stockport", role="officer")
    client = checked_client(app.test_client())
    sign_in(client, admin)
    url = f"/stockport/staff/submissions/{item['id']}"
    # the policy asks for nothing recorded as "officer_advice" on this ground
    response = _post(client, url, f"{url}/deletion-condition", {"condition": "officer_advice"})
    assert response.status_code == 403
    assert "does not ask for that" in response.get_data(as_text=True)
