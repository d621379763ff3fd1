from __future__ import annotations

from pathlib import Path

import pytest

from sciwire.document import Sentence
from sciwire.errors import InputError
from sciwire.readers import read, read_text
from tests.readers.conftest import ENGLISH


def test_json_round_trip(tmp_path: Path):
    doc = read_text(f"# Mice\n\nDOI: 10.1/x\n\n## Results\n\n{ENGLISH}", id="mice")
    doc = doc.with_sentences([Sentence(0, doc.sections[1].start + 9, len(doc.text), 1)])
    path = tmp_path / "whatever-name.json"
    path.write_text(doc.to_json(indent=1), encoding="utf-8")
    again = read(path)
    assert again == doc, "a Document JSON keeps its id, kind, source, sections and sentences"
    assert read(path, kind="news").kind == "news"


def test_json_content_is_recognised_whatever_the_extension(tmp_path: Path):
    path = tmp_path / "doc.txt"
    path.write_text(read_text(ENGLISH, id="e").to_json(), encoding="utf-8")
    assert read(path).id == "e"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"id": "x", "kind": "paper"}',
            r"bad\.json is not a valid sciwire Document JSON: Invalid document JSON: KeyError",
        ),
        ('{"id": "x", "kind": "poem", "title": "", "text": "t"}', r"Document\.kind must be one of"),
        ("{not json", r"bad\.json is not a valid sciwire Document JSON: Not valid JSON"),
    ],
)
def test_invalid_json_is_an_input_error(tmp_path: Path, content: str, expected: str):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=expected):
        read(path)
