"""Routing as data: a table of submissions per council through `Tenant.route`, checking the team,
the named officer and the reason officers read; and that no council can leave a form with
nowhere to go."""
from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from portal.tenant_config import TenantConfigError, load_tenants

ROOT = Path(__file__).resolve().parents[2]
FIVE_LA_CODES = {"210": "Southwark", "341": "Liverpool", "356": "Stockport",
                 "674": "Rhondda Cynon Taf", "860": "Staffordshire"}


@pytest.fixture(scope="module")
def councils():
    return load_tenants(ROOT / "tenants", FIVE_LA_CODES)


# slug, form, laestab, postcode, flags -> team key, officer, words in the reason
TABLE = [
    # Stockport: safeguarding to the MASSH education welfare officer, EHE, admissions, else EWS.
    ("stockport", "cme-referral", None, None, {"urgent"}, "massh-ewo", None, "MASSH"),
    ("stockport", "missing-pupil-checklist", None, None, {"looked_after"}, "massh-ewo", None, "Safeguarding flag"),
    ("stockport", "change-to-register", None, None, {"ehe", "urgent"}, "massh-ewo", None, "Safeguarding flag"),
    ("stockport", "change-to-register", None, None, {"ehe"}, "ehe", None, "Home education"),
    ("stockport", "ehe-notification", None, None, set(), "ehe", None, "Elective Home Education Officer"),
    ("stockport", "arrival-in-area", None, None, set(), "admissions", None, "School Admissions"),
    ("stockport", "arrival-in-area", None, None, {"ehe"}, "ehe", None, "Home education"),
    ("stockport", "cme-referral", "3564034", "SK1 3XE", set(), "education-welfare", None, "Default team"),
    ("stockport", "cross-border-notice", None, None, set(), "education-welfare", None, "Default team"),

    # Staffordshire: checklists to the Local Support Team of the child's postcode district.
    ("staffordshire", "missing-pupil-checklist", None, "WS11 1AB", set(), "lst-cannock", None, "Cannock Local Support Team"),
    ("staffordshire", "missing-pupil-checklist", None, "ws11 1ab", set(), "lst-cannock", None, "postcode WS11"),
    ("staffordshire", "missing-pupil-checklist", None, "WS11", set(), "lst-cannock", None, "postcode WS11"),
    ("staffordshire", "missing-pupil-checklist", None, "WS12 4AA", set(), "lst-rugeley-hednesford", None, "postcode WS12"),
    ("staffordshire", "missing-pupil-checklist", None, "DE15 0AA", set(), "lst-burton-south", None, "Burton South"),
    ("staffordshire", "missing-pupil-checklist", None, "B79 7AA", set(), "lst-tamworth-north", None, "Tamworth North"),
    ("staffordshire", "missing-pupil-checklist", None, "WV5 8AA", set(), "lst-codsall-perton-wombourne", None, "Codsall"),
    ("staffordshire", "missing-pupil-checklist", None, "ST16 2DH", set(), "lst-stafford-town", None, "Stafford Town"),
    ("staffordshire", "missing-pupil-checklist", None, "ST4 1AA", set(), "cme", None, "Default team"),  # Stoke-on-Trent
    ("staffordshire", "missing-pupil-checklist", None, None, set(), "cme", None, "Default team"),
    ("staffordshire", "missing-pupil-checklist", None, "not a postcode", set(), "cme", None, "Default team"),
    ("staffordshire", "missing-pupil-checklist", None, "WS11 1AB", {"urgent"}, "cme", None, "Safeguarding flag"),
    ("staffordshire", "cme-referral", None, "WS11 1AB", set(), "cme", None, "Default team"),
    ("staffordshire", "ehe-notification", None, "WS11 1AB", set(), "ehe", None, "EHE team"),
    ("staffordshire", "change-to-register", "8604055", None, {"ehe"}, "ehe", None, "home educated"),
    ("staffordshire", "arrival-in-area", None, None, set(), "admissions", None, "School Admissions Team"),

    # Rhondda Cynon Taf: every school's own Attendance and Well Being Officer.
    ("rhondda-cynon-taf", "cme-referral", "6744813", None, set(), "aws", "AWO Rhondda", "Attendance and Well Being Officer (Rhondda)"),
    ("rhondda-cynon-taf", "missing-pupil-checklist", "6742226", None, set(), "aws", "AWO Cynon", "(Cynon)"),
    ("rhondda-cynon-taf", "change-to-register", "6744807", None, set(), "aws", "AWO Pontypridd", "(Pontypridd)"),
    ("rhondda-cynon-taf", "cme-referral", "6742174", None, set(), "aws", "AWO Taf Elái", "(Taf Elái)"),
    ("rhondda-cynon-taf", "cme-referral", "6742226", None, {"urgent"}, "aws", "AWO Cynon", "(Cynon)"),
    ("rhondda-cynon-taf", "cme-referral", None, "CF40 1AA", set(), "aws", None, "Default team"),
    ("rhondda-cynon-taf", "ehe-notification", "6744813", None, set(), "ecps", None, "Educational Psychology Service"),
    ("rhondda-cynon-taf", "change-to-register", "6744813", None, {"ehe"}, "ecps", None, "Elective home education"),
    ("rhondda-cynon-taf", "arrival-in-area", None, None, set(), "admissions", None, "School Admission Service"),

    # Liverpool: safeguarding to the CME Pupil Tracking Officer, checklists to the EWS.
    ("liverpool", "cme-referral", None, None, {"urgent"}, "cme-tracking", None, "Safeguarding flag"),
    ("liverpool", "missing-pupil-checklist", None, None, {"child_protection_plan"}, "cme-tracking", None, "Safeguarding flag"),
    ("liverpool", "missing-pupil-checklist", "3412008", "L4 0SQ", set(), "ews", None, "Education Welfare Service"),
    ("liverpool", "ehe-notification", None, None, set(), "ehe", None, "Elective Home Education"),
    ("liverpool", "arrival-in-area", None, None, set(), "admissions", None, "Liverpool Admissions Team"),
    ("liverpool", "arrival-in-area", None, None, {"ehe"}, "ehe", None, "Home education"),
    ("liverpool", "cme-referral", None, None, set(), "cme-tracking", None, "Default team"),

    # Southwark: school checklists to the Early Help locality of the child's postcode.
    ("southwark", "missing-pupil-checklist", None, "SE1 2AA", set(), "early-help-north", None, "postcode SE1/SE16"),
    ("southwark", "missing-pupil-checklist", None, "SE16 4AA", set(), "early-help-north", None, "Bermondsey"),
    ("southwark", "missing-pupil-checklist", None, "SE17 1AA", set(), "early-help-central", None, "Walworth"),  # not SE1
    ("southwark", "missing-pupil-checklist", None, "SE5 8AA", set(), "early-help-central", None, "Camberwell"),
    ("southwark", "missing-pupil-checklist", None, "SE15 4QF", set(), "early-help-south", None, "Peckham"),
    ("southwark", "missing-pupil-checklist", None, "SE15 4QF", {"looked_after"}, "pupil-access", None, "MASH"),
    ("southwark", "missing-pupil-checklist", None, "SW1A 1AA", set(), "pupil-access", None, "Default team"),
    ("southwark", "ehe-notification", None, None, set(), "ehe", None, "Elective Home Education Protocol"),
    ("southwark", "arrival-in-area", None, None, set(), "admissions", None, "in-year"),
    ("southwark", "cme-referral", "2102003", None, set(), "pupil-access", None, "Default team"),
]


