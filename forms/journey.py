"""Which pages and questions apply, in what order, and what the answers add up to.

Pure functions over a definition and the answers so far (a dict: question key -> value, and
add-another page key -> list of item dicts). No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from forms.schema import Condition, FormDefinition, Page, Question
from portal.tenant_config import Tenant

CHECK = "check"


def _value(answers: dict, key: str) -> Any:
    return answers.get(key)


def evaluate(condition: Condition | None, answers: dict, tenant: Tenant) -> bool:
    if condition is None:
        return True
    if condition.nation is not None:
        return tenant.nation == condition.nation
    if condition.all is not None:
        return all(evaluate(inner, answers, tenant) for inner in condition.all)
    if condition.any is not None:
        return any(evaluate(inner, answers, tenant) for inner in condition.any)
    value = _value(answers, condition.question)
    values = value if isinstance(value, list) else [value]
    if condition.answered is not None:
        return bool(value) == condition.answered
    if condition.equals is not None:
        return condition.equals in values
    if condition.not_equals is not None:
        return condition.not_equals not in values
    return any(item in condition.is_in for item in values)


def visible_pages(definition: FormDefinition, answers: dict, tenant: Tenant) -> list[Page]:
    return [page for page in definition.pages if evaluate(page.when, answers, tenant)]


def visible_questions(page: Page, answers: dict, tenant: Tenant) -> list[Question]:
    return [q for q in page.questions if evaluate(q.when, answers, tenant)]


def page_by_key(definition: FormDefinition, key: str) -> Page | None:
    return next((page for page in definition.pages if page.key == key), None)


def next_page_key(definition: FormDefinition, current: str, answers: dict,
                  tenant: Tenant) -> str:
    keys = [page.key for page in visible_pages(definition, answers, tenant)]
    if current in keys and keys.index(current) + 1 < len(keys):
        return keys[keys.index(current) + 1]
    return CHECK


def previous_page_key(definition: FormDefinition, current: str, answers: dict,
                      tenant: Tenant) -> str | None:
    keys = [page.key for page in visible_pages(definition, answers, tenant)]
    if current == CHECK:
        return keys[-1] if keys else None
    if current in keys and keys.index(current) > 0:
        return keys[keys.index(current) - 1]
    return None


def page_complete(page: Page, answers: dict, tenant: Tenant) -> bool:
    """Has the page been answered (each required question, or the add-another minimum)?"""
    if page.repeat:
        items = answers.get(page.key)
        if items is None:
            return False
        return len(items) >= page.repeat.min
    return all(answers.get(q.key) not in (None, "", [])
               for q in visible_questions(page, answers, tenant) if q.required) and any(
        q.key in answers for q in page.questions)


def first_incomplete_page(definition: FormDefinition, answers: dict,
                          tenant: Tenant) -> str | None:
    for page in visible_pages(definition, answers, tenant):
        if not page_complete(page, answers, tenant):
            return page.key
    return None


def prune(definition: FormDefinition, answers: dict, tenant: Tenant) -> dict:
    """Only the answers to pages and questions that apply now (a changed answer can hide a
    whole branch: what was typed there is not sent)."""
    kept: dict[str, Any] = {}
    for page in visible_pages(definition, answers, tenant):
        if page.repeat:
            if page.key in answers:
                kept[page.key] = answers[page.key]
            continue
        for question in visible_questions(page, answers, tenant):
            if question.key in answers:
                kept[question.key] = answers[question.key]
    return kept


def is_urgent(definition: FormDefinition, answers: dict) -> bool:
    return any(q.urgent_if is not None and answers.get(q.key) == q.urgent_if
               for page in definition.pages if not page.repeat for q in page.questions)


def columns(definition: FormDefinition, answers: dict) -> dict[str, Any]:
    """The typed columns of the stored submission, from the questions that fill them."""
    found: dict[str, Any] = {}
    for page in definition.pages:
        for question in page.questions:
            if question.column and answers.get(question.key) not in (None, ""):
                value = answers[question.key]
                if question.type == "date":
                    value = date.fromisoformat(value)
                found[question.column] = value
    return found


@dataclass(frozen=True)
class SummaryRow:
    question: Question
    value: Any
    page_key: str
    item: int | None = None


@dataclass(frozen=True)
class SummarySection:
    page: Page
    rows: list[SummaryRow]
    item: int | None = None


def summary(definition: FormDefinition, answers: dict, tenant: Tenant) -> list[SummarySection]:
    """Check your answers: a section per page (per item on add-another pages)."""
    sections: list[SummarySection] = []
    for page in visible_pages(definition, answers, tenant):
        if page.repeat:
            for index, item in enumerate(answers.get(page.key) or []):
                sections.append(SummarySection(page, [
                    SummaryRow(q, item.get(q.key), page.key, index) for q in page.questions
                    if evaluate(q.when, {**answers, **item}, tenant)], index))
            continue
        rows = [SummaryRow(q, answers.get(q.key), page.key)
                for q in visible_questions(page, answers, tenant)]
        if rows:
            sections.append(SummarySection(page, rows))
    return sections
