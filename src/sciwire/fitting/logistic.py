"""One fitted logistic scorer for every small calibrated combination of evidence in sciwire.

``p = sigmoid(intercept + Σ coef_j · x_j)`` over named features: the aligner's match
probability (cosine, lexical overlap), the paper finder's content evidence, the coreference
pair scorer and the answer confidence are all a :class:`LogisticScorer`, each saved as a
model folder (``weights.json`` + ``MODEL_CARD.md`` + ``receipt.json``).

Example:
    >>> import numpy as np
    >>> X = np.array([[0.1, 0.0], [0.2, 0.1], [0.8, 0.7], [0.9, 0.6]])
    >>> scorer = LogisticScorer(feature_names=("cosine", "lexical"), C=10.0).fit(X, [0, 0, 1, 1])
    >>> scorer.predict(X).tolist()
    [0, 0, 1, 1]
    >>> bool(np.allclose(scorer.predict_proba(X).sum(axis=1), 1.0))
    True
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting.folders import WEIGHTS, load_once, read_json, resolve_model_folder, write_model_folder
from sciwire.fitting.probability import sigmoid
from sciwire.fitting.receipts import ModelCard, Receipt

FORMAT = "sciwire-logistic/1"


class LogisticScorer(ClassifierMixin, BaseEstimator):
    """Binary logistic regression over named features, saved as a model folder.

    Follows scikit-learn's contract: ``__init__`` stores its arguments, ``fit`` returns
    ``self``, the learned state is ``coef_`` (shape ``(1, n_features)``), ``intercept_``
    (shape ``(1,)``), ``classes_`` (``[0, 1]``) and ``feature_names_in_``; ``predict_proba``
    rows sum to 1 in ``classes_`` order; calling it before ``fit`` (or :meth:`load`) raises
    scikit-learn's ``NotFittedError``. ``decision_function`` and ``predict_proba`` also take
    arrays with more leading axes (``(..., n_features)``), computed feature by feature in the
    input's precision, so a float32 similarity matrix stays float32.

    Args:
        feature_names: Names of the columns of ``X``, in order (None: ``x0, x1, ...``).
        C: Inverse L2 regularisation strength.
        class_weight: ``None`` or ``"balanced"`` (see scikit-learn's LogisticRegression).
        max_iter: Iterations of the solver.

    Attributes:
        folder: The model folder the scorer was loaded from (None when fitted in memory).
    """

    folder: Path | None = None

    def __init__(
        self,
        feature_names: Sequence[str] | None = None,
        C: float = 1.0,
        class_weight: str | None = None,
        max_iter: int = 1000,
    ) -> None:
        self.feature_names = feature_names
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter

    # ---- fitting ------------------------------------------------------------------------
    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit on ``X`` (n, n_features) and 0/1 labels ``y``.

        Raises:
            InputError: On a shape mismatch, feature names that do not match the columns, or
                labels that are not both 0 and 1.
        """
        from sklearn.linear_model import LogisticRegression

        X_arr = np.asarray(X, dtype=np.float64)
        y_arr = np.asarray(y).astype(int)
        if X_arr.ndim != 2 or len(X_arr) != len(y_arr):
            raise InputError(f"fit needs X of shape (n, n_features) and n labels; got {X_arr.shape} and {y_arr.shape}")
        names = self._names(X_arr.shape[1])
        if set(np.unique(y_arr).tolist()) != {0, 1}:
            raise InputError(f"LogisticScorer needs labels 0 and 1, both present; got {sorted(set(y_arr.tolist()))}")
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter).fit(X_arr, y_arr)
        self.coef_ = model.coef_.astype(np.float64).copy()
        self.intercept_ = model.intercept_.astype(np.float64).copy()
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X_arr.shape[1]
        self.feature_names_in_ = np.array(names, dtype=object)
        self.folder = None
        return self

    def _names(self, n: int) -> tuple[str, ...]:
        names = tuple(self.feature_names) if self.feature_names is not None else tuple(f"x{i}" for i in range(n))
        if len(names) != n or len(set(names)) != n:
            raise InputError(
                f"Got {n} feature columns for the {len(names)} feature names {list(names)}; they must match"
            )
        return names

    @classmethod
    def from_weights(cls, weights: Mapping[str, float], intercept: float, **params: Any) -> Self:
        """A fitted scorer with the given weights (feature name -> weight, in feature order)."""
        scorer = cls(feature_names=tuple(weights), **params)
        scorer.coef_ = np.array([[float(w) for w in weights.values()]], dtype=np.float64)
        scorer.intercept_ = np.array([float(intercept)], dtype=np.float64)
        scorer.classes_ = np.array([0, 1])
        scorer.n_features_in_ = len(weights)
        scorer.feature_names_in_ = np.array(list(weights), dtype=object)
        return scorer

    def rounded(self, decimals: int = 3) -> Self:
        """A copy with weights and intercept rounded (how sciwire stores fitted scorers)."""
        self._check()
        return type(self).from_weights(
            {k: round(float(v), decimals) for k, v in self.weights().items()},
            round(float(self.intercept_[0]), decimals),
            **{k: v for k, v in self.get_params().items() if k != "feature_names"},
        )

    # ---- prediction ---------------------------------------------------------------------
    def _check(self) -> None:
        check_is_fitted(
            self,
            "coef_",
            msg=(
                f"This {type(self).__name__} is not fitted yet: call fit(X, y), or load a model folder with "
                f"{type(self).__name__}.load(folder)"
            ),
        )

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The logit ``intercept + Σ coef_j · x_j`` of each row (the last axis of ``X`` holds the features).

        Raises:
            NotFittedError: Before :meth:`fit` or :meth:`load`.
            InputError: When the last axis does not have ``n_features_in_`` columns.
        """
        self._check()
        arr = np.asarray(X)
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        if arr.ndim == 0 or arr.shape[-1] != self.n_features_in_:
            raise InputError(
                f"Expected {self.n_features_in_} features ({', '.join(self.feature_names_in_)}) on the last axis, "
                f"got an array of shape {arr.shape}"
            )
        z: Any = float(self.intercept_[0])
        for j in range(self.n_features_in_):
            z = z + float(self.coef_[0, j]) * arr[..., j]
        return np.asarray(z)

    def probability(self, X: ArrayLike) -> np.ndarray:
        """P(class 1) of each row: ``sigmoid(decision_function(X))``, shape ``X.shape[:-1]``."""
        return sigmoid(self.decision_function(X))

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Rows ``[P(0), P(1)]`` (columns in ``classes_`` order; they sum to 1)."""
        p = self.probability(X)
        return np.stack([1 - p, p], axis=-1)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """1 where P(1) >= 0.5, else 0."""
        return (self.probability(X) >= 0.5).astype(int)

    def weights(self) -> dict[str, float]:
        """Feature name -> weight."""
        self._check()
        return {str(n): float(w) for n, w in zip(self.feature_names_in_, self.coef_[0], strict=True)}

    def features_of(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """The matrix of ``rows`` (dicts of evidence) in feature order; a missing feature counts 0."""
        self._check()
        return np.array([[float(r.get(str(n), 0.0)) for n in self.feature_names_in_] for r in rows], dtype=np.float64)

    # ---- persistence --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible weights (what ``weights.json`` holds)."""
        self._check()
        params = {k: v for k, v in self.get_params().items() if k != "feature_names"}
        return {"format": FORMAT, "weights": self.weights(), "intercept": float(self.intercept_[0]), "params": params}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "weights") -> Self:
        """The scorer :meth:`to_dict` describes.

        Raises:
            ModelLoadError: On another format or malformed weights (``where`` names the source).
        """
        if data.get("format") != FORMAT:
            raise ModelLoadError(f"{where} has format {data.get('format')!r}; expected {FORMAT!r}")
        weights, intercept = data.get("weights"), data.get("intercept")
        if (
            not isinstance(weights, dict)
            or not weights
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in weights.values())
            or not isinstance(intercept, (int, float))
        ):
            raise ModelLoadError(f"{where} must hold 'weights' (feature -> number) and a numeric 'intercept'")
        params = data.get("params") or {}
        known = {"C", "class_weight", "max_iter"}
        return cls.from_weights(weights, float(intercept), **{k: v for k, v in params.items() if k in known})

    def save(self, folder: str | os.PathLike[str], *, receipt: Receipt, card: ModelCard) -> Path:
        """Write the model folder: ``weights.json``, ``receipt.json`` and ``MODEL_CARD.md``."""
        return write_model_folder(folder, self.to_dict(), receipt, card)

    @classmethod
    def load(cls, folder: str | os.PathLike[str], *, hint: str = "") -> Self:
        """Load a folder written by :meth:`save`; ``folder`` is remembered in :attr:`folder`.

        Raises:
            ModelLoadError: When the folder or ``weights.json`` is missing or malformed.
        """
        data = read_json(folder, WEIGHTS, keys=("format", "weights", "intercept"), hint=hint)
        try:
            scorer = cls.from_dict(data, where=f"{Path(folder) / WEIGHTS}")
        except ModelLoadError as exc:
            raise ModelLoadError(f"Cannot load the model in {folder}: {exc}{'; ' + hint if hint else ''}") from exc
        scorer.folder = Path(folder)
        return scorer