@pytest.mark.parametrize("slug, form, laestab, postcode, flags, team, officer, reason", TABLE,
                         ids=[f"{row[0]}:{row[1]}:{row[2] or row[3] or ''}:{'+'.join(sorted(row[4]))}"
                              for row in TABLE])
def test_a_submission_reaches_the_right_team(councils, slug, form, laestab, postcode, flags,
                                             team, officer, reason):
    decision = councils[slug].route(form, laestab=laestab, postcode=postcode, flags=flags)
    assert decision.team.key == team
    assert decision.officer == officer
    assert reason in decision.reason.en
    assert decision.team.email  # somewhere to send "a new referral is waiting"


def test_every_council_has_a_row_in_the_table(councils):
    assert {row[0] for row in TABLE} == set(councils)


def test_the_reason_names_the_team_and_the_postcode(councils):
    decision = councils["staffordshire"].route("missing-pupil-checklist", postcode="WS11 1AB")
    assert decision.reason.en.startswith("Cannock Local Support Team")
    assert decision.reason.en.endswith("postcode WS11")
    assert decision.rule_index is not None


def test_a_welsh_council_gives_its_reasons_in_welsh(councils):
    rct = councils["rhondda-cynon-taf"]
    decision = rct.route("cme-referral", laestab="6744813")
    assert decision.reason.get("cy") == "Swyddog Presenoldeb a Llesiant penodol yr ysgol (Rhondda)"
    default = rct.route("cross-border-notice")
    assert default.rule_index is None
    assert default.reason.get("cy") == f"Tîm diofyn: {default.team.name.cy}"


