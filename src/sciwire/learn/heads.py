"""The KISS baselines: a logistic head on frozen MiniLM vectors, and one on TF-IDF words.

``EmbeddingLogistic`` is the method to beat with few labels (no fine-tuning, seconds on CPU).
``TfidfLogistic`` is the words-only view: weaker with 8 labels a class, but every prediction
can be read back as the words that pushed it (:meth:`TfidfLogistic.top_words`).

Example:
    >>> m = TfidfLogistic().fit(["ice melts", "sea ice", "flu vaccine", "vaccine trial"],
    ...                         ["climate", "climate", "health", "health"])
    >>> m.predict(["arctic ice"]).tolist()
    ['climate']
    >>> m.top_words("arctic ice", "climate", k=1)[0][0]
    'ice'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.fitting import softmax
from sciwire.learn.base import TextClassifier
from sciwire.learn.vectors import embed


def _linear_logits(X: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    """Logits of a fitted scikit-learn LogisticRegression, one column per class (binary: ``[0, z]``)."""
    z = X @ coef.T + intercept
    return np.hstack([np.zeros_like(z), z]) if coef.shape[0] == 1 else z


def _fit_logistic(X: Any, y: np.ndarray, C: float, class_weight: str | None, max_iter: int) -> tuple[np.ndarray, ...]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C, class_weight=class_weight, max_iter=max_iter).fit(X, y)
    return lr.coef_.astype(np.float64), lr.intercept_.astype(np.float64)


class EmbeddingLogistic(TextClassifier):
    """Multinomial logistic regression on frozen sentence vectors (MiniLM by default).

    Args:
        embedding: The sentence encoder (bundled name, folder or hub id).
        C: Inverse L2 regularisation strength.
        class_weight: ``"balanced"`` (default) or None.
        max_iter: Solver iterations.
        cache_dir: On-disk vector cache folder (None: none).
    """

    def __init__(
        self,
        embedding: str = DEFAULT_EMBEDDING_MODEL,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        max_iter: int = 2000,
        cache_dir: str | None = None,
    ) -> None:
        self.embedding = embedding
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.cache_dir = cache_dir

    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        self.coef_, self.intercept_ = _fit_logistic(
            embed(texts, self.embedding, self.cache_dir), y, self.C, self.class_weight, self.max_iter
        )

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """Logits, one column per class (what temperature scaling divides)."""
        self._check_fitted()
        return _linear_logits(embed(texts, self.embedding, self.cache_dir), self.coef_, self.intercept_)

    def _proba(self, texts: list[str]) -> np.ndarray:
        return softmax(self.decision_function(texts))

    def _state(self, folder: Path) -> dict[str, Any]:
        return {"coef": self.coef_.tolist(), "intercept": self.intercept_.tolist()}

    def _restore(self, state: dict[str, Any], folder: Path) -> None:
        self.coef_ = np.array(state["coef"], dtype=np.float64)
        self.intercept_ = np.array(state["intercept"], dtype=np.float64)


class TfidfLogistic(TextClassifier):
    """Logistic regression on TF-IDF word and bigram weights: the explainable words-only view.

    Args:
        C: Inverse L2 regularisation strength.
        ngram_max: Longest n-gram (1 = words, 2 = words and bigrams).
        class_weight: ``"balanced"`` (default) or None.
        max_iter: Solver iterations.
        stop_words: ``"english"`` drops scikit-learn's English stop words (explanations read better);
            None keeps every word (function words carry rhetorical roles: "we", "our").
    """

    def __init__(
        self,
        C: float = 10.0,
        ngram_max: int = 2,
        class_weight: str | None = "balanced",
        max_iter: int = 2000,
        stop_words: str | None = None,
    ) -> None:
        self.C = C
        self.ngram_max = ngram_max
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.stop_words = stop_words

    def _vectorizer(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            ngram_range=(1, self.ngram_max), sublinear_tf=True, lowercase=True, stop_words=self.stop_words
        )

    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        vec = self._vectorizer()
        X = vec.fit_transform(texts)
        self.vocabulary_ = {str(k): int(v) for k, v in vec.vocabulary_.items()}
        self.idf_ = vec.idf_.astype(np.float64)
        self.coef_, self.intercept_ = _fit_logistic(X, y, self.C, self.class_weight, self.max_iter)

    def _transform(self, texts: list[str]) -> Any:
        vec = self._vectorizer()
        vec.vocabulary_ = self.vocabulary_
        vec.idf_ = self.idf_
        return vec.transform(texts)

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """Logits, one column per class."""
        self._check_fitted()
        X = self._transform(texts)
        z = np.asarray(X @ self.coef_.T) + self.intercept_
        return np.hstack([np.zeros_like(z), z]) if self.coef_.shape[0] == 1 else z

    def _proba(self, texts: list[str]) -> np.ndarray:
        return softmax(self.decision_function(texts))

    def top_words(self, text: str, label: str, k: int = 5) -> list[tuple[str, float]]:
        """The words (n-grams) of ``text`` that push most towards ``label``: ``(word, weight x tf-idf)``."""
        self._check_fitted()
        col = list(self.classes_).index(label)
        row = self._transform([text]).tocoo()
        coef = np.vstack([-self.coef_[0], self.coef_[0]]) if self.coef_.shape[0] == 1 else self.coef_
        terms = {v: t for t, v in self.vocabulary_.items()}
        scores = [(terms[j], float(v * coef[col, j])) for j, v in zip(row.col, row.data, strict=True)]
        return sorted((s for s in scores if s[1] > 0), key=lambda s: -s[1])[:k]

    def _state(self, folder: Path) -> dict[str, Any]:
        return {
            "vocabulary": self.vocabulary_,
            "idf": self.idf_.tolist(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_.tolist(),
        }

    def _restore(self, state: dict[str, Any], folder: Path) -> None:
        self.vocabulary_ = {str(k): int(v) for k, v in state["vocabulary"].items()}
        self.idf_ = np.array(state["idf"], dtype=np.float64)
        self.coef_ = np.array(state["coef"], dtype=np.float64)
        self.intercept_ = np.array(state["intercept"], dtype=np.float64)
