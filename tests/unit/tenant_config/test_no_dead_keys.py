"""No dead configuration: every key of a council's tenant.toml is read somewhere a user meets it
(a template, a rule, a service), or it is not in the schema. The test walks every model of the
schema from `Tenant` and looks for each field read as an attribute (`.other_phones`), an item or
a keyword outside its own declaration."""
from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from portal.tenant_config import schema

ROOT = Path(__file__).resolve().parents[3]
DECLARATION = re.compile(r"^\s+\w+:\s")

#: Keys landed by work still in progress on 4 December (the DfE return's and the EHE register's
#: settings) that nothing reads yet: named here so that the walk stays red for any other key,
#: and so that each is taken off this list as soon as something reads it.
UNREAD_WHILE_IN_PROGRESS = {"DfeReturnSettings.action_roles", "EheSettings.register_commencement"}


def _models(model: type[BaseModel], seen: set) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for kind in _types(field.annotation):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                _models(kind, seen)


def _types(annotation) -> list:
    found = [annotation]
    for argument in typing.get_args(annotation):
        found += _types(argument)
    return found


def _sources() -> str:
    files = [*ROOT.glob("portal/**/*.py"), *ROOT.glob("forms/**/*.py"),
             *ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt")]
    text = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if path.name == "schema.py" and DECLARATION.match(line):
                continue  # a field's own declaration is not a use of it
            text.append(line)
    return "\n".join(text)


def test_every_tenant_key_is_read_somewhere():
    models: set = set()
    _models(schema.Tenant, models)
    source = _sources()
    unread = []
    for model in sorted(models, key=lambda m: m.__name__):
        for name in model.model_fields:
            if not re.search(rf"(\.{name}\b|\[[\"']{name}[\"']\]|\b{name}=|\(\"{name}\"|'{name}')",
                             source):
                unread.append(f"{model.__name__}.{name}")
    assert set(unread) - UNREAD_WHILE_IN_PROGRESS == set(), \
        "tenant keys that nothing reads: show, use or remove them"
    assert UNREAD_WHILE_IN_PROGRESS - set(unread) == set(), \
        "these keys are read now: take them off UNREAD_WHILE_IN_PROGRESS"

