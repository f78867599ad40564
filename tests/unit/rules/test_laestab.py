"""DfE numbers; 3562000 (Adswood Primary, Stockport) and 8602123 (Christ Church Primary,
Staffordshire) are real, from /work/shared/data/schools_sample.csv."""
import pytest

from portal.rules.laestab import LaestabError, LaestabResult, normalise_laestab, validate_laestab

SEED_LA_CODES = frozenset({"356", "210", "341", "860", "674"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("356/2000", "3562000"),
        ("356-2000", "3562000"),
        (" 356 2000 ", "3562000"),
        ("356 / 2000", "3562000"),  # edge: separators together
        ("356\t2000", "3562000"),
        ("356.2000", "356.2000"),  # a full stop is not a separator
        ("", ""),
    ],
)
def test_normalise_laestab(raw: str, expected: str) -> None:
    assert normalise_laestab(raw) == expected


@pytest.mark.parametrize(
    ("raw", "la_code", "establishment"),
    [
        ("3562000", "356", "2000"),
        ("356/2000", "356", "2000"),
        ("860-2123", "860", "2123"),
        ("0010001", "001", "0001"),  # edge: leading zeros are kept
    ],
)
def test_valid_laestab(raw: str, la_code: str, establishment: str) -> None:
    assert validate_laestab(raw) == LaestabResult(
        valid=True, normalised=la_code + establishment, la_code=la_code, establishment=establishment
    )


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", LaestabError.EMPTY),
        (" / - ", LaestabError.EMPTY),  # edge: separators only
        ("356200001", LaestabError.WRONG_LENGTH),  # nine digits
        ("35620001", LaestabError.WRONG_LENGTH),  # eight digits
        ("356200", LaestabError.WRONG_LENGTH),  # six digits
        ("356/200", LaestabError.WRONG_LENGTH),  # six digits with a slash
        ("356/20A0", LaestabError.NOT_DIGITS),
        ("ABC2000", LaestabError.NOT_DIGITS),
        ("356.2000", LaestabError.NOT_DIGITS),
        ("３５６２０００", LaestabError.NOT_DIGITS),  # edge: full-width digits are not ASCII
        ("35620O0", LaestabError.NOT_DIGITS),  # letter O for zero
    ],
)
def test_invalid_laestab(raw: str, error: LaestabError) -> None:
    assert validate_laestab(raw) == LaestabResult(
        valid=False, normalised=normalise_laestab(raw), error=error
    )


@pytest.mark.parametrize(
    ("raw", "known", "unknown_la"),
    [
        ("3562000", SEED_LA_CODES, False),
        ("9992000", SEED_LA_CODES, True),  # a warning: still valid
        ("9992000", None, False),  # no list, no warning
        ("9992000", frozenset(), True),  # edge: an empty list knows nothing
    ],
)
def test_unknown_la_is_a_warning(raw: str, known: frozenset[str] | None, unknown_la: bool) -> None:
    result = validate_laestab(raw, known)
    assert result.valid is True
    assert result.error is None
    assert result.unknown_la is unknown_la


def test_an_invalid_number_carries_no_la_warning() -> None:
    result = validate_laestab("999200", SEED_LA_CODES)
    assert result.error is LaestabError.WRONG_LENGTH and result.unknown_la is False
