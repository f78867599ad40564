"""Pupil rows checked against a return's definition: each row as the one-pupil form would check
it (the same validators and sentences, forms/builder.py), plus what only a list can get wrong
(the same pupil twice). Every problem is reported with its row and column; nothing is filed
unless there are none."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import Form

from forms.builder import make_field, serialise
from forms.registry import GovDateField
from forms.schema import FormDefinition, Question
from portal.tenant_config import Tenant

MAX_ROWS = 5000
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


@dataclass(frozen=True)
class RowError:
    row: int           # as the school sees it: a CSV's row number (the header is row 1)
    column: str        # the column's key (a CSV heading), or "" for the whole row
    message: str


@dataclass
class CheckedRows:
    rows: list[dict] = field(default_factory=list)      # (row number, answers) when valid
    numbers: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def date_parts(value: str) -> dict[str, str] | None:
    """A cell's date as the date field's three boxes: 27/03/2012 or 2012-03-27."""
    match = _DMY.match(value)
    if match:
        return {"day": match[1], "month": match[2], "year": match[3]}
    match = _ISO.match(value)
    if match:
        return {"day": match[3], "month": match[2], "year": match[1]}
    return None


class RowChecker:
    """Built once per return (a form class of the pupil questions), used for every row."""

    def __init__(self, definition: FormDefinition, tenant: Tenant, locale: str, today: date):
        self.definition = definition
        self.questions: list[Question] = definition.row_questions()
        self.keys = [q.key for q in self.questions]
        self.required = [q.key for q in self.questions if q.required]
        # not_before compares with another answer of the same row, so the fields are built
        # without an earlier page's answer: the form's own field is used (forms/validators.py)
        fields = {q.key: make_field(q, tenant=tenant, locale=locale, today=today, answers={})
                  for q in self.questions}
        self.form_class = type("ReturnRowForm", (Form,), fields)
        self.date_keys = {q.key for q in self.questions if q.type == "date"}

    def check(self, number: int, raw: dict[str, str]) -> tuple[dict | None, list[RowError]]:
        errors: list[RowError] = []
        data = MultiDict()
        for key in self.keys:
            value = (raw.get(key) or "").strip()
            if key in self.date_keys:
                if not value:
                    continue
                parts = date_parts(value)
                if parts is None:
                    errors.append(RowError(number, key, _(
                        "Enter the date as day/month/year, like 27/03/2012")))
                    continue
                for part, text in parts.items():
                    data[f"{key}-{part}"] = text
            elif value:
                data[key] = value
        form = self.form_class(formdata=data)
        form.validate()
        for key in self.keys:
            field_ = form[key]
            if field_.errors and not any(e.column == key for e in errors):
                errors.append(RowError(number, key, str(field_.errors[0])))
        if errors:
            return None, errors
        answers = {}
        for key in self.keys:
            value = serialise(form[key].data)
            if value not in (None, "", []):
                answers[key] = value
        return answers, []


def pupil_key(answers: dict) -> tuple:
    """Who a row is: the UPN when given, else the names and date of birth."""
    if answers.get("upn"):
        return ("upn", answers["upn"])
    return ("name", (answers.get("child_first_name") or "").casefold(),
            (answers.get("child_last_name") or "").casefold(), answers.get("child_dob"))


def check_rows(checker: RowChecker, numbered_rows: list[tuple[int, dict]]) -> CheckedRows:
    result = CheckedRows()
    if not numbered_rows:
        result.errors.append(RowError(0, "", _("The file has no pupils in it")))
        return result
    if len(numbered_rows) > MAX_ROWS:
        result.errors.append(RowError(0, "", _(
            "A return can have up to %(max)d pupils: send the rest in another return",
            max=MAX_ROWS)))
        return result
    seen: dict[tuple, int] = {}
    for number, raw in numbered_rows:
        answers, errors = checker.check(number, raw)
        if errors:
            result.errors += errors
            continue
        key = pupil_key(answers)
        if key in seen:
            result.errors.append(RowError(number, "upn" if key[0] == "upn" else "", _(
                "This pupil is also in row %(row)d: list each pupil once", row=seen[key])))
            continue
        seen[key] = number
        result.rows.append(answers)
        result.numbers.append(number)
    return result
