"""Hostile text: deep JSON, UTF-16/32 with a byte order mark, control and bidi characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sciwire.errors import InputError
from sciwire.readers import read, read_text
from sciwire.readers._checks import decode_text, normalize_text, strip_controls
from tests.readers.conftest import ENGLISH, PAPER_PAGES, build_pdf

NESTED = 100_000


@pytest.mark.parametrize(
    "content",
    ['{"id": "x", "meta": ' + "[" * NESTED + "]" * NESTED + "}", '{"a": ' * NESTED + "1" + "}" * NESTED],
    ids=["lists", "objects"],
)
def test_deeply_nested_json_is_a_one_line_error(tmp_path: Path, content: str):
    # was: RecursionError: maximum recursion depth exceeded while decoding a JSON array
    path = tmp_path / "deep.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(
        InputError,
        match=r"^deep.json is not a valid sciwire Document JSON: its lists or objects are nested too deeply to "
        r"read. Expected a file written by 'sciwire read' or Document.to_json\(\)$",
    ):
        read(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path: Path, encoding: str):
    # was: "looks like binary data, not text, PDF, XML or HTML (122 NUL bytes)"
    text = f"# Mäuse at night\n\n{ENGLISH}\n"
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff", "utf-32-le": "\ufeff", "utf-32-be": "\ufeff"}.get(encoding, "")
    path = tmp_path / "wide.txt"
    path.write_bytes((bom + text).encode(encoding))
    doc = read(path)
    assert doc.title == "Mäuse at night"
    assert doc.text.startswith("Mäuse at night\n\nSleep becomes shorter")


def test_wide_text_without_a_bom_or_broken_after_one_is_still_binary():
    with pytest.raises(InputError, match=r"looks like binary data.*\(\d+ NUL bytes\)"):
        decode_text(ENGLISH.encode("utf-16-le"), "x.txt")
    with pytest.raises(InputError, match=r"it starts with a UTF-16 byte order mark but is not UTF-16"):
        decode_text(b"\xff\xfe" + b"\x00\xd8" + b"a\x00", "x.txt")  # a lone high surrogate


def test_strip_controls_keeps_newlines_and_tabs():
    assert strip_controls("a\x1b[31mb\x07\r\u202ec\u2066d\u200ee\tf\ng\x9b") == "a[31mbcde\tf\ng"


def test_bidi_and_control_characters_never_reach_a_documents_text():
    doc = read_text(f"# Mice \u202eevil\x1b[2J\n\n{ENGLISH} \u2067Hidden\u2069 \x1b]0;title\x07words.")
    assert doc.title == "Mice evil[2J"
    for char in "\u202e\u2067\u2069\x1b\x07":
        assert char not in doc.text
    assert doc.text.endswith("groups. Hidden ]0;titlewords.")  # the bytes that drive a terminal are gone
    assert normalize_text("x\u200fy\u061cz") == "xyz"


def test_html_text_loses_bidi_controls(tmp_path: Path):
    path = tmp_path / "story.html"
    path.write_text(
        f"<html><head><title>News \u202eevil</title></head><body><article><h1>News \u202eevil</h1>"
        f"<p>{ENGLISH} \u202eThe \u2066mice\u2069 slept.</p></article></body></html>",
        encoding="utf-8",
    )
    doc = read(path)
    assert "\u202e" not in doc.text + doc.title and "\u2066" not in doc.text


def test_document_json_title_is_cleaned_and_its_text_refused(tmp_path: Path):
    doc = read_text(ENGLISH, id="e")
    path = tmp_path / "doc.json"
    path.write_text(doc.replace(title="Mice \x1b[31mred").to_json(), encoding="utf-8")
    assert read(path).title == "Mice [31mred"
    text = ENGLISH.replace("mice sleep", "mice \u202esleep")
    path.write_text(doc.replace(text=text).to_json(), encoding="utf-8")
    at = text.index("\u202e")
    with pytest.raises(
        InputError,
        match=rf"^doc.json holds a control or bidi character \(U\+202E at offset {at}\) in its text; sciwire's "
        r"readers remove them, so read the original file again with 'sciwire read'$",
    ):
        read(path)


def test_pypdf_repair_warnings_are_silent_without_verbose(tmp_path: Path):
    data = build_pdf(tmp_path / "ok.pdf", PAPER_PAGES).read_bytes()
    at = data.rindex(b"startxref")
    path = tmp_path / "bad.pdf"
    path.write_bytes(data[:at] + b"startxref\n999\n%%EOF\n")  # pypdf warns "incorrect startxref pointer"
    from sciwire.cli.main import app

    quiet = CliRunner().invoke(app, ["read", str(path)])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""
    loud = CliRunner().invoke(app, ["read", str(path), "--verbose"])
    assert "incorrect startxref pointer" in loud.stderr
