"""Pure rules: no Flask, no database. Each module names the law or standard it follows."""
from __future__ import annotations

from portal.rules.calendar import (
    CalendarCoverageError,
    DateRange,
    DayUnit,
    SchoolCalendar,
    add_calendar_days,
    add_days,
    add_working_days,
    england_and_wales_bank_holidays,
)
from portal.rules.deletion_grounds import (
    RULESETS,
    Ground,
    Jurisdiction,
    NoRuleSetError,
    RuleSet,
    get_ruleset,
    ground,
    ruleset_for,
)
from portal.rules.laestab import LaestabError, LaestabResult, normalise_laestab, validate_laestab
from portal.rules.postcode import (
    PostcodeError,
    PostcodeResult,
    normalise_postcode,
    postcode_district,
    validate_postcode,
)
from portal.rules.school_age import (
    SchoolAgeStatus,
    compulsory_school_age_end,
    compulsory_school_age_start,
    is_of_compulsory_school_age,
    school_age_status,
)
from portal.rules.text import Text
from portal.rules.upn import UpnError, UpnResult, check_letter, normalise_upn, validate_upn

__all__ = [
    "RULESETS",
    "CalendarCoverageError",
    "DateRange",
    "DayUnit",
    "Ground",
    "Jurisdiction",
    "LaestabError",
    "LaestabResult",
    "NoRuleSetError",
    "PostcodeError",
    "PostcodeResult",
    "RuleSet",
    "SchoolAgeStatus",
    "SchoolCalendar",
    "Text",
    "UpnError",
    "UpnResult",
    "add_calendar_days",
    "add_days",
    "add_working_days",
    "check_letter",
    "compulsory_school_age_end",
    "compulsory_school_age_start",
    "england_and_wales_bank_holidays",
    "get_ruleset",
    "ground",
    "is_of_compulsory_school_age",
    "normalise_laestab",
    "normalise_postcode",
    "normalise_upn",
    "postcode_district",
    "ruleset_for",
    "school_age_status",
    "validate_laestab",
    "validate_postcode",
    "validate_upn",
]
