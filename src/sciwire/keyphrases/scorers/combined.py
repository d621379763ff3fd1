"""The combined ranker: a linear score over per-candidate features from every scorer.

Features (each in [0, 1], higher = more keyphrase-like), see :data:`FEATURES`:

- ``graph``, ``statistical``, ``embedding``: the rank-normalised scores of the three scorers
  (:func:`~sciwire.keyphrases.scorers.base.rank_normalize`); ``embedding`` is 0 when the
  encoder is not used (fast mode);
- ``position``: ``1 - first occurrence / length`` (early phrases are usually better);
- ``frequency``: rank-normalised number of occurrences;
- ``length``: words / 5, capped at 1;
- ``acronym``: 1 when the phrase was introduced with an acronym.

The shipped weights are hand-set (:data:`DEFAULT_WEIGHTS`, :data:`FAST_WEIGHTS`), not fitted.
``sciwire train keyphrases`` fits a logistic regression (:class:`KeyphraseRanker`) on these
features from labelled documents and writes its weights to a JSON file that
``keyphrases.weights_file`` loads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from sciwire.errors import ConfigError, InputError
from sciwire.keyphrases.candidates import CandidateSet
from sciwire.keyphrases.scorers.base import rank_normalize

FEATURES: tuple[str, ...] = ("graph", "statistical", "embedding", "position", "frequency", "length", "acronym")
#: Hand-set default weights of the combined ranker (round numbers, not fitted; chosen among a few
#: hand-written candidates on the train splits of Inspec and SemEval-2017, see docs/keyphrases.md).
DEFAULT_WEIGHTS: dict[str, float] = {
    "graph": 0.0,
    "statistical": 0.1,
    "embedding": 0.5,
    "position": 0.0,
    "frequency": 0.2,
    "length": 0.2,
    "acronym": 0.0,
}
#: Hand-set weights of the fast mode (no embedding): equal weights on four features.
FAST_WEIGHTS: dict[str, float] = {
    "graph": 0.25,
    "statistical": 0.25,
    "embedding": 0.0,
    "position": 0.0,
    "frequency": 0.25,
    "length": 0.25,
    "acronym": 0.0,
}


def candidate_features(
    cands: CandidateSet,
    graph: np.ndarray,
    statistical: np.ndarray,
    embedding: np.ndarray | None = None,
) -> np.ndarray:
    """The ``(len(cands), len(FEATURES))`` feature matrix (columns in :data:`FEATURES` order)."""
    n = len(cands)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    length = max(len(cands.tagged), 1)
    first = np.array([c.first for c in cands.candidates], dtype=float)
    tf = np.array([len(c.occurrences) for c in cands.candidates], dtype=float)
    words = np.array([c.n_words for c in cands.candidates], dtype=float)
    acronym = np.array([c.acronym is not None for c in cands.candidates], dtype=float)
    emb = np.zeros(n) if embedding is None else rank_normalize(embedding)
    columns = [rank_normalize(graph), rank_normalize(statistical), emb, 1.0 - first / length,
               rank_normalize(tf), np.minimum(words / 5.0, 1.0), acronym]  # fmt: skip
    return np.column_stack(columns)


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Weights for every feature (missing ones are 0).

    Raises:
        ConfigError: An unknown feature name or a non-finite weight.
    """
    unknown = set(weights) - set(FEATURES)
    if unknown:
        raise ConfigError(f"Unknown keyphrase feature(s) {sorted(unknown)}; known: {', '.join(FEATURES)}")
    out = {name: float(weights.get(name, 0.0)) for name in FEATURES}
    if not all(np.isfinite(v) for v in out.values()):
        raise ConfigError(f"Keyphrase weights must be finite numbers, got {out}")
    return out


def load_weights(path: str | os.PathLike[str]) -> dict[str, float]:
    """Read a weights file written by :meth:`KeyphraseRanker.save_weights`.

    Raises:
        InputError: The file is missing or not a JSON object of weights.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"Cannot read keyphrase weights from {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("weights"), dict):
        raise InputError(
            f"{path} must hold a JSON object with a 'weights' object, as 'sciwire train keyphrases' writes"
        )
    return check_weights(data["weights"])


class KeyphraseRanker(ClassifierMixin, BaseEstimator):
    """Learning to rank, pointwise: a logistic regression on :func:`candidate_features` rows.

    ``y`` is 1 for candidates that match a gold keyphrase. Its ``coef_`` become the linear
    weights of the combined ranker (:meth:`weights`).

    Args:
        C: Inverse regularisation strength of the logistic regression.
        class_weight: Passed to the logistic regression (``"balanced"`` or None).

    Example:
        >>> X = np.array([[0.9, 0.8, 0, 1, 1, 0.4, 0], [0.1, 0.2, 0, 0, 0, 0.2, 0]] * 5)
        >>> ranker = KeyphraseRanker().fit(X, np.array([1, 0] * 5))
        >>> ranker.weights()["graph"] > 0
        True
    """

    def __init__(self, C: float = 1.0, class_weight: str | None = None) -> None:
        self.C = C
        self.class_weight = class_weight

    def fit(self, X: np.ndarray, y: np.ndarray) -> KeyphraseRanker:
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        if X.ndim != 2 or X.shape[1] != len(FEATURES):
            raise InputError(f"Expected a feature matrix with {len(FEATURES)} columns ({FEATURES}), got {X.shape}")
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        model.fit(X, y)
        self.model_ = model
        self.classes_ = model.classes_
        self.coef_ = model.coef_
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.decision_function(np.asarray(X, dtype=float)))

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict_proba(np.asarray(X, dtype=float)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self, "model_")
        return np.asarray(self.model_.predict(np.asarray(X, dtype=float)))

    def weights(self) -> dict[str, float]:
        """The learned coefficient of each feature (the intercept does not change a ranking)."""
        check_is_fitted(self, "model_")
        return {name: round(float(w), 6) for name, w in zip(FEATURES, self.coef_[0], strict=True)}

    def save_weights(self, path: str | os.PathLike[str]) -> Path:
        """Write ``{"weights": {...}}`` for ``keyphrases.weights_file``."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"weights": self.weights(), "features": list(FEATURES)}, indent=2) + "\n", "utf-8")
        return out
