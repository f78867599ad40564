"""Text in English and Welsh side by side.

Welsh Language Standards (Welsh Language (Wales) Measure 2011) require every public form a
Welsh council runs to be as good in Welsh as in English, so every label a rule set shows
carries both languages together rather than in a separate catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Text", "is_welsh"]


def is_welsh(locale: str) -> bool:
    """True for a Welsh locale: ``cy``, ``cy-GB``, ``cy_GB`` (any case)."""
    return locale.replace("_", "-").split("-", 1)[0].strip().lower() == "cy"


@dataclass(frozen=True)
class Text:
    """A label in English and, where written, Welsh."""

    en: str
    cy: str | None = None

    def get(self, locale: str) -> str:
        """The Welsh text for a Welsh locale when there is some; the English otherwise."""
        if is_welsh(locale) and self.cy:
            return self.cy
        return self.en
