"""Ranking and calibration metrics: ROC-AUC, precision at k, ECE, Brier, and out-of-fold scores.

Example:
    >>> import numpy as np
    >>> precision_at_k(np.array([0.9, 0.8, 0.1, 0.7]), np.array([1, 0, 0, 1]), k=2)
    0.5
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from sciwire.fitting import expected_calibration_error


def precision_at_k(scores: np.ndarray, y: np.ndarray, k: int) -> float:
    """Share of newsworthy papers among the ``k`` highest scores (ties: input order)."""
    order = np.argsort(-np.asarray(scores), kind="stable")[:k]
    return float(np.asarray(y)[order].mean()) if len(order) else float("nan")


def auc(scores: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """ROC-AUC (NaN when only one class is present)."""
    y = np.asarray(y)
    if len(np.unique(y)) < 2:
        return float("nan")
    return float(roc_auc_score(y, scores, sample_weight=weights))


def score_metrics(
    y: np.ndarray, score: np.ndarray, raw: np.ndarray | None = None, ks: tuple[int, ...] = (10, 15)
) -> dict[str, float]:
    """AUC and P@k of ``score``; when ``raw`` (uncalibrated) is given, ECE and Brier of both."""
    y = np.asarray(y).astype(int)
    out = {"auc": auc(score, y), **{f"p@{k}": precision_at_k(score, y, k) for k in ks}}
    out["positives"] = float(y.sum())
    out["papers"] = float(len(y))
    if raw is not None:
        out["auc_raw"] = auc(raw, y)
        out["ece_raw"] = expected_calibration_error(np.clip(raw, 0, 1), y, n_bins=10)
        out["ece_calibrated"] = expected_calibration_error(np.clip(score, 0, 1), y, n_bins=10)
        out["brier_raw"] = float(brier_score_loss(y, np.clip(raw, 0, 1)))
        out["brier_calibrated"] = float(brier_score_loss(y, np.clip(score, 0, 1)))
    return out


def out_of_fold(
    estimator: Any,
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray | None = None,
    folds: int = 5,
    seed: int = 0,
    on_fold: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Held-out calibrated and raw scores of a :class:`~.model.NewsworthinessClassifier`.

    Folds are stratified by label and grouped (no group is split between train and test);
    each training fold calibrates on its own inner folds, so nothing of the test fold leaks.

    Returns:
        ``(calibrated, raw)`` P(newsworthy) for every row, each predicted by a model that
        never saw that row's group.
    """
    y = np.asarray(y).astype(int)
    groups = np.arange(len(y)) if groups is None else np.asarray(groups)
    folds = int(min(folds, np.bincount(y).min()))
    calibrated, raw = np.zeros(len(y)), np.zeros(len(y))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for i, (train, test) in enumerate(splitter.split(X, y, groups)):
        model = clone(estimator).fit(X[train], y[train])
        calibrated[test] = model.predict_proba(X[test])[:, 1]
        raw[test] = model.raw_score(X[test])
        if on_fold is not None:
            on_fold(i)
    return calibrated, raw
