"""The PDF reader on real conference papers (ACL-style, two columns), when the data folder is there.

Property checks only: no running/venue lines in the text, no ligature loss, no uncomposed
accents, title and authors apart, footnotes and numbered headings not glued into prose.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sciwire.readers import read

pytest.importorskip("pypdf")

REAL = Path(os.environ.get("SCIWIRE_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")) / "real"
REAL_PDFS = sorted((REAL / "papers").glob("*.pdf")) if (REAL / "papers").is_dir() else []
pytestmark = pytest.mark.skipif(not REAL_PDFS, reason=f"no real PDFs in {REAL / 'papers'} (research data absent)")


@pytest.fixture(scope="module", params=REAL_PDFS, ids=lambda p: p.name)
def doc(request):
    return read(request.param)


def test_no_venue_or_running_lines_in_the_text(doc):
    body = "\n".join(doc.span_text(s) for s in doc.sections if s.name != "references")
    assert "Proceedings of the" not in body and "c©" not in body
    assert doc.metadata.venue and doc.metadata.venue.startswith("Proceedings of the")


def test_no_ligature_loss_and_accents_composed(doc):
    assert not re.search("[\ufb00-\ufb06]", doc.text)
    assert not re.search(r"[\u00b4\u00a8][^\W\d_]", doc.text), "spacing accents are composed"


def test_title_and_authors_apart(doc):
    assert doc.metadata.authors, "authors found on the first page"
    assert not any(a.split()[-1] in doc.title for a in doc.metadata.authors)
    assert doc.text.startswith(doc.title.split(":")[0])


def test_sections_and_paragraphs(doc):
    numbered = [s.heading for s in doc.sections if re.match(r"\d+ ", s.heading)]
    assert len(numbered) >= 7 and doc.sections[-1].name == "references"
    paras = doc.text.split("\n\n")
    assert not any(re.search(r"\.\d? \d\.\d [A-Z][a-z]+", p) for p in paras), (
        "no numbered subheading inside a paragraph"
    )
    assert not any(re.search(r"[a-z,] \d[A-Z][a-z]+ [a-z]+", p) and len(p) > 400 for p in paras[:3])


def test_p14_footnotes_and_equations_are_paragraphs_of_their_own():
    path = REAL / "papers" / "P14-1059.pdf"
    if not path.exists():
        pytest.skip(f"{path} absent")
    doc = read(path)
    paras = doc.text.split("\n\n")
    assert any(p.startswith("1Here we make the simplifying assumption") for p in paras)
    assert not any("regression problem: 1Here" in p for p in paras)
    assert "7 Generation confidence and generation quality" in [s.heading for s in doc.sections]
    assert "3.3 Recursive (de)composition" in paras
    assert doc.title == "How to make words with vectors: Phrase generation in distributional semantics"
    assert doc.metadata.authors == ("Georgiana Dinu", "Marco Baroni")
    assert "Germán" in doc.text and "Jörg" in doc.text
