"""Read the form definitions and every council's overlays, and check them at start-up.

The result is one effective definition per (council, form): the shared definition, with the
safeguarding page first, and the council's overlay applied. A mistake is reported with the
file, the key and what is wrong, and the portal does not start.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import yaml
from pydantic import BaseModel, ValidationError

from forms.schema import FormDefinition, Overlay, Page, check_pages, local_text_paths
from portal.tenant_config import Tenant
from portal.tenant_config.loader import Problem, error_message, format_loc

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
SAFEGUARDING_PAGE = DEFINITIONS / "_safeguarding.yaml"


class FormDefinitionError(Exception):
    """One or more form files are wrong. ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def _label(path: Path) -> str:
    return "/".join(path.parts[-3:])


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormDefinitionError([Problem(_label(path), "", "file not found")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise FormDefinitionError([Problem(_label(path), "", f"not valid YAML: {exc}", line)]) \
            from None


def _validate(model: type[BaseModel], data: Any, path: Path):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FormDefinitionError([
            Problem(_label(path), format_loc(error["loc"]), error_message(error, model))
            for error in exc.errors()]) from None


def load_definitions(directory: Path = DEFINITIONS) -> dict[str, FormDefinition]:
    """Every shared definition, each with the safeguarding page put first."""
    safeguarding = _validate(Page, _read_yaml(directory / SAFEGUARDING_PAGE.name),
                             directory / SAFEGUARDING_PAGE.name)
    definitions: dict[str, FormDefinition] = {}
    problems: list[Problem] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        try:
            data = _read_yaml(path)
            if not isinstance(data, dict):
                raise FormDefinitionError([Problem(_label(path), "", "must be a mapping")])
            if data.get("slug") != path.stem:
                raise FormDefinitionError([Problem(_label(path), "slug",
                                                   f"must be {path.stem!r}, the file's name")])
            data = {**data, "pages": [safeguarding.model_dump(by_alias=True, exclude_none=True)]
                    + list(data.get("pages") or [])}
            definitions[path.stem] = _validate(FormDefinition, data, path)
        except FormDefinitionError as exc:
            problems += exc.problems
    if problems:
        raise FormDefinitionError(problems)
    return definitions


def apply_overlay(definition: FormDefinition, overlay: Overlay, path: Path) -> FormDefinition:
    """The council's wording, guidance, hidden and extra questions on top of a definition."""
    known = definition.all_questions()
    page_keys = {page.key for page in definition.pages}
    problems = [Problem(_label(path), f"hide[{i}]", f"no question {key!r} in this form")
                for i, key in enumerate(overlay.hide) if key not in known]
    problems += [Problem(_label(path), f"relabel.{key}", f"no question {key!r} in this form")
                 for key in overlay.relabel if key not in known]
    problems += [Problem(_label(path), f"guidance.{key}", f"no page {key!r} in this form")
                 for key in overlay.guidance if key not in page_keys]
    problems += [Problem(_label(path), f"add[{i}].page", f"no page {add.page!r} in this form")
                 for i, add in enumerate(overlay.add) if add.page not in page_keys]
    for key in overlay.hide:
        if key in known and known[key][1].required:
            problems.append(Problem(_label(path), "hide", f"{key!r} is required and cannot be "
                                                          "hidden"))
        if key in known and known[key][1].urgent_if:
            problems.append(Problem(_label(path), "hide", f"{key!r} is the safeguarding "
                                                          "question and cannot be hidden"))
    if problems:
        raise FormDefinitionError(problems)

    pages = []
    for page in definition.pages:
        questions = []
        for question in page.questions:
            if question.key in overlay.hide:
                continue
            change = overlay.relabel.get(question.key)
            if change:
                question = question.model_copy(update={
                    name: getattr(change, name) for name in ("label", "hint", "required_error")
                    if getattr(change, name) is not None})
            questions.append(question)
        questions += [q for add in overlay.add if add.page == page.key for q in add.questions]
        update: dict[str, Any] = {"questions": questions}
        if page.key in overlay.guidance:
            update["guidance"] = overlay.guidance[page.key]
        pages.append(page.model_copy(update=update))
    pages += overlay.add_pages
    try:
        check_pages(pages)
    except ValueError as exc:
        raise FormDefinitionError([Problem(_label(path), "", str(exc))]) from None
    update = {"pages": pages}
    for name in ("title", "summary", "before_you_start"):
        if getattr(overlay, name) is not None:
            update[name] = getattr(overlay, name)
    return definition.model_copy(update=update)


def effective_definitions(definitions: Mapping[str, FormDefinition],
                          tenants: Mapping[str, Tenant], tenants_dir: Path
                          ) -> dict[tuple[str, str], FormDefinition]:
    """(council slug, form slug) -> the definition that council's pages use."""
    result: dict[tuple[str, str], FormDefinition] = {}
    problems: list[Problem] = []
    for slug, tenant in tenants.items():
        overlay_dir = tenants_dir / slug / "forms"
        for path in sorted(overlay_dir.glob("*.yaml")) if overlay_dir.is_dir() else []:
            if path.stem not in definitions:
                problems.append(Problem(_label(path), "", f"there is no form {path.stem!r}"))
            elif not tenant.offers(path.stem):
                problems.append(Problem(_label(path), "", f"{slug} does not offer {path.stem!r} "
                                                          "(see offered_forms in tenant.toml)"))
        for form_slug in tenant.offered_forms:
            definition = definitions.get(form_slug)
            if definition is None:
                problems.append(Problem(f"tenants/{slug}/tenant.toml", "offered_forms",
                                        f"there is no definition for {form_slug!r}"))
                continue
            overlay_path = overlay_dir / f"{form_slug}.yaml"
            try:
                if overlay_path.exists():
                    overlay = _validate(Overlay, _read_yaml(overlay_path) or {}, overlay_path)
                    definition = apply_overlay(definition, overlay, overlay_path)
                if "cy" in tenant.languages:
                    where = overlay_path if overlay_path.exists() else \
                        DEFINITIONS / f"{form_slug}.yaml"
                    problems += [Problem(_label(where), key, f"has no Welsh text, and {slug} "
                                                             "offers Welsh")
                                 for key, text in local_text_paths(definition) if not text.cy]
                result[(slug, form_slug)] = definition
            except FormDefinitionError as exc:
                problems += exc.problems
    if problems:
        raise FormDefinitionError(problems)
    return result
