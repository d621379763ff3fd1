"""What every discourse classifier shares: the input contract and label checks.

Discourse classifiers follow scikit-learn's estimator contract with one twist: ``X`` is a
list of documents (:class:`~sciwire.discourse.features.SentenceSequence`), because roles
depend on the neighbouring sentences, while ``y`` is flat, one label per sentence of all
documents in order (a list of per-document label lists is accepted too). ``predict``
returns one label per sentence and ``predict_proba`` one row per sentence, columns in
``classes_`` order, rows summing to 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from sciwire.discourse.features import SentenceSequence, check_sequences
from sciwire.errors import InputError


def flatten_labels(y: Any) -> np.ndarray:
    """A flat array of string labels from a flat sequence or a list of per-document lists."""
    items = list(y)
    if items and not isinstance(items[0], str) and isinstance(items[0], Sequence):
        items = [label for doc in items for label in doc]
    return np.asarray([str(label) for label in items], dtype=object)


def check_training_data(
    X: Sequence[SentenceSequence], y: Any, labels: Sequence[str] | None, *, min_sentences: int = 1
) -> tuple[list[SentenceSequence], np.ndarray]:
    """Documents and flat labels, validated for training.

    Raises:
        InputError: On an empty or malformed document, a count mismatch, a label outside
            ``labels`` or fewer than two distinct labels.
    """
    docs = check_sequences(X, min_sentences=min_sentences)
    flat = flatten_labels(y)
    total = sum(len(d) for d in docs)
    if len(flat) != total:
        raise InputError(f"Got {len(flat)} labels for {total} sentences in {len(docs)} documents; they must match")
    if labels is not None:
        unknown = sorted(set(flat) - set(labels))
        if unknown:
            raise InputError(
                f"Unknown label(s) {unknown} in the training data; expected one of {list(labels)}. "
                "Fix the data or pass labels=None to learn the label set from the data"
            )
    if len(set(flat)) < 2:
        raise InputError(f"Training needs at least 2 distinct labels, got {sorted(set(flat))}")
    return docs, flat


class DiscourseClassifier(ClassifierMixin, BaseEstimator):
    """Base class: ``predict`` is the argmax of ``predict_proba`` over ``classes_``."""

    classes_: np.ndarray

    def predict_proba(self, X: Sequence[SentenceSequence]) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, X: Sequence[SentenceSequence]) -> np.ndarray:
        """One label per sentence of all documents, in order."""
        check_is_fitted(self, "classes_")
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)], dtype=object)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy over all sentences."""
        return float(np.mean(self.predict(X) == flatten_labels(y)))
