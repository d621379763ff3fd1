from __future__ import annotations

import pytest

from sciwire.config import InputConfig
from sciwire.errors import InputError, UnsupportedLanguageError
from sciwire.readers._checks import check_text, decode_text, english_ratio, normalize_text
from tests.readers.conftest import ENGLISH, FRENCH, GERMAN, SPANISH


def test_normalize_text():
    raw = "Cafe\u0301  au\tlait\r\n\r\n\r\n\r\nnext\u00adline\x07 \u200bhere  \n  "
    assert normalize_text(raw) == "Café au lait\n\nnextline here"


def test_english_ratio_separates_english_from_other_languages():
    assert english_ratio(ENGLISH) > 0.3
    for text in (GERMAN, FRENCH, SPANISH):
        assert english_ratio(text) < 0.08, text[:20]
    assert english_ratio("1234 !!") == 0.0


@pytest.mark.parametrize("text", [GERMAN, FRENCH, SPANISH])
def test_non_english_text_is_refused(text: str):
    with pytest.raises(
        UnsupportedLanguageError, match=r"doc\.txt does not look like English: \d+\.\d% of its \d+ words"
    ):
        check_text(text, "doc.txt", InputConfig())
    check_text(text, "doc.txt", InputConfig(min_english_ratio=0))


def test_short_texts_skip_the_language_check():
    check_text("Die Mäuse schliefen nachts viel ruhiger als vorher.", "de.txt", InputConfig())


def test_empty_and_short_text():
    with pytest.raises(InputError, match=r"x\.txt contains no text"):
        check_text(" \n ", "x.txt", InputConfig())
    with pytest.raises(InputError, match=r"x\.txt has only 3 words of text; expected at least 5"):
        check_text("Mice sleep 12 well.", "x.txt", InputConfig(min_words=5))


def test_decode_text():
    assert decode_text("\ufeffMice é".encode(), "a.txt") == "Mice é"
    assert decode_text("Souris âgées".encode("cp1252"), "a.txt") == "Souris âgées"
    with pytest.raises(InputError, match=r"a\.bin looks like binary data, not text, PDF, XML or HTML \(2 NUL bytes\)"):
        decode_text(b"ab\x00c\x00", "a.bin")
    with pytest.raises(InputError, match=r"looks like binary data.*control characters"):
        decode_text(b"\x01\x02\x03 text", "a.bin")
    with pytest.raises(InputError, match=r"looks like binary data.*\(100% of the bytes are not ASCII"):
        decode_text(bytes(range(128, 256)) * 4, "a.bin")
