"""Broken tenant files give one plain-English line per problem: file, key path, what is wrong."""

from __future__ import annotations

import pytest

from portal.tenant_config import Problem, TenantConfigError, load_tenant, load_tenants

from .conftest import FIVE_LA_CODES

STK = "tenants/stockport/tenant.toml"
RCT = "tenants/rhondda-cynon-taf/tenant.toml"
STF = "tenants/staffordshire/tenant.toml"


def problems_loading(path, known=None) -> list[str]:
    with pytest.raises(TenantConfigError) as caught:
        load_tenant(path, known)
    lines = str(caught.value).splitlines()
    assert lines == [str(problem) for problem in caught.value.problems]
    for line in lines:
        assert "pydantic" not in line and "https://" not in line and "Input should" not in line
    return lines


def test_missing_required_key(files):
    path = files.replace("stockport", 'postcode = "SK1 3TA"\n', "")
    assert problems_loading(path) == [f"{STK}: contacts.cme.postcode: is required but missing"]


def test_misspelt_key_suggests_the_right_one(files):
    path = files.replace("stockport", '{ days = ["fri"], opens = "08:30", closes = "16:30" }', '{ days = ["fri"], opens = "08:30", close = "16:30" }')
    assert problems_loading(path) == [
        f"{STK}: contacts.safeguarding.office_hours[1].closes: is required but missing",
        f'{STK}: contacts.safeguarding.office_hours[1].close: unknown key "close"; did you mean "closes"?',
    ]


def test_unknown_top_level_key(files):
    path = files.replace("stockport", 'nation = "england"\n', 'nation = "england"\nnamed_person = "someone"\n')
    lines = problems_loading(path)
    assert lines[0].startswith(f'{STK}: named_person: unknown key "named_person"; allowed here: slug, name, nation,')


def test_bad_email(files):
    path = files.replace("stockport", 'email = "cyp@stockport.gov.uk"', 'email = "cyp@"')
    assert problems_loading(path) == [f'{STK}: contacts.safeguarding.email: not a valid email address ("cyp@")']


def test_bad_phone(files):
    path = files.replace("stockport", 'phone = "0161 217 6028"', 'phone = "0161 217"')
    assert problems_loading(path) == [
        f'{STK}: contacts.safeguarding.phone: not a valid UK phone number ("0161 217"); '
        'write it like "0161 474 2300" (10 or 11 digits starting with 0, or 999)'
    ]


def test_dfe_code_of_two_digits(files):
    path = files.replace("stockport", 'dfe_code = "356"', 'dfe_code = "35"')
    assert problems_loading(path) == [f'{STK}: dfe_code: must be 3 digits, the council\'s DfE LA code, e.g. "356" (found "35")']


def test_dfe_code_of_another_council(files):
    path = files.replace("stockport", 'dfe_code = "356"', 'dfe_code = "341"')
    lines = problems_loading(path, FIVE_LA_CODES)
    assert lines[0] == f'{STK}: dfe_code: "341" is Liverpool in the list of councils, not "Stockport Council"'


def test_dfe_code_written_as_a_number(files):
    path = files.replace("stockport", 'dfe_code = "356"', "dfe_code = 356")
    assert problems_loading(path) == [f'{STK}: dfe_code: must be text in quotes, e.g. "..." (found 356)']


def test_slug_does_not_match_folder(files):
    path = files.replace("stockport", 'slug = "stockport"', 'slug = "stockport-council"')
    assert problems_loading(path) == [f'{STK}: slug: is "stockport-council" but the folder is "stockport"; they must be the same']


def test_routing_to_an_unknown_team(files):
    path = files.replace("stockport", 'team = "admissions"\nreason', 'team = "admisions"\nreason')
    assert problems_loading(path) == [f'{STK}: routing[3].team: "admisions" is not the key of any team in [[teams]]']


def test_default_team_unknown(files):
    path = files.replace("stockport", 'default_team = "education-welfare"', 'default_team = "welfare"')
    assert problems_loading(path) == [f'{STK}: default_team: "welfare" is not the key of any team in [[teams]]']


def test_welsh_council_missing_a_welsh_text(files):
    path = files.replace(
        "rhondda-cynon-taf",
        'label = { en = "Tried the extended family", cy = "Wedi ceisio\'r teulu estynedig" }',
        'label = "Tried the extended family"',
    )
    assert problems_loading(path) == [
        f'{RCT}: checklist[1].label: has no Welsh: this council offers Welsh, so write {{ en = "...", cy = "..." }}'
    ]


