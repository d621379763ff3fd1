"""One style normaliser for every newsworthiness feature and embedding, and the style cues it removes.

Who published a paper shows in *how* its abstract is written down: an "Abstract" prefix,
structured headings ("BACKGROUND:", "Methods:"), hard line breaks, numeric citation markers,
a copyright line, and house phrases such as Nature's "Here we show". On the weak-label task
these cues alone separate covered from uncovered papers better than any model, so they must
never reach a feature. :func:`neutralise_style` removes them (and rewrites formulaic openers
to plain "We ..."); :func:`style_cues` measures them, for the shortcut check and the
style-only baseline of ``benchmarks/newsworthiness.py``.

Example:
    >>> neutralise_style("ABSTRACT: BACKGROUND: Here, we show that mice 12,13 .\\nsleep [4]. © 2020 Elsevier Ltd.")
    'We show that mice. sleep.'
    >>> style_cues("Here we show that mice sleep.")["here_we"]
    1.0
"""

from __future__ import annotations

import re

#: Structured-abstract headings removed by :func:`neutralise_style` (matched case-insensitively).
HEADINGS = (
    "background and aims", "background and purpose", "background", "aims and objectives", "aims", "aim",
    "objectives", "objective", "purpose", "introduction", "context", "importance", "rationale", "motivation",
    "methods and findings", "methods and results", "materials and methods", "methodology", "methods", "method",
    "design, setting, and participants", "design and setting", "design", "setting", "settings", "participants",
    "patients", "subjects", "interventions", "intervention", "main outcome measures", "main outcomes and measures",
    "main outcome measure", "measurements", "outcomes", "exposure", "data sources", "study selection",
    "data extraction", "results", "findings", "result", "conclusions and relevance", "conclusions", "conclusion",
    "interpretation", "discussion", "significance", "implications", "trial registration", "funding",
    "author summary", "one sentence summary", "summary",
)  # fmt: skip
HEADING = re.compile(
    r"(?:(?<=^)|(?<=[.!?;:)\]]\s)|(?<=\n))\s*(?:"
    + "|".join(re.escape(h) for h in HEADINGS)
    + r")\s*(?::|\.(?=\s)|\n|\s(?=(?-i:[A-Z])))",
    re.IGNORECASE,
)
PREFIX = re.compile(r"^\s*(?:abstract|summary)\b\s*[:.\-–—]?\s*", re.IGNORECASE)
#: Superscript citations flattened to " 12,13 ." and bracketed ones "[4]", "[4-6]".
CITATION = re.compile(r"(?<=[a-z”\"’)])\s\d{1,3}(?:[,–-]\d{1,3})*(?=\s[,.;])|\s?\[\d{1,3}(?:\s?[,–-]\s?\d{1,3})*\]")
COPYRIGHT = re.compile(
    r"(?:©|\bcopyright\b|\(c\)(?=\s*(?:19|20)\d\d))[^.]{0,80}?(?:\.(?=\s|$)|$)|\ball rights reserved\b\.?"
    r"|\bpublished by [^.]{0,60}?(?:\b(?:B\.V|Ltd|Inc|Co|LLC)\.|\.(?=\s|$))",
    re.IGNORECASE,
)
#: "Here we show", "Here, we report", "In this paper we ..." -> "We show", "We report", "We ...".
OPENER = re.compile(
    r"\b(?:here|in (?:this|the present) (?:paper|study|work|article|letter|report|manuscript)),?\s+(?=we\b)",
    re.IGNORECASE,
)
HERE_WE = re.compile(r"\bhere,? we\b", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[,.;:](?:\s|$))")

#: Cues :func:`style_cues` returns; all but ``raw_words`` are 0/1.
STYLE_CUES: tuple[str, ...] = (
    "raw_words",
    "abstract_prefix",
    "has_headings",
    "line_breaks",
    "here_we",
    "formulaic_opener",
    "citation_markers",
    "copyright",
)


def _capitalise(text: str) -> str:
    """Capitalise a "we" that now starts the text or a sentence."""
    return re.sub(r"(^|[.!?]\s+)we\b", lambda m: m.group(1) + "We", text)


def neutralise_style(text: str) -> str:
    """The abstract without publisher formatting and formulaic openers: what every feature reads.

    Removes an "Abstract"/"Summary" prefix, structured headings, line breaks, numeric citation
    markers ("mice 12,13 ." and "[4]"), copyright lines ("© 2012 Elsevier Ltd. All rights
    reserved.") and rewrites "Here(,) we ..." and "In this paper(,) we ..." to "We ...". The
    words that carry the content stay.

    Args:
        text: The abstract as written.

    Returns:
        One line of running text.
    """
    text = PREFIX.sub("", text.strip())
    text = HEADING.sub(" ", text)
    text = " ".join(text.split())
    text = COPYRIGHT.sub(" ", text)
    text = CITATION.sub("", text)
    text = OPENER.sub("", text)  # the "we" left is capitalised below
    text = _SPACE_BEFORE_PUNCT.sub("", " ".join(text.split()))
    return _capitalise(text).strip()


def style_cues(raw_abstract: str) -> dict[str, float]:
    """Publisher and formatting cues of an abstract *as written* (never model features).

    Returns:
        ``raw_words`` (length) and 0/1 flags for an "Abstract" prefix, structured headings, hard
        line breaks, "here we", any formulaic opener ("here we", "in this paper we"), numeric
        citation markers and a copyright line.
    """
    flat = " ".join(raw_abstract.split())
    no_prefix = PREFIX.sub("", raw_abstract.strip())
    return {
        "raw_words": float(len(flat.split())),
        "abstract_prefix": float(" ".join(no_prefix.split()) != flat),
        "has_headings": float(bool(HEADING.search(no_prefix))),
        "line_breaks": float("\n" in raw_abstract.strip()),
        "here_we": float(bool(HERE_WE.search(flat))),
        "formulaic_opener": float(bool(OPENER.search(flat))),
        "citation_markers": float(bool(CITATION.search(flat))),
        "copyright": float(bool(COPYRIGHT.search(flat))),
    }
