"""Cheap lexical cues of a sentence's role: tense, hedges, citations, numbers, "we", goals...

Regular expressions only (no tagger), so 1,000 sentences take milliseconds. Each cue is 0/1
except ``log_words``. :data:`LIMITATION` also serves the story coverage map ("limitations
ignored").

Example:
    >>> row = cue_matrix(["We found that mice may sleep longer [12]."])[0]
    >>> [name for name, value in zip(CUE_NAMES, row) if value and name != "log_words"]
    ['we', 'hedge', 'citation', 'number', 'result_verb', 'that_clause']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_I = re.IGNORECASE

#: Limitations and caveats stated by the authors.
LIMITATION = re.compile(
    r"\blimitations?\b|\bcaveats?\b|\bshortcomings?\b|\bwith caution\b|\bcannot be (?:ruled out|excluded)\b"
    r"|\b(?:further|more|additional) (?:research|studies|work|investigation) (?:is|are|will be) (?:needed|required)\b"
    r"|\bsmall sample\b|\bnot (?:be )?generali[sz]",
    _I,
)

_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("we", re.compile(r"\b(?:we|our|us)\b", _I)),
    (
        "past_tense",
        re.compile(r"\b(?:was|were|had|did)\b|\b(?:we|they|it)\s+\w+ed\b|\b\w{3,}ed (?:by|in|at|to|with)\b", _I),
    ),
    ("present_tense", re.compile(r"\b(?:is|are|has|have|does|do)\b", _I)),
    ("modal_future", re.compile(r"\b(?:will|would|shall|should|could|can)\b", _I)),
    (
        "hedge",
        re.compile(
            r"\b(?:may|might|could|possibl[ey]|likely|unlikely|suggests?|suggested|appears?|seems?|perhaps|probabl[ey]"
            r"|potentially|indicates?|presumabl[ey]|plausibl[ey])\b",
            _I,
        ),
    ),
    (
        "citation",
        re.compile(
            r"\[\d+(?:[,–-]\s*\d+)*\]|\bet al\b|\(\s*[A-Z][A-Za-z'-]+(?: and [A-Z][A-Za-z'-]+)?,? \d{4}[a-z]?"
            r"|\b(?:19|20)\d{2}[a-z]?\)"
        ),
    ),
    ("number", re.compile(r"\d")),
    ("percent_or_stat", re.compile(r"%|\bp\s*[<=>]|\bper cent\b|±|\bsignificant(?:ly)?\b|\bmean\b|\bSD\b", _I)),
    ("figure_table", re.compile(r"\b(?:fig(?:ure)?s?|tables?|eq(?:uation)?s?)\.?\s*\(?\d", _I)),
    ("equation", re.compile(r"[=<>≤≥∈∑∫→]|\b[a-z]\([a-z]\)")),
    (
        "goal",
        re.compile(
            r"\b(?:aims?|aimed|goal|objectives?|purpose|in order to|we (?:propose|present|investigate|study|examine"
            r"|explore|address|introduce)|this (?:paper|study|work|article))\b",
            _I,
        ),
    ),
    ("hypothesis", re.compile(r"\b(?:hypothes[ie]s|hypothesi[sz]ed?|we expect(?:ed)?|predict(?:ed|s)?)\b", _I)),
    (
        "motivation",
        re.compile(
            r"\b(?:however|little is known|remains? (?:unclear|unknown)|lack of|need for|challeng\w*|problem)\b", _I
        ),
    ),
    (
        "method_verb",
        re.compile(
            r"\b(?:using|measured|performed|carried out|collected|calculated|estimated|prepared|obtained|analy[sz]ed"
            r"|used|applied|computed|simulated|sampled|incubated|recorded)\b",
            _I,
        ),
    ),
    (
        "result_verb",
        re.compile(
            r"\b(?:show(?:s|ed|n)?|found|reveal(?:s|ed)?|observed|increase[ds]?|decrease[ds]?|higher|lower)\b", _I
        ),
    ),
    ("conclusion_cue", re.compile(r"\b(?:thus|therefore|hence|in conclusion|overall|taken together|implies?)\b", _I)),
    ("that_clause", re.compile(r"\b(?:that)\b", _I)),
    ("definition", re.compile(r"^(?:let|define|denote|suppose|assume|consider)\b|\bis (?:called|defined)\b", _I)),
    ("limitation", LIMITATION),
    ("question", re.compile(r"\?\s*$")),
)

CUE_NAMES: tuple[str, ...] = (*(name for name, _ in _CUES), "log_words")


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """One row of cues per text, columns in :data:`CUE_NAMES` order (float32)."""
    out = np.zeros((len(texts), len(CUE_NAMES)), dtype=np.float32)
    for i, text in enumerate(texts):
        for j, (_, pattern) in enumerate(_CUES):
            if pattern.search(text):
                out[i, j] = 1.0
        out[i, -1] = np.log1p(len(text.split())) / 4.0
    return out


def mentions_limitation(text: str) -> bool:
    """Whether a sentence states a limitation or caveat (see :data:`LIMITATION`)."""
    return LIMITATION.search(text) is not None
