"""The shape of a council's ``tenants/<slug>/tenant.toml``, as pydantic v2 models.

Every model forbids unknown keys (a misspelt key is an error, not silently ignored) and is
frozen (a loaded tenant is read-only; the back-office keeps its own editable copy of the few
things a council may change without a release).

Plain-English error messages are raised as ``PydanticCustomError`` so that the loader can show
them as they are. Checks that need more than one field (team references, term dates, Welsh text
...) raise a ``ValidationError`` whose errors carry the exact key path of the problem, so
``contacts.safeguarding.office_hours[0].closes`` is named rather than the whole section.

No Flask here: this package is imported by the app factory and by the ``flask tenants
validate`` command alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any, Iterator, Literal, get_args
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from portal.rules.calendar import SchoolCalendar, england_and_wales_bank_holidays
from portal.rules.postcode import validate_postcode

LONDON = ZoneInfo("Europe/London")

# --------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------

FormSlug = Literal[
    "change-to-register",
    "missing-pupil-checklist",
    "cme-referral",
    "ehe-notification",
    "arrival-in-area",
    "cross-border-notice",
    # The statutory returns schools send for many pupils at once (portal/returns/), and the
    # notice of a child expected at a school who never arrived.
    "new-pupil-return",
    "deletion-return",
    "unauthorised-absence-return",
    "sickness-return",
    "attendance-concerns-return",
    "no-show",
]
FORM_SLUGS: tuple[str, ...] = get_args(FormSlug)

Flag = Literal["urgent", "looked_after", "child_protection_plan", "ehe"]
FLAGS: tuple[str, ...] = get_args(Flag)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)

Language = Literal["en", "cy"]
Nation = Literal["england", "wales"]
ThresholdUnit = Literal["school_days", "working_days", "calendar_days", "months"]
ChecklistKind = Literal["school", "la"]

#: The outcomes every council's workflow must offer (the product's common outcomes).
COMMON_OUTCOMES: tuple[str, ...] = ("back_in_school", "ehe", "located_other_la", "not_cme", "lost_s2s")
CommonOutcome = Literal["back_in_school", "ehe", "located_other_la", "not_cme", "lost_s2s"]


def _quote(value: Any) -> str:
    """Show a value from the file the way it was written, shortened."""
    if isinstance(value, str):
        text = '"' + value.replace('"', '\\"') + '"'
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _err(kind: str, message: str) -> PydanticCustomError:
    # The message goes in as a context value, so braces in it are never read as placeholders.
    return PydanticCustomError(kind, "{message}", {"message": message})


# --------------------------------------------------------------------------------------------
# Constrained strings (each with its own plain-English message)
# --------------------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise _err("empty", "must not be empty")
    return value


Text = Annotated[str, AfterValidator(_text)]

_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def _email(value: str) -> str:
    value = value.strip()
    if not _EMAIL_RE.match(value) or ".." in value:
        raise _err("email", f"not a valid email address ({_quote(value)})")
    return value


Email = Annotated[str, AfterValidator(_email)]

# UK numbers: 10 or 11 digits starting 0 (or +44 and 9-10 digits), or the short codes 999, 101, 111.
_PHONE_RE = re.compile(r"^(?:0\d{9,10}|\+44\d{9,10}|999|101|111|116\d{3})$")


def _phone(value: str) -> str:
    value = " ".join(value.split())
    if not _PHONE_RE.match(value.replace(" ", "")):
        raise _err(
            "phone",
            f"not a valid UK phone number ({_quote(value)}); write it like \"0161 474 2300\" "
            "(10 or 11 digits starting with 0, or 999)",
        )
    return value


Phone = Annotated[str, AfterValidator(_phone)]

def _postcode(value: str) -> str:
    result = validate_postcode(value)
    if not result.valid:
        raise _err("postcode", f"not a valid UK postcode ({_quote(value)})")
    return result.normalised


Postcode = Annotated[str, AfterValidator(_postcode)]

_OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def _postcode_district(value: str) -> str:
    value = value.strip().upper()
    if not _OUTWARD_RE.match(value):
        raise _err(
            "postcode_district",
            f"not a postcode district ({_quote(value)}); write the first half of a postcode, e.g. \"WS11\"",
        )
    return value


PostcodeDistrict = Annotated[str, AfterValidator(_postcode_district)]

_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _slug(value: str) -> str:
    if not _SLUG_RE.match(value):
        raise _err(
            "slug",
            f"must be lower-case letters and digits joined by hyphens, e.g. \"rhondda-cynon-taf\" (found {_quote(value)})",
        )
    return value


Slug = Annotated[str, AfterValidator(_slug)]

_KEY_RE = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")


def _key(value: str) -> str:
    if not _KEY_RE.match(value):
        raise _err(
            "key",
            f"must be a short key of lower-case letters, digits, '_' or '-', starting with a letter (found {_quote(value)})",
        )
    return value


Key = Annotated[str, AfterValidator(_key)]


def _dfe_code(value: str) -> str:
    if not re.fullmatch(r"[0-9]{3}", value):
        raise _err("dfe_code", f"must be 3 digits, the council's DfE LA code, e.g. \"356\" (found {_quote(value)})")
    return value


DfeCode = Annotated[str, AfterValidator(_dfe_code)]


def _laestab(value: str) -> str:
    if not re.fullmatch(r"[0-9]{7}", value):
        raise _err(
            "laestab",
            f"must be a 7-digit DfE school number (3-digit LA code and 4-digit establishment number), found {_quote(value)}",
        )
    return value


Laestab = Annotated[str, AfterValidator(_laestab)]


def _urn(value: str) -> str:
    if not re.fullmatch(r"[0-9]{6,8}", value):
        raise _err("urn", f"must be the school's unique reference number, 6 digits (found {_quote(value)})")
    return value


Urn = Annotated[str, AfterValidator(_urn)]


def _prefix(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise _err("reference_prefix", f"must be 3 capital letters, e.g. \"STK\" (found {_quote(value)})")
    return value


ReferencePrefix = Annotated[str, AfterValidator(_prefix)]


def _clock(value: Any) -> Any:
    """Accept "08:30" (a string) or a TOML local time 08:30:00."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise _err("time", "must be a local time without a time zone, e.g. \"08:30\"")
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str) and re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", value.strip()):
        hours, minutes = value.strip().split(":")
        return time(int(hours), int(minutes))
    raise _err("time", f"must be a time written as HH:MM, e.g. \"08:30\" (found {_quote(value)})")


