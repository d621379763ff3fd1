"""The evaluation protocol: grouped cross-validation by document, stratified by domain, and the metrics.

No document is ever on both sides of a split (sentences of one paper are not independent),
and folds keep the domains balanced (:class:`~sklearn.model_selection.StratifiedGroupKFold`
with the document as group and its domain as stratum). Metrics per sentence: per-class
precision/recall/F1 and support, macro-F1, accuracy, the confusion matrix, and top-label
expected calibration error (15 bins) of the probabilities.

Example:
    >>> report = classification_report(["a", "b", "b"], ["a", "b", "a"], labels=("a", "b"))
    >>> report.accuracy, round(report.macro_f1, 3)
    (0.667, 0.667)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold

from sciwire.discourse.base import DiscourseClassifier, flatten_labels
from sciwire.discourse.features import SentenceSequence
from sciwire.errors import InputError
from sciwire.fitting import expected_calibration_error, fit_temperature, softmax


@dataclass(frozen=True)
class ClassificationReport:
    """Sentence-level metrics of one model on one evaluation (rounded to 3 decimals)."""

    labels: tuple[str, ...]
    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    ece: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": list(self.labels),
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "per_class": self.per_class,
            "confusion": self.confusion,
            "ece": self.ece,
            **self.extra,
        }


def classification_report(
    y_true: Sequence[str] | np.ndarray,
    y_pred: Sequence[str] | np.ndarray,
    labels: Sequence[str],
    probs: np.ndarray | None = None,
    classes: Sequence[str] | None = None,
) -> ClassificationReport:
    """Per-class P/R/F1, macro-F1 (over the labels present in ``y_true``), accuracy, confusion, ECE.

    Args:
        y_true: Gold labels, one per sentence.
        y_pred: Predicted labels.
        labels: Label order of the report and the confusion matrix.
        probs: Optional probabilities (columns in ``classes`` order) for the ECE.
        classes: Column order of ``probs``.
    """
    gold_arr, pred_arr = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    if len(gold_arr) != len(pred_arr) or len(gold_arr) == 0:
        raise InputError(f"Need as many predictions as gold labels (> 0), got {len(pred_arr)} and {len(gold_arr)}")
    labels = tuple(labels)
    p, r, f, s = precision_recall_fscore_support(gold_arr, pred_arr, labels=list(labels), zero_division=0)
    present = [i for i, lab in enumerate(labels) if s[i] > 0]
    ece = None
    if probs is not None and classes is not None:
        index = {c: i for i, c in enumerate(classes)}
        gold = np.array([index.get(v, -1) for v in gold_arr])
        ece = round(expected_calibration_error(probs, gold, n_bins=15), 4)
    return ClassificationReport(
        labels=labels,
        accuracy=round(float(np.mean(gold_arr == pred_arr)), 3),
        macro_f1=round(float(np.mean(f[present])) if present else 0.0, 3),
        per_class={
            lab: {
                "precision": round(float(p[i]), 3),
                "recall": round(float(r[i]), 3),
                "f1": round(float(f[i]), 3),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
        confusion=confusion_matrix(gold_arr, pred_arr, labels=list(labels)).tolist(),
        ece=ece,
    )


def grouped_folds(
    docs: Sequence[SentenceSequence], n_splits: int = 5, seed: int = 0
) -> list[tuple[list[int], list[int]]]:
    """Train/test document indices: grouped by document, stratified by ``SentenceSequence.group``.

    Raises:
        InputError: With fewer documents than folds.
    """
    if len(docs) < n_splits:
        raise InputError(f"Requesting {n_splits}-fold cross-validation but got only {len(docs)} documents")
    strata = [d.group or "all" for d in docs]
    groups = [d.doc_id for d in docs]
    if len(set(groups)) != len(groups):
        raise InputError("Document ids must be unique for grouped cross-validation")
    counts = {g: strata.count(g) for g in set(strata)}
    if min(counts.values()) < n_splits:
        strata = ["all"] * len(docs)  # a stratum smaller than the fold count cannot be spread
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    index = np.arange(len(docs))
    return [(train.tolist(), test.tolist()) for train, test in splitter.split(index, strata, groups)]


@dataclass(frozen=True)
class OutOfFold:
    """Out-of-fold predictions for every sentence, in document order."""

    y_true: np.ndarray
    y_pred: np.ndarray
    probs: np.ndarray
    classes: tuple[str, ...]
    raw_probs: np.ndarray | None = None
    folds: np.ndarray | None = None  # the fold each row was held out in


def _log_probs(probs: np.ndarray) -> np.ndarray:
    return np.log(np.clip(probs, 1e-12, 1.0))


def _targets(oof: OutOfFold) -> np.ndarray:
    index = {c: i for i, c in enumerate(oof.classes)}
    return np.array([index[str(v)] for v in oof.y_true])


def oof_temperature(oof: OutOfFold) -> float:
    """The temperature fitted on all uncalibrated out-of-fold predictions (for the final model)."""
    if oof.raw_probs is None:
        raise ValueError("oof_temperature needs uncalibrated out-of-fold probabilities")
    return fit_temperature(_log_probs(oof.raw_probs), _targets(oof))


def cross_fitted_probs(oof: OutOfFold) -> np.ndarray:
    """Out-of-fold probabilities, each fold scaled by a temperature fitted on the other folds.

    Temperature scaling of log-probabilities equals that of the logits (the shift per row
    cancels in the softmax), so the uncalibrated out-of-fold probabilities suffice. This
    estimates how well a temperature fitted on out-of-fold predictions calibrates unseen papers.
    """
    if oof.raw_probs is None or oof.folds is None:
        raise ValueError("cross_fitted_probs needs uncalibrated out-of-fold probabilities and their folds")
    logp, y = _log_probs(oof.raw_probs), _targets(oof)
    out = np.zeros_like(oof.raw_probs)
    for k in np.unique(oof.folds):
        held = oof.folds == k
        t = fit_temperature(logp[~held], y[~held])
        out[held] = softmax(logp[held] / t)
    return out


def cross_validate(
    make_model: Callable[[], DiscourseClassifier],
    docs: Sequence[SentenceSequence],
    labels: Sequence[Sequence[str]],
    classes: Sequence[str],
    n_splits: int = 5,
    seed: int = 0,
    on_fold: Callable[[int], None] | None = None,
) -> OutOfFold:
    """Fit a fresh model per fold and predict the held-out documents.

    Probability columns are mapped to ``classes`` (a class a fold never saw gets 0).
    ``raw_probs`` holds uncalibrated probabilities for models with ``predict_proba(X, calibrated=False)``.
    """
    classes = tuple(classes)
    offsets = np.cumsum([0, *(len(d) for d in docs)])
    y_true = flatten_labels(labels)
    n = len(y_true)
    probs = np.zeros((n, len(classes)))
    raw = np.zeros((n, len(classes)))
    fold_of = np.full(n, -1)
    has_raw = False
    for k, (train, test) in enumerate(grouped_folds(docs, n_splits, seed)):
        model = make_model().fit([docs[i] for i in train], [labels[i] for i in train])
        test_docs = [docs[i] for i in test]
        rows = np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in test])
        fold_of[rows] = k
        cols = np.array([classes.index(str(c)) for c in model.classes_])
        probs[np.ix_(rows, cols)] = model.predict_proba(test_docs)
        if hasattr(model, "temperature_"):
            has_raw = True
            raw[np.ix_(rows, cols)] = model.predict_proba(test_docs, calibrated=False)  # type: ignore[call-arg,unused-ignore]
        if on_fold is not None:
            on_fold(k)
    y_pred = np.asarray([classes[i] for i in probs.argmax(axis=1)], dtype=object)
    return OutOfFold(y_true, y_pred, probs, classes, raw if has_raw else None, fold_of)
