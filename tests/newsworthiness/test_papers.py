"""Reading papers: JSONL, JSON lists, arXiv Atom (defused), paper files, folders; normalisation."""

from __future__ import annotations

import json

import pytest

from sciwire.errors import InputError
from sciwire.examples import paper_path
from sciwire.newsworthiness.papers import Paper, normalise_abstract, parse_atom, read_papers

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


def test_atom_export():
    papers = parse_atom(ATOM.encode(), "feed.xml")
    assert [p.id for p in papers] == ["2401.00001v1", "2401.00002v2"]
    first = papers[0]
    assert first.title == "Dogs walk their owners"
    assert first.categories == ("q-bio.PE", "stat.AP")
    assert "github.com/example/dogs" in first.text and first.date.startswith("2024")
    assert papers[1].title == "A bound on <b> Chern characters" and papers[1].doi == "10.1000/xyz"


def test_atom_refuses_hostile_and_foreign_xml():
    bomb = '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><feed>&b;</feed>'
    with pytest.raises(InputError, match="refused hostile XML"):
        parse_atom(bomb.encode())
    with pytest.raises(InputError, match="expected an Atom <feed>"):
        parse_atom(b"<rss/>")
    with pytest.raises(InputError, match="not well-formed"):
        parse_atom(b"<feed")


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
    with pytest.raises(InputError, match="line 2 is not valid JSON"):
        read_papers([bad])
    noid = tmp_path / "noid.jsonl"
    noid.write_text('{"title": "x", "abstract": "y"}\n')
    with pytest.raises(InputError, match="needs an 'id'"):
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
