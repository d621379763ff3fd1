"""Library functions of the relations capability: the relations of a text under a user's schema.

:func:`find_relations` splits the text into sentences (spaCy's parser), takes the candidate
entities of each sentence from the term layer's noun chunks
(:func:`~sciwire.terms.candidates.noun_chunk_candidates`), and classifies every ordered pair
of them (E1 -> E2) into one of the schema's relation types, or "none of these".
:func:`relations_for_file` does it for a file as the CLI asks.

Example:
    >>> from sciwire.relations.schema import parse_schema
    >>> from sciwire.examples import relations_schema_path  # doctest: +SKIP
    >>> found = relations_for_file("paper.md", relations_schema_path(), load_config())  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import permutations
from typing import Any

import numpy as np

from sciwire.config import Config
from sciwire.relations.encoder import Pair, PairEncoder, pair_features
from sciwire.relations.model import FewShotRelationClassifier, NotaHead, load_head
from sciwire.relations.schema import NOTA, RelationSchema, load_schema

__all__ = ["FoundRelation", "RelationsResult", "find_relations", "relations_for_file", "schema_classifier"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FoundRelation:
    """One entity pair of a sentence and its relation.

    Attributes:
        head, tail: The entities (E1 -> E2), with their character offsets in the text.
        relation: A relation type of the schema, or ``"none of these"``.
        probability: The classifier's probability of ``relation``.
        similarity: Cosine of the pair to the relation's prototype (the best one for "none of these").
        sentence: The sentence text.
    """

    head: str
    head_start: int
    head_end: int
    tail: str
    tail_start: int
    tail_end: int
    relation: str
    probability: float
    similarity: float
    sentence: str


@dataclass(frozen=True)
class RelationsResult:
    """The relations of one file: pairs in a schema relation (``relations``) and how many were checked."""

    path: str
    schema: list[str]
    pairs_checked: int
    relations: list[FoundRelation] = field(default_factory=list)
    model: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "schema": self.schema, "pairs_checked": self.pairs_checked, "model": self.model,
                "relations": [asdict(r) for r in self.relations]}  # fmt: skip


def _encoder(features: dict[str, Any]) -> PairEncoder:
    return PairEncoder(
        model=str(features.get("model", "all-MiniLM-L6-v2")),
        layers=tuple(features.get("layers", (4,))),
        style=str(features.get("style", "none")),
    )


def pair_matrix(encoder: PairEncoder, pairs: Sequence[Pair], parts: Sequence[str]) -> np.ndarray:
    """Feature rows of ``pairs``; without markers each distinct sentence is encoded once for all its pairs."""
    if encoder.style != "none":
        return pair_features(encoder.encode(pairs), parts)
    texts = list(dict.fromkeys(p.text for p in pairs))
    spans: dict[str, list[tuple[int, int]]] = {t: [] for t in texts}
    for p in pairs:
        for span in (p.head, p.tail):
            if span not in spans[p.text]:
                spans[p.text].append(span)
    states = dict(zip(texts, encoder.span_states(texts, [spans[t] for t in texts]), strict=True))
    pooled = np.zeros((len(pairs), len(encoder.layers), 4, states[texts[0]].shape[-1]), dtype=np.float32)
    for i, p in enumerate(pairs):
        st = states[p.text]
        pooled[i, :, 0] = st[spans[p.text].index(p.head)]
        pooled[i, :, 1] = st[spans[p.text].index(p.tail)]
        pooled[i, :, 2], pooled[i, :, 3] = st[-2], st[-1]
    return pair_features(pooled, parts)


def schema_classifier(
    schema: RelationSchema, head: NotaHead, features: dict[str, Any]
) -> tuple[FewShotRelationClassifier, PairEncoder]:
    """The few-shot classifier fitted on the schema's examples, and the encoder of its features."""
    encoder = _encoder(features)
    examples = [p for r in schema.relations for p in r.examples]
    labels = [r.name for r in schema.relations for _ in r.examples]
    X = pair_matrix(encoder, examples, features.get("parts", ("head", "tail", "mean")))
    return FewShotRelationClassifier(head).fit(X, labels), encoder


def find_relations(
    text: str,
    classifier: FewShotRelationClassifier,
    encoder: PairEncoder,
    nlp: Any,
    *,
    parts: Sequence[str] = ("head", "tail", "mean"),
    max_entities: int = 8,
    keep_none: bool = False,
) -> tuple[list[FoundRelation], int]:
    """Classify every ordered pair of candidate entities in each sentence of ``text``.

    Args:
        text: The document text.
        classifier: From :func:`schema_classifier`.
        encoder: Its encoder.
        nlp: A spaCy pipeline with a parser.
        parts: The pooled vectors the head was trained on.
        max_entities: Candidates per sentence at most (the first ones; pairs grow as its square).
        keep_none: Also return the pairs answered "none of these".

    Returns:
        The pairs (in text order) and how many pairs were checked.
    """
    from sciwire.terms.api import parse
    from sciwire.terms.candidates import noun_chunk_candidates

    if not text.strip():
        return [], 0
    doc = parse(nlp, [text])[0]
    by_sentence: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for cand in noun_chunk_candidates(doc):
        found = by_sentence.setdefault((cand.sent_start, cand.sent_end), [])
        if len(found) < max_entities:
            found.append((cand.start, cand.end))
    pairs: list[Pair] = []
    where: list[tuple[int, tuple[int, int], tuple[int, int]]] = []
    for (s, e), ents in by_sentence.items():
        for a, b in permutations(ents, 2):
            pairs.append(Pair(text[s:e], (a[0] - s, a[1] - s), (b[0] - s, b[1] - s)))
            where.append((s, a, b))
    if not pairs:
        return [], 0
    X = pair_matrix(encoder, pairs, parts)
    proba = classifier.predict_proba(X)
    cos = classifier.similarities(X)
    out = []
    for k, (_, a, b) in enumerate(where):
        j = int(proba[k].argmax())
        relation = str(classifier.classes_[j])
        if relation == NOTA and not keep_none:
            continue
        sim = float(cos[k].max() if relation == NOTA else cos[k, j])
        out.append(FoundRelation(text[a[0] : a[1]], a[0], a[1], text[b[0] : b[1]], b[0], b[1], relation,
                                 round(float(proba[k, j]), 4), round(sim, 4), pairs[k].text))  # fmt: skip
    logger.debug("%d pairs checked, %d in a relation", len(pairs), sum(r.relation != NOTA for r in out))
    return out, len(pairs)


def relations_for_file(
    path: str | os.PathLike[str],
    schema_path: str | os.PathLike[str],
    config: Config,
    on_progress: Callable[[int], None] | None = None,
) -> RelationsResult:
    """The relations of one file (any format :func:`sciwire.readers.read` takes) under the schema file.

    Raises:
        SchemaError: A bad schema file (checked before any model loads).
        InputError: A file that cannot be read.
    """
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.readers import read

    schema = load_schema(schema_path)
    document = read(path, config=config.input)
    head, features = load_head(config.relations.model)
    classifier, encoder = schema_classifier(schema, head, features)
    found, checked = find_relations(document.text, classifier, encoder, load_spacy_parser(config.models.spacy),
                                    parts=features.get("parts", ("head", "tail", "mean")),
                                    max_entities=config.relations.max_entities)  # fmt: skip
    if on_progress is not None:
        on_progress(1)
    return RelationsResult(str(path), schema.names, checked, found, str(features.get("folder", "")))
