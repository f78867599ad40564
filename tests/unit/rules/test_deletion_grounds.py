from datetime import date
from string import ascii_lowercase

import pytest

from portal.rules.deletion_grounds import (
    ENGLAND_2006,
    ENGLAND_2024,
    RULESETS,
    WALES_2010,
    Ground,
    Jurisdiction,
    NoRuleSetError,
    RuleSet,
    get_ruleset,
    ground,
    ruleset_for,
)
from portal.rules.text import Text


def _letters(ruleset: RuleSet, *, where: str) -> set[str]:
    """The paragraph letters of the grounds whose attribute ``where`` is truthy."""
    return {g.code[-2] for g in ruleset.grounds if getattr(g, where)}


@pytest.mark.parametrize(
    ("ruleset", "provision", "count"),
    [
        (ENGLAND_2024, "9(1)", 15),  # (a) to (o)
        (ENGLAND_2006, "8(1)", 14),  # (a) to (n)
        (WALES_2010, "8(1)", 14),  # (a) to (n); (n) unverified
    ],
)
def test_grounds_run_a_to_the_last_letter_in_order(
    ruleset: RuleSet, provision: str, count: int
) -> None:
    expected = [f"{provision}({letter})" for letter in ascii_lowercase[:count]]
    assert [g.code for g in ruleset.grounds] == expected


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda r: r.key)
def test_codes_and_keys_are_unique(ruleset: RuleSet) -> None:
    codes = [g.code for g in ruleset.grounds]
    keys = [g.key for g in ruleset.grounds]
    assert len(set(codes)) == len(codes)
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda r: r.key)
def test_every_label_and_title_has_welsh(ruleset: RuleSet) -> None:
    for text in [ruleset.title, *(g.label for g in ruleset.grounds)]:
        assert text.cy, text.en
        assert text.cy != text.en
        assert text.get("cy") == text.cy


def test_rule_set_keys_are_unique() -> None:
    assert len({r.key for r in RULESETS}) == len(RULESETS)


@pytest.mark.parametrize(
    ("jurisdiction", "on", "key"),
    [
        ("england", date(2006, 9, 1), "england-2006"),  # edge: first day of the 2006 rules
        ("england", date(2016, 9, 1), "england-2006"),
        ("england", date(2024, 8, 18), "england-2006"),  # edge: the last day before 2024's
        ("england", date(2024, 8, 19), "england-2024"),  # edge: 2024's first day
        ("england", date(2026, 1, 5), "england-2024"),
        ("wales", date(2010, 9, 1), "wales-2010"),  # edge: first day of the Welsh rules
        ("wales", date(2024, 8, 19), "wales-2010"),  # England's change does not reach Wales
        ("wales", date(2026, 1, 5), "wales-2010"),
    ],
)
def test_ruleset_for(jurisdiction: Jurisdiction, on: date, key: str) -> None:
    assert ruleset_for(jurisdiction, on).key == key


@pytest.mark.parametrize(
    ("jurisdiction", "on"),
    [
        ("england", date(2006, 8, 31)),  # the 1995 Regulations are not kept
        ("wales", date(2010, 8, 31)),
        ("scotland", date(2026, 1, 5)),  # not a jurisdiction the portal serves
    ],
)
def test_ruleset_for_a_date_with_no_rules_raises(jurisdiction: Jurisdiction, on: date) -> None:
    with pytest.raises(NoRuleSetError):
        ruleset_for(jurisdiction, on)


def test_get_ruleset() -> None:
    assert get_ruleset("wales-2010") is WALES_2010
    with pytest.raises(KeyError, match="scotland-2024"):
        get_ruleset("scotland-2024")


@pytest.mark.parametrize(
    ("ruleset_key", "code", "key"),
    [
        ("england-2024", "9(1)(i)", "continuous-absence-20-days"),
        ("england-2024", "9(1)(h)", "not-returned-after-leave"),
        ("england-2024", "9(1)(f)", "home-education"),
        ("england-2024", "9(1)(o)", "permanently-excluded"),
        ("england-2006", "8(1)(h)", "continuous-absence-20-days"),
        ("england-2006", "8(1)(d)", "home-education"),
        ("wales-2010", "8(1)(h)", "continuous-absence-20-days"),
        ("wales-2010", "8(1)(f)", "not-returned-after-leave"),
    ],
)
def test_ground_lookup(ruleset_key: str, code: str, key: str) -> None:
    assert ground(ruleset_key, code).key == key


@pytest.mark.parametrize(
    ("ruleset_key", "code"),
    [
        ("england-2024", "9(1)(p)"),  # edge: one past the last ground
        ("england-2024", "8(1)(a)"),  # a 2006 code in the 2024 rules
        ("england-2006", "8(1)(o)"),
    ],
)
def test_unknown_ground_raises(ruleset_key: str, code: str) -> None:
    with pytest.raises(KeyError):
        ground(ruleset_key, code)


