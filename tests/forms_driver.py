"""Fills in a council's public form the way a person would: page by page through the test
client, with answers that fit each question's type. The children are invented."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from forms.journey import evaluate, page_by_key
from forms.schema import FormDefinition, Question

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')
REFERENCE = re.compile(r'id="reference">([A-Z]{3}-\d{4}-\d{6})<')
ERRORS = re.compile(r'govuk-error-message">\s*<span[^>]*>[^<]*</span>\s*([^<]*?)\s*<')

from tests.canary import CANARY_CHILD

# The invented canary child: the canary tests look for it where it must never appear.
CHILD_FIRST = CANARY_CHILD["first_name"]
CHILD_LAST = CANARY_CHILD["last_name"]
CHILD_DOB = date.fromisoformat(CANARY_CHILD["date_of_birth"])
ADDRESS = CANARY_CHILD["address"]
UPN = CANARY_CHILD["upn"]
POSTCODE = CANARY_CHILD["postcode"]


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def errors_of(html: str) -> list[str]:
    return [e.replace("&#39;", "'") for e in ERRORS.findall(html)]


def answer_for(question: Question, tenant, *, item: int = 0) -> dict[str, str | list[str]]:
    """Form fields (name -> value) answering one question sensibly."""
    key, kind = question.key, question.type
    if kind == "date":
        day = CHILD_DOB if question.column == "child_dob" or "dob" in key else date(2026, 9, 7)
        if question.not_before:
            day = date(2026, 10, 19)
        return {f"{key}-day": str(day.day), f"{key}-month": str(day.month),
                f"{key}-year": str(day.year)}
    if kind == "yes_no":
        return {key: "no" if question.urgent_if else "yes"}
    if kind in ("radios", "select"):
        if question.options:
            return {key: question.options[0].value}
        return {key: _first_choice(question, tenant)}
    if kind == "checkboxes":
        value = question.options[0].value if question.options else _first_choice(question, tenant)
        return {key: [value]}
    values = {
        "email": "sender@example.com", "phone": "01632 960001", "upn": UPN.lower(),
        "postcode": POSTCODE.lower().replace(" ", ""), "number": "2", "textarea": f"{ADDRESS}, Testtown",
        "laestab": tenant.schools[0].laestab if tenant.schools else f"{tenant.dfe_code}2000",
    }
    if kind in values:
        return {key: values[kind]}
    if question.column == "child_first_name":
        return {key: CHILD_FIRST}
    if question.column == "child_last_name":
        return {key: CHILD_LAST}
    return {key: f"Answer {key} {item}"}


def _first_choice(question: Question, tenant) -> str:
    from forms.builder import choices_for

    return choices_for(question, tenant, "en", date(2026, 11, 23))[0][0]


@dataclass
class Journey:
    client: object
    tenant: object
    definition: FormDefinition
    lang: str = ""
    typed: dict = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)
    overrides: dict = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/{self.tenant.slug}/forms/{self.definition.slug}"

    def _q(self) -> str:
        return f"?lang={self.lang}" if self.lang else ""

    def start(self) -> str:
        html = self.client.get(self.base + self._q()).get_data(as_text=True)
        response = self.client.post(self.base, data={"csrf_token": csrf_of(html)})
        assert response.status_code == 303, response.status_code
        return response.location

    def page_fields(self, page_key: str) -> dict:
        page = page_by_key(self.definition, page_key)
        answers = {}
        flat = {k: v for k, v in self.typed.items()}
        if page.repeat:
            for index in range(max(page.repeat.min, 1)):
                for question in page.questions:
                    if evaluate(question.when, flat, self.tenant):
                        for name, value in answer_for(question, self.tenant, item=index).items():
                            answers[f"items-{index}-{name}"] = value
            return answers
        for question in page.questions:
            if evaluate(question.when, flat, self.tenant):
                answers.update(self.overrides.get(question.key)
                               or answer_for(question, self.tenant))
        return answers

    def fill(self, location: str) -> str:
        """Answer pages until check your answers; returns its address."""
        for _ in range(40):
            if location.endswith("/check"):
                return location
            page_key = location.rsplit("/", 1)[1].split("?")[0]
            self.visited.append(location)
            html = self.client.get(location).get_data(as_text=True)
            fields = self.page_fields(page_key)
            response = self.client.post(location, data={"csrf_token": csrf_of(html), **fields})
            assert response.status_code == 303, (location, errors_of(response.get_data(as_text=True)))
            for name, value in fields.items():
                if not name.startswith("items-"):
                    self.typed[name] = value
            location = response.location
        raise AssertionError("the journey did not reach check your answers")

    def send(self) -> tuple[str, object]:
        check = self.client.get(self.base + "/check")
        assert check.status_code == 200
        html = check.get_data(as_text=True)
        response = self.client.post(self.base + "/check", data={
            "csrf_token": csrf_of(html), "submission_token": TOKEN.search(html).group(1)})
        assert response.status_code == 303, response.status_code
        confirmation = self.client.get(response.location)
        return REFERENCE.search(confirmation.get_data(as_text=True)).group(1), confirmation

    def complete(self) -> str:
        self.fill(self.start())
        reference, _ = self.send()
        return reference
