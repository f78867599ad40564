"""Unique Pupil Number (UPN).

Source: DfE, "Unique pupil numbers (UPNs): guidance for schools and local authorities". A UPN
has 13 characters: a check letter, the 3-digit LA code, the 4-digit establishment number, the
2-digit year of allocation and a 3-digit serial. A temporary UPN has a letter in place of its
last digit.

The check letter: multiply characters 2 to 13 by weights 2 to 13 (a digit counts as its value,
a letter as its 0-based index in ``UPN_ALPHABET``), take the sum modulo 23 and index into
``UPN_ALPHABET``, which leaves out I, O and S.

The alphabet gives a letter the same value as a digit (A=0 ... K=9), so a permanent UPN ending
in digit d and the temporary UPN ending in the letter worth d share a check letter: both are
valid, and only the ``temporary`` flag tells them apart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

__all__ = [
    "UPN_ALPHABET",
    "UpnError",
    "UpnResult",
    "check_letter",
    "normalise_upn",
    "validate_upn",
]

UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_MODULUS = len(UPN_ALPHABET)  # 23
_FIRST_WEIGHT = 2
_UPN_LENGTH = 13
_WHITESPACE = re.compile(r"\s+")
# The 12 characters after the check letter: 11 digits, then a digit (permanent) or an
# alphabet letter (temporary).
_BODY = re.compile(rf"[0-9]{{11}}[0-9{UPN_ALPHABET}]")


class UpnError(Enum):
    EMPTY = "empty"
    WRONG_LENGTH = "wrong_length"
    BAD_CHARACTERS = "bad_characters"
    BAD_CHECK_LETTER = "bad_check_letter"


@dataclass(frozen=True)
class UpnResult:
    valid: bool
    normalised: str
    temporary: bool = False
    la_code: str | None = None
    error: UpnError | None = None


def normalise_upn(s: str) -> str:
    """Remove all whitespace and upper-case."""
    return _WHITESPACE.sub("", s).upper()


def _value(char: str) -> int:
    return int(char) if char.isdigit() else UPN_ALPHABET.index(char)


def check_letter(upn12: str) -> str:
    """The check letter for the 12 characters that follow it in a UPN."""
    if not _BODY.fullmatch(upn12):
        raise ValueError(f"not the 12 characters after a UPN check letter: {upn12!r}")
    total = sum(weight * _value(char) for weight, char in enumerate(upn12, _FIRST_WEIGHT))
    return UPN_ALPHABET[total % _MODULUS]


def validate_upn(s: str) -> UpnResult:
    """Check a UPN's length, characters and check letter."""
    upn = normalise_upn(s)
    if not upn:
        return UpnResult(valid=False, normalised=upn, error=UpnError.EMPTY)
    if len(upn) != _UPN_LENGTH:
        return UpnResult(valid=False, normalised=upn, error=UpnError.WRONG_LENGTH)
    letter, body = upn[0], upn[1:]
    if letter not in UPN_ALPHABET or not _BODY.fullmatch(body):
        return UpnResult(valid=False, normalised=upn, error=UpnError.BAD_CHARACTERS)
    if check_letter(body) != letter:
        return UpnResult(valid=False, normalised=upn, error=UpnError.BAD_CHECK_LETTER)
    return UpnResult(valid=True, normalised=upn, temporary=not body[-1].isdigit(), la_code=body[:3])
