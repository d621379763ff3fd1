"""Predicted mentions: syntactic candidates from the parse, kept by a fitted logistic scorer.

Candidates for every noun, proper noun and pronoun ``h`` (from the dependency heads only):
the word itself, its base phrase (``h`` with the determiners, possessives, modifiers and
compounds to its left: "the old man", "Sir Walter Elliot"), its whole subtree ("a man who ...",
up to :data:`MAX_WIDTH` words) and the subtree's left part up to ``h``. A
:class:`MentionDetector` (logistic regression on the span vector, the mention features and
the head's dependency label and entity type) keeps the candidates that are mentions in the
sense of the training data (LitBank: people, places, facilities, vehicles, organisations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.exceptions import NotFittedError

from sciwire.linking.incoref.features import describe_mentions, mention_features, span_vectors
from sciwire.linking.incoref.states import TokenFacts

MAX_WIDTH = 20
NOMINAL_POS = frozenset({"NOUN", "PROPN", "PRON"})
LEFT_DEPS = frozenset({"det", "amod", "compound", "poss", "nummod", "nmod", "case", "predet", "quantmod", "advmod"})
DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "poss", "conj", "appos", "attr", "compound", "npadvmod", "ROOT", "dative")
ENT_TYPES = ("PERSON", "GPE", "LOC", "FAC", "ORG", "NORP", "DATE", "TIME", "CARDINAL", "WORK_OF_ART")


def candidate_spans(facts: TokenFacts) -> list[tuple[int, int]]:
    """Candidate mention spans (word indices, end inclusive), in text order, without duplicates."""
    n = len(facts.pos)
    left = np.arange(n)
    right = np.arange(n)
    order = _depth_order(facts.head)
    for i in order:  # deepest first: a head's extent covers its dependents' extents
        h = int(facts.head[i])
        if h != i:
            left[h] = min(left[h], left[i])
            right[h] = max(right[h], right[i])
    out: set[tuple[int, int]] = set()
    for h in range(n):
        if facts.pos[h] not in NOMINAL_POS:
            continue
        out.add((h, h))
        base = h
        while base > 0 and int(facts.head[base - 1]) == h and facts.dep[base - 1] in LEFT_DEPS:
            base -= 1
        while base > 0 and facts.dep[base - 1] == "compound" and int(facts.head[base - 1]) in range(base, h + 1):
            base -= 1
        out.add((base, h))
        if right[h] - left[h] < MAX_WIDTH and facts.sentence[left[h]] == facts.sentence[right[h]]:
            out.add((int(left[h]), int(right[h])))
            out.add((int(left[h]), h))
    return sorted(out, key=lambda s: (s[0], -s[1]))


def _depth_order(head: np.ndarray) -> list[int]:
    depth = np.zeros(len(head), dtype=int)
    for i in range(len(head)):
        j, d = i, 0
        while int(head[j]) != j and d < 200:
            j, d = int(head[j]), d + 1
        depth[i] = d
    return list(np.argsort(-depth, kind="stable"))


def detector_features(facts: TokenFacts, states: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """What :class:`MentionDetector` reads for each span."""
    infos = describe_mentions(facts, spans)
    extra = np.zeros((len(spans), len(DEPS) + len(ENT_TYPES) + 1), dtype=np.float32)
    for r, m in enumerate(infos):
        if facts.dep[m.head] in DEPS:
            extra[r, DEPS.index(facts.dep[m.head])] = 1
        if m.ent in ENT_TYPES:
            extra[r, len(DEPS) + ENT_TYPES.index(m.ent)] = 1
        extra[r, -1] = m.start == m.head  # the head starts the span (bare noun or pronoun)
    hidden = states.shape[1]
    mean = span_vectors(states, spans)[:, 2 * hidden :]  # the mean of the words' states
    return np.hstack([mean, mention_features(infos), extra]).astype(np.float32)


class MentionDetector:
    """Logistic regression: is a candidate span a mention?

    Args:
        C: Inverse L2 regularisation strength.
        threshold: Probability from which a candidate is kept.
        max_iter: Iterations of the solver.
    """

    def __init__(self, C: float = 0.5, threshold: float = 0.5, max_iter: int = 300) -> None:
        self.C = C
        self.threshold = threshold
        self.max_iter = max_iter

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"C": self.C, "threshold": self.threshold, "max_iter": self.max_iter}

    def fit(self, X: np.ndarray, y: np.ndarray) -> MentionDetector:
        """Fit on candidate features ``X`` and labels ``y`` (1 = a gold mention); returns self."""
        from sklearn.linear_model import LogisticRegression

        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0) + 1e-6
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter).fit((X - self.mean_) / self.scale_, y)
        self.coef_ = lr.coef_[0].astype(np.float32)
        self.intercept_ = float(lr.intercept_[0])
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """``(n, 2)``: probability of not-a-mention, of a mention."""
        if not hasattr(self, "coef_"):
            raise NotFittedError("This MentionDetector is not fitted yet; call fit(X, y) or load a model folder first")
        z = ((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return np.stack([1 - p, p], axis=1)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)
