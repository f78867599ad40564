"""A Welsh catalogue with a fuzzy header compiles to nothing (pybabel skips it), so every Welsh
page falls back to English: the catalogue check must say so."""
from io import BytesIO

from babel.messages.pofile import read_po

from portal.translations_check import WELSH_PO, header_problems


def _catalogue(text: bytes):
    return read_po(BytesIO(text))


def test_the_welsh_catalogue_header_is_not_fuzzy():
    assert header_problems(_catalogue(WELSH_PO.read_bytes())) == []


def test_a_fuzzy_header_is_reported():
    text = WELSH_PO.read_bytes().replace(b'msgid ""\nmsgstr ""', b'#, fuzzy\nmsgid ""\nmsgstr ""', 1)
    problems = header_problems(_catalogue(text))
    assert problems and "fuzzy" in problems[0]
