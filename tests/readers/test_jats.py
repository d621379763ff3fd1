from __future__ import annotations

import time
from pathlib import Path

import pytest

from sciwire.errors import InputError
from sciwire.readers import read
from sciwire.readers.base import RawFile
from sciwire.readers.jats import read_jats
from tests.readers.conftest import ENGLISH

JATS = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.2 20190208//EN"
  "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:mml="http://www.w3.org/1998/Math/MathML"
         article-type="research-article">
  <front>
    <journal-meta>
      <journal-title-group><journal-title>Journal of Made-up Chronobiology</journal-title></journal-title-group>
    </journal-meta>
    <article-meta>
      <article-id pub-id-type="pmid">123</article-id>
      <article-id pub-id-type="doi">10.5555/made.up.2</article-id>
      <title-group><article-title>Feeding Time and <italic>Sleep</italic> in Aged Mice</article-title></title-group>
      <contrib-group>
        <contrib contrib-type="author"><name><surname>Author</surname><given-names>Ada</given-names></name></contrib>
        <contrib contrib-type="author"><name><surname>Author</surname><given-names>Ben</given-names></name></contrib>
        <contrib contrib-type="editor"><name><surname>Editor</surname><given-names>Ed</given-names></name></contrib>
      </contrib-group>
      <pub-date pub-type="collection"><year>2026</year></pub-date>
      <pub-date pub-type="epub"><day>4</day><month>3</month><year>2026</year></pub-date>
      <abstract>
        <sec><title>Background</title><p>{ENGLISH}</p></sec>
        <sec><title>Methods</title><p>We recorded sleep with EEG.</p></sec>
      </abstract>
      <abstract abstract-type="graphical"><p>Graphical abstract text.</p></abstract>
    </article-meta>
  </front>
  <body>
    <sec id="s1"><title>Introduction</title>
      <p>Sleep becomes fragmented with age
         [<xref ref-type="bibr" rid="r1">1</xref>].</p>
      <p>Meal timing is a cue for clocks <xref ref-type="bibr" rid="r2">[2]</xref>.</p>
    </sec>
    <sec sec-type="materials|methods"><title>Animals and Procedures</title>
      <sec><title>Mice</title>
        <p>We used 24 mice <inline-formula><tex-math>\\alpha</tex-math></inline-formula>aged twenty months.</p>
      </sec>
      <fig id="f1"><label>Figure 1</label><caption><p>Figure caption text.</p></caption></fig>
      <table-wrap id="t1"><table><tr><td>Table cell text</td></tr></table></table-wrap>
    </sec>
    <sec><title>Results</title><p>The mice slept longer.</p></sec>
    <sec><title>Limitations</title><p>The study was small.</p></sec>
  </body>
  <back>
    <ack><title>Acknowledgements</title><p>We thank the animal staff.</p></ack>
    <ref-list><title>References</title>
      <ref id="r1"><label>1</label><mixed-citation>Smith J. Sleep across the lifespan.
        <source>J Fake Sleep Res</source>. 2019;12:1-10.</mixed-citation></ref>
      <ref id="r2"><element-citation><person-group><name><surname>Lee</surname><given-names>K</given-names></name>
        </person-group><article-title>Meal timing</article-title><source>Fake Lett</source><year>2020</year>
        </element-citation></ref>
    </ref-list>
  </back>
