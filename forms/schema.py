"""The shape of a form definition (forms/definitions/<form-slug>.yaml) and of a council's
overlay of it (tenants/<slug>/forms/<form-slug>.yaml).

A definition is pages of questions. Each question has a type (see forms/registry.py), English
and Welsh text side by side, and optional rules: required (with its own error sentence),
conditions, a typed column it fills on the stored submission, and checks such as "not in the
future" or "not before another date".
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from portal.tenant_config.schema import FORM_SLUGS, Flag, Key, LocalText

QuestionType = Literal[
    "text", "textarea", "email", "phone", "date", "yes_no", "radios", "checkboxes", "select",
    "upn", "laestab", "postcode", "number",
]
OPTION_TYPES = {"radios", "checkboxes", "select"}
# What a question may fill on the stored submission, so the back-office can filter and match.
Column = Literal["child_first_name", "child_last_name", "child_dob", "upn", "postcode",
                 "school_laestab", "sender_email", "sender_name"]
OptionsFrom = Literal["deletion_grounds", "school_checklist", "checklist_all", "no_show_steps"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Model):
    """When a page or question applies. Exactly one kind of test per condition."""

    question: Key | None = None
    equals: str | None = None
    not_equals: str | None = None
    is_in: list[str] | None = Field(default=None, alias="in")
    answered: bool | None = None
    nation: Literal["england", "wales"] | None = None
    all: list["Condition"] | None = None
    any: list["Condition"] | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_test(self) -> "Condition":
        tests = [self.equals is not None, self.not_equals is not None, self.is_in is not None,
                 self.answered is not None]
        if self.question is not None and sum(tests) != 1:
            raise ValueError("a question condition needs exactly one of equals, not_equals, in, "
                             "answered")
        if self.question is None and any(tests):
            raise ValueError("equals, not_equals, in and answered need a question")
        kinds = [self.question is not None, self.nation is not None, self.all is not None,
                 self.any is not None]
        if sum(kinds) != 1:
            raise ValueError("a condition tests exactly one of question, nation, all, any")
        return self

    def questions(self) -> set[str]:
        found = {self.question} if self.question else set()
        for inner in (self.all or []) + (self.any or []):
            found |= inner.questions()
        return found


class Option(Model):
    value: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.()-]+$")
    label: LocalText
    hint: LocalText | None = None


class Question(Model):
    key: Key
    type: QuestionType
    label: LocalText
    hint: LocalText | None = None
    required: bool = False
    required_error: LocalText | None = None
    options: list[Option] = []
    options_from: OptionsFrom | None = None
    when: Condition | None = None
    column: Column | None = None
    max_length: int | None = Field(default=None, gt=0, le=10_000)
    # numbers: the smallest accepted (a return of 10 or more days' absence), with its sentence
    min_value: int | None = Field(default=None, ge=0)
    min_value_error: LocalText | None = None
    # text: the shape it must have (a regular expression), with its sentence
    pattern: str | None = Field(default=None, max_length=200)
    pattern_error: LocalText | None = None
    # dates
    past: bool = False
    not_before: Key | None = None
    not_before_error: LocalText | None = None
    school_age_warning: bool = False
    # safeguarding: this answer makes the submission urgent
    urgent_if: str | None = None
    # the label is the page heading (one question on the page)
    is_page_heading: bool = False
    width: Literal["full", "three-quarters", "two-thirds", "one-half", "one-third", "20", "10",
                   "5", "4", "3", "2"] | None = None
    autocomplete: str | None = None

    @model_validator(mode="after")
    def _check(self) -> "Question":
        if self.required and self.required_error is None:
            raise ValueError("a required question needs required_error: the sentence shown when "
                             "it is not answered, e.g. \"Enter the child's first name\"")
        if self.type in OPTION_TYPES and not (self.options or self.options_from):
            raise ValueError(f"a {self.type} question needs options or options_from")
        if self.type not in OPTION_TYPES and (self.options or self.options_from):
            raise ValueError(f"a {self.type} question cannot have options")
        if self.type != "date" and (self.past or self.not_before or self.school_age_warning):
            raise ValueError("past, not_before and school_age_warning are for date questions")
        if self.not_before and self.not_before_error is None:
            raise ValueError("not_before needs not_before_error: the sentence shown when the date "
                             "is too early")
        if self.column == "child_dob" and self.type != "date":
            raise ValueError("the child_dob column needs a date question")
        if (self.min_value is None) != (self.min_value_error is None) or (
                self.min_value is not None and self.type != "number"):
            raise ValueError("min_value is for number questions and needs min_value_error")
        if (self.pattern is None) != (self.pattern_error is None):
            raise ValueError("pattern needs pattern_error: the sentence shown when it does not "
                             "match")
        if self.urgent_if is not None and self.type not in ("yes_no", "radios"):
            raise ValueError("urgent_if is for yes_no and radios questions")
        return self


class Repeat(Model):
    """An add-another page: its questions are asked once per item."""

    min: int = Field(default=1, ge=0, le=20)
    max: int = Field(default=10, ge=1, le=50)
    item_label: LocalText
    add_label: LocalText

    @model_validator(mode="after")
    def _range(self) -> "Repeat":
        if self.max < max(self.min, 1):
            raise ValueError("max must be at least min (and at least 1)")
        return self


class Page(Model):
    key: Key
    title: LocalText
    guidance: LocalText | None = None
    when: Condition | None = None
    repeat: Repeat | None = None
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> "Page":
        if self.repeat and any(q.column for q in self.questions):
            raise ValueError("a question on an add-another page cannot fill a column")
        if self.repeat and any(q.urgent_if for q in self.questions):
            raise ValueError("a question on an add-another page cannot set urgent_if")
        return self


class FormDefinition(Model):
    slug: str
    title: LocalText
    summary: LocalText
    who: LocalText
    before_you_start: list[LocalText] = []
    # Flags every submission of this form carries for routing (e.g. the EHE notification: ehe).
    routing_flags: list[Flag] = []
    pages: list[Page] = Field(min_length=1)
    # A statutory return (portal/returns/): this page is asked once for the whole return (the
    # school); every other page is one pupil's row, so many pupils can be sent at once.
    bulk_school_page: Key | None = None
    # A return that a Common Transfer File can fill (its pupils' questions are in a CTF).
    ctf: bool = False
    # Pupil questions a CTF cannot answer (e.g. the legal ground for deletion): asked once on
    # the upload page for every pupil of the file (a CTF is one destination for all its pupils).
    ctf_asks: list[Key] = []
    # Rows the law exempts from the return (portal/rules/returns.py), shown, never filed.
    exemption: Literal["junior_class_first_day", "senior_class_final_term"] | None = None

    @field_validator("slug")
    @classmethod
    def _known_slug(cls, value: str) -> str:
        if value not in FORM_SLUGS:
            raise ValueError(f"must be one of {', '.join(FORM_SLUGS)} (found {value!r})")
        return value

    @model_validator(mode="after")
    def _check(self) -> "FormDefinition":
        check_pages(self.pages)
        if self.bulk_school_page is not None:
            if self.bulk_school_page not in {page.key for page in self.pages}:
                raise ValueError(f"bulk_school_page {self.bulk_school_page!r} is not a page")
            if any(page.repeat or page.when for page in self.pages):
                raise ValueError("a return's pages have no conditions and no add-another")
        unknown = set(self.ctf_asks) - {q.key for q in self.row_questions()}
        if unknown or (self.ctf_asks and not self.ctf):
            raise ValueError(f"ctf_asks must be pupil questions of a CTF return: {sorted(unknown)}")
        if (self.ctf or self.exemption) and self.bulk_school_page is None:
            raise ValueError("ctf and exemption are for returns (bulk_school_page)")
        return self

    def row_questions(self) -> list[Question]:
        """A return's questions asked once per pupil (every page but the school's)."""
        return [q for page in self.pages if page.key != self.bulk_school_page
                for q in page.questions if q.when is None]

    def school_questions(self) -> list[Question]:
        page = next((p for p in self.pages if p.key == self.bulk_school_page), None)
        return list(page.questions) if page else []

    def all_questions(self) -> dict[str, tuple[Page, Question]]:
        return {q.key: (page, q) for page in self.pages for q in page.questions}


def check_pages(pages: list[Page]) -> None:
    """Keys unique, columns used once, conditions and not_before refer to earlier questions."""
    seen_pages: set[str] = set()
    seen: dict[str, Question] = {}
    columns: set[str] = set()
    for page in pages:
        if page.key in seen_pages or page.key in ("check", "confirmation", "receipt", "start"):
            raise ValueError(f"page key {page.key!r} is used twice or is reserved")
        seen_pages.add(page.key)
        earlier = set(seen)
        if page.when:
            _refers_back(page.when, earlier, f"page {page.key!r}")
        for question in page.questions:
            if question.key in seen:
                raise ValueError(f"question key {question.key!r} is used twice")
            if question.when:
                _refers_back(question.when, earlier, f"question {question.key!r}")
            if question.not_before and question.not_before not in seen and not any(
                    q.key == question.not_before for q in page.questions):
                raise ValueError(f"question {question.key!r}: not_before refers to "
                                 f"{question.not_before!r}, which is not a question of this form")
            if question.column:
                if question.column in columns:
                    raise ValueError(f"column {question.column!r} is filled by two questions")
                columns.add(question.column)
            seen[question.key] = question
        for question in page.questions:
            seen[question.key] = question


def _refers_back(condition: Condition, earlier: set[str], where: str) -> None:
    unknown = condition.questions() - earlier
    if unknown:
        raise ValueError(f"{where}: its condition refers to {sorted(unknown)}, which must be "
                         "questions on earlier pages")


class Relabel(Model):
    label: LocalText | None = None
    hint: LocalText | None = None
    required_error: LocalText | None = None


class AddQuestions(Model):
    page: Key
    questions: list[Question] = Field(min_length=1)


class Overlay(Model):
    """A council's changes to a form: wording, guidance, hidden questions, extra questions."""

    title: LocalText | None = None
    summary: LocalText | None = None
    before_you_start: list[LocalText] | None = None
    guidance: dict[str, LocalText] = {}
    relabel: dict[str, Relabel] = {}
    hide: list[Key] = []
    add: list[AddQuestions] = []
    add_pages: list[Page] = []


def local_text_paths(value: Any, path: str = "") -> list[tuple[str, LocalText]]:
    """Every LocalText in a definition, with where it is (for the Welsh completeness check)."""
    found: list[tuple[str, LocalText]] = []
    if isinstance(value, LocalText):
        return [(path, value)]
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += local_text_paths(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += local_text_paths(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += local_text_paths(item, f"{path}.{key}")
    return found
