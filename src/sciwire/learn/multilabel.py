"""Multi-label tagging (arXiv subject categories): the Keras tutorial's shallow baseline and MiniLM + one-vs-rest.

Two estimators over texts with the scikit-learn contract; ``y`` is a list of tag lists and
``predict`` returns a binary indicator matrix (scikit-learn's multi-label convention), its
columns in ``classes_`` order. ``predict_proba`` gives one independent probability per tag (rows
do not sum to 1: a record may have several tags).

- :class:`TfidfMLPTagger`: the baseline of the Keras tutorial "Large-scale multi-label text
  classification", reproduced with scikit-learn (there is no TensorFlow here): TF-IDF over
  word unigrams and bigrams, an MLP with hidden layers of 512 and 256 ReLU units and one
  sigmoid output per tag (``MLPClassifier`` on an indicator matrix), tags at probability >= 0.5.
- :class:`EmbeddingTagger`: MiniLM sentence embeddings, one (unweighted) logistic regression per tag, and a
  threshold per tag chosen to maximise that tag's F1 on out-of-fold predictions of the
  training data (never on evaluation data); a record whose tags all fall below their
  thresholds gets its one most likely tag (every arXiv record has at least one).

Example:
    >>> import numpy as np
    >>> precision_at_k(np.array([[1, 0, 1]]), np.array([[0.9, 0.8, 0.1]]), 2)
    0.5
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold

from sciwire.errors import InputError, ModelLoadError

logger = logging.getLogger(__name__)
#: Tags seen fewer times than this in the training data are not learned (the tutorial drops rare ones too).
MIN_COUNT = 5


def tag_vocabulary(tags: Sequence[Sequence[str]], min_count: int = MIN_COUNT) -> list[str]:
    """Tags with at least ``min_count`` records, most frequent first (ties by name)."""
    counts = Counter(t for row in tags for t in set(row))
    return sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))


def indicator(tags: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    """A (records x labels) 0/1 matrix; tags outside ``labels`` are ignored."""
    index = {t: i for i, t in enumerate(labels)}
    out = np.zeros((len(tags), len(labels)), dtype=np.int8)
    for r, row in enumerate(tags):
        for t in row:
            if t in index:
                out[r, index[t]] = 1
    return out


def precision_at_k(y_true: np.ndarray, scores: np.ndarray, k: int) -> float:
    """Mean over records of the share of the ``k`` highest-scored tags that are gold tags."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float(np.take_along_axis(y_true, top, axis=1).sum(axis=1).mean() / k)


