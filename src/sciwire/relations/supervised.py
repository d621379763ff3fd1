"""The supervised second number: SciERC relations between gold entities, with a trained head.

Every ordered pair of gold entities in a sentence is a candidate; its label is the SciERC
relation from head to tail, or ``none``. A candidate's row is built from one pass of MiniLM
over the sentence (no markers: one pass per sentence, not per pair): the mean token states of
head and tail and their product, the sentence mean, both entity types (one-hot, SciERC's 6)
and the token distance and order. :class:`PairRelationHead` is a logistic regression on these
rows (scikit-learn's estimator contract). Scored as micro F1 over predicted relations
(directed: head, tail and label must all match), on SciERC dev.

The baseline :func:`type_pair_baseline` predicts, for a pair of entity types, the relation
most frequent between them in train, for those type pairs where this raises train F1.

SciERC is research-use data: the head is trained and evaluated, never shipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from sciwire.relations.data import SciercSentence, char_span
from sciwire.relations.encoder import PairEncoder
from sciwire.terms.data import SCIERC_TYPES

#: The label of a pair with no relation.
NONE = "none"


def candidates(sentences: Sequence[SciercSentence]) -> list[tuple[int, int, int, str]]:
    """``(sentence index, head, tail, gold label)`` for every ordered pair of entities in a sentence."""
    out: list[tuple[int, int, int, str]] = []
    for s, sent in enumerate(sentences):
        gold = {(h, t): label for h, t, label in sent.relations}
        n = len(sent.entities)
        out.extend((s, h, t, gold.get((h, t), NONE)) for h in range(n) for t in range(n) if h != t)
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


def pair_rows(
    sentences: Sequence[SciercSentence],
    pairs: Sequence[tuple[int, int, int, str]],
    encoder: PairEncoder,
    on_progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Feature rows of the candidate ``pairs`` (see the module docstring)."""
    texts = [" ".join(s.tokens) for s in sentences]
    spans = [[char_span(list(s.tokens), [a, b]) for a, b, _ in s.entities] for s in sentences]
    states = encoder.span_states(texts, spans, on_progress)
    types = {t: i for i, t in enumerate(SCIERC_TYPES)}
    rows = []
    for s, h, t, _ in pairs:
        st = states[s]
        head, tail, mean = _unit(st[h].reshape(-1)), _unit(st[t].reshape(-1)), _unit(st[-2].reshape(-1))
        onehot = np.zeros(2 * len(SCIERC_TYPES), dtype=np.float32)
        ents = sentences[s].entities
        onehot[types.get(ents[h][2], 0)] = 1
        onehot[len(SCIERC_TYPES) + types.get(ents[t][2], 0)] = 1
        gap = ents[t][0] - ents[h][1] if ents[h][0] < ents[t][0] else ents[h][0] - ents[t][1]
        order = [1.0 if ents[h][0] < ents[t][0] else 0.0, np.log1p(max(gap, 0)) / 4]
        rows.append(np.concatenate([head, tail, head * tail * 10, mean, onehot, order]).astype(np.float32))
    return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)


class PairRelationHead(ClassifierMixin, BaseEstimator):
    """Logistic regression over entity-pair rows; classes are relation labels and ``none``.

    Args:
        C: Inverse L2 regularisation.
        none_bias: Added to the ``none`` log-odds at prediction (negative: more relations found).
        max_iter: Solver iterations.
    """

    def __init__(self, C: float = 1.0, none_bias: float = 0.0, max_iter: int = 1000) -> None:
        self.C = C
        self.none_bias = none_bias
        self.max_iter = max_iter

    def fit(self, X: np.ndarray, y: Sequence[str]) -> Self:
        model = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(X, np.asarray(y))
        self.model_ = model
        self.classes_ = model.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities (rows sum to 1, ``classes_`` order), the ``none`` bias applied."""
        if not hasattr(self, "model_"):
            raise NotFittedError("This PairRelationHead is not fitted yet; call fit(X, y) first")
        logp = self.model_.predict_log_proba(X)
        logp[:, list(self.classes_).index(NONE)] += self.none_bias
        p = np.exp(logp - logp.max(axis=1, keepdims=True))
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])


def relation_f1(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Micro precision, recall and F1 over pairs whose gold or predicted label is a relation.

    Example:
        >>> relation_f1(["USED-FOR", "none", "COMPARE"], ["USED-FOR", "PART-OF", "none"])
        {'precision': 0.5, 'recall': 0.5, 'f1': 0.5}
    """
    tp = sum(g == p != NONE for g, p in zip(gold, predicted, strict=True))
    n_pred = sum(p != NONE for p in predicted)
    n_gold = sum(g != NONE for g in gold)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _type_pair(sentences: Sequence[SciercSentence], pair: tuple[int, int, int, str]) -> tuple[str, str]:
    ents = sentences[pair[0]].entities
    return ents[pair[1]][2], ents[pair[2]][2]


def type_pair_baseline(
    train: Sequence[SciercSentence], train_pairs: Sequence[tuple[int, int, int, str]]
) -> dict[tuple[str, str], str]:
    """Per (head type, tail type): the most frequent relation between them in train, kept for the type
    pairs that raise train F1 when every such pair is given it (most precise first); others: ``none``."""
    by_type: dict[tuple[str, str], Counter[str]] = {}
    for pair in train_pairs:
        by_type.setdefault(_type_pair(train, pair), Counter())[pair[3]] += 1
    n_gold = sum(p[3] != NONE for p in train_pairs)
    options = []
    for tp, counts in by_type.items():
        rel = [(c, r) for r, c in counts.items() if r != NONE]
        if rel:
            hits, label = max(rel)
            options.append((hits / sum(counts.values()), hits, sum(counts.values()), tp, label))
    chosen: dict[tuple[str, str], str] = {}
    tp_sum = pred_sum = 0
    best = 0.0
    for _, hits, total, tp, label in sorted(options, reverse=True):
        f1 = 2 * (tp_sum + hits) / (pred_sum + total + n_gold)
        if f1 <= best:
            break
        best, tp_sum, pred_sum = f1, tp_sum + hits, pred_sum + total
        chosen[tp] = label
    return chosen


def baseline_predict(
    rule: dict[tuple[str, str], str], sentences: Sequence[SciercSentence], pairs: Sequence[tuple[int, int, int, str]]
) -> list[str]:
    """The baseline's label of each pair."""
    return [rule.get(_type_pair(sentences, p), NONE) for p in pairs]


def choose_none_bias(head: PairRelationHead, X: np.ndarray, y: Sequence[str]) -> float:
    """The ``none`` bias with the best relation F1 on held-out rows (a grid from -3 to 3)."""
    best, bias = -1.0, 0.0
    for b in np.linspace(-3, 3, 25):
        head.none_bias = float(b)
        f1 = relation_f1(list(y), list(head.predict(X)))["f1"]
        if f1 > best:
            best, bias = f1, float(b)
    head.none_bias = 0.0
    return bias


def describe(counts: dict[str, Any]) -> str:
    """A one-line summary of label counts (for logs)."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
