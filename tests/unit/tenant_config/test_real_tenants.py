"""The five real tenant files load, and carry each council's own facts."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from portal.tenant_config import COMMON_OUTCOMES, FORM_SLUGS, LocalText, load_tenant, read_la_codes
from portal.tenant_config.schema import _walk_local_texts

from .conftest import SLUGS, TENANTS

SHARED_LA_CSV = Path("/work/shared/data/local_authorities.csv")


def test_all_five_load_ordered_by_name(tenants):
    assert list(tenants) == ["liverpool", "rhondda-cynon-taf", "southwark", "staffordshire", "stockport"]
    assert sorted(tenants) == sorted(SLUGS)
    assert {t.reference_prefix for t in tenants.values()} == {"STK", "RCT", "STF", "LIV", "SWK"}
    assert {t.slug: t.dfe_code for t in tenants.values()} == {
        "stockport": "356",
        "rhondda-cynon-taf": "674",
        "staffordshire": "860",
        "liverpool": "341",
        "southwark": "210",
    }


@pytest.mark.skipif(not SHARED_LA_CSV.exists(), reason="shared/data/local_authorities.csv not on this machine")
def test_dfe_codes_match_the_list_of_councils():
    codes = read_la_codes(SHARED_LA_CSV)
    for slug in SLUGS:
        load_tenant(TENANTS / slug / "tenant.toml", codes)


def test_every_tenant_offers_every_form_and_the_common_outcomes(tenants):
    for tenant in tenants.values():
        # the six public forms; the schools' returns and the no-show notice follow each
        # council's policy (its [[returns]] and [no_show])
        assert all(tenant.offers(form) for form in FORM_SLUGS[:6])
        assert all(tenant.offers(item.form) for item in tenant.returns)
        keys = [outcome.key for outcome in tenant.workflow.outcomes]
        assert set(COMMON_OUTCOMES) <= set(keys)
        assert tenant.demo_data_note is not None
        assert tenant.contacts.safeguarding.out_of_hours.phone
        assert tenant.calendar.note


def test_invented_addresses_are_marked_demo(tenants):
    """Invented email addresses use the reserved .example domain, and only on demo entries."""
    for tenant in tenants.values():
        for team in tenant.teams:
            assert team.email.endswith(".example") == team.demo, (tenant.slug, team.key)
        for contact in tenant.contacts.others:
            if contact.email and contact.email.endswith(".example"):
                assert contact.demo, (tenant.slug, contact.name.en)
        if tenant.contacts.cme.email.endswith(".example"):
            assert tenant.contacts.cme.demo


def test_calendars_cover_both_school_years(tenants):
    for tenant in tenants.values():
        starts = [term.start for term in tenant.calendar.terms]
        ends = [term.end for term in tenant.calendar.terms]
        assert min(starts) <= date(2025, 9, 3)
        assert max(ends) >= date(2027, 7, 16)
        assert tenant.calendar.demo  # every council has at least some invented dates
        assert len(tenant.calendar.terms) == 6 and len(tenant.calendar.breaks) == 6


def test_models_are_frozen(tenants):
    with pytest.raises(ValidationError):
        tenants["stockport"].slug = "other"  # type: ignore[misc]


def test_stockport(tenants):
    t = tenants["stockport"]
    assert t.display_name("en") == "Stockport Council"
    assert t.nation == "england" and t.languages == ["en"]
    assert t.contacts.named_person.role.en.startswith("Education Welfare Team")
    cme = t.contacts.cme
    assert cme.phone == "0161 474 2300"
    assert cme.email == "education.welfare@stockport.gov.uk"
    assert cme.postcode == "SK1 3TA"
    safeguarding = t.contacts.safeguarding
    assert safeguarding.name.en == "Contact Centre"
    assert safeguarding.phone == "0161 217 6028"
    assert safeguarding.email == "cyp@stockport.gov.uk"
    assert safeguarding.demo  # its office hours are invented
    assert safeguarding.out_of_hours.demo
    report = t.threshold("report_missing")
    assert (report.days, report.unit, report.from_event) == (10, "school_days", "first_day_of_absence")
    recheck = t.threshold("recheck")
    assert (recheck.days, recheck.unit) == (6, "months")
    assert "electoral_roll" in [item.key for item in t.checklist]
    assert len(t.schools) == 17 and not any(school.demo for school in t.schools)
    assert t.school("3562038").name == "Great Moor Junior  School"
    assert t.route("cme-referral", flags={"urgent"}).team.key == "massh-ewo"
    assert t.route("cme-referral").team.key == "education-welfare"


def test_staffordshire(tenants):
    t = tenants["staffordshire"]
    safeguarding = t.contacts.safeguarding
    assert safeguarding.name.en == "First Response"
    assert safeguarding.phone == "0800 13 13 126"
    assert safeguarding.email == "firstr@staffordshire.gov.uk"
    assert not safeguarding.demo
    hours = [(h.days, h.opens, h.closes) for h in safeguarding.office_hours]
    assert hours == [
        (["mon", "tue", "wed", "thu"], time(8, 30), time(17, 0)),
        (["fri"], time(8, 30), time(16, 30)),
    ]
    assert [h.describe() for h in safeguarding.office_hours] == [
        "Monday to Thursday, 8:30am to 5pm",
        "Friday, 8:30am to 4:30pm",
    ]
    assert t.contacts.cme.phone == "01785 278999"
    assert t.contacts.cme.other_phones == ["01785 895966"]
    assert t.contacts.cme.email == "cme.referrals@staffordshire.gov.uk"
    lsts = [team for team in t.teams if team.key.startswith("lst-")]
    assert len(lsts) == 19 and all(team.demo for team in lsts)
    districts = {team.description.en.split(" in ")[1].split(" district")[0] for team in lsts}
    assert districts == {
        "Cannock Chase",
        "East Staffordshire",
        "Lichfield",
        "Newcastle-under-Lyme",
        "South Staffordshire",
        "Stafford",
        "Staffordshire Moorlands",
        "Tamworth",
    }
    decision = t.route("missing-pupil-checklist", postcode="ws11 1ab")
    assert decision.team.key == "lst-cannock"
    assert decision.reason.en == "Cannock Local Support Team (Cannock Chase): postcode WS11"
    assert t.route("missing-pupil-checklist", postcode="ST4 1AA").team.key == "cme"  # Stoke-on-Trent
    assert t.deletion.requires_cme_acknowledgement is True
    assert t.deletion.continuous_absence_school_days == 20
    week = t.threshold("no_show_admissions_check")
    assert (week.days, week.unit) == (7, "calendar_days")
    referral = t.threshold("cme_referral")
    assert (referral.days, referral.unit) == (20, "school_days")
    assert t.calendar.inset_days[0] == date(2025, 9, 1)


def test_rhondda_cynon_taf_is_welsh_throughout(tenants):
    t = tenants["rhondda-cynon-taf"]
    assert t.nation == "wales" and t.languages == ["en", "cy"] and t.welsh
    assert t.display_name("cy") == "Rhondda Cynon Taf"
    texts = list(_walk_local_texts(t))
    assert len(texts) > 60
    assert all(text.cy for _, text in texts)
    assert t.contacts.cme.team.get("cy") == "Gwasanaeth Presenoldeb a Llesiant"
    assert t.contacts.named_person.role.en == "School Attendance Manager"
    assert t.contacts.named_person.name is None  # the role, not a person, is configured
    assert t.contacts.cme.phone == "01443 744247"
    assert t.contacts.cme.postcode == "CF45 4UQ"
    assert t.team("ecps").name.en.startswith("Educational Psychology Service")
    assert t.route("ehe-notification", laestab="6744813").team.key == "ecps"
    decision = t.route("cme-referral", laestab="6744813")
    assert (decision.team.key, decision.officer) == ("aws", "AWO Rhondda")
    assert decision.reason.get("cy") == "Swyddog Presenoldeb a Llesiant penodol yr ysgol (Rhondda)"
    assert all(school.demo and school.laestab.startswith("674") for school in t.schools)
    assert len(t.schools) == 16
    # every school has its named officer
    assert all(t.route("cme-referral", laestab=s.laestab).officer for s in t.schools)
    assert t.threshold("deletion_return").days == 10


def test_liverpool(tenants):
    t = tenants["liverpool"]
    assert t.contacts.named_person.role.en == "CME Pupil Tracking Officer"
    assert t.contacts.cme.email == "CME@liverpool.gov.uk"
    assert t.contacts.cme.postcode == "L17 7BN"
    assert t.contacts.cme.demo  # the phone number is invented
    timeline = [(t.threshold(k).days, t.threshold(k).unit) for k in ("day_1_at_risk", "school_investigations", "ews_and_checklist", "cme_referral")]
    assert timeline == [(1, "school_days"), (5, "school_days"), (6, "school_days"), (20, "school_days")]
    copp = t.threshold("copp_review")
    assert (copp.days, copp.unit) == (14, "calendar_days")
    assert "copp" in [stage.key for stage in t.workflow.stages]
    assert t.route("missing-pupil-checklist").team.key == "ews"
    assert t.route("cme-referral").team.key == "cme-tracking"
    assert t.deletion.requires_cme_acknowledgement is True
    assert t.calendar.terms[2].start == date(2026, 4, 13)


def test_southwark(tenants):
    t = tenants["southwark"]
    assert t.contacts.safeguarding.name.en.startswith("MASH")
    assert t.contacts.named_person.role.en.startswith("Central Strategic Manager")
    letter = t.threshold("letter_reply")
    assert (letter.days, letter.unit, letter.from_event) == (5, "working_days", "letter_sent")
    new_pupil = t.threshold("new_pupil_return")
    assert (new_pupil.days, new_pupil.unit) == (5, "calendar_days")
    assert [stage.key for stage in t.workflow.stages] == ["checks", "letter", "home_visit", "further_checks", "mash_risk_assessment"]
    assert t.workflow.outcome("lost_s2s_mash").dfe_outcome == "lost_s2s"
    assert t.contacts.cme.demo and t.contacts.safeguarding.demo
    assert t.route("missing-pupil-checklist", postcode="SE15 4QF").team.key == "early-help-south"


def test_localtext_plain_string_and_fallback():
    assert LocalText.model_validate("Hello").get("cy") == "Hello"
    text = LocalText.model_validate({"en": "Hello", "cy": "Helo"})
    assert (text.get("en"), text.get("cy"), text.get("cy-GB"), text.get(None), str(text)) == ("Hello", "Helo", "Helo", "Hello", "Hello")
    assert LocalText.model_validate({"en": "Hello", "cy": " "}).cy is None
