"""The learned pair verdict: downplays / same / exaggerates from both sentences' claim strength.

Features of a (paper sentence, story sentence) pair (:func:`pair_features`), all from the two
calibrated claim-strength distributions: the strength rule's P(downplays), P(same),
P(exaggerates) (:func:`sciwire.fidelity.verdict.strength_verdict`), their logarithms and the
expected strength gap (story minus paper, in levels).

:class:`PairVerdictModel` is a multinomial logistic regression over them. ``sciwire train
pairs`` fits it on pairs built from the claim-strength data: a press-release sentence as the
story, a paper sentence as the paper, labelled by comparing their *gold* strengths: the
verdict labels of Wright & Augenstein (2021) are defined exactly that way (on their 100
InSciOut pairs the label is the sign of the strength difference in every case), so these
labels are justified. Each sentence's strength probabilities are out of fold (the
strength model never saw the sentence), as they will be on users' text. The 100 real
InSciOut pairs are never used for fitting: they stay the test.

The model folder also holds what the fidelity step needs besides the weights
(``weights.json``): ``abstain_below`` (the confidence under which a verdict is "unsure",
chosen on the fitting pairs) and the measured precision of every deterministic check; a
check may change a verdict only at precision >= :data:`DECISIVE_PRECISION`.

Example:
    >>> import numpy as np
    >>> pair_features(np.eye(4)[[1]], np.eye(4)[[3]]).round(2)[0, :4].tolist()
    [0.0, 0.0, 1.0, 2.0]
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

from sciwire.datasets.fidelity import VERDICT_LABELS
from sciwire.errors import InputError, ModelLoadError
from sciwire.fidelity.verdict import strength_verdict
from sciwire.fitting import ModelCard, Receipt, read_json, resolve_model_folder, retrain_hint, softmax
from sciwire.fitting.folders import WEIGHTS, load_once, write_model_folder

PAIR_FEATURES: tuple[str, ...] = (
    "p_downplays",
    "p_same",
    "p_exaggerates",
    "strength_gap",
    "log_p_downplays",
    "log_p_same",
    "log_p_exaggerates",
)
PAIRS_FOLDER = "fidelity_pairs"
PAIRS_HINT = retrain_hint("sciwire train pairs --data DIR --out FOLDER", "fidelity.pair_model")
FORMAT = "sciwire-pair-verdict-1"
#: A check may change a verdict only when its measured precision is at least this.
DECISIVE_PRECISION = 0.8
_LEVELS = np.arange(4, dtype=np.float64)


def pair_features(paper_probs: ArrayLike, story_probs: ArrayLike) -> np.ndarray:
    """The (n, len(PAIR_FEATURES)) features of n pairs from their (n, 4) strength distributions."""
    paper = np.atleast_2d(np.asarray(paper_probs, dtype=np.float64))
    story = np.atleast_2d(np.asarray(story_probs, dtype=np.float64))
    if paper.shape != story.shape or paper.shape[-1] != 4:
        raise InputError(f"pair_features needs two (n, 4) strength distributions; got {paper.shape} and {story.shape}")
    rule = strength_verdict(paper, story)
    gap = story @ _LEVELS - paper @ _LEVELS
    return np.column_stack([rule, gap, np.log(rule + 1e-6)])


class PairVerdictModel(ClassifierMixin, BaseEstimator):
    """Multinomial logistic regression over :data:`PAIR_FEATURES`; classes are indices of ``VERDICT_LABELS``.

    Follows scikit-learn's contract (``fit`` returns ``self``; ``coef_`` (3, n_features),
    ``intercept_`` (3,), ``classes_`` ``[0, 1, 2]``; ``NotFittedError`` before ``fit``/``load``).
    The folder-level settings (``abstain_below``, ``checks``) are attributes set by the trainer.

    Args:
        C: Inverse L2 regularisation strength.
        class_weight: ``None`` or ``"balanced"``.
        max_iter: Iterations of the solver.
    """

    folder: Path | None = None

    def __init__(self, C: float = 1.0, class_weight: str | None = "balanced", max_iter: int = 3000) -> None:
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> Self:
        """Fit on features ``X`` (n, 7) and labels ``y`` in {0, 1, 2} (downplays, same, exaggerates).

        Raises:
            InputError: On a shape mismatch or labels outside 0..2 / not all present.
        """
        from sklearn.linear_model import LogisticRegression

        X_arr = np.asarray(X, dtype=np.float64)
        y_arr = np.asarray(y).astype(int)
        if X_arr.ndim != 2 or X_arr.shape[1] != len(PAIR_FEATURES) or len(X_arr) != len(y_arr):
            raise InputError(
                f"fit needs X of shape (n, {len(PAIR_FEATURES)}) and n labels; got {X_arr.shape} and {y_arr.shape}"
            )
        if set(np.unique(y_arr).tolist()) != {0, 1, 2}:
            raise InputError(f"PairVerdictModel needs labels 0, 1 and 2, all present; got {sorted(set(y_arr))}")
        model = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
        model.fit(X_arr, y_arr, sample_weight=sample_weight)
        self.coef_ = model.coef_.astype(np.float64)
        self.intercept_ = model.intercept_.astype(np.float64)
        self.classes_ = np.array([0, 1, 2])
        self.n_features_in_ = X_arr.shape[1]
        self.folder = None
        return self

    def _check(self) -> None:
        check_is_fitted(
            self,
            "coef_",
            msg="This PairVerdictModel is not fitted yet: call fit(X, y) or PairVerdictModel.load(folder)",
        )

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Logits (n, 3)."""
        self._check()
        X_arr = np.atleast_2d(np.asarray(X, dtype=np.float64))
        if X_arr.shape[-1] != self.n_features_in_:
            raise InputError(f"Expected {self.n_features_in_} pair features, got an array of shape {X_arr.shape}")
        return np.asarray(X_arr @ self.coef_.T + self.intercept_)

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """P(downplays), P(same), P(exaggerates) per row (they sum to 1)."""
        return softmax(self.decision_function(X))

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable class index per row."""
        return np.asarray(self.predict_proba(X).argmax(axis=1))

    def verdict_proba(self, paper_probs: ArrayLike, story_probs: ArrayLike) -> np.ndarray:
        """:meth:`predict_proba` of pairs given by their strength distributions."""
        return self.predict_proba(pair_features(paper_probs, story_probs))

    # ---- the folder ---------------------------------------------------------------------
    abstain_below: float = 0.0
    checks: Mapping[str, Mapping[str, float]] = {}

    def decisive(self, kind: str) -> bool:
        """May the check ``kind`` change a verdict (measured precision >= :data:`DECISIVE_PRECISION`)?"""
        info = self.checks.get(kind) or {}
        return float(info.get("precision", 0.0)) >= DECISIVE_PRECISION

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible weights and settings (what ``weights.json`` holds)."""
        self._check()
        return {
            "format": FORMAT,
            "features": list(PAIR_FEATURES),
            "classes": list(VERDICT_LABELS),
            "coef": np.round(self.coef_, 4).tolist(),
            "intercept": np.round(self.intercept_, 4).tolist(),
            "params": self.get_params(),
            "abstain_below": round(float(self.abstain_below), 4),
            "checks": {k: dict(v) for k, v in self.checks.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = WEIGHTS) -> Self:
        """The model :meth:`to_dict` describes.

        Raises:
            ModelLoadError: On another format or malformed weights.
        """
        if data.get("format") != FORMAT:
            raise ModelLoadError(f"{where} has format {data.get('format')!r}; expected {FORMAT!r}")
        if list(data.get("features") or []) != list(PAIR_FEATURES) or list(data.get("classes") or []) != list(
            VERDICT_LABELS
        ):
            raise ModelLoadError(f"{where} is for other features or classes than this version of sciwire uses")
        try:
            coef = np.asarray(data["coef"], dtype=np.float64)
            intercept = np.asarray(data["intercept"], dtype=np.float64)
            abstain = float(data.get("abstain_below", 0.0))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(
                f"{where} must hold numeric 'coef' (3 x {len(PAIR_FEATURES)}) and 'intercept' (3)"
            ) from exc
        if coef.shape != (3, len(PAIR_FEATURES)) or intercept.shape != (3,) or not 0 <= abstain < 1:
            raise ModelLoadError(
                f"{where} must hold 'coef' of shape (3, {len(PAIR_FEATURES)}), 'intercept' of shape (3) and "
                f"'abstain_below' in [0, 1); got {coef.shape}, {intercept.shape}, {abstain}"
            )
        params = {k: v for k, v in (data.get("params") or {}).items() if k in ("C", "class_weight", "max_iter")}
        model = cls(**params)
        model.coef_, model.intercept_ = coef, intercept
        model.classes_ = np.array([0, 1, 2])
        model.n_features_in_ = len(PAIR_FEATURES)
        model.abstain_below = abstain
        model.checks = {str(k): dict(v) for k, v in (data.get("checks") or {}).items()}
        return model

    def save(self, folder: str | os.PathLike[str], *, receipt: Receipt, card: ModelCard) -> Path:
        """Write the model folder: ``weights.json``, ``receipt.json`` and ``MODEL_CARD.md``."""
        return write_model_folder(folder, self.to_dict(), receipt, card)

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> Self:
        """Load a folder written by :meth:`save`.

        Raises:
            ModelLoadError: When the folder or ``weights.json`` is missing or malformed.
        """
        data = read_json(folder, WEIGHTS, keys=("format", "coef", "intercept"), hint=PAIRS_HINT)
        try:
            model = cls.from_dict(data, where=str(Path(folder) / WEIGHTS))
        except ModelLoadError as exc:
            raise ModelLoadError(f"Cannot load the model in {folder}: {exc}; {PAIRS_HINT}") from exc
        model.folder = Path(folder)
        return model


def load_pair_model(spec: str | os.PathLike[str] = "default") -> PairVerdictModel:
    """The pair-verdict model in the folder ``spec`` names (``"default"``: the shipped one), loaded once
    per version of its ``weights.json``.

    Raises:
        ModelLoadError: On a missing folder or a missing or corrupt ``weights.json``.
    """
    folder = resolve_model_folder(spec, PAIRS_FOLDER, hint=PAIRS_HINT).resolve()
    return load_once(PairVerdictModel, folder, WEIGHTS, lambda: PairVerdictModel.load(folder))


def abstention_curve(probs: np.ndarray, y: np.ndarray, steps: Sequence[float] | None = None) -> list[dict[str, float]]:
    """Selective prediction: for each confidence threshold, the share of pairs answered and their accuracy/macro-F1."""
    from sklearn.metrics import f1_score

    conf = probs.max(axis=1)
    pred = probs.argmax(axis=1)
    rows = []
    for t in steps if steps is not None else np.round(np.arange(0.3, 0.96, 0.05), 2):
        keep = conf >= t
        n = int(keep.sum())
        rows.append(
            {
                "threshold": float(t),
                "coverage": round(n / max(len(y), 1), 3),
                "accuracy": round(float((pred[keep] == y[keep]).mean()), 3) if n else float("nan"),
                "macro_f1": round(float(f1_score(y[keep], pred[keep], average="macro")), 3) if n else float("nan"),
            }
        )
    return rows
