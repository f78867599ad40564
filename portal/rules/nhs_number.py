"""The NHS number: ten digits, the last a modulus-11 check digit (NHS Data Dictionary, "NHS
NUMBER"): multiply the first nine digits by 10 down to 2, add, take the remainder on dividing
by 11, and subtract it from 11; 11 becomes 0, and 10 means the number is not valid. The
Children's Wellbeing and Schools Act 2026 makes it the consistent identifier a children not
in school register records where known.

No Flask here.
"""
from __future__ import annotations

import re

_SPACES = re.compile(r"[\s-]+")


def normalise(value: str | None) -> str:
    """The digits as typed, without spaces or hyphens ("943 476 5919" -> "9434765919")."""
    return _SPACES.sub("", value or "")


def check_digit(nine: str) -> int | None:
    """The check digit of the first nine digits, or None where there is none (10)."""
    total = sum(int(digit) * weight for digit, weight in zip(nine, range(10, 1, -1)))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    return None if digit == 10 else digit


def is_valid(value: str | None) -> bool:
    number = normalise(value)
    if len(number) != 10 or not number.isdigit():
        return False
    return check_digit(number[:9]) == int(number[9])


def formatted(value: str | None) -> str:
    """3 3 4, as the NHS writes it: "943 476 5919"."""
    number = normalise(value)
    return f"{number[:3]} {number[3:6]} {number[6:]}" if len(number) == 10 else number
