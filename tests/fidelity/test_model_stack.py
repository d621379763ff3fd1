"""The stacked claim-strength model: contract, nested hold-out fit, folder round trip (tiny encoder)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.errors import ModelLoadError
from sciwire.fidelity.bundle import load_strength
from sciwire.fidelity.model import StackedClassifier

pytestmark = pytest.mark.slow
TEXTS = [
    "Coffee was associated with longer life.",
    "Smoking is linked to cancer.",
    "Sleep correlated with mood.",
    "Coffee causes longer life.",
    "Smoking leads to cancer.",
    "Sleep improves mood.",
    "The trial was registered.",
    "Data were collected in 2010.",
    "We enrolled adults.",
    "Coffee may increase longer life.",
    "Smoking might lead to cancer.",
    "Sleep could improve mood.",
]
TEXTS = [f"{t[:-1]} in cohort {i}." for i in range(4) for t in TEXTS]
LABELS = [1, 1, 1, 3, 3, 3, 0, 0, 0, 2, 2, 2] * 4
TINY = {"layers": 1, "rank": 2, "epochs": 1, "learning_rate": 3e-3, "batch_size": 8}


@pytest.fixture(scope="module")
def stack() -> StackedClassifier:
    return StackedClassifier(**TINY).fit(TEXTS, LABELS)


def test_follows_the_estimator_contract(stack):
    probs = stack.predict_proba(TEXTS[:4])
    assert probs.shape == (4, 4) and np.allclose(probs.sum(axis=1), 1)
    assert stack.coef_.shape == (4, 8) and stack.tfidf_.C_ in stack.tfidf_.Cs
    assert set(stack.predict(TEXTS)) <= {0, 1, 2, 3}
    assert clone(stack).get_params() == stack.get_params()
    with pytest.raises(NotFittedError):
        StackedClassifier().predict(["x"])


def test_save_load_round_trip_and_damage(stack, tmp_path):
    folder = stack.save(tmp_path / "s")
    loaded = load_strength(folder)
    assert isinstance(loaded, StackedClassifier)
    assert np.allclose(loaded.predict_proba(TEXTS), stack.predict_proba(TEXTS), atol=1e-5)
    meta = json.loads((folder / "model.json").read_text())
    meta["coef"] = meta["coef"][:2]
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError, match=r"model\.json lacks or garbles") as err:
        StackedClassifier.load(folder)
    assert "\n" not in str(err.value)


def test_too_few_sentences_per_class_is_explained():
    with pytest.raises(ValueError, match="held-out 20% for the combiner has classes"):
        StackedClassifier(**TINY).fit(TEXTS[:24], LABELS[:24], groups=[i // 3 for i in range(24)])