Clock = Annotated[time, BeforeValidator(_clock)]


def _unique(values: list[Any], what: str) -> list[Any]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise _err("duplicate", f"{what} {_quote(value)} is listed twice")
        seen.add(value)
    return values


# --------------------------------------------------------------------------------------------
# Base model and problem collection
# --------------------------------------------------------------------------------------------

Loc = tuple[str | int, ...]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _raise_problems(model: str, problems: list[tuple[Loc, str, Any]]) -> None:
    """Raise one ValidationError carrying every problem at its own key path."""
    if problems:
        raise ValidationError.from_exception_data(
            model,
            [{"type": _err("tenant_rule", message), "loc": loc, "input": value} for loc, message, value in problems],
        )


# --------------------------------------------------------------------------------------------
# Text in English and (optionally) Welsh
# --------------------------------------------------------------------------------------------


class LocalText(Model):
    """A text in English with an optional Welsh version.

    In TOML, either ``"Contact Centre"`` (English only) or
    ``{ en = "Children's Services", cy = "Gwasanaethau Plant" }``.
    """

    en: Text
    cy: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"en": data}
        if isinstance(data, LocalText) or isinstance(data, dict):
            return data
        raise _err(
            "local_text",
            f"must be text in quotes, or a table {{ en = \"...\", cy = \"...\" }} (found {_quote(data)})",
        )

    @field_validator("cy")
    @classmethod
    def _blank_welsh_is_none(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        return value.strip() if value is not None else None

    def get(self, locale: str | None = "en") -> str:
        """The text in ``locale`` ("en", "cy", "cy-GB" ...), falling back to English."""
        if locale and locale.lower().startswith("cy") and self.cy:
            return self.cy
        return self.en

    def __str__(self) -> str:
        return self.en


def _walk_local_texts(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, LocalText]]:
    """Every LocalText inside a model, in the order the fields are declared."""
    if isinstance(value, LocalText):
        yield loc, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk_local_texts(getattr(value, name), loc + (name,))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk_local_texts(item, loc + (index,))


# --------------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------------


class CmeContact(Model):
    """Where schools, agencies and the public send word of a child missing education."""

    team: LocalText
    address: list[Text] = Field(min_length=1)
    postcode: Postcode
    phone: Phone
    other_phones: list[Phone] = []
    email: Email
    hours: LocalText | None = None
    demo: bool = False


class NamedPerson(Model):
    """The s436A named person: a role title, optionally a name."""

    role: LocalText
    name: Text | None = None
    phone: Phone | None = None
    email: Email | None = None
    demo: bool = False


class OfficeHours(Model):
    days: list[Weekday] = Field(min_length=1)
    opens: Clock
    closes: Clock

    @field_validator("days")
    @classmethod
    def _days_once(cls, value: list[str]) -> list[str]:
        return _unique(value, "day")

    @field_validator("closes")
    @classmethod
    def _closes_after_opens(cls, value: time, info: ValidationInfo) -> time:
        opens = info.data.get("opens")
        if opens is not None and value <= opens:
            raise _err(
                "office_hours",
                f"closes ({value:%H:%M}) must be later than opens ({opens:%H:%M})",
            )
        return value

    def is_open(self, local: datetime) -> bool:
        """Whether these hours cover ``local`` (a wall-clock time in Europe/London)."""
        return WEEKDAYS[local.weekday()] in self.days and self.opens <= local.time() < self.closes

    def describe(self, locale: str = "en") -> str:
        """e.g. "Monday to Thursday, 8:30am to 5pm" / "Dydd Llun i ddydd Iau, 8:30yb i 5yh"."""
        return f"{_describe_days(self.days, locale)}, {_clock_text(self.opens, locale)} {_TO[_lang(locale)]} {_clock_text(self.closes, locale)}"


_DAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "cy": ("Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn", "Dydd Sul"),
}
_TO = {"en": "to", "cy": "i"}
_AND = {"en": "and", "cy": "a"}


def _lang(locale: str | None) -> str:
    return "cy" if locale and locale.lower().startswith("cy") else "en"


def _lower_day(name: str, lang: str) -> str:
    # "Dydd Iau" after "i" becomes "ddydd Iau" (soft mutation); English keeps its capital.
    if lang == "cy":
        return "d" + name[0].lower() + name[1:]
    return name


def _describe_days(days: list[str], locale: str) -> str:
    lang = _lang(locale)
    names = _DAY_NAMES[lang]
    indexes = sorted(WEEKDAYS.index(day) for day in days)
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{names[indexes[0]]} {_TO[lang]} {_lower_day(names[indexes[-1]], lang) if lang == 'cy' else names[indexes[-1]]}"
    words = [names[i] for i in indexes]
    if len(words) == 1:
        return words[0]
    if lang == "cy":
        words = [words[0]] + [w[0].lower() + w[1:] for w in words[1:]]
    return ", ".join(words[:-1]) + f" {_AND[lang]} " + words[-1]


def _clock_text(value: time, locale: str) -> str:
    lang = _lang(locale)
    hour = value.hour % 12 or 12
    if lang == "cy":
        suffix = "yb" if value.hour < 12 else "yh"
    else:
        suffix = "am" if value.hour < 12 else "pm"
    if value.hour == 12 and value.minute == 0:
        return "hanner dydd" if lang == "cy" else "midday"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


class OutOfHours(Model):
    name: LocalText
    phone: Phone
    description: LocalText | None = None
    demo: bool = False


@dataclass(frozen=True)
class SafeguardingRoute:
    """Whom to call about a child at risk, right now."""

    name: LocalText
    phone: str
    email: str | None
    is_office_hours: bool
    description: LocalText | None
    demo: bool


def is_bank_holiday(day: date) -> bool:
    """A bank holiday in England and Wales (including substitute days)."""
    return day in england_and_wales_bank_holidays([day.year])


