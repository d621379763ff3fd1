from __future__ import annotations

import json
import os

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting import LogisticScorer, ModelCard, Receipt, load_scorer

NAMES = ("cosine", "lexical")


def data(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (2 * X[:, 0] - X[:, 1] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, y


def card() -> ModelCard:
    return ModelCard("test scorer", "S", "D", "MIT", "| m |", "make it", "L")


def receipt() -> Receipt:
    return Receipt(command="make it", config={}, data={}, metrics={"n": 300})


def test_estimator_contract():
    X, y = data()
    scorer = LogisticScorer(feature_names=NAMES, C=10.0)
    assert scorer.get_params() == {"C": 10.0, "class_weight": None, "feature_names": NAMES, "max_iter": 1000}
    with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
        scorer.predict_proba(X)
    assert scorer.fit(X, y) is scorer
    assert scorer.coef_.shape == (1, 2) and scorer.intercept_.shape == (1,)
    assert scorer.classes_.tolist() == [0, 1] and list(scorer.feature_names_in_) == list(NAMES)
    proba = scorer.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-scorer.decision_function(X))))
    assert (scorer.predict(X) == y).mean() > 0.9
    w = scorer.weights()
    assert list(w) == list(NAMES) and w["cosine"] > 0 > w["lexical"]
    fresh = clone(scorer)
    assert fresh.get_params() == scorer.get_params() and not hasattr(fresh, "coef_")


def test_same_numbers_as_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    X, y = data()
    ours = LogisticScorer(feature_names=NAMES, class_weight="balanced").fit(X, y)
    theirs = LogisticRegression(class_weight="balanced", max_iter=1000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)


def test_input_checks():
    X, y = data()
    with pytest.raises(InputError, match="Got 2 feature columns for the 3 feature names"):
        LogisticScorer(feature_names=("a", "b", "c")).fit(X, y)
    with pytest.raises(InputError, match="needs labels 0 and 1, both present; got \\[1\\]"):
        LogisticScorer().fit(X, np.ones(len(X)))
    scorer = LogisticScorer(feature_names=NAMES).fit(X, y)
    with pytest.raises(InputError, match=r"Expected 2 features \(cosine, lexical\) on the last axis, got .* \(4, 3\)"):
        scorer.decision_function(np.zeros((4, 3)))


def test_matrices_keep_their_shape_and_precision():
    scorer = LogisticScorer.from_weights({"cosine": 3.0, "lexical": 5.0}, -2.0)
    cube = np.random.default_rng(1).random((3, 4, 2)).astype(np.float32)
    p = scorer.probability(cube)
    assert p.shape == (3, 4) and p.dtype == np.float32
    expected = 1 / (1 + np.exp(-(-2.0 + 3.0 * cube[..., 0].astype(float) + 5.0 * cube[..., 1])))
    np.testing.assert_allclose(p, expected, rtol=1e-6)
    rows = scorer.features_of([{"lexical": 1.0}, {"cosine": 0.5, "other": 9.0}])
    np.testing.assert_array_equal(rows, [[0.0, 1.0], [0.5, 0.0]])


def test_rounded_and_dict_round_trip():
    X, y = data()
    scorer = LogisticScorer(feature_names=NAMES, class_weight="balanced").fit(X, y)
    short = scorer.rounded(3)
    assert all(round(v, 3) == v for v in short.weights().values())
    assert short.get_params()["class_weight"] == "balanced"
    back = LogisticScorer.from_dict(json.loads(json.dumps(short.to_dict())))
    np.testing.assert_array_equal(back.predict_proba(X), short.predict_proba(X))
    with pytest.raises(ModelLoadError, match="has format 'x/1'"):
        LogisticScorer.from_dict({"format": "x/1"})
    with pytest.raises(ModelLoadError, match="must hold 'weights'"):
        LogisticScorer.from_dict({"format": "sciwire-logistic/1", "weights": {"a": "1"}, "intercept": 0})


def test_model_folder_round_trip_and_errors(tmp_path):
    X, y = data()
    scorer = LogisticScorer(feature_names=NAMES).fit(X, y)
    folder = scorer.save(tmp_path / "m", receipt=receipt(), card=card())
    assert sorted(p.name for p in folder.iterdir()) == ["MODEL_CARD.md", "receipt.json", "weights.json"]
    assert "# Model card: test scorer" in (folder / "MODEL_CARD.md").read_text()
    loaded = LogisticScorer.load(folder)
    assert loaded.folder == folder
    np.testing.assert_allclose(loaded.predict_proba(X), scorer.predict_proba(X))
    (folder / "weights.json").write_text(json.dumps({"format": "sciwire-logistic/1", "weights": {}, "intercept": 0}))
    with pytest.raises(ModelLoadError, match=r"Cannot load the model in .*m: .* must hold 'weights'.*; retrain"):
        LogisticScorer.load(folder, hint="retrain")


def test_load_scorer_caches_per_file_version_and_checks_features(tmp_path):
    X, y = data()
    folder = LogisticScorer(feature_names=NAMES).fit(X, y).save(tmp_path / "m", receipt=receipt(), card=card())
    first = load_scorer(folder, "unused", features=NAMES)
    assert load_scorer(str(folder), "unused", features=NAMES) is first
    assert first.folder == folder.resolve()
    with pytest.raises(ModelLoadError, match=r"weighs \['cosine', 'lexical'\], expected \['a', 'b'\]; do this"):
        load_scorer(folder, "unused", features=("a", "b"), hint="do this")
    LogisticScorer.from_weights({"cosine": 1.0, "lexical": 1.0}, 0.0).save(folder, receipt=receipt(), card=card())
    os.utime(folder / "weights.json", ns=(10**18, 10**18))  # a new version of the file
    again = load_scorer(folder, "unused", features=NAMES)
    assert again is not first and again.weights() == {"cosine": 1.0, "lexical": 1.0}
