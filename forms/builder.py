"""Definition + council + language -> a FlaskForm class for one page, built per request."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField

from forms import validators as v
from forms.journey import visible_questions
from forms.registry import FIELD_TYPES, GovDateField, text_limit
from forms.schema import FormDefinition, Page, Question
from portal.rules.deletion_grounds import ruleset_for
from portal.tenant_config import Tenant

ITEMS = "items"


def choices_for(question: Question, tenant: Tenant, locale: str, today: date
                ) -> list[tuple[str, str]]:
    if question.type == "yes_no":
        return [("yes", _("Yes")), ("no", _("No"))]
    if question.options_from == "deletion_grounds":
        ruleset = ruleset_for(tenant.nation, today)
        return [(g.key, f"{g.label.get(locale)} ({g.citation.get(locale)})")
                for g in ruleset.grounds]
    if question.options_from == "no_show_steps":
        steps = tenant.no_show.steps if tenant.no_show else []
        return [(step.key, step.label.get(locale)) for step in steps]
    if question.options_from in ("school_checklist", "checklist_all"):
        return [(item.key, item.label.get(locale)) for item in tenant.checklist
                if question.options_from == "checklist_all" or item.kind == "school"]
    return [(option.value, option.label.get(locale)) for option in question.options]


def option_hints(question: Question, locale: str) -> dict[str, str]:
    return {o.value: o.hint.get(locale) for o in question.options if o.hint}


def make_field(question: Question, *, tenant: Tenant, locale: str, today: date,
               answers: dict):
    field_class, _macro, extra = FIELD_TYPES[question.type]
    checks: list[Any] = []
    if question.required:
        checks.append(v.Required(question.required_error.get(locale)))
    limit = text_limit(question)
    if limit:
        checks.append(v.MaxLength(limit))
    checks += extra
    if question.past:
        checks.append(v.NotInFuture(today))
    if question.min_value is not None:
        checks.append(v.AtLeast(question.min_value, question.min_value_error.get(locale)))
    if question.pattern is not None:
        checks.append(v.Matches(question.pattern, question.pattern_error.get(locale)))
    if question.not_before:
        earlier = answers.get(question.not_before)
        checks.append(v.NotBefore(question.not_before,
                                  date.fromisoformat(earlier) if isinstance(earlier, str)
                                  and earlier else None,
                                  question.not_before_error.get(locale)))
    kwargs: dict[str, Any] = {"label": question.label.get(locale), "validators": checks,
                              "filters": [v.clean_text],
                              "description": question.hint.get(locale) if question.hint else ""}
    if question.type in ("yes_no", "radios", "checkboxes", "select"):
        kwargs["choices"] = choices_for(question, tenant, locale, today)
        kwargs["validate_choice"] = False
    if field_class is GovDateField:
        kwargs.pop("filters")
    return field_class(**kwargs)


def build_page_form(definition: FormDefinition, page: Page, *, tenant: Tenant, locale: str,
                    today: date, answers: dict) -> type[FlaskForm]:
    """The form class for one page. An add-another page is a list of item sub-forms."""
    questions = visible_questions(page, answers, tenant)
    fields = {q.key: make_field(q, tenant=tenant, locale=locale, today=today, answers=answers)
              for q in questions}
    if page.repeat is None:
        return type(f"{page.key.title().replace('_', '')}Form", (FlaskForm,), fields)
    item_form = type(f"{page.key.title().replace('_', '')}ItemForm", (Form,), fields)
    return type(f"{page.key.title().replace('_', '')}Form", (FlaskForm,), {
        ITEMS: FieldList(FormField(item_form), min_entries=0, max_entries=page.repeat.max)})


def serialise(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    if isinstance(value, list):
        return [serialise(item) for item in value]
    return value


def page_answers(form: FlaskForm, page: Page) -> dict[str, Any]:
    """What the page's form holds, ready to keep in the draft (JSON)."""
    if page.repeat is None:
        return {name: serialise(field.data) for name, field in form._fields.items()
                if name != "csrf_token"}
    items = [{name: serialise(sub.data) for name, sub in entry.form._fields.items()}
             for entry in form[ITEMS].entries]
    return {page.key: items}


def initial_data(page: Page, answers: dict) -> dict[str, Any]:
    if page.repeat is None:
        return {q.key: answers.get(q.key) for q in page.questions if q.key in answers}
    return {ITEMS: answers.get(page.key) or []}


def error_list(form) -> list[dict[str, str]]:
    """The error summary's list: each problem once, linking to the box to fix (a date's day)."""
    found: list[dict[str, str]] = []

    def walk(fields) -> None:
        for field in fields:
            if field.name == "csrf_token":
                continue
            if isinstance(field, FieldList):
                for entry in field.entries:
                    walk(entry.form if isinstance(entry, FormField) else [entry])
                continue
            if field.errors:
                anchor = f"{field.id}-day" if isinstance(field, GovDateField) else field.id
                found.append({"text": str(field.errors[0]), "href": f"#{anchor}"})

    walk(form)
    return found