class Safeguarding(Model):
    """The contact for a child at risk now: office hours, and a line for the rest of the time."""

    name: LocalText
    phone: Phone
    email: Email | None = None
    office_hours: list[OfficeHours] = Field(min_length=1)
    out_of_hours: OutOfHours
    description: LocalText | None = None
    demo: bool = False

    def is_office_hours(self, now: datetime) -> bool:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("route_at needs a time-zone-aware datetime, e.g. datetime.now(timezone.utc)")
        local = now.astimezone(LONDON)
        if is_bank_holiday(local.date()):
            return False
        return any(hours.is_open(local) for hours in self.office_hours)

    def route_at(self, now: datetime) -> SafeguardingRoute:
        """The office contact inside office hours (Europe/London), else the out-of-hours line.

        Weekends and England-and-Wales bank holidays are outside office hours unless the hours
        list those days (bank holidays never count as office hours).
        """
        if self.is_office_hours(now):
            return SafeguardingRoute(self.name, self.phone, self.email, True, self.description, self.demo)
        ooh = self.out_of_hours
        return SafeguardingRoute(ooh.name, ooh.phone, None, False, ooh.description, ooh.demo)


class Contact(Model):
    """Any other contact shown on the council's contacts page."""

    name: LocalText
    role: LocalText | None = None
    description: LocalText | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: list[Text] = []
    postcode: Postcode | None = None
    demo: bool = False

    @model_validator(mode="after")
    def _reachable(self) -> "Contact":
        if not (self.phone or self.email or self.address):
            _raise_problems("Contact", [((), "give at least one of phone, email or address", None)])
        return self


class DutyContact(Model):
    """The mailbox the portal alerts at once when an urgent (safeguarding) submission arrives.
    Never shown on public pages; the alert carries only the reference."""

    email: Email
    demo: bool = False


class Contacts(Model):
    cme: CmeContact
    named_person: NamedPerson
    safeguarding: Safeguarding
    duty: DutyContact | None = None
    others: list[Contact] = []

    @property
    def duty_email(self) -> str:
        """Where urgent alerts go: the duty mailbox, else the CME contact's address."""
        return self.duty.email if self.duty else self.cme.email


# --------------------------------------------------------------------------------------------
# Teams and routing
# --------------------------------------------------------------------------------------------


class Team(Model):
    key: Key
    name: LocalText
    email: Email
    description: LocalText | None = None
    demo: bool = False


class RoutingRule(Model):
    """One line of the routing table. Conditions of different kinds must all match; within one
    kind any listed value matches; an empty list matches anything."""

    forms: list[FormSlug] = []
    schools: list[Laestab] = []
    postcode_districts: list[PostcodeDistrict] = []
    flags: list[Flag] = []
    team: Key
    officer: Text | None = None
    reason: LocalText

    def matches(
        self,
        form: str,
        *,
        laestab: str | None = None,
        postcode: str | None = None,
        flags: frozenset[str] | set[str] | tuple[str, ...] | list[str] = (),
    ) -> bool:
        if self.forms and form not in self.forms:
            return False
        if self.schools and laestab not in self.schools:
            return False
        if self.postcode_districts and outward_code(postcode) not in self.postcode_districts:
            return False
        if self.flags and not set(self.flags) & set(flags):
            return False
        return True


def outward_code(postcode: str | None) -> str | None:
    """The postcode district ("WS11") of a full or partial postcode, or None."""
    if not postcode:
        return None
    compact = "".join(postcode.upper().split())
    if _OUTWARD_RE.match(compact):
        return compact
    if len(compact) >= 5 and _OUTWARD_RE.match(compact[:-3]):
        return compact[:-3]
    return None


@dataclass(frozen=True)
class RouteDecision:
    team: Team
    officer: str | None
    reason: LocalText
    rule_index: int | None  # None: the default team


class School(Model):
    laestab: Laestab
    name: Text
    #: The school's unique reference number (GIAS); the named-officer import accepts it where a
    #: council's list has no DfE number (RCT's published list gives URNs only).
    urn: Urn | None = None
    demo: bool = False


# --------------------------------------------------------------------------------------------
# Thresholds, deletion, checklist, workflow
# --------------------------------------------------------------------------------------------


class Threshold(Model):
    """A time limit of the council's policy, counted from an event (portal.casework.deadlines).

    ``owner`` says who must act by then: "council" (a deadline the council's officers are held
    to, which can be overdue on a case), or "school" / "family". A school-owned deadline is met
    or late by the school's own notice: ``met_by_forms`` names the forms whose submission
    fulfils it (met when it arrives on or before the due date, late after it;
    portal.casework.school_deadlines). One with no such form is a step the school takes outside
    the portal: shown until it falls due, then closed with that reason, never overdue.
    ``days = 0`` is due on the day of the event itself (a deletion return is due no later than
    the day the name is deleted)."""

    key: Key
    label: LocalText
    days: int = Field(ge=0)
    unit: ThresholdUnit
    from_event: Key
    source: Text
    owner: Literal["council", "school", "family"] = "council"
    #: Events that meet the deadline once they happen (e.g. the family's reply to a letter, or
    #: the next step taken when none came): it is then done, never overdue.
    met_by: list[Key] = []
    #: For a school-owned deadline: the forms (of offered_forms) whose submission by the school
    #: fulfils it.
    met_by_forms: list[FormSlug] = []
    #: For a school-owned deadline: only these forms' dates start it (a no-show's expected
    #: first day, not a new pupil return's first day of attendance). Empty: any form's.
    from_forms: list[FormSlug] = []
    #: For a school-owned deadline: it applies only to a notice with these answers, e.g.
    #: ``{destination_known = "no"}`` (Liverpool: "a pupil left with no new school known").
    when_answers: dict[Key, Text] = {}

    @model_validator(mode="after")
    def _forms_for_schools(self) -> "Threshold":
        if (self.met_by_forms or self.from_forms or self.when_answers) and self.owner != "school":
            raise _err("met_by_forms", "only a school-owned threshold (owner = \"school\") is "
                       "met or started by a school's form")
        return self


class ReturnCadence(Model):
    """How often a school sends a return: "monthly" (due by ``due_day`` of the next month),
    "termly" (due ``due_days_after`` school days after each term ends), "interval" (every
    ``every_school_days`` school days, Wales's "agreed intervals") or "on_event" (each time it
    happens, e.g. within 5 days of entry: no reminders)."""

    kind: Literal["monthly", "termly", "interval", "on_event"]
    due_day: int | None = Field(default=None, ge=1, le=28)
    due_days_after: int | None = Field(default=None, ge=0, le=30)
    every_school_days: int | None = Field(default=None, ge=1, le=200)

    @model_validator(mode="after")
    def _needs(self) -> "ReturnCadence":
        needed = {"monthly": "due_day", "termly": "due_days_after",
                  "interval": "every_school_days"}.get(self.kind)
        if needed and getattr(self, needed) is None:
            raise _err("cadence", f"a {self.kind} cadence needs {needed}")
        return self


