"""Keyphrases: noun-phrase candidates from spaCy, graph / statistical / embedding scorers, a combined ranker.

Example:
    >>> from sciwire.keyphrases import KeyphraseExtractor
    >>> extractor = KeyphraseExtractor()                 # cheap; models load on first use
    >>> phrases = extractor.extract("Graph neural networks predict molecular properties.")  # doctest: +SKIP
    >>> [k.text for k in phrases][:2]                     # doctest: +SKIP
    ['Graph neural networks', 'molecular properties']
"""

from sciwire.keyphrases.candidates import Candidate, CandidateSet, CandidateSettings, extract_candidates
from sciwire.keyphrases.model import METHODS, Keyphrase, KeyphraseExtractor, extract_keyphrases
from sciwire.keyphrases.scorers import (
    EmbeddingScorer,
    GraphScorer,
    KeyphraseRanker,
    KeyphraseScorer,
    StatisticalScorer,
    mmr,
)

__all__ = [
    "METHODS",
    "Candidate",
    "CandidateSet",
    "CandidateSettings",
    "EmbeddingScorer",
    "GraphScorer",
    "Keyphrase",
    "KeyphraseExtractor",
    "KeyphraseRanker",
    "KeyphraseScorer",
    "StatisticalScorer",
    "extract_candidates",
    "extract_keyphrases",
    "mmr",
]
