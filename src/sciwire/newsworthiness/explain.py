"""Per-feature contributions to a score, and the words a journalist reads them in.

Two exact, additive attributions (``score = bias + sum of contributions``):

- **Trees** (:func:`tree_contributions`): the path attribution of Saabas' *treeinterpreter*.
  Walking a sample from the root to its leaf, every split changes the node's share of
  "newsworthy" training papers; that change is credited to the split's feature. Averaged over
  the forest, bias + contributions equals the forest's vote share. Tree SHAP would average
  over feature orders (fairer to correlated features, but it needs the optional ``shap``
  package); the path attribution is cheap, dependency-free and easy to check.
- **Linear models** (:func:`linear_contributions`): ``w_j * (x_j - mean_j)`` on the model's
  (standardised) inputs, in log-odds.

The 384 embedding columns mean nothing one by one, so :func:`group_contributions` adds them
up into a single "wording and topic" contribution. :func:`reasons` turns the strongest
contributions into phrases such as "+ health topic", "+ jargon-free abstract", "- no code released".

Example:
    >>> describe("jargon_share", 0.02, 0.08)
    'jargon-free abstract'
    >>> describe("code_available", 1.0, 0.2)
    'code released'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from sciwire.newsworthiness.news_values import PHRASES

EMBEDDING_GROUP = "embedding"
#: (phrase when the value is above the reference, phrase when below).
DIRECTIONS: dict[str, tuple[str, str]] = {
    "words": ("long abstract", "short abstract"),
    "words_per_sentence": ("long sentences", "short sentences"),
    "syllables_per_word": ("long, technical words", "plain, short words"),
    "flesch_reading_ease": ("easy to read", "hard to read"),
    "jargon_share": ("jargon-heavy abstract", "jargon-free abstract"),
    "common_share": ("everyday vocabulary", "specialist vocabulary"),
    "dejargonizer_score": ("jargon-free abstract", "jargon-heavy abstract"),
    "code_available": ("code released", "no code released"),
    "data_available": ("data shared", "no data shared"),
    "venue_high_profile": ("high-profile journal", "not a high-profile journal"),
    "claim_strength": ("strong, causal claim", "cautious claim"),
    EMBEDDING_GROUP: ("wording and topic like newsworthy papers", "wording and topic like papers rated not newsworthy"),
}


@dataclass(frozen=True)
class Reason:
    """One feature's contribution, in words: ``str(reason)`` gives "+ health topic"."""

    feature: str
    phrase: str
    contribution: float

    def __str__(self) -> str:
        return f"{'+' if self.contribution >= 0 else '−'} {self.phrase}"

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "phrase": self.phrase, "contribution": round(self.contribution, 4)}


def describe(name: str, value: float, reference: float) -> str:
    """A phrase for a feature's value, relative to a reference (the training mean)."""
    above = value > reference
    if name in DIRECTIONS:
        return DIRECTIONS[name][0 if above else 1]
    if name.startswith("field_"):
        field = name.removeprefix("field_").replace("_", "-")
        return f"{field} paper" if above else f"not a {field} paper"
    if name.startswith("topic_") and not above:
        return "no clear human-interest topic"
    if name in PHRASES:
        return PHRASES[name] if above else f"weak signal: {PHRASES[name]}"
    return f"{'high' if above else 'low'} {name.replace('_', ' ')}"


def tree_contributions(forest: Any, X: np.ndarray, positive: int = 1, chunk: int = 2000) -> tuple[float, np.ndarray]:
    """Path attributions of a fitted scikit-learn forest (or tree) classifier.

    Returns:
        ``(bias, contributions)``: ``bias + contributions.sum(1)`` equals
        ``forest.predict_proba(X)[:, positive]``; ``contributions`` has shape ``X.shape``.
    """
    trees = getattr(forest, "estimators_", [forest])
    n_features = X.shape[1]
    blocks, bias = [], 0.0
    for est in trees:
        tree = est.tree_
        value = tree.value[:, 0, :]
        share = value[:, positive] / np.maximum(value.sum(axis=1), 1e-12)
        parent = np.full(tree.node_count, -1)
        for side in (tree.children_left, tree.children_right):
            inner = side >= 0
            parent[side[inner]] = np.flatnonzero(inner)
        child = np.flatnonzero(parent >= 0)
        delta = share[child] - share[parent[child]]
        feature = tree.feature[parent[child]]
        blocks.append(sparse.csr_matrix((delta, (child, feature)), shape=(tree.node_count, n_features)))
        bias += share[0]
    out = np.zeros(X.shape, dtype=np.float64)
    for start in range(0, len(X), chunk):
        part = X[start : start + chunk]
        for est, block in zip(trees, blocks, strict=True):
            out[start : start + chunk] += (est.decision_path(part) @ block).toarray()
    return bias / len(trees), out / len(trees)


def linear_contributions(
    coef: np.ndarray, intercept: float, X: np.ndarray, mean: np.ndarray
) -> tuple[float, np.ndarray]:
    """``(bias, contributions)`` of a linear model in its own units (log-odds for logistic regression).

    ``bias + contributions.sum(1) == X @ coef + intercept``, centred at ``mean``.
    """
    coef = np.ravel(coef)
    return float(intercept + mean @ coef), (X - mean) * coef


def group_contributions(
    contributions: np.ndarray, names: Sequence[str], n_embedding: int
) -> tuple[list[str], np.ndarray]:
    """Sum the trailing ``n_embedding`` columns (the embedding) into one column named "embedding"."""
    n_tab = len(names)
    if contributions.shape[1] != n_tab + n_embedding:
        raise ValueError(f"Expected {n_tab} + {n_embedding} columns, got {contributions.shape[1]}")
    if not n_embedding:
        return list(names), contributions
    grouped = np.hstack([contributions[:, :n_tab], contributions[:, n_tab:].sum(axis=1, keepdims=True)])
    return [*names, EMBEDDING_GROUP], grouped


def reasons(
    contributions: np.ndarray,
    names: Sequence[str],
    values: Mapping[str, float],
    reference: Mapping[str, float],
    k: int = 3,
) -> list[Reason]:
    """The ``k`` strongest contributions of one paper, as phrases (largest magnitude first).

    Args:
        contributions: One row of (grouped) contributions.
        names: Their feature names.
        values: The paper's feature values (the embedding group needs none).
        reference: The reference value of each feature (e.g. the training mean).
        k: How many reasons.
    """
    order = np.argsort(-np.abs(contributions), kind="stable")[:k]
    out = []
    for j in order:
        name = names[j]
        c = float(contributions[j])
        if name == EMBEDDING_GROUP:
            phrase = DIRECTIONS[EMBEDDING_GROUP][0 if c >= 0 else 1]
        else:
            phrase = describe(name, values[name], reference[name])
        if abs(c) > 0:
            out.append(Reason(name, phrase, c))
    return out