class SchoolReturnConfig(Model):
    """One statutory return the council asks of its schools (``[[returns]]``): the form type
    of its pupil rows, its cadence, and the policy paragraph it comes from."""

    form: FormSlug
    label: LocalText
    cadence: ReturnCadence
    source: Text
    # The reminder goes to these schools (their DfE numbers); empty: every school in [[schools]].
    remind_schools: list[Laestab] = []


class NoShowPolicy(Model):
    """A child expected at a school who never arrived: the steps the council's policy asks of the
    school first. Which team receives it (admissions or the CME team) is a [[routing]] rule
    for the "no-show" form, like any other form's."""

    steps: list["NoShowStep"] = Field(min_length=1)
    source: Text


class NoShowStep(Model):
    key: Key
    label: LocalText
class CmeDefinition(Model):
    """The council's own definition of when a child counts as missing education in its figures,
    registers and the DfE return (portal.casework.cme_definition). Until it is met an open case
    is "at risk of missing education". ``missing_for`` days of ``unit`` counted from the first
    day out of education; ``checks`` and ``home_visit`` are keys of the council's checklist that
    must each be recorded as an enquiry on the case."""

    missing_for: int = Field(gt=0)
    unit: Literal["school_days", "working_days", "calendar_days"]
    checks: list[Key] = []
    home_visit: Key | None = None
    summary: LocalText
    source: Text

    @field_validator("checks")
    @classmethod
    def _checks_once(cls, value: list[str]) -> list[str]:
        return _unique(value, "check")

    @property
    def required_checks(self) -> tuple[str, ...]:
        """Every checklist key that must be recorded, the home visit last."""
        keys = list(self.checks)
        if self.home_visit and self.home_visit not in keys:
            keys.append(self.home_visit)
        return tuple(keys)


#: What must have happened before a school may delete a pupil's name (portal.casework.deletion).
#: ``informed_in_advance`` and ``cme_referral_acknowledged`` are read from the facts (the
#: notice filed before the deletion date; the case's CME referral acknowledged by the CME team);
#: the others are recorded by an officer of a role the council names in ``recorders``.
DeletionCondition = Literal["informed_in_advance", "joint_enquiries", "cme_referral_acknowledged",
                            "officer_advice", "agreement", "ctf_s2s"]
DELETION_CONDITIONS: tuple[str, ...] = get_args(DeletionCondition)
RECORDED_CONDITIONS: tuple[str, ...] = ("joint_enquiries", "officer_advice", "agreement", "ctf_s2s")
StaffRole = Literal["officer", "manager", "council_admin"]


class DeletionParty(Model):
    """One of the named roles whose agreement a deletion needs (Liverpool: the CME Pupil
    Tracking Officer and the Education Welfare Service), and the portal roles that record it."""

    key: Key
    label: LocalText
    roles: list[StaffRole] = Field(min_length=1)


class DeletionRule(Model):
    """For some grounds of the council's nation's regulations (by provision, e.g. "9(1)(i)"):
    what must have happened before the school may delete. No conditions: inform only."""

    grounds: list[Text] = Field(min_length=1)
    conditions: list[DeletionCondition] = []
    source: Text

    @field_validator("conditions")
    @classmethod
    def _conditions_once(cls, value: list[str]) -> list[str]:
        return _unique(value, "condition")


class DeletionPolicy(Model):
    requires_cme_acknowledgement: bool
    continuous_absence_school_days: int | None = Field(default=None, gt=0)
    note: LocalText
    #: Who records each recorded condition: condition -> portal roles. ``la_consent``: who
    #: records the council's consent decision on a home education notice that needs it
    #: (portal.casework.consent; a manager when the council names nobody).
    recorders: dict[DeletionCondition | Literal["la_consent"], list[StaffRole]] = {}
    #: The named officer whose advice ``officer_advice`` records (RCT: the school's AWO).
    advice_from: LocalText | None = None
    parties: list[DeletionParty] = []
    rules: list[DeletionRule] = []

    def rule_for(self, code: str) -> DeletionRule | None:
        return next((rule for rule in self.rules if code in rule.grounds), None)

    def party(self, key: str) -> DeletionParty | None:
        return next((party for party in self.parties if party.key == key), None)

    def roles_for(self, condition: str, party: str | None = None) -> tuple[str, ...]:
        if condition == "agreement":
            found = self.party(party) if party else None
            return tuple(found.roles) if found else ()
        if condition == "la_consent":
            return tuple(self.recorders.get(condition) or ("manager",))
        return tuple(self.recorders.get(condition, ()))

    def check(self, nation: str) -> list[tuple[Loc, str, Any]]:
        """Grounds that exist in the nation's regulations in force; every recorded condition
        a role can record. Key paths are under ``deletion``."""
        from portal.rules.deletion_grounds import RULESETS

        problems: list[tuple[Loc, str, Any]] = []
        current = next(r for r in RULESETS if r.jurisdiction == nation and r.superseded_on is None)
        codes = {ground.code for ground in current.grounds}
        seen: dict[str, int] = {}
        for index, rule in enumerate(self.rules):
            for position, code in enumerate(rule.grounds):
                if code not in codes:
                    problems.append(((("deletion", "rules", index, "grounds", position)),
                                     f"{_quote(code)} is not a ground of {current.title.en} "
                                     f"(this council is in {nation.title()}: grounds "
                                     f"{current.grounds[0].code} to {current.grounds[-1].code})", code))
                elif code in seen:
                    problems.append(((("deletion", "rules", index, "grounds", position)),
                                     f"{_quote(code)} already has a rule: deletion.rules[{seen[code]}]", code))
                else:
                    seen[code] = index
            for position, condition in enumerate(rule.conditions):
                if condition not in RECORDED_CONDITIONS:
                    continue
                if condition == "agreement":
                    if not self.parties:
                        problems.append(((("deletion", "rules", index, "conditions", position)),
                                         '"agreement" needs the parties who agree: add [[deletion.parties]] '
                                         "with the roles that record each one", condition))
                elif not self.recorders.get(condition):
                    problems.append(((("deletion", "rules", index, "conditions", position)),
                                     f"no role can record {_quote(condition)}: name the roles in "
                                     f"[deletion.recorders] ({condition} = [\"officer\"])", condition))
                if condition == "officer_advice" and self.advice_from is None:
                    problems.append((("deletion", "advice_from"),
                                     '"officer_advice" needs advice_from: whose advice it is', None))
        keys: dict[str, int] = {}
        for index, party in enumerate(self.parties):
            if party.key in keys:
                problems.append((("deletion", "parties", index, "key"),
                                 f"party {_quote(party.key)} is already used by deletion.parties[{keys[party.key]}]", party.key))
            keys.setdefault(party.key, index)
        return problems