def multilabel_metrics(y_true: np.ndarray, y_pred: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """Micro- and macro-F1 of the indicator predictions, P@1 and P@3 of the scores."""
    return {
        "micro_f1": float(f1_score(y_true, y_pred, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        "p_at_1": precision_at_k(y_true, scores, 1),
        "p_at_3": precision_at_k(y_true, scores, 3),
    }


def _check_fit(texts: Sequence[str], y: Sequence[Sequence[str]], labels: list[str]) -> None:
    if len(texts) != len(y) or not len(texts):
        raise InputError(f"fit needs one tag list per text and at least one text; got {len(texts)} texts, {len(y)}")
    if not labels:
        raise InputError(
            f"No tag occurs in at least {MIN_COUNT} training records; give more records or a lower min_count"
        )


class _Tagger(ClassifierMixin, BaseEstimator):
    """What both taggers share: the tag vocabulary, ``predict`` from ``predict_proba`` and thresholds."""

    labels: Sequence[str] | None
    min_count: int
    classes_: np.ndarray
    thresholds_: np.ndarray
    at_least_one: bool = False

    def _vocabulary(self, texts: Sequence[str], y: Sequence[Sequence[str]]) -> np.ndarray:
        labels = list(self.labels) if self.labels is not None else tag_vocabulary(y, self.min_count)
        _check_fit(texts, y, labels)
        self.classes_ = np.array(labels, dtype=object)
        return indicator(y, labels)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def decide(self, probs: np.ndarray) -> np.ndarray:
        """The indicator matrix of ``probs`` under the fitted thresholds."""
        pred = (probs >= self.thresholds_).astype(np.int8)
        if self.at_least_one and len(probs):
            empty = pred.sum(axis=1) == 0
            best = np.argmax(probs / np.maximum(self.thresholds_, 1e-6), axis=1)
            pred[np.flatnonzero(empty), best[empty]] = 1
        return pred

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """A (texts x ``classes_``) 0/1 matrix."""
        return self.decide(self.predict_proba(texts))

    def tags(self, texts: Sequence[str]) -> list[list[tuple[str, float]]]:
        """Per text, the predicted tags with their probabilities, most likely first."""
        probs = self.predict_proba(texts)
        pred = self.decide(probs)
        return [
            sorted(((str(self.classes_[j]), float(p[j])) for j in np.flatnonzero(row)), key=lambda x: -x[1])
            for p, row in zip(probs, pred, strict=True)
        ]

    def _fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise ModelLoadError(f"This {type(self).__name__} is not fitted yet; call fit(texts, tags) first")


class TfidfMLPTagger(_Tagger):
    """The Keras tutorial's shallow model, in scikit-learn: TF-IDF bigrams -> MLP(512, 256) -> sigmoids.

    Example:
        >>> tagger = TfidfMLPTagger(max_iter=5).fit(["graph nets", "image nets"] * 5, [["cs.LG"], ["cs.CV"]] * 5)
        >>> sorted(tagger.classes_)
        ['cs.CV', 'cs.LG']
    """

    def __init__(self, labels: Sequence[str] | None = None, min_count: int = MIN_COUNT,
                 hidden: tuple[int, ...] = (512, 256), max_features: int = 20000, max_iter: int = 20,
                 threshold: float = 0.5, seed: int = 0) -> None:  # fmt: skip
        self.labels = labels
        self.min_count = min_count
        self.hidden = hidden
        self.max_features = max_features
        self.max_iter = max_iter
        self.threshold = threshold
        self.seed = seed

    def fit(self, texts: Sequence[str], y: Sequence[Sequence[str]]) -> TfidfMLPTagger:
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.neural_network import MLPClassifier

        target = self._vocabulary(texts, y)
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), max_features=self.max_features, sublinear_tf=True)
        features = self.vectorizer_.fit_transform(texts)
        self.mlp_ = MLPClassifier(hidden_layer_sizes=self.hidden, max_iter=self.max_iter, random_state=self.seed)
        keep = target.sum(axis=0) > 0  # MLPClassifier needs every output column seen positive once
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.mlp_.fit(features, target[:, keep])
        self.columns_ = np.flatnonzero(keep)
        self.thresholds_ = np.full(len(self.classes_), self.threshold)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._fitted()
        out = np.zeros((len(texts), len(self.classes_)))
        if len(texts):
            out[:, self.columns_] = self.mlp_.predict_proba(self.vectorizer_.transform(texts))
        return out


def best_threshold(y: np.ndarray, probs: np.ndarray, default: float = 0.5, min_positives: int = 3) -> float:
    """The threshold in 0.05..0.95 that maximises F1 of one tag (``default`` with too few positives)."""
    if y.sum() < min_positives:
        return default
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    scores = [f1_score(y, probs >= t, zero_division=0) for t in grid]
    return float(grid[int(np.argmax(scores))])


class EmbeddingTagger(_Tagger):
    """MiniLM embeddings + one logistic regression per tag, with a per-tag threshold from training folds.

    Args:
        encoder: An :class:`~sciwire.backends.embeddings.Embedder` (default: the bundled MiniLM).
        labels: The tags to learn (default: those with ``min_count`` training records).
        min_count: See ``labels``.
        C: Inverse L2 strength of each logistic regression.
        folds: Folds of the training data whose out-of-fold probabilities set the thresholds.
        seed: Seeds the folds.
        class_weight: None (default; best micro-F1 and P@k on arXiv) or ``"balanced"`` (rare tags weigh more:
            higher recall on rare tags, lower micro-F1).

    Example:
        >>> tagger = EmbeddingTagger().fit(texts, tags)     # doctest: +SKIP
        >>> tagger.tags(["A graph network for point clouds."])  # doctest: +SKIP
        [[('cs.CV', 0.81), ('cs.LG', 0.55)]]
    """

    at_least_one = True

    def __init__(self, encoder: Any = None, labels: Sequence[str] | None = None, min_count: int = MIN_COUNT,
                 C: float = 4.0, folds: int = 3, seed: int = 0,
                 class_weight: str | None = None) -> None:  # fmt: skip
        self.encoder = encoder
        self.labels = labels
        self.min_count = min_count
        self.C = C
        self.folds = folds
        self.seed = seed
        self.class_weight = class_weight

    def _encoder(self) -> Any:
        if self.encoder is None:
            from sciwire.backends.embeddings import Embedder

            self.encoder = Embedder()
        return self.encoder

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The encoder's vectors of ``texts`` (read up to the model's own token limit)."""
        return np.asarray(self._encoder().encode(list(texts), full_length=True), dtype=np.float64)

    def fit(self, texts: Sequence[str], y: Sequence[Sequence[str]]) -> EmbeddingTagger:
        return self.fit_vectors(self.embed(texts), y)

    def fit_vectors(self, x: np.ndarray, y: Sequence[Sequence[str]]) -> EmbeddingTagger:
        """:meth:`fit` on vectors already embedded (benchmarks embed each record once)."""
        target = self._vocabulary([""] * len(x), y)
        self.coef_, self.intercept_ = _fit_heads(x, target, self.C, self.class_weight)
        oof = np.zeros(target.shape)
        n_folds = min(self.folds, len(x))
        if n_folds >= 2:
            for train, held in KFold(n_folds, shuffle=True, random_state=self.seed).split(x):
                coef, intercept = _fit_heads(x[train], target[train], self.C, self.class_weight)
                oof[held] = _sigmoid(x[held] @ coef.T + intercept)
        self.thresholds_ = np.array([best_threshold(target[:, j], oof[:, j]) for j in range(target.shape[1])])
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self._fitted()
        return self.proba_vectors(self.embed(texts)) if len(texts) else np.zeros((0, len(self.classes_)))

    def proba_vectors(self, x: np.ndarray) -> np.ndarray:
        """:meth:`predict_proba` on vectors already embedded."""
        self._fitted()
        return _sigmoid(np.asarray(x, dtype=np.float64) @ self.coef_.T + self.intercept_)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    from sciwire.fitting import sigmoid

    return np.asarray(sigmoid(z), dtype=np.float64)


def _fit_heads(
    x: np.ndarray, target: np.ndarray, c: float, class_weight: str | None = "balanced"
) -> tuple[np.ndarray, np.ndarray]:
    """One balanced logistic regression per column of ``target``; a column with one value gets its prior."""
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((target.shape[1], x.shape[1]))
    intercept = np.zeros(target.shape[1])
    for j in range(target.shape[1]):
        col = target[:, j]
        if col.min() == col.max():
            rate = np.clip(col.mean(), 1e-3, 1 - 1e-3)
            intercept[j] = float(np.log(rate / (1 - rate)))
            continue
        model = LogisticRegression(C=c, class_weight=class_weight, max_iter=1000).fit(x, col)
        coef[j], intercept[j] = model.coef_[0], model.intercept_[0]
    return coef, intercept
