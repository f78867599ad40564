"""The directory of every local authority in England and Wales."""
from __future__ import annotations

import re

from portal.directory import (known_la_codes, laestab_la_code_unknown, local_authorities,
                              upn_la_code_unknown)
from portal.rules.upn import check_letter

SEED_COUNCILS = {"stockport": "356", "rhondda-cynon-taf": "674", "staffordshire": "860",
                 "liverpool": "341", "southwark": "210"}


def test_every_council_of_england_and_wales_once():
    authorities = local_authorities()
    england = [la for la in authorities.values() if la.nation == "england"]
    wales = [la for la in authorities.values() if la.nation == "wales"]
    assert (len(england), len(wales)) == (153, 22)
    assert len(authorities) == 175
    codes = [la.code for la in authorities.values()]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[0-9]{3}", code) for code in codes)
    assert len({la.gss_code for la in authorities.values()}) == 175
    assert all(la.welsh_name for la in wales)
    assert all(la.gss_code.startswith("W") for la in wales)
    assert all(la.gss_code.startswith("E") for la in england)


def test_the_five_seed_councils_codes(app):
    from portal.tenancy import tenants

    authorities = local_authorities()
    assert authorities["356"].name == "Stockport"
    assert authorities["674"].name == "Rhondda Cynon Taf"
    assert authorities["860"].name == "Staffordshire"
    assert authorities["341"].name == "Liverpool"
    assert authorities["210"].name == "Southwark"
    with app.app_context():
        assert {slug: tenants()[slug].dfe_code for slug in SEED_COUNCILS} == SEED_COUNCILS


def test_councils_on_the_portal_are_marked(app):
    from portal.directory import directory

    with app.app_context():
        entries = directory()
        on_portal = {entry.code: entry.tenant_slug for entry in entries if entry.on_portal}
        assert len(entries) == 175
        assert on_portal == {code: slug for slug, code in SEED_COUNCILS.items()}
        assert len(directory(nation="wales")) == 22
        assert [e.code for e in directory(text="rhondda")] == ["674"]


def test_upn_and_dfe_number_checks_warn_on_an_unknown_la_code():
    assert set(known_la_codes()) == set(local_authorities())
    known = "3561234" + "26" + "001"
    unknown = "9991234" + "26" + "001"
    assert not upn_la_code_unknown(check_letter(known) + known)
    assert upn_la_code_unknown(check_letter(unknown) + unknown)
    assert not upn_la_code_unknown("not a upn")  # malformed: the UPN check says so, not this
    assert not laestab_la_code_unknown("3562000")
    assert laestab_la_code_unknown("9992000")
    assert not laestab_la_code_unknown("12")
