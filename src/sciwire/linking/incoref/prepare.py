"""From words (or raw text) to what the scorers read: a parse, encoder states, prepared mentions.

:func:`read_words` parses words that are already tokenised (LitBank) and encodes them;
:func:`read_text` does the same for raw text (a news story, a GAP snippet) and also returns
each word's character offsets. :func:`prepare` turns a document's mention spans into a
:class:`~sciwire.linking.incoref.model.Prepared` for the mention ranker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.linking.incoref.features import (
    MentionInfo,
    describe_mentions,
    mention_features,
    pair_features,
    span_vectors,
)
from sciwire.linking.incoref.model import Prepared, candidate_antecedents
from sciwire.linking.incoref.states import TokenFacts, parse_words, token_facts, word_states

#: Candidate antecedents per mention (the nearest earlier ones).
MAX_ANTECEDENTS = 25


@dataclass(frozen=True)
class DocInputs:
    """One document's words with their parse facts and encoder states (``(words, hidden)``)."""

    words: tuple[str, ...]
    facts: TokenFacts
    states: np.ndarray


def read_words(nlp: Any, encoder: Any, words: Sequence[str], sentence_starts: Sequence[int], layer: int) -> DocInputs:
    """Parse and encode a tokenised document."""
    doc = parse_words(nlp, words, sentence_starts)
    return DocInputs(tuple(words), token_facts(doc), word_states(encoder, words, layer))


def read_text(nlp: Any, encoder: Any, text: str, layer: int) -> tuple[DocInputs, list[tuple[int, int]]]:
    """Parse and encode raw text; also the ``(start, end)`` character offsets of every word."""
    doc = nlp(text)
    words = [t.text for t in doc]
    offsets = [(t.idx, t.idx + len(t.text)) for t in doc]
    return DocInputs(tuple(words), token_facts(doc), word_states(encoder, words, layer)), offsets


def prepare(
    inputs: DocInputs,
    spans: Sequence[tuple[int, int]],
    cluster: Sequence[int] | None = None,
    max_antecedents: int = MAX_ANTECEDENTS,
) -> tuple[Prepared, list[MentionInfo]]:
    """The :class:`Prepared` document for ``spans`` (word indices, end inclusive, in text order)."""
    mentions = describe_mentions(inputs.facts, spans)
    vectors = np.hstack([span_vectors(inputs.states, spans), mention_features(mentions)])
    ants = candidate_antecedents(len(spans), max_antecedents)
    rows, cols = np.nonzero(ants >= 0)
    pairs = np.stack([rows, ants[rows, cols]], axis=1) if len(rows) else np.zeros((0, 2), dtype=int)
    feats = pair_features(mentions, inputs.facts.sentence, pairs, inputs.facts)
    pair_feats = np.zeros((*ants.shape, feats.shape[1]), dtype=np.float32)
    pair_feats[rows, cols] = feats
    gold = None if cluster is None else np.asarray(cluster, dtype=int)
    return Prepared(vectors.astype(np.float32), ants, pair_feats, gold), mentions


def sort_spans(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Mention spans in text order (start, then the longer first), without duplicates."""
    return sorted(set(spans), key=lambda s: (s[0], -s[1]))
