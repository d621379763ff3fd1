from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from sciwire.document import Document, Metadata, Section, Sentence, Span
from sciwire.errors import DocumentError

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "src/sciwire/schema/document.schema.json").read_text("utf-8")
)


def make_doc() -> Document:
    text = "Title here\n\nMice sleep. They dream of cheese [1].\n\nSmith J. A ref."
    return Document(
        id="p1",
        kind="paper",
        title="Title here",
        text=text,
        metadata=Metadata(doi="10.1/x", authors=("A. Author", "B. Author"), date="2026-01-02", source="x.md"),
        sections=(Section("title", 0, 12, ""), Section("body", 12, 50, ""), Section("references", 50, len(text), "")),
        sentences=(Sentence(0, 12, 23, 1), Sentence(1, 24, 48, 1), Sentence(2, 50, len(text), 2)),
        layers={"entities": (Span(12, 16, "ANIMAL", 0.5, {"note": "ünïcode", "list": [1, 2]}),)},
    )


def test_json_round_trip_is_lossless():
    doc = make_doc()
    again = Document.from_json(doc.to_json())
    assert again == doc
    assert again.to_dict() == doc.to_dict()


def test_to_dict_matches_json_schema():
    jsonschema.validate(make_doc().to_dict(), SCHEMA)


def test_span_and_sentence_text():
    doc = make_doc()
    assert doc.sentence_texts()[0] == "Mice sleep."
    assert doc.span_text(doc.layer("entities")[0]) == "Mice"
    assert doc.section_of(doc.sentences[2]).name == "references"
    assert [s.index for s in doc.iter_sentences()] == [0, 1]
    assert doc.layer("missing") == ()


def test_with_layer_returns_new_document_and_keeps_original():
    doc = make_doc()
    new = doc.with_layer("claims", [Span(24, 28, "B"), Span(12, 16, "A")])
    assert "claims" not in doc.layers
    assert [s.label for s in new.layer("claims")] == ["A", "B"]
    assert new.layer("entities") == doc.layer("entities")


def test_documents_are_immutable():
    with pytest.raises(AttributeError):
        make_doc().text = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "blog"}, "kind must be one of"),
        ({"sentences": (Sentence(0, 0, 999),)}, r"outside the document text of length"),
        ({"sentences": (Sentence(1, 0, 3),)}, "indices must be 0..n-1"),
        ({"sentences": (Sentence(0, 0, 3, section=7),)}, "points to section 7"),
        ({"layers": {"x": (Span(5, 2, "bad"),)}}, r"Span in layer 'x' has offsets \[5, 2\)"),
    ],
)
def test_invalid_documents_are_rejected(change, message):
    with pytest.raises(DocumentError, match=message):
        make_doc().replace(**change)


def test_bad_section_name_and_authors():
    with pytest.raises(DocumentError, match="Section name must be one of"):
        Section("chapter", 0, 1)
    with pytest.raises(DocumentError, match="authors must be a sequence of strings"):
        Metadata(authors="Jane Doe")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "Not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"schema_version": "2.0", "id": "x", "kind": "paper", "text": ""}', "schema version '2.0' is not supported"),
        ('{"id": "x", "kind": "paper"}', "Invalid document JSON"),
    ],
)
def test_from_json_errors(text, message):
    with pytest.raises(DocumentError, match=message):
        Document.from_json(text)
