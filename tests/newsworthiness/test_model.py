"""The classifier's scikit-learn contract, calibration choice and safe persistence."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.errors import InputError, ModelLoadError
from sciwire.newsworthiness.model import NewsworthinessClassifier, TrainedModel


def data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(int)


def test_contract_and_calibration_choice():
    X, y = data()
    clf = NewsworthinessClassifier(n_estimators=20)
    assert clone(clf).get_params() == clf.get_params()
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)
    assert clf.fit(X, y) is clf
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert clf.method_ == "sigmoid" and list(clf.classes_) == [0, 1]
    assert set(np.unique(clf.predict(X))) <= {0, 1}
    votes = clf.raw_score(X)
    assert np.all((votes >= 0) & (votes <= 1))
    iso = NewsworthinessClassifier(n_estimators=20, isotonic_min=50).fit(X, y)
    assert iso.method_ == "isotonic"
    bias, contrib, unit = clf.contributions(X[:5])
    assert unit == "vote share"
    np.testing.assert_allclose(bias + contrib.sum(axis=1), votes[:5], atol=1e-9)
    lr = NewsworthinessClassifier(kind="logistic").fit(X, y)
    bias, contrib, unit = lr.contributions(X[:5])
    assert unit == "log-odds" and contrib.shape == (5, 4)
    logit = np.log(lr.raw_score(X[:5]) / (1 - lr.raw_score(X[:5])))
    np.testing.assert_allclose(bias + contrib.sum(axis=1), logit, atol=1e-6)


def test_bad_training_data():
    X, _ = data(10)
    with pytest.raises(InputError, match="at least 2 newsworthy"):
        NewsworthinessClassifier(n_estimators=10).fit(X, np.array([1] + [0] * 9))
    with pytest.raises(InputError, match="kind must be one of"):
        NewsworthinessClassifier(kind="svm").fit(X, np.array([0, 1] * 5))


def test_save_load_checks_sha256(tmp_path):
    X, y = data()
    clf = NewsworthinessClassifier(n_estimators=10).fit(X, y)
    model = TrainedModel(clf, ("a", "b"), {"a": 0.0, "b": 0.0}, 64, "bundled:x")
    folder = model.save(tmp_path / "m")
    loaded = TrainedModel.load(folder)
    np.testing.assert_allclose(loaded.classifier.predict_proba(X), clf.predict_proba(X))
    assert loaded.columns == ("a", "b") and loaded.embed_words == 64
    (folder / "model.joblib").write_bytes((folder / "model.joblib").read_bytes() + b"tampered")
    with pytest.raises(ModelLoadError, match="does not match the SHA-256"):
        TrainedModel.load(folder)
    with pytest.raises(ModelLoadError, match="not a newsworthiness model folder"):
        TrainedModel.load(tmp_path / "nothing")


def test_model_of_four_values_saves_and_loads(tmp_path):
    from sciwire.newsworthiness.features import FeatureSet

    X, y = data()
    classifiers = {v: NewsworthinessClassifier(n_estimators=10, random_state=i).fit(X, y) for i, v in enumerate("abcd")}
    model = TrainedModel(classifiers, ("c0", "c1"), {"c0": 0.0, "c1": 0.0}, 64, "bundled:x")
    features = FeatureSet(tuple(f"p{i}" for i in range(len(X))), ("c0", "c1"), X[:, :2], X[:, 2:])
    pred = model.predict(features)
    assert set(pred.dimensions) == set("abcd") and pred.probability is not None and pred.vote_share is not None
    np.testing.assert_allclose(pred.score, np.mean([d.probability for d in pred.dimensions.values()], axis=0))
    assert model.explain(features).values.shape[0] == len(X) and model.explain(features, "b").names[-1] == "embedding"
    loaded = TrainedModel.load(model.save(tmp_path / "m"))
    assert loaded.dimension_names == ("a", "b", "c", "d")
    np.testing.assert_allclose(loaded.predict(features).score, pred.score)
