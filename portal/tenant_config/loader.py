"""Read and check ``tenants/<slug>/tenant.toml`` files.

Every problem is reported as one line naming the file, the key path and what is wrong, e.g.::

    tenants/stockport/tenant.toml: contacts.cme.email: not a valid email address ("education.welfare@")

so that a council's IT team can fix the file without reading Python.
"""

from __future__ import annotations

import csv
import difflib
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .schema import Tenant, _quote

FILE_NAME = "tenant.toml"


@dataclass(frozen=True)
class Problem:
    file: str
    key: str  # the key path, e.g. "contacts.safeguarding.office_hours[0].opens"; "" for syntax errors
    message: str
    line: int | None = None

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}: line {self.line}: {self.message}"
        if self.key:
            return f"{self.file}: {self.key}: {self.message}"
        return f"{self.file}: {self.message}"


class TenantConfigError(Exception):
    """One or more tenant files are wrong. ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def load_tenant(path: Path | str, known_la_codes: Mapping[str, str] | None = None) -> Tenant:
    """Load one tenant from its ``tenant.toml`` (or the folder holding it).

    ``known_la_codes`` maps DfE LA code to council name (see :func:`read_la_codes`); when given,
    the file's ``dfe_code`` must be in it and its name must appear in the tenant's English name.
    """
    path = Path(path)
    if path.is_dir():
        path = path / FILE_NAME
    tenant, problems = _load(path, known_la_codes)
    if problems:
        raise TenantConfigError(problems)
    assert tenant is not None
    return tenant


def load_tenants(root: Path | str, known_la_codes: Mapping[str, str] | None = None) -> dict[str, Tenant]:
    """Load every ``<root>/<slug>/tenant.toml``; checks each file, then that slugs, reference
    prefixes and DfE codes are unique across tenants. Returns ``{slug: Tenant}`` ordered by the
    councils' English names. Raises :class:`TenantConfigError` listing every problem found."""
    root = Path(root)
    problems: list[Problem] = []
    if not root.is_dir():
        raise TenantConfigError([Problem(root.name + "/", "", f"the tenants folder {str(root)!r} does not exist")])

    loaded: list[tuple[str, Tenant]] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        path = folder / FILE_NAME
        if not path.exists():
            problems.append(Problem(_label(path), "", f"missing: every folder in {root.name}/ needs a {FILE_NAME}"))
            continue
        tenant, file_problems = _load(path, known_la_codes)
        problems.extend(file_problems)
        if tenant is not None:
            loaded.append((_label(path), tenant))

    if not loaded and not problems:
        problems.append(Problem(root.name + "/", "", f"no tenants found: add a folder with a {FILE_NAME}"))

    for field in ("slug", "reference_prefix", "dfe_code"):
        first: dict[str, str] = {}
        for label, tenant in loaded:
            value = getattr(tenant, field)
            if value in first:
                problems.append(Problem(label, field, f"{_quote(value)} is already used by {first[value]}"))
            else:
                first[value] = label

    if problems:
        raise TenantConfigError(problems)
    loaded.sort(key=lambda pair: pair[1].name.en.casefold())
    return {tenant.slug: tenant for _, tenant in loaded}


def read_la_codes(csv_path: Path | str) -> dict[str, str]:
    """``{code: name}`` from a local_authorities.csv (columns ``code`` and ``name``)."""
    with open(csv_path, newline="", encoding="utf-8") as handle:
        return {row["code"].strip(): row["name"].strip() for row in csv.DictReader(handle)}


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


def _label(path: Path) -> str:
    """``tenants/<slug>/tenant.toml``: the last three parts, whatever the working directory."""
    return "/".join(path.parts[-3:])


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def _load(path: Path, known_la_codes: Mapping[str, str] | None) -> tuple[Tenant | None, list[Problem]]:
    label = _label(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(label, "", "file not found")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(label, "", "not UTF-8 text: save the file as UTF-8", line)]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match else None
        if match:
            message = message[: match.start()] + f" (column {match.group(2)})"
        message = message.replace("(at end of document)", "(at the end of the file)")
        if line is None:
            line = text.count("\n") + 1
        return None, [Problem(label, "", f"not valid TOML: {message[0].lower()}{message[1:]}", line)]

    folder = path.parent.name
    try:
        tenant = Tenant.model_validate(data, context={"folder": folder, "known_la_codes": known_la_codes})
    except ValidationError as exc:
        return None, [Problem(label, format_loc(error["loc"]), error_message(error)) for error in exc.errors()]
    return tenant, []


def format_loc(loc: tuple[Any, ...]) -> str:
    """``("contacts", "safeguarding", "office_hours", 0, "opens")`` ->
    ``contacts.safeguarding.office_hours[0].opens``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_TYPE_MESSAGES = {
    "string_type": 'must be text in quotes, e.g. "..."',
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list in square brackets, e.g. [\"a\", \"b\"]",
    "date_type": "must be a date written as YYYY-MM-DD, e.g. 2025-09-01",
    "date_parsing": "must be a date written as YYYY-MM-DD, e.g. 2025-09-01",
    "date_from_datetime_parsing": "must be a date written as YYYY-MM-DD, e.g. 2025-09-01",
    "date_from_datetime_inexact": "must be a date without a time, written as YYYY-MM-DD",
    "model_type": "must be a table: a [section] or { key = value, ... }",
    "model_attributes_type": "must be a table: a [section] or { key = value, ... }",
    "dict_type": "must be a table: a [section] or { key = value, ... }",
}


def error_message(error: Mapping[str, Any], root: type[BaseModel] = Tenant) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        known = _field_names_at(tuple(error["loc"][:-1]), root)
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else (
            "; allowed here: " + ", ".join(known) if known else ""
        )
        return f"unknown key {_quote(name)}{hint}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", '"')
        return f"must be one of {expected} (found {_quote(value)})"
    if kind in ("too_short", "string_too_short"):
        if kind == "string_too_short" or isinstance(value, str):
            return "must not be empty"
        minimum = ctx.get("min_length", 1)
        return "must not be an empty list" if minimum == 1 else f"must list at least {minimum} items"
    if kind == "greater_than":
        return f"must be greater than {ctx.get('gt')} (found {_quote(value)})"
    if kind == "greater_than_equal":
        return f"must be {ctx.get('ge')} or more (found {_quote(value)})"
    if kind in _TYPE_MESSAGES:
        return f"{_TYPE_MESSAGES[kind]} (found {_quote(value)})"
    message = str(error.get("msg", ""))
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if message.startswith("Assertion failed, "):
        message = message[len("Assertion failed, ") :]
    return message


def _model_in(annotation: Any) -> Any:
    """Strip Annotated/Optional/list wrappers down to what is inside."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _model_in(inner[0]) if len(inner) == 1 else annotation
    return annotation


def _field_names_at(loc: tuple[Any, ...], root: type[BaseModel] = Tenant) -> list[str]:
    """The keys allowed by the model at ``loc`` (for "did you mean ...?")."""
    current: Any = root
    for part in loc:
        current = _model_in(current)
        if isinstance(part, int):
            if typing.get_origin(current) is list:
                current = typing.get_args(current)[0]
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return []
    current = _model_in(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []
