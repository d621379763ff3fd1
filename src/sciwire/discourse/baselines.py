"""Baselines that any discourse model must beat: majority class, TF-IDF + logistic regression,
and logistic regression over the context features (embedding, neighbours, position, section, cues).

Example:
    >>> import numpy as np
    >>> from sciwire.discourse.features import SentenceSequence
    >>> doc = SentenceSequence("d", ("a b.", "c d.", "e f."), ("body",) * 3, np.eye(3))
    >>> MajorityClassifier().fit([doc], ["x", "y", "y"]).predict([doc]).tolist()
    ['y', 'y', 'y']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from sciwire.discourse.base import DiscourseClassifier, check_training_data
from sciwire.discourse.features import SentenceSequence, check_sequences, dense_features


class MajorityClassifier(DiscourseClassifier):
    """Predicts the most frequent training label with its training share as probability.

    Args:
        labels: The allowed labels (None: any).
    """

    def __init__(self, labels: Sequence[str] | None = None) -> None:
        self.labels = labels

    def fit(self, X: Sequence[SentenceSequence], y: Any) -> MajorityClassifier:
        """Count the labels."""
        _, flat = check_training_data(X, y, self.labels)
        counts = Counter(flat)
        self.classes_ = np.array(sorted(counts), dtype=object)
        self.prior_ = np.array([counts[c] / len(flat) for c in self.classes_])
        return self

    def predict_proba(self, X: Sequence[SentenceSequence]) -> np.ndarray:
        """The training label shares for every sentence."""
        check_is_fitted(self, "prior_")
        n = sum(len(d) for d in check_sequences(X))
        return np.tile(self.prior_, (n, 1))


class TfidfLogistic(DiscourseClassifier):
    """TF-IDF of the sentence's words (uni- and bigrams) + class-balanced logistic regression.

    Args:
        labels: The allowed labels (None: any).
        C: Inverse regularisation strength.
        max_features: Vocabulary size.
    """

    def __init__(self, labels: Sequence[str] | None = None, C: float = 2.0, max_features: int = 20000) -> None:
        self.labels = labels
        self.C = C
        self.max_features = max_features

    def fit(self, X: Sequence[SentenceSequence], y: Any) -> TfidfLogistic:
        """Learn the vocabulary and the weights."""
        docs, flat = check_training_data(X, y, self.labels)
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=(1, 2), min_df=2, max_features=self.max_features, sublinear_tf=True
        )
        matrix = self.vectorizer_.fit_transform([t for d in docs for t in d.texts])
        self.model_ = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced").fit(matrix, flat)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Sequence[SentenceSequence]) -> np.ndarray:
        """Probabilities per sentence, columns in ``classes_`` order."""
        check_is_fitted(self, "model_")
        docs = check_sequences(X)
        return np.asarray(self.model_.predict_proba(self.vectorizer_.transform([t for d in docs for t in d.texts])))


class ContextLogistic(DiscourseClassifier):
    """Logistic regression on the embedding, the neighbours' embeddings, position, section and cues.

    Sees its neighbours but predicts every sentence on its own (no sequence decoding).

    Args:
        labels: The allowed labels (None: any).
        C: Inverse regularisation strength.
        neighbours: Whether to add the previous and next sentence embeddings.
    """

    def __init__(self, labels: Sequence[str] | None = None, C: float = 0.05, neighbours: bool = True) -> None:
        self.labels = labels
        self.C = C
        self.neighbours = neighbours

    def _matrix(self, docs: Sequence[SentenceSequence]) -> np.ndarray:
        return np.vstack([dense_features(d, neighbours=self.neighbours) for d in docs]).astype(np.float64)

    def fit(self, X: Sequence[SentenceSequence], y: Any) -> ContextLogistic:
        """Standardise the features and fit the weights."""
        docs, flat = check_training_data(X, y, self.labels)
        matrix = self._matrix(docs)
        self.scaler_ = StandardScaler().fit(matrix)
        self.model_ = LogisticRegression(C=self.C, max_iter=500, class_weight="balanced").fit(
            self.scaler_.transform(matrix), flat
        )
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Sequence[SentenceSequence]) -> np.ndarray:
        """Probabilities per sentence, columns in ``classes_`` order."""
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(self.scaler_.transform(self._matrix(check_sequences(X)))))
