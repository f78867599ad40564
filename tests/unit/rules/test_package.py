"""The rules package stays pure: no web framework, no database."""
import ast
from pathlib import Path

import pytest

import portal.rules

RULES_DIR = Path(portal.rules.__file__).parent
FORBIDDEN = {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms"}


def _imported_top_level_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(RULES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_framework_or_database_imports(path: Path) -> None:
    assert _imported_top_level_modules(path).isdisjoint(FORBIDDEN)


def test_every_exported_name_exists() -> None:
    missing = [name for name in portal.rules.__all__ if not hasattr(portal.rules, name)]
    assert missing == []
