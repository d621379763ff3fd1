"""A newsworthiness classifier trained on ratings: Extra Trees (or logistic regression), calibrated.

:class:`NewsworthinessClassifier` follows scikit-learn's estimator contract. ``fit`` trains

- ``estimator_``: the model on all the data. For Extra Trees its ``predict_proba`` is the
  **vote share** (fully grown trees have pure leaves, so each tree votes 0 or 1): "35 of 100
  trees voted newsworthy" is a vote, not a probability, and forests are known to push votes
  away from 0 and 1;
- ``calibrated_``: :class:`~sklearn.calibration.CalibratedClassifierCV` around a clone of the
  same model, which maps votes to probabilities on held-out folds. ``method="auto"`` picks
  **sigmoid** (Platt, 2 parameters) below ``isotonic_min`` training papers and **isotonic**
  (a free monotone map, which overfits small data) from there on.

:class:`TrainedModel` holds one such classifier per news value (the four dimensions of Nishal &
Diakopoulos), the feature columns, the reference values used to phrase reasons and
persistence: ``model.joblib`` (its SHA-256 is kept in ``model.json`` and checked on load; only
load models you trust, joblib runs code) plus ``model.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from sciwire.errors import InputError, ModelLoadError
from sciwire.newsworthiness.explain import group_contributions, linear_contributions, tree_contributions
from sciwire.newsworthiness.features import FeatureSet
from sciwire.newsworthiness.prediction import Contributions, DimensionScores, Prediction

KINDS = ("extra_trees", "logistic")
FORMAT = "sciwire-newsworthiness/2"
#: Single-classifier models written before the four news values had their own classifiers.
FORMAT_V1 = "sciwire-newsworthiness/1"


class NewsworthinessClassifier(ClassifierMixin, BaseEstimator):
    """Extra Trees or logistic regression with a calibrated probability next to the raw score.

    Args:
        kind: ``"extra_trees"`` (the study's model) or ``"logistic"`` (the baseline).
        n_estimators: Trees of the forest.
        calibration: ``"auto"``, ``"sigmoid"`` or ``"isotonic"``.
        isotonic_min: ``"auto"`` uses isotonic from this many training examples on.
        cv: Folds of the calibration (fewer when a class is smaller).
        random_state: Seed.

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).normal(size=(40, 3)); y = (X[:, 0] > 0).astype(int)
        >>> clf = NewsworthinessClassifier(n_estimators=20).fit(X, y)
        >>> clf.method_, clf.predict_proba(X).shape
        ('sigmoid', (40, 2))
    """

    def __init__(
        self,
        kind: str = "extra_trees",
        n_estimators: int = 300,
        calibration: str = "auto",
        isotonic_min: int = 1000,
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.kind = kind
        self.n_estimators = n_estimators
        self.calibration = calibration
        self.isotonic_min = isotonic_min
        self.cv = cv
        self.random_state = random_state

    def _base(self) -> Any:
        if self.kind == "extra_trees":
            return ExtraTreesClassifier(
                n_estimators=self.n_estimators, random_state=self.random_state, n_jobs=1, class_weight="balanced"
            )
        if self.kind == "logistic":
            return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000, class_weight="balanced"))
        raise InputError(f"kind must be one of {KINDS}, got {self.kind!r}")

    def fit(self, X: np.ndarray, y: np.ndarray) -> NewsworthinessClassifier:
        """Fit the raw model on all data and a calibrated copy on cross-validation folds.

        Raises:
            InputError: With fewer than 2 examples of either class.
        """
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y).astype(int)
        counts = np.bincount(y, minlength=2)
        if len(counts) != 2 or counts.min() < 2:
            raise InputError(
                f"Training needs at least 2 newsworthy and 2 not-newsworthy papers; got {counts[1]} and {counts[0]}"
            )
        if self.calibration not in ("auto", "sigmoid", "isotonic"):
            raise InputError(f"calibration must be 'auto', 'sigmoid' or 'isotonic', got {self.calibration!r}")
        self.method_ = (
            self.calibration
            if self.calibration != "auto"
            else ("isotonic" if len(y) >= self.isotonic_min else "sigmoid")
        )
        self.cv_ = int(min(self.cv, counts.min()))
        self.estimator_ = self._base().fit(X, y)
        self.calibrated_ = CalibratedClassifierCV(clone(self._base()), method=self.method_, cv=self.cv_).fit(X, y)
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        self.mean_ = X.mean(axis=0)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` order (0, 1)."""
        check_is_fitted(self, "calibrated_")
        return np.asarray(self.calibrated_.predict_proba(np.asarray(X, dtype=np.float64)))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """1 (newsworthy) where the calibrated probability is >= 0.5."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def raw_score(self, X: np.ndarray) -> np.ndarray:
        """Uncalibrated P(newsworthy) of the raw model: the vote share for Extra Trees."""
        check_is_fitted(self, "estimator_")
        return np.asarray(self.estimator_.predict_proba(np.asarray(X, dtype=np.float64))[:, 1])

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray, str]:
        """``(bias, contributions, unit)`` of the raw model: vote-share paths or log-odds terms."""
        check_is_fitted(self, "estimator_")
        X = np.asarray(X, dtype=np.float64)
        if isinstance(self.estimator_, Pipeline):
            scaler, lr = self.estimator_[0], self.estimator_[-1]
            Z = scaler.transform(X)
            bias, contrib = linear_contributions(lr.coef_, float(lr.intercept_[0]), Z, np.zeros(Z.shape[1]))
            return bias, contrib, "log-odds"
        bias, contrib = tree_contributions(self.estimator_, X)
        return bias, contrib, "vote share"


class TrainedModel:
    """Fitted classifiers (one per news value, or one overall) with their feature columns and provenance.

    A model trained by :func:`~.train.train_newsworthiness` holds one calibrated classifier per
    news value of Nishal & Diakopoulos (``actuality``, ``controversy`` = surprise,
    ``relevance_magnitude``, ``relevance_valence``; "high" = raters' mean >= 3). The ranking
    score is the mean of their calibrated probabilities (the expected share of the four values
    raters would rate high); the vote share is the mean of their raw tree votes; reasons average
    the four models' contributions. A single classifier (key ``"newsworthy"``) is also accepted.

    Args:
        classifiers: Fitted :class:`NewsworthinessClassifier` per news value (or one classifier).
        columns: Tabular feature columns, in the classifiers' input order (the embedding follows).
        reference: Mean of each tabular feature on the training papers.
        embed_words: The ``embed_words`` used for the embeddings at training time.
        embedding_model: The embedder's model key at training time.
        info: Anything else to keep (metrics, data, alpha, ``style_caveat``).

    Example:
        >>> import numpy as np
        >>> X = np.random.default_rng(0).normal(size=(40, 3)); y = (X[:, 0] > 0).astype(int)
        >>> clf = NewsworthinessClassifier(n_estimators=10).fit(X, y)
        >>> TrainedModel({"actuality": clf}, ("a", "b", "c"), {}, 64, "x").dimension_names
        ('actuality',)
    """

    trained_on_judgements = True

    def __init__(
        self,
        classifiers: NewsworthinessClassifier | Mapping[str, NewsworthinessClassifier],
        columns: tuple[str, ...],
        reference: dict[str, float],
        embed_words: int,
        embedding_model: str,
        info: dict[str, Any] | None = None,
    ) -> None:
        if isinstance(classifiers, NewsworthinessClassifier):
            classifiers = {"newsworthy": classifiers}
        if not classifiers:
            raise InputError("A trained newsworthiness model needs at least one classifier")
        self.classifiers: dict[str, NewsworthinessClassifier] = dict(classifiers)
        self.columns = tuple(columns)
        self.reference = reference
        self.embed_words = embed_words
        self.embedding_model = embedding_model
        self.info = info or {}
        first = next(iter(self.classifiers.values()))
        what = "overall" if self.dimension_names == ("newsworthy",) else f"{len(self.classifiers)} news values"
        self.name = f"trained {first.kind.replace('_', ' ')}, {what} ({first.method_} calibration)"
        self.style_caveat: str | None = self.info.get("style_caveat")

    @property
    def classifier(self) -> NewsworthinessClassifier:
        """The first classifier (the only one of a single-classifier model)."""
        return next(iter(self.classifiers.values()))

    @property
    def dimension_names(self) -> tuple[str, ...]:
        """The news values (or ``("newsworthy",)``) the model has a classifier for."""
        return tuple(self.classifiers)

    def predict(self, features: FeatureSet) -> Prediction:
        """Per value: calibrated probability and vote share; the score is the mean calibrated probability."""
        X = features.matrix(self.columns, with_embedding=True)
        dims = {
            name: DimensionScores(clf.predict_proba(X)[:, 1], clf.raw_score(X))
            for name, clf in self.classifiers.items()
        }
        probability = np.mean([d.probability for d in dims.values()], axis=0)
        vote = np.mean([d.vote_share for d in dims.values()], axis=0) if self.classifier.kind == "extra_trees" else None
        return Prediction(probability, vote, probability, dims if len(dims) > 1 else {})

    def explain(self, features: FeatureSet, dimension: str | None = None) -> Contributions:
        """Contributions of the raw model(s), the embedding's columns summed into one.

        Args:
            features: The papers' features.
            dimension: One news value; by default the mean over all of them (exact for the mean vote share).
        """
        X = features.matrix(self.columns, with_embedding=True)
        chosen = [self.classifiers[dimension]] if dimension is not None else list(self.classifiers.values())
        parts = [clf.contributions(X) for clf in chosen]
        contrib = np.mean([c for _, c, _ in parts], axis=0)
        names, grouped = group_contributions(contrib, self.columns, features.embedding.shape[1])
        return Contributions(grouped, tuple(names), parts[0][2])

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``model.joblib`` (the classifiers by news value) and ``model.json`` (with its SHA-256)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "model.joblib"
        joblib.dump(self.classifiers, path)
        meta = {
            "format": FORMAT,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "dimensions": list(self.classifiers),
            "columns": list(self.columns),
            "reference": self.reference,
            "embed_words": self.embed_words,
            "embedding_model": self.embedding_model,
            "info": self.info,
        }
        (folder / "model.json").write_text(json.dumps(meta, indent=2, default=float) + "\n", encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> TrainedModel:
        """Load a folder written by :meth:`save`, checking the SHA-256 of ``model.joblib``.

        Raises:
            ModelLoadError: When files are missing, the checksum differs or the format is unknown.
        """
        folder = Path(folder)
        try:
            meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
            blob = (folder / "model.joblib").read_bytes()
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelLoadError(
                f"{folder} is not a newsworthiness model folder (model.json + model.joblib from "
                f"`sciwire train newsworthiness`): {exc}"
            ) from exc
        if meta.get("format") not in (FORMAT, FORMAT_V1):
            raise ModelLoadError(f"{folder}/model.json has format {meta.get('format')!r}; expected {FORMAT}")
        if hashlib.sha256(blob).hexdigest() != meta.get("sha256"):
            raise ModelLoadError(f"{folder}/model.joblib does not match the SHA-256 in model.json; refusing to load it")
        classifiers = joblib.load(folder / "model.joblib")
        return cls(
            classifiers,
            tuple(meta["columns"]),
            meta["reference"],
            int(meta["embed_words"]),
            meta["embedding_model"],
            meta.get("info"),
        )