class Retention(Model):
    """How long a council keeps a child's details after the work on them ended
    (portal/casework/retention.py, `flask retention run`). After that they are anonymised: the
    reference, form, dates, outcome and the audit trail stay, for the figures."""

    #: A closed case and its submissions, counted from the day it closed; a submission never
    #: in a case and no longer open work, from the day it was received.
    years_after_closure: int = Field(default=6, ge=1, le=100)
    #: The forms that are a school register's record: never anonymised within six years of
    #: being received. "Registers are kept six years" (shared/spec/product.md, the Education
    #: (Pupil Registration) (England) Regulations 2006).
    register_forms: list[FormSlug] = ["change-to-register"]
    register_years: int = Field(default=6, ge=6, le=100)


class ChecklistItem(Model):
    key: Key
    label: LocalText
    kind: ChecklistKind
    hint: LocalText | None = None


#: What a letter's text may name: {council}, {reference}, {reply_by}, {phone}, {email}, {team}
#: and {child} (the child's name, in the letter only: never in an email or an address).
LETTER_PLACEHOLDERS = ("council", "reference", "reply_by", "phone", "email", "team", "child")
_PLACEHOLDER_RE = re.compile(r"{([^{}]*)}")


class LetterFollowUp(Model):
    """The next step when no reply comes by the deadline: a task for a team (and a stage)."""

    task: LocalText
    #: The team that takes the task, or with `route_form` the team the council's routing gives
    #: that form for the child's postcode (falling back to `team` when no rule matches).
    team: Key
    route_form: FormSlug | None = None
    stage: Key | None = None
    days: int = Field(default=5, gt=0)
    unit: ThresholdUnit = "working_days"


class LetterTemplate(Model):
    """A letter an officer sends the family from a case (PDF), with a reply deadline counted by
    one of the council's [[thresholds]] from the day it was sent."""

    key: Key
    name: LocalText
    heading: LocalText
    paragraphs: list[LocalText] = Field(min_length=1)
    reply_threshold: Key
    checklist_key: Key | None = None
    on_no_reply: LetterFollowUp | None = None
    source: Text

    @model_validator(mode="after")
    def _placeholders(self) -> "LetterTemplate":
        problems: list[tuple[Loc, str, Any]] = []
        for index, paragraph in enumerate(self.paragraphs):
            for language, text in (("en", paragraph.en), ("cy", paragraph.cy or "")):
                for name in _PLACEHOLDER_RE.findall(text):
                    if name not in LETTER_PLACEHOLDERS:
                        problems.append((("paragraphs", index, language),
                                         f"{{{name}}} is not a placeholder a letter knows; use "
                                         + ", ".join("{" + p + "}" for p in LETTER_PLACEHOLDERS), text))
        _raise_problems("LetterTemplate", problems)
        return self


PanelFlag = Literal["urgent", "whereabouts_unknown", "lost"]


class PanelCriteria(Model):
    """When an open case comes to a panel: any one of these (none set: never by itself; a case
    the panel set a review for comes back at that review whatever these say)."""

    #: The case is at one of these stages of [workflow].
    stages: list[Key] = []
    #: The case counts as missing education by the council's own definition
    #: (portal.casework.cme_definition) at the meeting.
    counts_as_cme: bool = False
    #: The child has been missing at least this many calendar days at the meeting (from the
    #: day missing, else the day the case was opened).
    days_missing: int | None = Field(default=None, gt=0, le=3650)
    #: The case carries one of these flags.
    flags: list[PanelFlag] = []


class Panel(Model):
    """A meeting of named people that reviews cases at a set cadence (Liverpool's Children Out
    of Provision Panel, every fortnight): the back-office shows the next meeting's agenda, an
    agenda PDF for the members, and records each case's decision, actions and next review."""

    key: Key
    name: LocalText
    #: Who sits on the panel (shown on the agenda and its PDF).
    members: list[LocalText] = Field(min_length=1)
    #: The first meeting; then every `every_weeks` weeks on the same weekday.
    first_meeting: date
    every_weeks: int = Field(default=2, gt=0, le=13)
    criteria: PanelCriteria
    #: The register that lists the children currently brought to this panel (instead of every
    #: open case), e.g. "children-out-of-provision".
    keeps_register: Literal["children-out-of-provision"] | None = None
    source: Text

    @model_validator(mode="after")
    def _weekday(self) -> "Panel":
        if self.first_meeting.weekday() > 4:
            _raise_problems("Panel", [(("first_meeting",), "is a weekend day: a panel meets "
                                       "on a weekday", self.first_meeting.isoformat())])
        return self


class Stage(Model):
    key: Key
    label: LocalText
    description: LocalText | None = None


class Outcome(Model):
    key: Key
    label: LocalText
    closes_case: bool
    #: which of the product's common outcomes this counts as in reports (the DfE return)
    dfe_outcome: CommonOutcome | None = None
    #: For "lost, posted to S2S" (a status of the open case, never a closing outcome): months
    #: between re-checks of a lost child (portal.casework.lost).
    recheck_months: int | None = Field(default=None, gt=0)
    #: For an outcome that closes the case only once another council has acknowledged the
    #: notice sent to it ("located in another council").
    until_acknowledged: bool = False


CaseActionKind = Literal["section_437_notice", "sao_issued", "sao_revoked", "returned_to_school"]
StaffRole = Literal["officer", "manager"]


def _every_action(roles: list[str]) -> dict[str, list[str]]:
    return {kind: list(roles) for kind in get_args(CaseActionKind)}


