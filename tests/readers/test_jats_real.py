"""JATS reading on small articles written here and, when present, on real PubMed Central files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sciwire.document import Document
from sciwire.readers import read
from sciwire.readers.base import RawFile
from sciwire.readers.jats import read_jats
from tests.readers.conftest import ENGLISH

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "papers"
REAL_JATS = sorted(REAL.glob("*.nxml")) if REAL.is_dir() else []
GLUED = re.compile(r"[a-z][A-Z]{1,3}\d{4}|[a-z][A-Z]{1,3} ?\(\d{4}\)|[a-z]\(\d{4}\)")


def _article(front: str = "", back: str = "", body: str = "<p>Body text about voles.</p>") -> bytes:
    xml = "<article><front><article-meta><title-group><article-title>Voles</article-title></title-group>"
    xml += f"{front}</article-meta></front><body>{body}</body><back>{back}</back></article>"
    return xml.encode()


def _references(doc: Document) -> list[str]:
    section = next(s for s in doc.sections if s.name == "references")
    return doc.span_text(section).split("\n\n", 1)[1].split("\n")


def test_element_citation_gets_separators():
    ref = (
        '<ref id="r1"><label>1</label><element-citation publication-type="journal"><person-group person-group-type='
        '"author"><name><surname>Vole</surname><given-names>AB</given-names></name><name><surname>Mole</surname>'
        "<given-names>C</given-names></name><etal/></person-group><year>2001</year><article-title>Burrow depth in "
        "voles</article-title><source>J Made Up Ecol</source><volume>12</volume><issue>3</issue><fpage>45</fpage>"
        '<lpage>67</lpage><pub-id pub-id-type="pmid">999</pub-id><pub-id pub-id-type="doi">10.5555/vole</pub-id>'
        "</element-citation></ref>"
    )
    book = (
        '<ref id="r2"><element-citation publication-type="book"><collab>Vole Society</collab><year>1999</year>'
        "<source>Voles of the World</source><publisher-loc>Springfield</publisher-loc>"
        "<publisher-name>Made Up Press</publisher-name></element-citation></ref>"
    )
    web = (
        '<ref id="r3"><element-citation publication-type="webpage"><collab>Vole Registry</collab><year>2020</year>'
        "<source>Vole counts</source><comment>Available: <ext-link>http://example.org/voles</ext-link></comment>"
        "<date-in-citation>[accessed 1 May 2020]</date-in-citation></element-citation></ref>"
    )
    doc = read_jats(
        RawFile(
            _article(f"<abstract><p>{ENGLISH}</p></abstract>", f"<ref-list>{ref}{book}{web}</ref-list>"), "x", "x.xml"
        )
    )
    assert _references(doc) == [
        "[1] Vole AB, Mole C, et al (2001) Burrow depth in voles. J Made Up Ecol 12(3): 45\u201367. doi:10.5555/vole",
        "Vole Society (1999) Voles of the World. Springfield: Made Up Press.",
        "Vole Registry (2020) Vole counts. Available: http://example.org/voles [accessed 1 May 2020]",
    ]


def test_mixed_citation_keeps_its_text_but_not_glued_names():
    plain = (
        "<ref><mixed-citation>Smith J. Sleep in voles. <source>Vole Res</source>. 2019;12:1-10.</mixed-citation></ref>"
    )
    plos = (
        '<ref><label>2</label><mixed-citation publication-type="journal"><name><surname>Vole</surname><given-names>AB'
        "</given-names></name>, <name><surname>Mole</surname><given-names>C</given-names></name> (<year>2001</year>) "
        "<article-title>Do voles dig?</article-title><source>J Made Up Ecol</source><volume>12</volume>: "
        '<fpage>45</fpage>\u2013<lpage>67</lpage><pub-id pub-id-type="pmid">12345</pub-id></mixed-citation></ref>'
    )
    doc = read_jats(RawFile(_article(back=f"<ref-list>{plain}{plos}</ref-list>"), "x", "x.xml"))
    assert _references(doc) == [
        "Smith J. Sleep in voles. Vole Res. 2019;12:1-10.",
        "[2] Vole AB, Mole C (2001) Do voles dig? J Made Up Ecol 12: 45\u201367",
    ]


def test_author_summary_follows_the_abstract():
    front = (
        f"<abstract><sec><title>Background</title><p>{ENGLISH}</p></sec><sec><title>Findings</title>"
        "<p>Voles dig deep burrows.</p></sec></abstract>"
        '<abstract abstract-type="summary"><title>Author Summary</title><p>Voles dig, and we measured how deep.</p>'
        "</abstract>"
        '<abstract abstract-type="summary"><p>An untitled plain-language summary.</p></abstract>'
        '<abstract abstract-type="graphical"><p>Graphical abstract text.</p></abstract>'
    )
    doc = read_jats(RawFile(_article(front=front), "x", "x.xml"))
    assert [(s.name, s.heading) for s in doc.sections] == [
        ("title", ""),
        ("abstract", "Abstract"),
        ("abstract", "Author Summary"),
        ("abstract", "Author Summary"),
        ("body", ""),
    ]
    assert "Background\n\n" in doc.text and "Findings\n\nVoles dig deep burrows." in doc.text
    assert doc.span_text(doc.sections[2]).strip() == "Author Summary\n\nVoles dig, and we measured how deep."
    assert "Graphical abstract" not in doc.text


def test_boxed_text_is_kept():
    body = (
        "<sec><title>Introduction</title><p>Voles dig.</p><boxed-text><caption><title>Box 1. Key terms</title>"
        "</caption><p>A burrow is a hole.</p></boxed-text></sec>"
    )
    doc = read_jats(RawFile(_article(body=body), "x", "x.xml"))
    assert "Voles dig.\n\nBox 1. Key terms\n\nA burrow is a hole." in doc.text


@pytest.mark.skipif(not REAL_JATS, reason=f"no real JATS files in {REAL}")
@pytest.mark.parametrize("path", REAL_JATS, ids=lambda p: p.name)
def test_real_jats_references_and_summary(path: Path):
    doc = read(path)
    refs = _references(doc)
    assert len(refs) > 10
    glued = [r for r in refs if GLUED.search(r)]
    assert not glued, glued[:3]
    has_summary = 'abstract-type="summary"' in path.read_text(encoding="utf-8")
    assert any(s.heading == "Author Summary" for s in doc.sections) == has_summary
