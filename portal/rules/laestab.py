"""DfE number (LAESTAB): a school's 3-digit local authority code and 4-digit establishment
number, written as seven digits (e.g. 3562000) or with a separator (356/2000, 356-2000).

Source: DfE, Get Information about Schools (GIAS), "LA (code)" and "EstablishmentNumber".
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum

__all__ = ["LaestabError", "LaestabResult", "normalise_laestab", "validate_laestab"]

_LA_CODE_LENGTH = 3
_LAESTAB_LENGTH = 7
_SEPARATORS = re.compile(r"[\s/\-]+")
_DIGITS = re.compile(r"[0-9]+")


class LaestabError(Enum):
    EMPTY = "empty"
    NOT_DIGITS = "not_digits"
    WRONG_LENGTH = "wrong_length"


@dataclass(frozen=True)
class LaestabResult:
    valid: bool
    normalised: str
    la_code: str | None = None
    establishment: str | None = None
    error: LaestabError | None = None
    unknown_la: bool = False
    """A warning, not an error: the LA code is not among the known codes given."""


def normalise_laestab(s: str) -> str:
    """Remove whitespace, '/' and '-'."""
    return _SEPARATORS.sub("", s)


def validate_laestab(s: str, known_la_codes: Collection[str] | None = None) -> LaestabResult:
    """Check a DfE number; with ``known_la_codes``, warn when its LA code is not one of them."""
    number = normalise_laestab(s)
    if not number:
        return LaestabResult(valid=False, normalised=number, error=LaestabError.EMPTY)
    if not _DIGITS.fullmatch(number):
        return LaestabResult(valid=False, normalised=number, error=LaestabError.NOT_DIGITS)
    if len(number) != _LAESTAB_LENGTH:
        return LaestabResult(valid=False, normalised=number, error=LaestabError.WRONG_LENGTH)
    la_code = number[:_LA_CODE_LENGTH]
    return LaestabResult(
        valid=True,
        normalised=number,
        la_code=la_code,
        establishment=number[_LA_CODE_LENGTH:],
        unknown_la=known_la_codes is not None and la_code not in known_la_codes,
    )
