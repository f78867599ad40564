from dataclasses import FrozenInstanceError

import pytest

from portal.rules.text import Text, is_welsh

BILINGUAL = Text(en="Registered at another school", cy="Wedi'i gofrestru mewn ysgol arall")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("cy", "Wedi'i gofrestru mewn ysgol arall"),
        ("cy-GB", "Wedi'i gofrestru mewn ysgol arall"),
        ("cy_GB", "Wedi'i gofrestru mewn ysgol arall"),  # Babel's spelling
        ("CY", "Wedi'i gofrestru mewn ysgol arall"),
        ("en", "Registered at another school"),
        ("en-GB", "Registered at another school"),
        ("fr", "Registered at another school"),  # any other language falls back to English
        ("", "Registered at another school"),
    ],
)
def test_get_picks_the_language(locale: str, expected: str) -> None:
    assert BILINGUAL.get(locale) == expected


@pytest.mark.parametrize(
    "text",
    [
        Text(en="Died"),  # no Welsh written yet
        Text(en="Died", cy=""),  # edge: an empty translation is no translation
    ],
)
def test_welsh_falls_back_to_english(text: Text) -> None:
    assert text.get("cy") == "Died"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("cy", True),
        ("cy-GB", True),
        ("cy_gb", True),
        (" cy ", True),
        ("cym", False),  # edge: not the ISO 639-1 code the portal uses
        ("en", False),
        ("", False),
    ],
)
def test_is_welsh(locale: str, expected: bool) -> None:
    assert is_welsh(locale) is expected


def test_text_is_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        BILINGUAL.en = "changed"  # type: ignore[misc]
