"""UK postcodes.

Source: the formats in BS 7666 and Royal Mail's Postcode Address File, as summarised by the
Government Data Standards Catalogue: an outward code of A9, A99, AA9, AA99, A9A or AA9A, a
space, and an inward code of 9AA; plus the non-geographic GIR 0AA.

Letters allowed in each position:

* first: any but Q, V and X;
* second (AA9, AA99, AA9A): any but I, J and Z;
* third (A9A): A B C D E F G H J K P S T U W;
* fourth (AA9A): A B E H M N P R V W X Y;
* the two inward letters: any but C I K M O V.

The outward code is the postcode district (e.g. WS11; EC1A in central London); its leading
letters are the postcode area (e.g. WS).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from itertools import takewhile

__all__ = [
    "PostcodeError",
    "PostcodeResult",
    "normalise_postcode",
    "postcode_district",
    "validate_postcode",
]

_INWARD_LENGTH = 3
_SHORTEST, _LONGEST = 5, 7  # A9 9AA, AA99 9AA / AA9A 9AA
_WHITESPACE = re.compile(r"\s+")

_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"
_SECOND = "ABCDEFGHKLMNOPQRSTUVWXY"
_THIRD = "ABCDEFGHJKPSTUW"
_FOURTH = "ABEHMNPRVWXY"
_INWARD_LETTER = "ABDEFGHJLNPQRSTUWXYZ"

_OUTWARD = (
    rf"[{_FIRST}][0-9]{{1,2}}"  # A9, A99
    rf"|[{_FIRST}][{_SECOND}][0-9]{{1,2}}"  # AA9, AA99
    rf"|[{_FIRST}][0-9][{_THIRD}]"  # A9A
    rf"|[{_FIRST}][{_SECOND}][0-9][{_FOURTH}]"  # AA9A
)
_POSTCODE = re.compile(rf"(?:{_OUTWARD}) [0-9][{_INWARD_LETTER}]{{2}}|GIR 0AA")


class PostcodeError(Enum):
    EMPTY = "empty"
    INVALID = "invalid"


@dataclass(frozen=True)
class PostcodeResult:
    valid: bool
    normalised: str
    outward: str | None = None
    district: str | None = None
    area: str | None = None
    error: PostcodeError | None = None


def normalise_postcode(s: str) -> str:
    """Upper-case, remove all whitespace and, when the result could be a postcode (5 to 7
    characters), put one space before the 3-character inward code."""
    compact = _WHITESPACE.sub("", s).upper()
    if _SHORTEST <= len(compact) <= _LONGEST:
        return f"{compact[:-_INWARD_LENGTH]} {compact[-_INWARD_LENGTH:]}"
    return compact


def validate_postcode(s: str) -> PostcodeResult:
    """Check a postcode's format (not whether Royal Mail has issued it)."""
    postcode = normalise_postcode(s)
    if not postcode:
        return PostcodeResult(valid=False, normalised=postcode, error=PostcodeError.EMPTY)
    if not _POSTCODE.fullmatch(postcode):
        return PostcodeResult(valid=False, normalised=postcode, error=PostcodeError.INVALID)
    outward = postcode.split(" ")[0]
    area = "".join(takewhile(str.isalpha, outward))
    return PostcodeResult(
        valid=True, normalised=postcode, outward=outward, district=outward, area=area
    )


def postcode_district(s: str) -> str | None:
    """The district (outward code) of a valid postcode; None for an invalid one."""
    return validate_postcode(s).district
