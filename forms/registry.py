"""Question type -> WTForms field, the GOV.UK macro that draws it, and its validators.

Fields are drawn by templates/components/question.html with govuk-frontend-jinja's macros
directly: one template per page rather than one per field, the date input's traps handled
here once (three boxes, partial dates, the error linking to the day box), and every label in
the page's language.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from wtforms import Field, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.fields import RadioField, SelectField, TextAreaField

from forms import validators as v
from forms.schema import Question

TEXT_LIMITS = {"textarea": 5000, "upn": 20, "laestab": 12, "postcode": 12, "phone": 30,
               "email": 254, "number": 6}
DEFAULT_TEXT_LIMIT = 200


class GovDateField(Field):
    """A date typed in three boxes (day, month, year), posted as <name>-day etc."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = {"day": "", "month": "", "year": ""}
        self.partial = False

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.errors = []
        self.partial = False
        if formdata is not None and any(f"{self.name}-{p}" in formdata for p in self.parts):
            self.parts = {p: v.clean_text(formdata.get(f"{self.name}-{p}") or "").strip()[:8]
                          for p in self.parts}
            self.data = self._parse()
        else:
            self.data = data if isinstance(data, date) else _iso(data)
            if self.data:
                self.parts = {"day": str(self.data.day), "month": str(self.data.month),
                              "year": str(self.data.year)}

    def _parse(self) -> date | None:
        given = [p for p, value in self.parts.items() if value]
        if not given:
            return None
        if len(given) < 3:
            self.partial = True
            self.process_errors.append(v.message("date_incomplete"))
            return None
        try:
            day, month, year = (int(self.parts[p]) for p in ("day", "month", "year"))
            if year < 1900:
                self.partial = True
                self.process_errors.append(v.message("date_too_old"))
                return None
            return date(year, month, day)
        except ValueError:
            self.partial = True
            self.process_errors.append(v.message("date_not_real"))
            return None

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""


def _iso(value: Any) -> date | None:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


class GovCheckboxesField(SelectMultipleField):
    """Checkboxes: several options, none required unless the question says so."""

    def pre_validate(self, form) -> None:
        values = {value for value, _label in self.choices}
        if any(item not in values for item in self.data or []):
            raise ValidationError(v.message("choice"))


class GovRadioField(RadioField):
    def pre_validate(self, form) -> None:
        if self.data and self.data not in {value for value, _label in self.choices}:
            raise ValidationError(v.message("choice"))


class GovSelectField(SelectField):
    def pre_validate(self, form) -> None:
        if self.data and self.data not in {value for value, _label in self.choices}:
            raise ValidationError(v.message("choice"))


# type -> (field class, the macro in components/question.html, extra validators)
FIELD_TYPES: dict[str, tuple[type[Field], str, list[Callable]]] = {
    "text": (StringField, "input", []),
    "textarea": (TextAreaField, "textarea", []),
    "email": (StringField, "input", [v.check_email]),
    "phone": (StringField, "input", [v.check_phone]),
    "upn": (StringField, "input", [v.check_upn]),
    "laestab": (StringField, "input", [v.check_laestab]),
    "postcode": (StringField, "input", [v.check_postcode]),
    "number": (StringField, "input", [v.check_number]),
    "date": (GovDateField, "date", []),
    "yes_no": (GovRadioField, "radios", []),
    "radios": (GovRadioField, "radios", []),
    "checkboxes": (GovCheckboxesField, "checkboxes", []),
    "select": (GovSelectField, "select", []),
}

INPUT_ATTRIBUTES = {
    "email": {"type": "email", "autocomplete": "email", "spellcheck": False},
    "phone": {"type": "tel", "autocomplete": "tel"},
    "postcode": {"autocomplete": "off", "width": "10"},
    "upn": {"autocomplete": "off", "width": "10", "spellcheck": False},
    "laestab": {"autocomplete": "off", "width": "10", "inputmode": "numeric",
                "spellcheck": False},
    "number": {"inputmode": "numeric", "width": "3"},
}


def macro_for(question: Question) -> str:
    return FIELD_TYPES[question.type][1]


def text_limit(question: Question) -> int | None:
    if question.type in ("date", "yes_no", "radios", "checkboxes", "select"):
        return None
    return question.max_length or TEXT_LIMITS.get(question.type, DEFAULT_TEXT_LIMIT)


def character_count_text() -> dict:
    """The character count's words (GOV.UK Frontend shows them with JavaScript on), in the
    page's language. %{count} is filled in by GOV.UK Frontend."""
    from flask_babel import gettext as _

    remaining, remaining_one = (_("You have %{count} characters remaining"),
                                _("You have %{count} character remaining"))
    too_many, too_many_one = (_("You have %{count} characters too many"),
                              _("You have %{count} character too many"))
    plural = ("zero", "two", "few", "many", "other")
    return {
        "textareaDescriptionText": _("You can enter up to %{count} characters"),
        "charactersUnderLimitText": {"one": remaining_one, **{k: remaining for k in plural}},
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {"one": too_many_one, **{k: too_many for k in plural}},
    }
