"""A graph scorer of the TextRank family: PositionRank (Florescu & Caragea, 2017).

Nodes are the stems of content words (adjectives, nouns, participles; no stopwords); two
nodes are linked when they occur within ``window`` words of each other, weighted by how
often. A random walk with restart, biased toward words that appear early (the restart
probability of a word is proportional to the sum of ``1 / position`` over its occurrences),
scores the words; a candidate scores the sum of its words' scores (SingleRank). With
``position_bias=False`` the restart is uniform: SingleRank (Wan & Xiao, 2008).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from sciwire.keyphrases.candidates import CandidateSet, is_stopword

_CONTENT = frozenset("ANG")
_DENSE_MAX = 400


class GraphScorer:
    """PositionRank / SingleRank on a word co-occurrence graph.

    Args:
        window: Co-occurrence window, in words.
        damping: Probability of following an edge (1 - restart probability).
        position_bias: Restart toward early words (PositionRank) instead of uniformly.
        max_iter: Power-iteration steps at most.
    """

    name = "graph"

    def __init__(
        self, window: int = 10, damping: float = 0.85, position_bias: bool = True, max_iter: int = 100
    ) -> None:
        self.window = window
        self.damping = damping
        self.position_bias = position_bias
        self.max_iter = max_iter

    def warm_up(self) -> None:
        """Nothing to load."""

    def word_scores(self, cands: CandidateSet) -> dict[str, float]:
        """The stationary score of every content word stem."""
        tagged, stopwords = cands.tagged, cands.stopwords
        positions = [
            i
            for i, (t, w) in enumerate(zip(tagged.tags, tagged.lowers, strict=True))
            if t in _CONTENT and not is_stopword(w, stopwords) and any(ch.isalpha() for ch in w)
        ]
        if not positions:
            return {}
        index: dict[str, int] = {}
        nodes = np.array([index.setdefault(cands.stems[i], len(index)) for i in positions])
        pos = np.array(positions)
        n = len(index)
        rows, cols = [], []
        for d in range(1, self.window):
            if d >= len(pos):
                break
            near = (pos[d:] - pos[:-d]) < self.window
            a, b = nodes[:-d][near], nodes[d:][near]
            keep = a != b
            rows += [a[keep], b[keep]]
            cols += [b[keep], a[keep]]
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=int)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=int)
        if n <= _DENSE_MAX:  # small graphs: dense products are faster than sparse ones
            adj: Any = np.bincount(r * n + c, minlength=n * n).reshape(n, n).astype(float)
            out_weight = adj.sum(axis=1)
        else:
            adj = sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
            out_weight = np.asarray(adj.sum(axis=1)).ravel()
        restart = np.bincount(nodes, weights=1.0 / (pos + 1.0), minlength=n) if self.position_bias else np.ones(n)
        restart = restart / restart.sum()
        # column-stochastic transition: score flows from j to i proportionally to w_ij / out(j)
        inv = np.divide(1.0, out_weight, out=np.zeros(n), where=out_weight > 0)
        # adj is symmetric: scaling column j by 1 / out(j) makes it column-stochastic
        transition = adj * inv[None, :] if n <= _DENSE_MAX else adj.multiply(inv[None, :]).tocsr()
        dangling = out_weight == 0
        if n <= _DENSE_MAX:
            # the walk's fixed point, solved directly: s = d (T s + (dangling . s) restart) + (1 - d) restart
            system = np.eye(n) - self.damping * (transition + np.outer(restart, dangling))
            scores = np.linalg.solve(system, (1 - self.damping) * restart)
            return {stem: float(scores[k]) for stem, k in index.items()}
        scores = np.full(n, 1.0 / n)
        for _ in range(self.max_iter):
            new = self.damping * (transition @ scores + scores[dangling].sum() * restart) + (1 - self.damping) * restart
            if np.abs(new - scores).sum() < 1e-8:
                scores = new
                break
            scores = new
        return {stem: float(scores[k]) for stem, k in index.items()}

    def score(self, cands: CandidateSet) -> np.ndarray:
        """Sum of the word scores of each candidate."""
        words = self.word_scores(cands)
        return np.array([sum(words.get(s, 0.0) for s in c.key) for c in cands.candidates], dtype=float)