def test_welsh_council_first_missing_text_is_named_first(files):
    text = files.read("rhondda-cynon-taf")
    text = text.replace('name = { en = "Police", cy = "Heddlu" }', 'name = "Police"')
    text = text.replace('{ en = "Spring half term", cy = "Hanner tymor y gwanwyn" }', '{ en = "Spring half term", cy = "" }', 1)
    path = files.write("rhondda-cynon-taf", text)
    lines = problems_loading(path)
    assert [line.split(": ")[1] for line in lines] == ["contacts.others[0].name", "calendar.breaks[1].name"]


def test_welsh_council_without_welsh(files):
    path = files.replace("rhondda-cynon-taf", 'languages = ["en", "cy"]', 'languages = ["en"]')
    assert problems_loading(path) == [f'{RCT}: languages: a council in Wales must offer Welsh: add "cy"']


def test_languages_must_start_with_english(files):
    path = files.replace("rhondda-cynon-taf", 'languages = ["en", "cy"]', 'languages = ["cy", "en"]')
    assert problems_loading(path) == [f'{RCT}: languages: must start with "en"']


def test_office_hours_open_after_they_close(files):
    path = files.replace("staffordshire", 'opens = "08:30", closes = "17:00"', 'opens = "17:30", closes = "17:00"')
    assert problems_loading(path) == [
        f"{STF}: contacts.safeguarding.office_hours[0].closes: closes (17:00) must be later than opens (17:30)"
    ]


def test_office_hours_badly_written_time(files):
    path = files.replace("staffordshire", 'opens = "08:30", closes = "17:00"', 'opens = "8.30am", closes = "17:00"')
    assert problems_loading(path) == [
        f'{STF}: contacts.safeguarding.office_hours[0].opens: must be a time written as HH:MM, e.g. "08:30" (found "8.30am")'
    ]


def test_break_outside_its_term(files):
    path = files.replace("stockport", "start = 2025-10-27\nend = 2025-10-31", "start = 2025-12-22\nend = 2025-12-31")
    assert problems_loading(path) == [
        f'{STK}: calendar.breaks[0]: break "Autumn half term" (2025-12-22 to 2025-12-31) is not inside any term; '
        "a break is a holiday inside one term (holidays between terms need no entry)"
    ]


def test_overlapping_terms(files):
    path = files.replace("stockport", "start = 2026-01-05\nend = 2026-03-27", "start = 2025-12-15\nend = 2026-03-27")
    assert problems_loading(path) == [
        f'{STK}: calendar.terms[1].start: term "Spring term 2026" overlaps term "Autumn term 2025" '
        "(2025-12-15 is on or before 2025-12-19)"
    ]


def test_term_ending_before_it_starts(files):
    path = files.replace("stockport", "start = 2026-01-05\nend = 2026-03-27", "start = 2026-01-05\nend = 2025-03-27")
    assert problems_loading(path) == [f"{STK}: calendar.terms[1].end: end (2025-03-27) is before start (2026-01-05)"]


def test_date_written_as_text(files):
    path = files.replace("stockport", "start = 2026-01-05", 'start = "5 January 2026"')
    assert problems_loading(path) == [
        f'{STK}: calendar.terms[1].start: must be a date written as YYYY-MM-DD, e.g. 2025-09-01 (found "5 January 2026")'
    ]


def test_offered_form_not_in_the_list(files):
    path = files.replace("stockport", '  "cme-referral",\n', '  "cme-referal",\n')
    assert problems_loading(path) == [
        f'{STK}: offered_forms[2]: must be one of "change-to-register", "missing-pupil-checklist", "cme-referral", '
        '"ehe-notification", "arrival-in-area", "cross-border-notice", "new-pupil-return", "deletion-return", '
            '"unauthorised-absence-return", "sickness-return", "attendance-concerns-return" or "no-show" (found "cme-referal")'
    ]


def test_routing_a_form_the_council_does_not_offer(files):
    path = files.replace("stockport", '  "arrival-in-area",\n', "")
    assert problems_loading(path) == [
        f'{STK}: routing[2].forms[1]: "arrival-in-area" is not in offered_forms',
        f'{STK}: routing[3].forms[0]: "arrival-in-area" is not in offered_forms',
    ]


def test_school_number_of_another_council(files):
    path = files.replace("stockport", 'laestab = "3562000"', 'laestab = "3412000"')
    assert problems_loading(path) == [
        f'{STK}: schools[0].laestab: "3412000" belongs to LA 341, not this council (356); '
        "a school number starts with the council's 3-digit code"
    ]


def test_school_number_too_short(files):
    path = files.replace("stockport", 'laestab = "3562000"', 'laestab = "356200"')
    assert problems_loading(path) == [
        f'{STK}: schools[0].laestab: must be a 7-digit DfE school number (3-digit LA code and 4-digit establishment number), found "356200"'
    ]


def test_routing_to_a_school_not_listed(files):
    path = files.replace("rhondda-cynon-taf", 'schools = ["6744813", ', 'schools = ["6749999", ')
    assert problems_loading(path) == [f'{RCT}: routing[4].schools[0]: "6749999" is not in this council\'s [[schools]]']


