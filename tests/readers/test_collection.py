"""Collections: which files of a folder count, JSONL/JSON records, arXiv Atom (defused), bad input."""

from __future__ import annotations

import json

import pytest

from sciwire.errors import InputError
from sciwire.examples import paper_path
from sciwire.readers.atom import read_atom
from sciwire.readers.collection import collection_files, read_collection, unique_ids
from sciwire.readers.records import entry_from_record, read_records

from .conftest import ENGLISH

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <title>arXiv Query</title>
  <entry>
    <id>http://arxiv.org/abs/2401.00001v1</id>
    <published>2024-01-01T00:00:00Z</published>
    <title>Dogs   walk their
      owners</title>
    <summary>We show that dog owners walk more and sleep better.</summary>
    <author><name>A. Person</name></author>
    <arxiv:comment>Code at https://github.com/example/dogs</arxiv:comment>
    <arxiv:primary_category term="q-bio.PE"/>
    <category term="q-bio.PE"/><category term="stat.AP"/>
    <link href="http://arxiv.org/abs/2401.00001v1" rel="alternate"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2401.00002v2</id>
    <title>A bound on &lt;b&gt; Chern characters</title>
    <summary>We prove a bound.</summary>
    <arxiv:doi>10.1000/xyz</arxiv:doi>
  </entry>
</feed>
"""


# ---- arXiv Atom ---------------------------------------------------------------------------


def test_atom_export():
    first, second = read_atom(ATOM.encode(), "feed.xml", "in/feed.xml")
    assert (first.document.id, second.document.id) == ("2401.00001v1", "2401.00002v2")
    doc = first.document
    assert doc.kind == "paper" and doc.title == "Dogs walk their owners"
    assert [s.name for s in doc.sections] == ["title", "abstract", "other"]
    assert doc.span_text(doc.sections[1]) == "We show that dog owners walk more and sleep better."
    assert "github.com/example/dogs" in doc.span_text(doc.sections[2])
    assert first.categories == ("q-bio.PE", "stat.AP")
    meta = doc.metadata
    assert meta.date.startswith("2024") and meta.authors == ("A. Person",) and meta.source == "in/feed.xml"
    assert second.document.title == "A bound on <b> Chern characters" and second.document.metadata.doi == "10.1000/xyz"


def test_atom_refuses_hostile_and_foreign_xml():
    bomb = '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><feed>&b;</feed>'
    with pytest.raises(InputError, match="refused hostile XML"):
        read_atom(bomb.encode())
    with pytest.raises(InputError, match="expected an Atom <feed>"):
        read_atom(b"<rss/>")
    with pytest.raises(InputError, match="not well-formed"):
        read_atom(b"<feed")
    empty_entry = '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>x</id></entry></feed>'
    with pytest.raises(InputError, match=r"entry 1 \(x\) has neither a <title> nor a <summary>"):
        read_atom(empty_entry.encode(), "feed.xml")


# ---- records ------------------------------------------------------------------------------


def test_a_record_becomes_a_paper_document_with_its_categories_and_extra_fields():
    record = {"id": 7, "title": " Mice ", "abstract": "Mice sleep.", "text": "Data at zenodo.", "doi": "10.1/x",
              "authors": "A. One; B. Two", "terms": ["q-bio"], "batch": "b1"}  # fmt: skip
    entry = entry_from_record(record, "p.jsonl:3")
    doc = entry.document
    assert (doc.id, doc.kind, doc.title) == ("7", "paper", "Mice")
    assert doc.text == "Mice\n\nMice sleep.\n\nData at zenodo."
    assert [(s.name, doc.span_text(s)) for s in doc.sections] == [
        ("title", "Mice"), ("abstract", "Mice sleep."), ("body", "Data at zenodo.")
    ]  # fmt: skip
    assert doc.metadata.authors == ("A. One", "B. Two") and doc.metadata.source == "p.jsonl:3"
    assert entry.categories == ("q-bio",) and entry.extra == {"batch": "b1"}


def test_record_ids_text_as_body_and_bad_records():
    assert entry_from_record({"doi": "10.1/x", "title": "T"}, "w").document.id == "10.1/x"
    assert entry_from_record({"title": "T"}, "w", default_id="paper-4").document.id == "paper-4"
    body_only = entry_from_record({"id": "b", "text": "Only a body."}, "w").document
    assert [s.name for s in body_only.sections] == ["abstract"], "text is the body when there is no abstract"
    with pytest.raises(InputError, match=r"^w: a paper needs an 'id'; got the keys \['title'\]"):
        entry_from_record({"title": "T"}, "w", require_id=True)
    with pytest.raises(InputError, match=r'^w: a paper needs "title" or "abstract" \(or "text"\)'):
        entry_from_record({"doi": "10.1/x"}, "w")
    with pytest.raises(InputError, match=r"^w: expected a JSON object such as .*, got list"):
        entry_from_record([1, 2], "w")
    with pytest.raises(InputError, match=r'^w: "title" must be text or a number, got dict'):
        entry_from_record({"title": {"en": "T"}}, "w")
    with pytest.raises(InputError, match=r'^w: "authors" must be a list of texts or one text'):
        entry_from_record({"title": "T", "authors": [{"name": "A"}]}, "w")


def test_jsonl_and_json_lists(tmp_path):
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text('{"id": "a", "title": "One"}\n\n{"title": "Two \u2028 lines"}\n', encoding="utf-8")
    assert [e.document.id for e in read_records(jsonl)] == ["a", "paper-3"]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"id": "b", "abstract": "Cats nap."}]), encoding="utf-8")
    (entry,) = read_records(listed)
    assert entry.document.id == "b" and entry.document.metadata.source.endswith("list.json[0]")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "title": "ok"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:2 is not valid JSON \(.*\); expected one paper object per line"):
        read_records(bad)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"title": "café"}'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.jsonl is not UTF-8 text"):
        read_records(latin)


# ---- folders ------------------------------------------------------------------------------


def test_which_files_of_a_folder_count_and_in_what_order(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    for name in ("b.md", "a.jsonl", "sub/c.pdf", "feed.atom", "notes.csv", ".secret.md", ".hidden/x.md", "README"):
        (folder / name).write_text("x")
    assert [p.relative_to(folder).as_posix() for p in collection_files([folder])] == [
        "a.jsonl", "b.md", "feed.atom", "sub/c.pdf"
    ]  # fmt: skip
    assert [p.name for p in collection_files([folder], records=False)] == ["b.md", "c.pdf"]
    named = folder / "notes.csv"
    assert collection_files([named, folder], records=False)[0] == named, "a file named directly always counts"
    with pytest.raises(InputError, match=r"missing does not exist; give paper files"):
        collection_files([tmp_path / "missing"])


def test_read_collection_skips_bad_files_in_folders_only(tmp_path, caplog):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "paper.md").write_text(f"# Mice\n\n{ENGLISH}", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    (folder / "feed.atom").write_text(ATOM, encoding="utf-8")
    entries = read_collection([folder, paper_path()])
    assert [e.document.id for e in entries] == ["2401.00001v1", "2401.00002v2", "paper", "paper"]
    assert "Skipping" in caplog.text and "broken.pdf" in caplog.text
    with pytest.raises(InputError, match=r"broken\.pdf is damaged or truncated"):
        read_collection([folder / "broken.pdf"])
    (folder / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:1 is not valid JSON"):
        read_collection([folder])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"The paper collection .*empty is empty: expected at least one paper"):
        read_collection([empty])


def test_unique_ids():
    entries = read_collection([paper_path(), paper_path()])
    assert [d.id for d in unique_ids(e.document for e in entries)] == ["paper", "paper-2"]
