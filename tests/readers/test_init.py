"""``read()``: choosing the reader, ids, kinds, and every bad input with its message."""

from __future__ import annotations

import os
import pathlib
from pathlib import Path

import pytest

from sciwire.config import InputConfig
from sciwire.document import Document
from sciwire.errors import ConfigError, InputError, UnsupportedLanguageError
from sciwire.readers import READERS, RawFile, read, read_text, slugify, sniff_format
from tests.readers.conftest import ENGLISH, GERMAN
from tests.readers.test_html import NEWS
from tests.readers.test_jats import JATS


@pytest.mark.parametrize(
    ("data", "suffix", "expected"),
    [
        (b"%PDF-1.7\n...", ".txt", "pdf"),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html><body>x</body></html>", ".txt", "html"),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', ".xml", "html"),
        (JATS.encode(), ".txt", "jats"),
        (b"<article><body/></article>", "", "jats"),
        (b'  {"id": "x"}', ".md", "json"),
        (b"<rss/>", ".xml", "jats"),
        (b'<?xml version="1.0"?><PAPER><TITLE>x</TITLE><BODY>y</BODY></PAPER>', ".txt", "text"),
        (b"<!-- saved page --><head><title>x</title></head>", ".txt", "html"),
        (b"Plain words", ".html", "html"),
        (b"Plain words", ".markdown", "text"),
        (b"Plain words", ".weird", "text"),
        (b"Plain words", "", "text"),
    ],
)
def test_sniff_format_content_first_then_extension(data: bytes, suffix: str, expected: str):
    assert sniff_format(data, suffix) == expected


def test_read_chooses_by_content(tmp_path: Path):
    disguised = tmp_path / "notes.txt"
    disguised.write_text(NEWS, encoding="utf-8")
    doc = read(disguised)
    assert doc.kind == "news" and doc.metadata.url == "https://herald.example/science/old-mice-sleep"
    article = tmp_path / "article.dat"
    article.write_text(JATS, encoding="utf-8")
    assert read(article).metadata.doi == "10.5555/made.up.2"


@pytest.mark.parametrize(
    ("stem", "expected"),
    [("story_overstated", "story-overstated"), ("Über Mäuse (v2)", "uber-mause-v2"), ("___", "document")],
)
def test_slugify(stem: str, expected: str):
    assert slugify(stem) == expected


def test_read_sets_id_source_and_kind(tmp_path: Path):
    path = tmp_path / "My Paper_v1.md"
    path.write_text(ENGLISH)
    doc = read(str(path))
    assert (doc.id, doc.kind, doc.metadata.source) == ("my-paper-v1", "paper", str(path))
    assert read(path, kind="news").kind == "news"
    with pytest.raises(InputError, match=r"kind must be one of paper, news, got 'poem'"):
        read(path, kind="poem")


def test_readers_are_looked_up_in_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "x.txt"
    path.write_text(ENGLISH)
    calls = []

    def fake(raw: RawFile) -> Document:
        calls.append(raw)
        return Document(id="fake", kind="paper", title="", text=raw.data.decode())

    monkeypatch.setitem(READERS, "text", fake)
    assert read(path).id == "fake"
    assert calls[0].name == "x.txt" and calls[0].id == "x" and calls[0].kind is None


# ---- bad inputs ------------------------------------------------------------------------


def test_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match=r"nope\.pdf does not exist \(looked for .*nope\.pdf'\); check the path"):
        read(tmp_path / "nope.pdf")


def test_directory(tmp_path: Path):
    with pytest.raises(InputError, match=r"is a directory, not a file; pass a PDF, XML, HTML"):
        read(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "secret.txt"
    path.write_text(ENGLISH)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # chmod 000 does not stop root
    with pytest.raises(InputError, match=r"secret\.txt is not readable \(permission denied\)"):
        read(path)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \n"])
def test_empty_file(tmp_path: Path, content: bytes):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"empty\.txt contains no text"):
        read(path)


def test_binary_junk(tmp_path: Path):
    path = tmp_path / "junk.bin"
    path.write_bytes(os.urandom(4096) + b"\x00" * 100)
    with pytest.raises(InputError, match=r"junk\.bin looks like binary data, not text, PDF, XML or HTML"):
        read(path)


def test_huge_file_is_refused_by_size_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "story.html"
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: instant, takes no disk space

    def no_reading(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the file was read before its size was checked")

    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    with pytest.raises(
        InputError, match=r"story\.html is 50\.0 MB, larger than the 20 MB limit; raise it with --set input\.max_mb=60"
    ):
        read(path)
    with pytest.raises(InputError, match=r"story\.html is 50\.0 MB, larger than the 40 MB limit"):
        read(path, config=InputConfig(max_mb=40))


def test_german_text(tmp_path: Path):
    path = tmp_path / "german.txt"
    path.write_text(GERMAN, encoding="utf-8")
    with pytest.raises(
        UnsupportedLanguageError, match=r"german\.txt does not look like English: .*--set input\.min_english_ratio=0"
    ):
        read(path)


def test_too_short_text(tmp_path: Path):
    path = tmp_path / "short.md"
    path.write_text("# Title\n\nMice sleep.")
    with pytest.raises(InputError, match=r"short\.md has only 3 words of text; expected at least 5"):
        read(path)


def test_library_calls_honour_sciwire_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "x.txt"
    path.write_text(ENGLISH)
    assert read(path).text.startswith("Sleep becomes shorter")
    strict = tmp_path / "strict.toml"
    strict.write_text("[input]\nmin_words = 500\n")
    monkeypatch.setenv("SCIWIRE_CONFIG", str(strict))
    with pytest.raises(InputError, match=r"x\.txt has only \d+ words of text; expected at least 500"):
        read(path)
    with pytest.raises(InputError, match="expected at least 500"):
        read_text(ENGLISH)
    monkeypatch.setenv("SCIWIRE_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match=r"Config file .*missing\.toml does not exist"):
        read(path)