@pytest.mark.parametrize(
    ("ruleset", "flag", "letters"),
    [
        (ENGLAND_2024, "requires_joint_enquiries", {"h", "i"}),
        (ENGLAND_2024, "needs_la_consent_for_special_school", {"f"}),
        (ENGLAND_2024, "school_days_threshold", {"h", "i"}),
        (ENGLAND_2024, "return_within_school_days", set()),  # reg 13: a return on deletion
        (ENGLAND_2024, "ends_cme_concern", {"a", "c", "d", "k", "l"}),
        (ENGLAND_2006, "requires_joint_enquiries", {"f", "h"}),
        (ENGLAND_2006, "needs_la_consent_for_special_school", set("bcdefghikln")),  # not a, j, m
        (ENGLAND_2006, "school_days_threshold", {"f", "h"}),
        (ENGLAND_2006, "return_within_school_days", set()),
        (ENGLAND_2006, "ends_cme_concern", {"b", "c", "j", "k"}),
        (WALES_2010, "requires_joint_enquiries", {"f", "h"}),
        (WALES_2010, "needs_la_consent_for_special_school", set("bcdefghikln")),
        (WALES_2010, "school_days_threshold", {"f", "h"}),
        (WALES_2010, "return_within_school_days", {"c", "d", "g", "i", "m"}),  # reg 12(3)
        (WALES_2010, "ends_cme_concern", {"b", "c", "j", "k"}),
    ],
)
def test_flags(ruleset: RuleSet, flag: str, letters: set[str]) -> None:
    assert _letters(ruleset, where=flag) == letters


@pytest.mark.parametrize(
    ("ruleset_key", "code", "days"),
    [
        ("england-2024", "9(1)(h)", 10),
        ("england-2024", "9(1)(i)", 20),
        ("england-2006", "8(1)(f)", 10),
        ("england-2006", "8(1)(h)", 20),
        ("wales-2010", "8(1)(f)", 10),
        ("wales-2010", "8(1)(h)", 20),
    ],
)
def test_school_day_thresholds(ruleset_key: str, code: str, days: int) -> None:
    assert ground(ruleset_key, code).school_days_threshold == days


def test_welsh_returns_are_due_within_ten_school_days() -> None:
    assert {g.return_within_school_days for g in WALES_2010.grounds} == {None, 10}


@pytest.mark.parametrize(
    ("ruleset_key", "code", "english", "welsh"),
    [
        # Welsh lettering checked against the Welsh text of SI 2010/1954: reg 5(1)(ch) and (d)
        # are English (d) and (e); the explanatory note calls leave of absence 8(1)(dd) and
        # twenty school days 8(1)(f).
        ("wales-2010", "8(1)(a)", "regulation 8(1)(a)", "rheoliad 8(1)(a)"),
        ("wales-2010", "8(1)(c)", "regulation 8(1)(c)", "rheoliad 8(1)(c)"),
        ("wales-2010", "8(1)(d)", "regulation 8(1)(d)", "rheoliad 8(1)(ch)"),
        ("wales-2010", "8(1)(e)", "regulation 8(1)(e)", "rheoliad 8(1)(d)"),
        ("wales-2010", "8(1)(f)", "regulation 8(1)(f)", "rheoliad 8(1)(dd)"),
        ("wales-2010", "8(1)(h)", "regulation 8(1)(h)", "rheoliad 8(1)(f)"),
        # English statutory instruments have no Welsh text: the letters stay.
        ("england-2024", "9(1)(f)", "regulation 9(1)(f)", "rheoliad 9(1)(f)"),
        ("england-2006", "8(1)(h)", "regulation 8(1)(h)", "rheoliad 8(1)(h)"),
    ],
)
def test_citation(ruleset_key: str, code: str, english: str, welsh: str) -> None:
    assert ground(ruleset_key, code).citation == Text(english, welsh)


def test_citation_of_a_malformed_code_raises() -> None:
    with pytest.raises(ValueError, match="not a provision code"):
        _ = Ground("9(1)", "broken", Text("Broken", "Wedi torri")).citation


@pytest.mark.parametrize(
    "key",
    [
        "registered-at-another-school",
        "dual-registration-ended",
        "home-education",
        "moved-away",
        "not-returned-after-leave",
        "continuous-absence-20-days",
        "detained",
        "died",
        "past-compulsory-school-age",
        "left-after-nursery",
        "permanently-excluded",
    ],
)
def test_common_grounds_share_a_key_across_rule_sets(key: str) -> None:
    """Reports can count, say, 20-day deletions across a change of rules."""
    for ruleset in RULESETS:
        assert key in {g.key for g in ruleset.grounds}, ruleset.key


@pytest.mark.parametrize(
    ("ruleset", "day", "applies"),
    [
        (ENGLAND_2006, date(2024, 8, 18), True),
        (ENGLAND_2006, date(2024, 8, 19), False),  # edge: superseded_on is the first day out
        (ENGLAND_2024, date(2024, 8, 18), False),
        (ENGLAND_2024, date(2099, 1, 1), True),  # no end yet
    ],
)
def test_applies_on(ruleset: RuleSet, day: date, applies: bool) -> None:
    assert ruleset.applies_on(day) is applies
