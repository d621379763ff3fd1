"""The tuned-encoder estimators: scikit-learn contract, persistence without pickle, tamper check."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.errors import ModelLoadError
from sciwire.fidelity.model import TunedClassifier, TunedMultiClassifier, TunedRegressor

pytestmark = pytest.mark.slow
TEXTS = [
    "Coffee was associated with longer life.", "Smoking is linked to cancer.", "Sleep correlated with mood.",
    "Exercise was associated with lower risk.", "Coffee causes longer life.", "Smoking leads to cancer.",
    "Sleep improves mood.", "Exercise reduces risk.",
] * 2  # fmt: skip
LABELS = [1, 1, 1, 1, 3, 3, 3, 3] * 2
TINY = {"layers": 1, "rank": 2, "epochs": 3, "learning_rate": 3e-3, "batch_size": 4}


@pytest.fixture(scope="module")
def classifier():
    return TunedClassifier(**TINY).fit(TEXTS, LABELS)


def test_classifier_follows_the_estimator_contract(classifier):
    assert classifier.classes_.tolist() == [1, 3]
    probs = classifier.predict_proba(TEXTS[:3])
    assert probs.shape == (3, 2) and np.allclose(probs.sum(axis=1), 1)
    assert set(classifier.predict(TEXTS)) <= {1, 3}
    assert clone(classifier).get_params() == classifier.get_params()
    with pytest.raises(NotFittedError):
        TunedClassifier().predict(["x"])


def test_save_load_round_trip_and_tampering(classifier, tmp_path):
    classifier.temperature_ = 1.7
    folder = classifier.save(tmp_path / "m")
    loaded = TunedClassifier.load(folder)
    assert loaded.temperature_ == 1.7 and loaded.classes_.tolist() == [1, 3]
    assert np.allclose(loaded.decision_function(TEXTS), classifier.decision_function(TEXTS), atol=1e-5)
    with pytest.raises(ModelLoadError, match="holds a TunedClassifier, not a TunedRegressor"):
        TunedRegressor.load(folder)
    blob = bytearray((folder / "weights.safetensors").read_bytes())
    blob[-1] ^= 1
    (folder / "weights.safetensors").write_bytes(bytes(blob))
    with pytest.raises(ModelLoadError, match=r"weights\.safetensors does not match its recorded sha256") as err:
        TunedClassifier.load(folder)
    assert "sciwire train fidelity" in str(err.value) and "\n" not in str(err.value)
    (folder / "model.json").write_text("{", encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"model\.json is not valid JSON"):
        TunedClassifier.load(folder)


def test_regressor_and_multi_classifier(tmp_path):
    reg = TunedRegressor(**TINY).fit(TEXTS, [float(v) for v in LABELS])
    pred = reg.predict(TEXTS)
    assert pred.shape == (len(TEXTS),) and pred.min() >= 1 and pred.max() <= 3
    Y = np.array([["a" if v == 1 else "b", "x"] for v in LABELS])
    multi = TunedMultiClassifier(**TINY).fit(TEXTS, Y)
    assert multi.predict(TEXTS[:2]).shape == (2, 2)
    assert [p.shape for p in multi.predict_proba(TEXTS[:2])] == [(2, 2), (2, 1)]
    again = TunedMultiClassifier.load(multi.save(tmp_path / "multi"))
    assert (again.predict(TEXTS) == multi.predict(TEXTS)).all()