class DfeReturnSettings(Model):
    """The DfE termly return (English councils)."""

    #: A figure that moved by more than this share since the last finalised return is a
    #: query the officer answers with a note before finalising (as COLLECT's queries are).
    movement_warning_share: float = Field(default=0.25, gt=0, le=10)
    #: Who may record each statutory action on a case that the return counts.
    action_roles: dict[CaseActionKind, list[StaffRole]] = Field(
        default_factory=lambda: _every_action(["officer", "manager"]))


class EheSettings(Model):
    """Elective home education: the children not in school register and consent."""

    #: The day ss.436B-436G of the Education Act 1996 (inserted by the Children's Wellbeing and
    #: Schools Act 2026, s.38) come into force for this council; until then the register is a
    #: voluntary list. None: not commenced.
    register_commencement: date | None = None
    #: The day s.434A (consent to withdraw a child subject to s.47 enquiries or a child
    #: protection plan, CWSA 2026 s.37) comes into force. None: not commenced. The special
    #: school rule (England 2024 regulations, reg 9(1)(f)) is in force regardless.
    consent_s434a_commencement: date | None = None
    #: How long the council has to decide a consent request, in calendar days.
    consent_decision_days: int = Field(default=15, gt=0, le=90)


class Workflow(Model):
    stages: list[Stage] = Field(min_length=1)
    outcomes: list[Outcome] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> "Workflow":
        problems: list[tuple[Loc, str, Any]] = []
        _duplicates(problems, self.stages, "stages", "stage")
        _duplicates(problems, self.outcomes, "outcomes", "outcome")
        keys = {outcome.key: outcome for outcome in self.outcomes}
        missing = [key for key in COMMON_OUTCOMES if key not in keys]
        if missing:
            problems.append(
                (
                    ("outcomes",),
                    "must include the common outcomes "
                    + ", ".join(f'"{key}"' for key in COMMON_OUTCOMES)
                    + "; missing "
                    + ", ".join(f'"{key}"' for key in missing),
                    None,
                )
            )
        for index, outcome in enumerate(self.outcomes):
            lost = outcome.key == "lost_s2s" or outcome.dfe_outcome == "lost_s2s"
            if lost:
                if outcome.closes_case:
                    problems.append(((("outcomes", index, "closes_case")),
                                     f'"{outcome.key}" (lost, posted to S2S) is a status of an open case: '
                                     "it must not close the case (only an outcome that locates the child does)", True))
                if outcome.recheck_months is None:
                    problems.append(((("outcomes", index, "recheck_months")),
                                     f'"{outcome.key}" (lost, posted to S2S) needs recheck_months: how often a lost child is re-checked', None))
            elif outcome.recheck_months is not None:
                problems.append(((("outcomes", index, "recheck_months")),
                                 "only the lost (S2S) outcome is re-checked", outcome.recheck_months))
            if outcome.until_acknowledged and not outcome.closes_case:
                problems.append(((("outcomes", index, "until_acknowledged")),
                                 "only an outcome that closes the case can wait for an acknowledgement", True))
            if outcome.key in COMMON_OUTCOMES and not lost:
                if not outcome.closes_case:
                    problems.append(((("outcomes", index, "closes_case")), f'the common outcome "{outcome.key}" must close the case', False))
                if outcome.dfe_outcome not in (None, outcome.key):
                    problems.append(
                        (("outcomes", index, "dfe_outcome"), f'the common outcome "{outcome.key}" can only count as itself', outcome.dfe_outcome)
                    )
        _raise_problems("Workflow", problems)
        return self

    def outcome(self, key: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.key == key:
                return outcome
        raise KeyError(key)


def _duplicates(problems: list[tuple[Loc, str, Any]], items: list[Any], field: str, what: str, attr: str = "key") -> None:
    seen: dict[Any, int] = {}
    for index, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            problems.append(((field, index, attr), f"{what} {_quote(value)} is already used by {field}[{seen[value]}]", value))
        else:
            seen[value] = index


# --------------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------------


class Period(Model):
    name: LocalText
    start: date
    end: date
    demo: bool = False

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start")
        if start is not None and value < start:
            raise _err("period", f"end ({value.isoformat()}) is before start ({start.isoformat()})")
        return value

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


class Calendar(Model):
    """The council's term dates. ``breaks`` are holidays inside a term (half terms); the
    holidays between terms are the gaps between ``terms``."""

    demo: bool
    note: Text
    terms: list[Period] = Field(min_length=1)
    breaks: list[Period] = []
    inset_days: list[date] = []
    closure_days: list[date] = []

    @model_validator(mode="after")
    def _check(self) -> "Calendar":
        problems: list[tuple[Loc, str, Any]] = []
        terms = sorted(enumerate(self.terms), key=lambda pair: pair[1].start)
        for (i, first), (j, second) in zip(terms, terms[1:]):
            if second.start <= first.end:
                problems.append(
                    (
                        ("terms", max(i, j), "start"),
                        f"term {_quote(self.terms[max(i, j)].name.en)} overlaps term {_quote(self.terms[min(i, j)].name.en)} "
                        f"({second.start.isoformat()} is on or before {first.end.isoformat()})",
                        self.terms[max(i, j)].start.isoformat(),
                    )
                )
        for index, holiday in enumerate(self.breaks):
            if not any(holiday.start in term and holiday.end in term for term in self.terms):
                problems.append(
                    (
                        ("breaks", index),
                        f"break {_quote(holiday.name.en)} ({holiday.start.isoformat()} to {holiday.end.isoformat()}) "
                        "is not inside any term; a break is a holiday inside one term (holidays between terms need no entry)",
                        None,
                    )
                )
        for field in ("inset_days", "closure_days"):
            days: list[date] = getattr(self, field)
            seen: set[date] = set()
            for index, day in enumerate(days):
                if day in seen:
                    problems.append(((field, index), f"{day.isoformat()} is listed twice", day.isoformat()))
                seen.add(day)
                if day.weekday() >= 5:
                    problems.append(((field, index), f"{day.isoformat()} is a {day:%A}, not a school day", day.isoformat()))
                elif not any(day in term for term in self.terms):
                    problems.append(((field, index), f"{day.isoformat()} is not inside any term", day.isoformat()))
        if not self.demo and any(period.demo for period in [*self.terms, *self.breaks]):
            problems.append((("demo",), "must be true when any term or break is marked demo", False))
        _raise_problems("Calendar", problems)
        return self

    def term_on(self, day: date) -> Period | None:
        return next((term for term in self.terms if day in term), None)

    def school_calendar(self) -> SchoolCalendar:
        """The council's calendar as the rules count it (school days, deadlines)."""
        return SchoolCalendar(
            terms=[(term.start, term.end) for term in self.terms],
            breaks=[(holiday.start, holiday.end) for holiday in self.breaks],
            inset_days=self.inset_days,
            closure_days=self.closure_days,
        )

    def is_school_day(self, day: date) -> bool:
        """A weekday in a term, not in a break, not INSET, not a closure, not a bank holiday.
        Outside the configured terms no day is a school day."""
        calendar = self.school_calendar()
        return calendar.covers(day) and calendar.is_school_day(day)


# --------------------------------------------------------------------------------------------
# Single sign-on (OpenID Connect) for the council's officers
# --------------------------------------------------------------------------------------------

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _issuer(value: str) -> str:
    from urllib.parse import urlsplit

    value = value.strip()
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    secure = parts is not None and host and (
        parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK_HOSTS))
    if not secure:
        raise _err(
            "issuer",
            "must be the identity provider's https:// address, exactly as it names itself, e.g. "
            f"\"https://login.microsoftonline.com/<directory-id>/v2.0\" (found {_quote(value)})",
        )
    if parts.query or parts.fragment or parts.username or parts.password or len(value) > 500:
        raise _err("issuer", f"must be a plain https:// address with no ? or # part and no user name (found {_quote(value)})")
    return value


