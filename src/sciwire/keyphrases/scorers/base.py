"""The scorer interface: one number per candidate, higher is better.

A scorer is a small object with a ``name`` and ``score(cands) -> np.ndarray`` of shape
``(len(cands),)``. It never sees other documents, so a document's scores do not depend on
the batch it came in. Scorers that need a model load it in ``warm_up()``.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from sciwire.keyphrases.candidates import CandidateSet


@runtime_checkable
class KeyphraseScorer(Protocol):
    """Scores the candidates of one document (higher is better)."""

    name: str

    def warm_up(self) -> None: ...

    def score(self, cands: CandidateSet) -> np.ndarray: ...


def rank_normalize(scores: np.ndarray) -> np.ndarray:
    """Map scores to (0, 1] by rank: the best gets 1, the worst 1/n; ties share the better rank.

    Example:
        >>> rank_normalize(np.array([0.2, 5.0, 0.2])).round(3).tolist()
        [0.667, 1.0, 0.667]
    """
    n = len(scores)
    if n == 0:
        return np.zeros(0)
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(n)
    sorted_scores = scores[order]
    # first index of each run of equal scores
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_scores) != 0) + 1]
    run_rank = np.repeat(starts, np.diff(np.r_[starts, n]))
    ranks[order] = run_rank
    return 1.0 - ranks / n
