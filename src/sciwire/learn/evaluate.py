"""Held-out predictions, macro-F1 and calibration (ECE before and after temperature scaling).

Every number comes from records the model did not see: grouped folds (a paper's records stay
together), and the temperature that calibrates a fold's predictions is fitted on the *other*
folds' predictions (cross-fitting), so "ECE after" is not measured on what it was fitted on.

Example:
    >>> import numpy as np
    >>> p = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    >>> scores(p, np.array([0, 0, 1, 1]))["macro_f1"]
    0.733
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sciwire.fitting import expected_calibration_error, fit_temperature
from sciwire.learn.base import TextClassifier
from sciwire.learn.model import calibrated
from sciwire.learn.splits import grouped_folds


def aligned(proba: np.ndarray, classes: Sequence[str], wanted: Sequence[str]) -> np.ndarray:
    """``proba`` (columns ``classes``) re-ordered to the columns ``wanted`` (missing ones 0, rows renormalised)."""
    out = np.zeros((len(proba), len(wanted)))
    where = {c: i for i, c in enumerate(wanted)}
    for j, c in enumerate(classes):
        out[:, where[str(c)]] = proba[:, j]
    total = out.sum(axis=1, keepdims=True)
    return np.divide(out, total, out=np.full_like(out, 1 / len(wanted)), where=total > 0)


def out_of_fold(
    make: Callable[[], TextClassifier],
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str],
    *,
    classes: Sequence[str],
    n_splits: int = 5,
    seed: int = 0,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Held-out probabilities of every record (columns ``classes``) and the test indices of each fold."""
    folds = grouped_folds(labels, groups, n_splits, seed)
    proba = np.zeros((len(texts), len(classes)))
    for train, test in folds:
        model = make().fit([texts[i] for i in train], [labels[i] for i in train])
        got = [str(c) for c in model.classes_]
        proba[test] = aligned(model.predict_proba([texts[i] for i in test]), got, classes)
    return proba, [te for _, te in folds]


def cross_fitted_temperature(proba: np.ndarray, y: np.ndarray, folds: list[np.ndarray]) -> np.ndarray:
    """Each fold's rows calibrated by the temperature fitted on the other folds' rows."""
    logits = np.log(np.clip(proba, 1e-12, 1.0))
    out = proba.copy()
    for test in folds:
        rest = np.setdiff1d(np.arange(len(y)), test)
        if len(rest):
            out[test] = calibrated(proba[test], fit_temperature(logits[rest], y[rest]))
    return out


def scores(proba: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Macro-F1, accuracy and top-label ECE of probabilities against class indices (3 decimals)."""
    from sklearn.metrics import f1_score

    pred = proba.argmax(axis=1)
    labels = list(range(proba.shape[1]))
    f1 = f1_score(y, pred, labels=labels, average="macro", zero_division=0)
    return {
        "macro_f1": round(float(f1), 3),
        "accuracy": round(float(np.mean(pred == y)), 3),
        "ece": round(expected_calibration_error(proba, y, n_bins=10), 3),
    }


def evaluate_method(
    make: Callable[[], TextClassifier],
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str],
    *,
    classes: Sequence[str],
    n_splits: int = 5,
    seed: int = 0,
) -> dict[str, Any]:
    """Grouped cross-validation of a method: macro-F1, accuracy, ECE before and after temperature scaling,
    and the temperature fitted on all held-out predictions (what the final model uses)."""
    proba, folds = out_of_fold(make, texts, labels, groups, classes=classes, n_splits=n_splits, seed=seed)
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[v] for v in labels])
    before = scores(proba, y)
    after = scores(cross_fitted_temperature(proba, y, folds), y)
    temperature = fit_temperature(np.log(np.clip(proba, 1e-12, 1.0)), y)
    return {
        "folds": len(folds),
        "records": len(texts),
        "macro_f1": before["macro_f1"],
        "accuracy": before["accuracy"],
        "ece_before": before["ece"],
        "ece_after": after["ece"],
        "temperature": round(temperature, 3),
    }