def test_threshold_days_must_be_a_whole_number_not_below_zero(files):
    text = files.read("stockport").replace("days = 10\nunit", "days = -1\nunit").replace("days = 6\nunit", 'days = "six"\nunit')
    path = files.write("stockport", text)
    assert problems_loading(path) == [
        f"{STK}: thresholds[0].days: must be 0 or more (found -1)",
        f'{STK}: thresholds[1].days: must be a whole number (found "six")',
    ]


def test_unknown_flag_in_routing(files):
    path = files.replace("stockport", 'flags = ["urgent", "child_protection_plan", "looked_after"]', 'flags = ["urgent", "missing"]')
    assert problems_loading(path) == [
        f'{STK}: routing[0].flags[1]: must be one of "urgent", "looked_after", "child_protection_plan" or "ehe" (found "missing")'
    ]


def test_missing_common_outcome(files):
    text = files.read("stockport")
    start = text.index('[[workflow.outcomes]]\nkey = "not_cme"')
    end = text.index("[[workflow.outcomes]]", start + 1)
    path = files.write("stockport", text[:start] + text[end:])
    assert problems_loading(path) == [
        f'{STK}: workflow.outcomes: must include the common outcomes "back_in_school", "ehe", "located_other_la", '
        '"not_cme", "lost_s2s"; missing "not_cme"'
    ]


def test_duplicate_team_key(files):
    path = files.replace("stockport", 'key = "admissions"\nname = "School Admissions"', 'key = "ehe"\nname = "School Admissions"')
    lines = problems_loading(path)
    assert lines[0] == f'{STK}: teams[3].key: team "ehe" is already used by teams[2]'


def test_toml_syntax_error_gives_the_line(files):
    text = files.read("stockport")
    text = text.replace('reference_prefix = "STK"', 'reference_prefix = "STK', 1)
    path = files.write("stockport", text)
    line = text.splitlines().index('reference_prefix = "STK') + 1
    assert problems_loading(path) == [f"{STK}: line {line}: not valid TOML: illegal character '\\n' (column 24)"]
    problem = Problem(STK, "", "not valid TOML: illegal character '\\n' (column 24)", line)
    assert problem.line == line


def test_toml_duplicate_key_gives_the_line(files):
    text = files.read("stockport").replace('nation = "england"\n', 'nation = "england"\nnation = "wales"\n', 1)
    path = files.write("stockport", text)
    line = text.splitlines().index('nation = "wales"') + 1
    lines = problems_loading(path)
    assert lines[0].startswith(f"{STK}: line {line}: not valid TOML: cannot overwrite a value")


def test_duplicate_reference_prefix_across_tenants(files):
    files.replace("southwark", 'reference_prefix = "SWK"', 'reference_prefix = "STK"')
    with pytest.raises(TenantConfigError) as caught:
        load_tenants(files.root, FIVE_LA_CODES)
    assert str(caught.value) == 'tenants/stockport/tenant.toml: reference_prefix: "STK" is already used by tenants/southwark/tenant.toml'
    assert caught.value.problems == [
        Problem("tenants/stockport/tenant.toml", "reference_prefix", '"STK" is already used by tenants/southwark/tenant.toml')
    ]


def test_duplicate_dfe_code_across_tenants(files):
    text = files.read("stockport").replace('slug = "stockport"', 'slug = "stockport-two"')
    files.write("stockport-two", text.replace('reference_prefix = "STK"', 'reference_prefix = "STP"'))
    with pytest.raises(TenantConfigError) as caught:
        load_tenants(files.root)
    assert str(caught.value) == 'tenants/stockport-two/tenant.toml: dfe_code: "356" is already used by tenants/stockport/tenant.toml'


def test_load_tenants_reports_every_broken_file(files):
    files.replace("stockport", 'dfe_code = "356"', 'dfe_code = "35"')
    files.replace("liverpool", 'email = "CME@liverpool.gov.uk"', 'email = "CME at liverpool.gov.uk"')
    (files.root / "newcouncil").mkdir()
    with pytest.raises(TenantConfigError) as caught:
        load_tenants(files.root)
    assert str(caught.value).splitlines() == [
        'tenants/liverpool/tenant.toml: contacts.cme.email: not a valid email address ("CME at liverpool.gov.uk")',
        "tenants/newcouncil/tenant.toml: missing: every folder in tenants/ needs a tenant.toml",
        'tenants/stockport/tenant.toml: dfe_code: must be 3 digits, the council\'s DfE LA code, e.g. "356" (found "35")',
    ]


def test_load_tenant_accepts_folder_or_file(files):
    assert load_tenant(files.root / "stockport").slug == "stockport"
    assert load_tenant(files.path("stockport")).slug == "stockport"