def load_scorer(
    spec: str | os.PathLike[str],
    default_name: str,
    *,
    features: Sequence[str] | None = None,
    hint: str = "",
    kind: type[LogisticScorer] = LogisticScorer,
) -> LogisticScorer:
    """The scorer in the model folder ``spec`` names (``"default"``: ``sciwire/models/<default_name>``).

    Loaded once per folder and version of ``weights.json`` (the same object is returned while
    the file is unchanged: do not modify it). Its ``folder`` attribute says where it came from.

    Args:
        spec: ``"default"`` or a folder.
        default_name: The shipped folder.
        features: The feature names the caller computes, in order; other weights are an error.
        hint: What to do when the folder is bad (see :func:`~sciwire.fitting.folders.retrain_hint`).
        kind: The class to build (a subclass of :class:`LogisticScorer`).

    Raises:
        ModelLoadError: On a missing folder, a missing or corrupt ``weights.json``, or other features.
    """
    folder = resolve_model_folder(spec, default_name, hint=hint).resolve()
    wanted = tuple(features) if features is not None else None

    def load() -> LogisticScorer:
        scorer = kind.load(folder, hint=hint)
        if wanted is not None and tuple(scorer.feature_names_in_) != wanted:
            raise ModelLoadError(
                f"Cannot load the model in {folder}: {WEIGHTS} weighs {list(scorer.feature_names_in_)}, expected "
                f"{list(wanted)}{'; ' + hint if hint else ''}"
            )
        return scorer

    return load_once((kind.__module__, kind.__qualname__, wanted), folder, WEIGHTS, load)