Issuer = Annotated[str, AfterValidator(_issuer)]


def _env_name(value: str) -> str:
    if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,99}", value):
        raise _err(
            "env_name",
            "must be the NAME of an environment variable that holds the secret, in capitals, "
            f"e.g. \"SSO_SECRET_STOCKPORT\" (found {_quote(value)}); never the secret itself",
        )
    return value


EnvName = Annotated[str, AfterValidator(_env_name)]


class Sso(Model):
    """Officers sign in with the council's own OpenID Connect identity provider (its second
    factor included). The client secret lives in an environment variable, never in the file."""

    issuer: Issuer
    client_id: Text
    client_secret_env: EnvName
    display_name: LocalText
    scopes: Text = "openid email profile"

    @model_validator(mode="before")
    @classmethod
    def _no_secret_here(cls, data: Any) -> Any:
        if isinstance(data, dict) and "client_secret" in data:
            raise _err(
                "client_secret",
                "never write the client secret in this file: put it in an environment variable "
                "and give that variable's name as client_secret_env",
            )
        return data

    @field_validator("scopes")
    @classmethod
    def _openid_scope(cls, value: str) -> str:
        scopes = value.split()
        if "openid" not in scopes:
            raise _err("scopes", f"must include \"openid\" (found {_quote(value)})")
        if any(not re.fullmatch(r"[\x21\x23-\x5b\x5d-\x7e]+", scope) for scope in scopes):
            raise _err("scopes", f"must be scope names separated by spaces (found {_quote(value)})")
        return " ".join(dict.fromkeys(scopes))


# --------------------------------------------------------------------------------------------
# The tenant
# --------------------------------------------------------------------------------------------