</article>
"""


def test_jats_article(tmp_path: Path):
    path = tmp_path / "PMC123.nxml"
    path.write_text(JATS, encoding="utf-8")
    doc = read(path)
    assert doc.id == "pmc123" and doc.kind == "paper"
    assert doc.title == "Feeding Time and Sleep in Aged Mice"
    meta = doc.metadata
    assert meta.authors == ("Ada Author", "Ben Author")
    assert (meta.venue, meta.date, meta.doi) == ("Journal of Made-up Chronobiology", "2026-03-04", "10.5555/made.up.2")
    assert [(s.name, s.heading) for s in doc.sections] == [
        ("title", ""),
        ("abstract", "Abstract"),
        ("introduction", "Introduction"),
        ("methods", "Animals and Procedures"),
        ("results", "Results"),
        ("other", "Limitations"),
        ("other", "Acknowledgements"),
        ("references", "References"),
    ]
    assert "Sleep becomes fragmented with age [1]." in doc.text, "xref citations keep their text"
    assert "clocks [2]." in doc.text
    assert "Mice\n\nWe used 24 mice aged twenty months." in doc.text, "a nested sec stays in its parent"
    for left_out in ("Figure caption", "Table cell", "alpha", "Graphical abstract"):
        assert left_out not in doc.text
    refs = doc.span_text(doc.sections[-1]).split("\n\n", 1)[1].split("\n")
    assert refs == [
        "[1] Smith J. Sleep across the lifespan. J Fake Sleep Res. 2019;12:1-10.",
        "Lee K (2020) Meal timing. Fake Lett",
    ]
    for section in doc.sections[1:]:
        assert doc.text[section.start :].startswith(section.heading + "\n\n")


def test_jats_body_without_sections_is_a_body_section():
    xml = "<article><front><article-meta><title-group><article-title>Mice</article-title></title-group>"
    xml += f"<abstract><p>{ENGLISH}</p></abstract></article-meta></front>"
    xml += "<body><p>Loose paragraph one about mice.</p><p>Loose paragraph two.</p></body></article>"
    doc = read_jats(RawFile(xml.encode(), "x", "x.xml"))
    assert [s.name for s in doc.sections] == ["title", "abstract", "body"]
    assert doc.span_text(doc.sections[-1]) == "Loose paragraph one about mice.\n\nLoose paragraph two."


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE article [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<article><body><p>&lol9;</p></body></article>
"""


def test_billion_laughs_is_refused_quickly(tmp_path: Path):
    path = tmp_path / "laughs.xml"
    path.write_text(BILLION_LAUGHS)
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"laughs\.xml declares XML entities .*billion laughs"):
        read(path)
    assert time.perf_counter() - start < 2


def test_external_entity_is_refused(tmp_path: Path):
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE article [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<article><body><p>&x;</p></body></article>"
    )
    with pytest.raises(InputError, match=r"xxe\.xml declares XML entities or external references"):
        read(path)


def test_malformed_and_foreign_xml(tmp_path: Path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<article><body><p>Unclosed</body></article>")
    with pytest.raises(InputError, match=r"broken\.xml is not well-formed XML"):
        read(broken)
    foreign = tmp_path / "feed.xml"
    foreign.write_text("<rss><channel><title>News</title></channel></rss>")
    with pytest.raises(InputError, match=r"feed\.xml is XML but not a JATS/NLM article \(its root is <rss>\)"):
        read(foreign)


def test_a_box_or_list_inside_a_paragraph_is_a_block_of_its_own_and_trans_abstracts_are_left_out():
    xml = "<article><front><article-meta><title-group><article-title>Mice</article-title></title-group>"
    xml += f"<abstract><p>{ENGLISH}</p></abstract>"
    xml += "<trans-abstract xml:lang='fr'><p>Les souris dorment mieux la nuit.</p></trans-abstract>"
    xml += "</article-meta></front><body><sec><title>Results</title>"
    xml += "<p>Mice slept longer<boxed-text><caption><title>Box 1. Terms</title></caption>"
    xml += "<p>Sleep bouts are runs of sleep.</p></boxed-text> and woke less often"
    xml += "<list><list-item><p>First finding here.</p></list-item><list-item><p>Second finding.</p></list-item>"
    xml += "</list></p></sec></body></article>"
    doc = read_jats(RawFile(xml.encode(), "x", "x.xml"))
    results = doc.span_text(doc.sections[-1])
    assert results.split("\n\n") == [
        "Results",
        "Mice slept longer",
        "Box 1. Terms",
        "Sleep bouts are runs of sleep.",
        "and woke less often",
        "First finding here.",
        "Second finding.",
    ]
    assert "souris" not in doc.text
