from __future__ import annotations

import numpy as np
import pytest

from sciwire.discourse.baselines import MajorityClassifier
from sciwire.discourse.evaluate import (
    OutOfFold,
    classification_report,
    cross_fitted_probs,
    cross_validate,
    grouped_folds,
    oof_temperature,
)
from sciwire.errors import InputError
from tests.discourse.conftest import ROLES, make_docs


def test_grouped_folds_never_split_a_document_and_keep_strata():
    docs, _ = make_docs(10)
    folds = grouped_folds(docs, n_splits=5)
    seen = []
    for train, test in folds:
        assert not set(train) & set(test)
        assert {docs[i].group for i in test} == {"g0", "g1"}  # stratified by group
        seen.extend(test)
    assert sorted(seen) == list(range(10))


def test_grouped_folds_need_enough_documents():
    docs, _ = make_docs(3)
    with pytest.raises(InputError, match="Requesting 5-fold cross-validation but got only 3 documents"):
        grouped_folds(docs, 5)


def test_report_numbers():
    rep = classification_report(["a", "a", "b", "c"], ["a", "b", "b", "b"], labels=("a", "b", "c", "d"))
    assert rep.accuracy == 0.5
    assert rep.per_class["a"] == {"precision": 1.0, "recall": 0.5, "f1": 0.667, "support": 2}
    assert rep.per_class["d"]["support"] == 0
    assert rep.macro_f1 == pytest.approx((0.667 + 0.5 + 0.0) / 3, abs=1e-3)  # absent "d" left out
    assert rep.confusion[0] == [1, 1, 0, 0]
    probs = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.5, 0.5]])
    rep = classification_report(["a", "a", "b", "b"], ["a", "a", "b", "a"], ("a", "b"), probs, ("a", "b"))
    assert rep.ece is not None and 0 <= rep.ece <= 1


def test_cross_validate_majority_out_of_fold():
    docs, labels = make_docs(10)
    oof = cross_validate(MajorityClassifier, docs, labels, ROLES, n_splits=5)
    assert len(oof.y_true) == sum(len(d) for d in docs) == len(oof.y_pred)
    np.testing.assert_allclose(oof.probs.sum(axis=1), 1.0)
    assert oof.raw_probs is None
    assert set(oof.folds.tolist()) == set(range(5)), "every row knows the fold it was held out in"


def overconfident_oof(n: int = 600, seed: int = 0) -> OutOfFold:
    """Two classes, right 70% of the time but always 97% sure: temperature scaling must soften it."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    pred = np.where(rng.random(n) < 0.7, y, 1 - y)
    raw = np.where(pred[:, None] == np.arange(2), 0.97, 0.03)
    classes = ("a", "b")
    labels = np.array([classes[i] for i in y], dtype=object)
    return OutOfFold(labels, np.array([classes[i] for i in pred], dtype=object), raw, classes, raw, np.arange(n) % 5)


def test_temperature_from_the_other_folds_fixes_overconfidence():
    oof = overconfident_oof()
    assert oof_temperature(oof) > 2
    crossed = cross_fitted_probs(oof)
    np.testing.assert_allclose(crossed.sum(axis=1), 1.0)
    assert (crossed.argmax(1) == oof.raw_probs.argmax(1)).all(), "temperature never changes the label"
    before = classification_report(oof.y_true, oof.y_pred, oof.classes, oof.raw_probs, oof.classes).ece
    after = classification_report(oof.y_true, oof.y_pred, oof.classes, crossed, oof.classes).ece
    assert before > 0.2 and after < 0.05


def test_cross_fitting_needs_raw_probabilities_and_folds():
    oof = overconfident_oof()
    with pytest.raises(ValueError, match="needs uncalibrated out-of-fold probabilities and their folds"):
        cross_fitted_probs(OutOfFold(oof.y_true, oof.y_pred, oof.probs, oof.classes))
