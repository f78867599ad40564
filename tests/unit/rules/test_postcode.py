import pytest

from portal.rules.postcode import (
    PostcodeError,
    PostcodeResult,
    normalise_postcode,
    postcode_district,
    validate_postcode,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sk13ta", "SK1 3TA"),
        (" S K 1 3 T A ", "SK1 3TA"),  # edge: spaces everywhere
        ("ws111dx", "WS11 1DX"),
        ("ec1a1bb", "EC1A 1BB"),
        ("\tse1\n2qh", "SE1 2QH"),  # edge: tabs and newlines
        ("SE1  2QH", "SE1 2QH"),
        ("SE12 QH", "SE1 2QH"),  # edge: a misplaced space is put right
        ("m11ae", "M1 1AE"),  # edge: the shortest form
        ("12345", "12 345"),  # a 5-character string is split though it is no postcode
        ("WS1111DX", "WS1111DX"),  # too long to split
        ("", ""),
    ],
)
def test_normalise_postcode(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    ("raw", "normalised", "outward", "area"),
    [
        ("SE1 2QH", "SE1 2QH", "SE1", "SE"),  # AA9 9AA, Southwark
        ("WS11 1DX", "WS11 1DX", "WS11", "WS"),  # AA99 9AA, Staffordshire
        ("CF37 1DU", "CF37 1DU", "CF37", "CF"),  # Rhondda Cynon Taf
        ("EC1A 1BB", "EC1A 1BB", "EC1A", "EC"),  # AA9A 9AA
        ("W1A 0AX", "W1A 0AX", "W1A", "W"),  # A9A 9AA
        ("M1 1AE", "M1 1AE", "M1", "M"),  # A9 9AA
        ("B33 8TH", "B33 8TH", "B33", "B"),  # A99 9AA
        ("sk13ta", "SK1 3TA", "SK1", "SK"),  # Stockport, typed loosely
        ("l18jq", "L1 8JQ", "L1", "L"),  # Liverpool
        ("gir0aa", "GIR 0AA", "GIR", "GIR"),  # edge: the one non-geographic exception
        ("ZE1 0AA", "ZE1 0AA", "ZE1", "ZE"),  # Z may lead
    ],
)
def test_valid_postcodes(raw: str, normalised: str, outward: str, area: str) -> None:
    assert validate_postcode(raw) == PostcodeResult(
        valid=True, normalised=normalised, outward=outward, district=outward, area=area
    )


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", PostcodeError.EMPTY),
        ("   ", PostcodeError.EMPTY),
        ("SK1 3T", PostcodeError.INVALID),  # inward code too short
        ("12345", PostcodeError.INVALID),
        ("SK13TAA", PostcodeError.INVALID),  # inward code must start with a digit
        ("WS111 1DX", PostcodeError.INVALID),  # too long
        ("Q1 1AA", PostcodeError.INVALID),  # edge: Q, V and X never lead
        ("V1 1AA", PostcodeError.INVALID),
        ("X1 1AA", PostcodeError.INVALID),
        ("AI1 1AA", PostcodeError.INVALID),  # edge: I, J and Z never come second
        ("AJ1 1AA", PostcodeError.INVALID),
        ("AZ1 1AA", PostcodeError.INVALID),
        ("W1I 1AA", PostcodeError.INVALID),  # edge: I not allowed third in A9A
        ("W1L 1AA", PostcodeError.INVALID),
        ("EC1C 1BB", PostcodeError.INVALID),  # edge: C not allowed fourth in AA9A
        ("SE1 2CH", PostcodeError.INVALID),  # edge: C, I, K, M, O, V never in the inward code
        ("SE1 2QI", PostcodeError.INVALID),
        ("M1 1MO", PostcodeError.INVALID),
        ("GIR 0AB", PostcodeError.INVALID),  # only GIR 0AA is allowed
        ("SE1 2QH!", PostcodeError.INVALID),
    ],
)
def test_invalid_postcodes(raw: str, error: PostcodeError) -> None:
    result = validate_postcode(raw)
    assert (result.valid, result.error) == (False, error)
    assert (result.outward, result.district, result.area) == (None, None, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ws11 1dx", "WS11"),
        ("CF371DU", "CF37"),
        ("EC1A 1BB", "EC1A"),
        ("SK1 3T", None),
        ("", None),
    ],
)
def test_postcode_district(raw: str, expected: str | None) -> None:
    assert postcode_district(raw) == expected
