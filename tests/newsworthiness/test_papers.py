"""Papers to rank from JSONL, JSON lists, arXiv Atom, paper files and folders; normalisation.

How collections are read is tested in tests/readers/test_collection.py; here: what a Paper gets.
"""

from __future__ import annotations

import json

import pytest

from sciwire.errors import InputError
from sciwire.examples import paper_path
from sciwire.newsworthiness.papers import Paper, normalise_abstract, read_papers
from tests.readers.test_collection import ATOM

__all__ = ["ATOM"]  # the CLI tests rank this feed too


def test_record_and_atom_fields_reach_the_features(tmp_path):
    record = {"id": "r1", "title": "Dogs", "abstract": "Dog owners walk more.", "text": "Code at github.com/x/y.",
              "categories": ["q-bio.PE"], "doi": "10.1/d", "batch": 7}  # fmt: skip
    (tmp_path / "r.jsonl").write_text(json.dumps(record))
    (tmp_path / "feed.atom").write_text(ATOM)
    first, *atom = read_papers([tmp_path / "r.jsonl", tmp_path / "feed.atom"])
    assert (first.id, first.title, first.abstract, first.doi) == ("r1", "Dogs", "Dog owners walk more.", "10.1/d")
    assert "github.com/x/y" in first.text and first.categories == ("q-bio.PE",) and first.extra == {"batch": 7}
    assert first.source.endswith("r.jsonl:1")
    assert atom[0].categories == ("q-bio.PE", "stat.AP") and atom[0].date.startswith("2024")
    assert atom[0].abstract == "We show that dog owners walk more and sleep better."
    assert "github.com/example/dogs" in atom[0].text and atom[0].url == "http://arxiv.org/abs/2401.00001v1"


def test_jsonl_json_list_folder_and_file(tmp_path):
    rows = [{"id": "a", "title": "T", "abstract": "Mice sleep.", "categories": "cs.CL cs.LG", "venue": "Nature"}]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "p.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    (tmp_path / "in" / "list.json").write_text(json.dumps([{"id": "b", "abstract": "Cats nap."}]))
    (tmp_path / "in" / "feed.atom").write_text(ATOM)
    (tmp_path / "in" / ".hidden").mkdir()
    (tmp_path / "in" / ".hidden" / "x.jsonl").write_text("not json")
    papers = read_papers([tmp_path / "in", paper_path()])
    ids = [p.id for p in papers]
    assert ids == ["2401.00001v1", "2401.00002v2", "b", "a", "paper"]
    assert papers[3].categories == ("cs.CL", "cs.LG") and papers[3].venue == "Nature"
    example = papers[-1]
    assert example.title.startswith("Time-Restricted Feeding")
    assert example.abstract.startswith("Sleep becomes shorter") and "Randomised trials" in example.abstract
    assert "## 1. Introduction" not in example.abstract


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_papers([tmp_path / "missing.jsonl"])
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "abstract": "x"}\n{oops\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:2 is not valid JSON"):
        read_papers([bad])
    noid = tmp_path / "noid.jsonl"
    noid.write_text('{"title": "x", "abstract": "y"}\n')
    with pytest.raises(InputError, match=r"noid\.jsonl:1: a paper needs an 'id'"):
        read_papers([noid])
    dupes = tmp_path / "dupes.jsonl"
    dupes.write_text('{"id": "a", "abstract": "x"}\n{"id": "a", "abstract": "y"}\n')
    with pytest.raises(InputError, match="repeated: a"):
        read_papers([dupes])
    with pytest.raises(InputError, match="neither a title nor an abstract"):
        Paper("x", "", " ")


def test_normalise_abstract_removes_formatting_not_words():
    assert normalise_abstract("Abstract Objectives To test. Methods We did. Results It works.") == (
        "To test. We did. It works."
    )
    assert normalise_abstract("BACKGROUND: A.\nRESULTS: B.") == "A. B."
    # words that merely start like headings stay
    text = "Background noise was low. The results of the design are clear. Conclusions were drawn."
    assert normalise_abstract(text) == text
