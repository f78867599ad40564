"""Checks on answers, each failing with a whole, translatable GOV.UK-style sentence.

The question's own sentences (required, not before another date) come from its definition in
English and Welsh; the rest are the same for every question and live here, in one place.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import StopValidation, ValidationError

from portal.rules.laestab import LaestabError, validate_laestab
from portal.rules.postcode import validate_postcode
from portal.rules.upn import UpnError, validate_upn

MESSAGES = {
    "date_incomplete": _l("The date must include a day, a month and a year"),
    "date_not_real": _l("Enter a real date, for example 27 3 2012"),
    "date_future": _l("The date must be today or in the past"),
    "date_too_old": _l("Enter a date after 1 January 1900"),
    "upn_length": _l("Enter a unique pupil number (UPN) of 13 characters, like B801200005001"),
    "upn_characters": _l("A unique pupil number (UPN) uses only digits and capital letters, "
                         "and never the letters I, O or S"),
    "upn_check_letter": _l("Check the unique pupil number (UPN): its first letter does not match "
                           "the rest of the number"),
    "laestab_length": _l("Enter a DfE number of 7 digits, like 3562000"),
    "laestab_digits": _l("A DfE number has only digits, like 3562000"),
    "postcode": _l("Enter a real postcode, like SK1 3TA"),
    "email": _l("Enter an email address in the correct format, like name@example.com"),
    "phone": _l("Enter a telephone number, like 01632 960 001 or 07700 900 982"),
    "number": _l("Enter a whole number, like 3"),
    "too_long": _l("The answer must be %(max)d characters or fewer"),
    "choice": _l("Select one of the options"),
}

# One address only: no commas or semicolons that would add recipients.
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[A-Za-z]{2,}$")
PHONE_CHARACTERS = re.compile(r"^[0-9 ()+\-]+$")


_KEEP = {"\t", "\n", "\r"}


def clean_text(value):
    """Drop what no person types: control characters, surrogates, private-use and unassigned
    code points (a page that echoed them back would not be valid HTML)."""
    if not isinstance(value, str):
        return value
    if value.isprintable() and value.isascii():
        return value
    return "".join(ch for ch in value
                   if ch in _KEEP or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))


def message(key: str, **values) -> str:
    text = MESSAGES[key]
    return str(text) % values if values else str(text)


class Required:
    """Stops with the question's own sentence when nothing was given."""

    def __init__(self, sentence: str):
        self.sentence = sentence
        self.field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        data = field.data
        empty = data is None or (isinstance(data, str) and not data.strip()) or data == []
        if getattr(field, "partial", False):
            return  # a part-filled date reports its own problem
        if empty:
            field.errors[:] = []
            raise StopValidation(self.sentence)


class MaxLength:
    def __init__(self, maximum: int):
        self.maximum = maximum

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and len(field.data) > self.maximum:
            raise ValidationError(message("too_long", max=self.maximum))


def check_upn(form, field) -> None:
    if not field.data:
        return
    result = validate_upn(field.data)
    if not result.valid:
        raise ValidationError(message({
            UpnError.WRONG_LENGTH: "upn_length", UpnError.BAD_CHARACTERS: "upn_characters",
            UpnError.BAD_CHECK_LETTER: "upn_check_letter"}.get(result.error, "upn_length")))
    field.data = result.normalised


def check_laestab(form, field) -> None:
    if not field.data:
        return
    result = validate_laestab(field.data)
    if not result.valid:
        raise ValidationError(message("laestab_digits" if result.error == LaestabError.NOT_DIGITS
                                      else "laestab_length"))
    field.data = result.normalised


def check_postcode(form, field) -> None:
    if not field.data:
        return
    result = validate_postcode(field.data)
    if not result.valid:
        raise ValidationError(message("postcode"))
    field.data = result.normalised


def check_email(form, field) -> None:
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError(message("email"))
    if field.data:
        field.data = field.data.strip()


def check_phone(form, field) -> None:
    if not field.data:
        return
    digits = re.sub(r"\D", "", field.data)
    if not PHONE_CHARACTERS.match(field.data.strip()) or not 10 <= len(digits) <= 15:
        raise ValidationError(message("phone"))


def check_number(form, field) -> None:
    if field.data and not re.fullmatch(r"\s*\d{1,4}\s*", field.data):
        raise ValidationError(message("number"))


class NotInFuture:
    def __init__(self, today: date):
        self.today = today

    def __call__(self, form, field) -> None:
        if isinstance(field.data, date) and field.data > self.today:
            raise ValidationError(message("date_future"))


class NotBefore:
    """This date is on or after another answer (e.g. deletion after last attendance), given
    on this page or an earlier one."""

    def __init__(self, other_key: str, earlier: date | None, sentence: str):
        self.other_key = other_key
        self.earlier = earlier
        self.sentence = sentence

    def __call__(self, form, field) -> None:
        other = form._fields.get(self.other_key)
        earlier = other.data if other is not None else self.earlier
        if isinstance(field.data, date) and isinstance(earlier, date) and field.data < earlier:
            raise ValidationError(self.sentence)


class AtLeast:
    """A whole number no smaller than the question's minimum (check_number runs first)."""

    def __init__(self, minimum: int, sentence: str):
        self.minimum = minimum
        self.sentence = sentence

    def __call__(self, form, field) -> None:
        data = (field.data or "").strip() if isinstance(field.data, str) else field.data
        if isinstance(data, str) and data.isdigit() and int(data) < self.minimum:
            raise ValidationError(self.sentence)


class Matches:
    """Text of a set shape (the question's pattern), e.g. a DfE number or XXXXXXX."""

    def __init__(self, pattern: str, sentence: str):
        self.pattern = re.compile(pattern)
        self.sentence = sentence

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and field.data.strip() and not self.pattern.fullmatch(
                field.data.strip().upper()):
            raise ValidationError(self.sentence)
        if isinstance(field.data, str):
            field.data = field.data.strip().upper() if field.data.strip() else field.data