def test_every_school_of_a_council_that_names_officers_has_one(councils):
    rct = councils["rhondda-cynon-taf"]
    officers = {s.laestab: rct.route("cme-referral", laestab=s.laestab).officer for s in rct.schools}
    assert all(officers.values()), officers


SOME_FLAGS = [frozenset(c) for n in range(3) for c in
              itertools.combinations(("urgent", "looked_after", "child_protection_plan", "ehe"), n)]


def test_no_submission_is_left_with_nowhere_to_go(councils):
    """Every form a council offers, with any flags, any of its schools or none, any postcode or
    none, reaches one of its own teams with a mailbox."""
    for tenant in councils.values():
        keys = {team.key for team in tenant.teams}
        schools = [None, *(s.laestab for s in tenant.schools)]
        postcodes = [None, "WS11 1AB", "SE1 2AA", "XX"]
        for form, flags, laestab, postcode in itertools.product(
                tenant.offered_forms, SOME_FLAGS, schools, postcodes):
            decision = tenant.route(form, laestab=laestab, postcode=postcode, flags=flags)
            assert decision.team.key in keys and decision.team.email
            assert decision.reason.en


@pytest.fixture
def council_files(tmp_path):
    root = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants", root)
    return root


def test_a_council_with_no_default_team_fails_validation(council_files):
    toml = council_files / "stockport" / "tenant.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('default_team = "education-welfare"\n', "", 1), encoding="utf-8")
    with pytest.raises(TenantConfigError) as refused:
        load_tenants(council_files, FIVE_LA_CODES)
    assert "stockport/tenant.toml: default_team" in str(refused.value)


def test_a_default_team_that_does_not_exist_fails_validation(council_files):
    toml = council_files / "southwark" / "tenant.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('default_team = "pupil-access"', 'default_team = "nobody"', 1),
                    encoding="utf-8")
    with pytest.raises(TenantConfigError) as refused:
        load_tenants(council_files, FIVE_LA_CODES)
    assert 'southwark/tenant.toml: default_team: "nobody" is not the key of any team' in str(refused.value)


def test_a_duty_address_must_be_an_email_address(council_files):
    toml = council_files / "liverpool" / "tenant.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('email = "cme.duty@liverpool.example"',
                                 'email = "duty desk"', 1), encoding="utf-8")
    with pytest.raises(TenantConfigError) as refused:
        load_tenants(council_files, FIVE_LA_CODES)
    assert "liverpool/tenant.toml: contacts.duty.email: not a valid email address" in str(refused.value)


def test_every_council_has_a_duty_address_for_urgent_alerts(councils):
    for tenant in councils.values():
        assert tenant.contacts.duty is not None and tenant.contacts.duty.demo
        assert tenant.contacts.duty_email.endswith(f"@{tenant.slug}.example")