class Tenant(Model):
    """One council, as configured in ``tenants/<slug>/tenant.toml``."""

    slug: Slug
    name: LocalText
    nation: Nation
    dfe_code: DfeCode
    reference_prefix: ReferencePrefix
    languages: list[Language] = Field(min_length=1)
    policy_source: Text
    demo_data_note: LocalText | None = None
    offered_forms: list[FormSlug] = Field(min_length=1)
    default_team: Key
    contacts: Contacts
    teams: list[Team] = Field(min_length=1)
    routing: list[RoutingRule] = []
    schools: list[School] = []
    thresholds: list[Threshold] = []
    returns: list[SchoolReturnConfig] = []
    no_show: NoShowPolicy | None = None
    cme_definition: CmeDefinition | None = None
    deletion: DeletionPolicy
    retention: Retention = Retention()
    checklist: list[ChecklistItem] = Field(min_length=1)
    letters: list[LetterTemplate] = []
    panels: list[Panel] = []
    workflow: Workflow
    dfe_return: DfeReturnSettings = Field(default_factory=DfeReturnSettings)
    ehe: EheSettings = Field(default_factory=EheSettings)
    calendar: Calendar
    sso: Sso | None = None

    @field_validator("offered_forms")
    @classmethod
    def _forms_once(cls, value: list[str]) -> list[str]:
        return _unique(value, "form")

    @model_validator(mode="after")
    def _cross_field_checks(self, info: ValidationInfo) -> "Tenant":
        context = info.context or {}
        problems: list[tuple[Loc, str, Any]] = []

        folder = context.get("folder")
        if folder is not None and self.slug != folder:
            problems.append(
                (("slug",), f"is {_quote(self.slug)} but the folder is {_quote(folder)}; they must be the same", self.slug)
            )

        known = context.get("known_la_codes")
        if known is not None:
            if self.dfe_code not in known:
                problems.append((("dfe_code",), f"{_quote(self.dfe_code)} is not a DfE LA code in the list of councils", self.dfe_code))
            elif known[self.dfe_code].casefold() not in self.name.en.casefold():
                problems.append(
                    (
                        ("dfe_code",),
                        f"{_quote(self.dfe_code)} is {known[self.dfe_code]} in the list of councils, not {_quote(self.name.en)}",
                        self.dfe_code,
                    )
                )

        if self.languages[0] != "en":
            problems.append((("languages",), 'must start with "en"', self.languages))
        if len(set(self.languages)) != len(self.languages):
            problems.append((("languages",), "lists a language twice", self.languages))
        if self.nation == "wales" and "cy" not in self.languages:
            problems.append((("languages",), 'a council in Wales must offer Welsh: add "cy"', self.languages))

        _duplicates(problems, self.teams, "teams", "team")
        team_keys = {team.key for team in self.teams}
        if self.default_team not in team_keys:
            problems.append((("default_team",), f"{_quote(self.default_team)} is not the key of any team in [[teams]]", self.default_team))

        _duplicates(problems, self.schools, "schools", "school", attr="laestab")
        school_numbers = {school.laestab for school in self.schools}
        for index, school in enumerate(self.schools):
            if not school.laestab.startswith(self.dfe_code):
                problems.append(
                    (
                        ("schools", index, "laestab"),
                        f"{_quote(school.laestab)} belongs to LA {school.laestab[:3]}, not this council ({self.dfe_code}); "
                        "a school number starts with the council's 3-digit code",
                        school.laestab,
                    )
                )

        for index, rule in enumerate(self.routing):
            if rule.team not in team_keys:
                problems.append((("routing", index, "team"), f"{_quote(rule.team)} is not the key of any team in [[teams]]", rule.team))
            for position, form in enumerate(rule.forms):
                if form not in self.offered_forms:
                    problems.append(
                        (("routing", index, "forms", position), f"{_quote(form)} is not in offered_forms", form)
                    )
            for position, laestab in enumerate(rule.schools):
                if laestab not in school_numbers:
                    problems.append(
                        (("routing", index, "schools", position), f"{_quote(laestab)} is not in this council's [[schools]]", laestab)
                    )

        _duplicates(problems, self.thresholds, "thresholds", "threshold")
        for index, threshold in enumerate(self.thresholds):
            for name in ("met_by_forms", "from_forms"):
                for position, form in enumerate(getattr(threshold, name)):
                    if form not in self.offered_forms:
                        problems.append((("thresholds", index, name, position),
                                         f"{_quote(form)} is not in offered_forms", form))
        for index, school_return in enumerate(self.returns):
            if school_return.form not in self.offered_forms:
                problems.append((("returns", index, "form"), f"{_quote(school_return.form)} is not in offered_forms", school_return.form))
            for position, laestab in enumerate(school_return.remind_schools):
                if laestab not in school_numbers:
                    problems.append((("returns", index, "remind_schools", position), f"{_quote(laestab)} is not in this council's [[schools]]", laestab))
        if "no-show" in self.offered_forms and self.no_show is None:
            problems.append((("no_show",), "offered_forms has \"no-show\": say the steps in [no_show]", None))
        _duplicates(problems, self.checklist, "checklist", "checklist item")
        _duplicates(problems, self.letters, "letters", "letter")
        threshold_keys = {threshold.key for threshold in self.thresholds}
        checklist_keys = {item.key for item in self.checklist}
        stage_keys = {stage.key for stage in self.workflow.stages}
        for index, letter in enumerate(self.letters):
            if letter.reply_threshold not in threshold_keys:
                problems.append((("letters", index, "reply_threshold"), f"{_quote(letter.reply_threshold)} is not the key of any [[thresholds]]", letter.reply_threshold))
            if letter.checklist_key and letter.checklist_key not in checklist_keys:
                problems.append((("letters", index, "checklist_key"), f"{_quote(letter.checklist_key)} is not the key of any [[checklist]] item", letter.checklist_key))
            follow = letter.on_no_reply
            if follow is not None and follow.team not in team_keys:
                problems.append((("letters", index, "on_no_reply", "team"), f"{_quote(follow.team)} is not the key of any team in [[teams]]", follow.team))
            if follow is not None and follow.stage and follow.stage not in stage_keys:
                problems.append((("letters", index, "on_no_reply", "stage"), f"{_quote(follow.stage)} is not the key of any stage in [workflow]", follow.stage))
        _duplicates(problems, self.returns, "returns", "return", attr="form")
        _duplicates(problems, self.panels, "panels", "panel")
        registers = set()
        for index, panel in enumerate(self.panels):
            for position, stage in enumerate(panel.criteria.stages):
                if stage not in stage_keys:
                    problems.append((("panels", index, "criteria", "stages", position),
                                     f"{_quote(stage)} is not the key of any stage in [workflow]", stage))
            if panel.keeps_register is not None:
                if panel.keeps_register in registers:
                    problems.append((("panels", index, "keeps_register"),
                                     f"{_quote(panel.keeps_register)} already lists another panel's children", panel.keeps_register))
                registers.add(panel.keeps_register)
        problems.extend(self.deletion.check(self.nation))
        checklist_keys = {item.key for item in self.checklist}
        if self.cme_definition is not None:
            for position, key in enumerate(self.cme_definition.checks):
                if key not in checklist_keys:
                    problems.append((("cme_definition", "checks", position),
                                     f"{_quote(key)} is not the key of any item in [[checklist]]", key))
            visit = self.cme_definition.home_visit
            if visit is not None and visit not in checklist_keys:
                problems.append((("cme_definition", "home_visit"),
                                 f"{_quote(visit)} is not the key of any item in [[checklist]]", visit))

        if "cy" in self.languages:
            for loc, text in _walk_local_texts(self):
                if not text.cy:
                    problems.append(
                        (
                            loc,
                            'has no Welsh: this council offers Welsh, so write { en = "...", cy = "..." }',
                            text.en,
                        )
                    )

        _raise_problems("Tenant", problems)
        return self

    # -- helpers for the pages -------------------------------------------------------------

    def display_name(self, locale: str | None = "en") -> str:
        return self.name.get(locale)

    def offers(self, form_slug: str) -> bool:
        return form_slug in self.offered_forms

    @property
    def welsh(self) -> bool:
        return "cy" in self.languages

    def team(self, key: str) -> Team:
        for team in self.teams:
            if team.key == key:
                return team
        raise KeyError(key)

    def school(self, laestab: str) -> School | None:
        return next((school for school in self.schools if school.laestab == laestab), None)

    def letter(self, key: str) -> LetterTemplate | None:
        return next((letter for letter in self.letters if letter.key == key), None)
    def school_return(self, form_slug: str) -> SchoolReturnConfig | None:
        return next((item for item in self.returns if item.form == form_slug), None)

    def threshold(self, key: str) -> Threshold:
        for threshold in self.thresholds:
            if threshold.key == key:
                return threshold
        raise KeyError(key)

    def route(
        self,
        form: str,
        *,
        laestab: str | None = None,
        postcode: str | None = None,
        flags: frozenset[str] | set[str] | tuple[str, ...] | list[str] = (),
    ) -> RouteDecision:
        """Which team (and officer) receives a submission: the first matching rule, else the
        default team."""
        for index, rule in enumerate(self.routing):
            if rule.matches(form, laestab=laestab, postcode=postcode, flags=flags):
                return RouteDecision(self.team(rule.team), rule.officer, rule.reason, index)
        default = self.team(self.default_team)
        return RouteDecision(default, None, LocalText(en=f"Default team: {default.name.en}", cy=f"Tîm diofyn: {default.name.cy}" if default.name.cy else None), None)
