"""UPN check letters, hand-checked:

* B801200005001: 8x2 + 1x4 + 2x5 + 5x10 + 1x13 = 93; 93 mod 23 = 1 -> B.
* X00180001701A: 1x4 + 8x5 + 1x9 + 7x10 + 1x12 + A(0)x13 = 135; 135 mod 23 = 20 -> X.
* N356123425001: 3x2 + 5x3 + 6x4 + 1x5 + 2x6 + 3x7 + 4x8 + 2x9 + 5x10 + 1x13 = 196;
  196 mod 23 = 12 -> N.
* K35612342500Z: 196 - 1x13 + Z(22)x13 = 469; 469 mod 23 = 9 -> K.
"""
from string import digits

import pytest

from portal.rules.upn import (
    UPN_ALPHABET,
    UpnError,
    UpnResult,
    check_letter,
    normalise_upn,
    validate_upn,
)

VECTORS = ["B801200005001", "X00180001701A"]


def _value(char: str) -> int:
    return int(char) if char in digits else UPN_ALPHABET.index(char)


@pytest.mark.parametrize(
    ("upn", "temporary", "la_code"),
    [
        ("B801200005001", False, "801"),
        ("X00180001701A", True, "001"),
        ("N356123425001", False, "356"),
        ("N35612342500B", True, "356"),  # edge: B is worth 1, like the digit it replaces
        ("K35612342500Z", True, "356"),
    ],
)
def test_valid_upns(upn: str, temporary: bool, la_code: str) -> None:
    assert validate_upn(upn) == UpnResult(
        valid=True, normalised=upn, temporary=temporary, la_code=la_code
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("801200005001", "B"),
        ("00180001701A", "X"),
        ("356123425001", "N"),
        ("35612342500Z", "K"),
        ("000000000000", "A"),  # edge: a zero sum
    ],
)
def test_check_letter(body: str, expected: str) -> None:
    assert check_letter(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "80120000500",  # 11 characters
        "8012000050011",  # 13 characters
        "80120000500I",  # I is not in the alphabet
        "A01200005001",  # a letter where a digit belongs
        "b01200005001",  # edge: check_letter does not normalise
    ],
)
def test_check_letter_refuses_a_malformed_body(body: str) -> None:
    with pytest.raises(ValueError, match="12 characters"):
        check_letter(body)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("b801200005001", "B801200005001"),
        (" B801 2000 0500 1 ", "B801200005001"),
        ("x001\t8000\n1701a", "X00180001701A"),  # edge: any whitespace
        ("", ""),
    ],
)
def test_normalise_upn(raw: str, expected: str) -> None:
    assert normalise_upn(raw) == expected


def test_lower_case_and_spaces_still_validate() -> None:
    result = validate_upn(" x0018 0001 701a ")
    assert result.valid and result.normalised == "X00180001701A" and result.temporary


@pytest.mark.parametrize(
    ("upn", "error"),
    [
        ("", UpnError.EMPTY),
        ("   ", UpnError.EMPTY),  # edge: only whitespace
        ("B80120000500", UpnError.WRONG_LENGTH),  # 12 characters
        ("B8012000050011", UpnError.WRONG_LENGTH),  # 14 characters
        ("I801200005001", UpnError.BAD_CHARACTERS),  # I, O and S are never used
        ("O801200005001", UpnError.BAD_CHARACTERS),
        ("S801200005001", UpnError.BAD_CHARACTERS),
        ("X00180001701I", UpnError.BAD_CHARACTERS),  # edge: I, O, S as the temporary letter
        ("X00180001701O", UpnError.BAD_CHARACTERS),
        ("X00180001701S", UpnError.BAD_CHARACTERS),
        ("B80120000S001", UpnError.BAD_CHARACTERS),  # a letter among the digits
        ("1801200005001", UpnError.BAD_CHARACTERS),  # a digit as the check letter
        ("B80120000500!", UpnError.BAD_CHARACTERS),
        ("B80120000500١", UpnError.BAD_CHARACTERS),  # edge: an Arabic-Indic digit one
        ("C801200005001", UpnError.BAD_CHECK_LETTER),
        ("X00180001701B", UpnError.BAD_CHECK_LETTER),  # 135 + 1x13 = 148 -> L, not X
    ],
)
def test_invalid_upns(upn: str, error: UpnError) -> None:
    result = validate_upn(upn)
    assert result == UpnResult(valid=False, normalised=normalise_upn(upn), error=error)


@pytest.mark.parametrize("upn", VECTORS)
@pytest.mark.parametrize("position", range(13))
def test_every_one_character_corruption_is_caught(upn: str, position: int) -> None:
    """Changing any one character to any other digit or alphabet letter makes the UPN invalid.

    Weights 2..13 are non-zero modulo the prime 23 and two characters' values differ by 1..22,
    so the sum always changes. The one exception is the last character, where a letter and a
    digit of equal value (A=0 ... K=9) swap a permanent UPN for a temporary one, or back, with
    the same check letter: the DfE scheme cannot tell them apart, so both are valid."""
    original = upn[position]
    for char in digits + UPN_ALPHABET:
        if char == original:
            continue
        corrupted = upn[:position] + char + upn[position + 1:]
        result = validate_upn(corrupted)
        same_value_at_the_end = (
            position == 12
            and char.isdigit() != original.isdigit()
            and _value(char) == _value(original)
        )
        if same_value_at_the_end:
            assert result.valid and result.temporary is not validate_upn(upn).temporary, corrupted
        else:
            assert not result.valid, corrupted
