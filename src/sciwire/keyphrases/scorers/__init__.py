"""Keyphrase scorers behind one interface (:class:`KeyphraseScorer`): graph, statistical, embedding, combined."""

from sciwire.keyphrases.scorers.base import KeyphraseScorer, rank_normalize
from sciwire.keyphrases.scorers.combined import (
    DEFAULT_WEIGHTS,
    FAST_WEIGHTS,
    FEATURES,
    KeyphraseRanker,
    candidate_features,
    check_weights,
    load_weights,
)
from sciwire.keyphrases.scorers.embedding import EmbeddingScorer, mmr, mmr_values
from sciwire.keyphrases.scorers.graph import GraphScorer
from sciwire.keyphrases.scorers.statistical import StatisticalScorer

__all__ = [
    "DEFAULT_WEIGHTS",
    "FAST_WEIGHTS",
    "FEATURES",
    "EmbeddingScorer",
    "GraphScorer",
    "KeyphraseRanker",
    "KeyphraseScorer",
    "StatisticalScorer",
    "candidate_features",
    "check_weights",
    "load_weights",
    "mmr",
    "mmr_values",
    "rank_normalize",
]
