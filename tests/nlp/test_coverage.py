"""Sentences lose nothing: every letter of a document lies in exactly one sentence, except in headings.

Checked on the bundled examples and, when the research data folder is there, on the real
papers and news pages of ``real/`` (JATS, PDF, HTML nobody here wrote).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sciwire.examples import EXAMPLES_DIR
from sciwire.nlp import annotate_many
from sciwire.nlp.sentences import looks_like_heading, paragraphs
from sciwire.readers import read

pytestmark = pytest.mark.slow


def heading_chars(doc) -> set[int]:
    """Characters of section headings and of paragraphs taken as headings."""
    out: set[int] = set()
    for section in doc.sections:
        if section.heading and (at := doc.text.find(section.heading, section.start)) >= 0:
            out.update(range(at, at + len(section.heading)))
    for a, b in paragraphs(doc.text):
        if looks_like_heading(doc.text[a:b]):
            out.update(range(a, b))
    return out


def lost_and_doubled(doc) -> tuple[str, int]:
    covered = [0] * len(doc.text)
    for s in doc.sentences:
        for i in range(s.start, s.end):
            covered[i] += 1
    heads = heading_chars(doc)
    lost = "".join(c for i, c in enumerate(doc.text) if c.isalpha() and not covered[i] and i not in heads)
    return lost, sum(c > 1 for c in covered)


def test_every_letter_is_in_exactly_one_sentence(nlp):
    files = [EXAMPLES_DIR / "paper.md", *sorted(EXAMPLES_DIR.glob("*.html"))]
    real = Path(os.environ.get("SCIWIRE_DATA", Path(__file__).parents[3] / "shared" / "data")) / "real"
    files += sorted(real.glob("*/*"))  # the real files when the data folder is there
    assert len(files) > 3 or not real.exists()
    docs = annotate_many([read(f) for f in files], nlp)
    for path, doc in zip(files, docs, strict=True):
        lost, doubled = lost_and_doubled(doc)
        assert (lost[:80], doubled) == ("", 0), path.name
