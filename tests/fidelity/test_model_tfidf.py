"""The TF-IDF + LR claim-strength estimator: scikit-learn contract, inner-CV C, folder without pickle."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.errors import ModelLoadError
from sciwire.fidelity.bundle import load_strength
from sciwire.fidelity.model import TfidfClassifier

TEXTS = [
    "Coffee was associated with longer life.", "Smoking is linked to cancer.", "Sleep correlated with mood.",
    "Exercise was associated with lower risk.", "Coffee causes longer life.", "Smoking leads to cancer.",
    "Sleep improves mood.", "Exercise reduces risk.", "The trial was registered.", "Data were collected in 2010.",
    "Coffee may increase longer life.", "Smoking might lead to cancer.",
] * 3  # fmt: skip
LABELS = [1, 1, 1, 1, 3, 3, 3, 3, 0, 0, 2, 2] * 3


@pytest.fixture(scope="module")
def fitted() -> TfidfClassifier:
    return TfidfClassifier(Cs=(0.1, 10.0), inner_folds=2).fit(TEXTS, LABELS)


def test_follows_the_estimator_contract(fitted):
    assert fitted.C_ in (0.1, 10.0) and fitted.classes_.tolist() == [0, 1, 2, 3]
    probs = fitted.predict_proba(TEXTS[:5])
    assert probs.shape == (5, 4) and np.allclose(probs.sum(axis=1), 1)
    assert (fitted.predict(TEXTS) == np.array(LABELS)).mean() > 0.9
    assert clone(fitted).get_params() == fitted.get_params()
    assert TfidfClassifier(C=3.0).fit(TEXTS, LABELS).C_ == 3.0  # no tuning when C is given
    with pytest.raises(NotFittedError):
        TfidfClassifier().predict(["x"])


def test_matches_the_scikit_learn_pipeline(fitted):
    pipe = fitted._pipeline(fitted.C_).fit(TEXTS, LABELS)
    assert np.allclose(fitted.predict_proba(TEXTS), pipe.predict_proba(TEXTS), atol=1e-9)


def test_save_load_round_trip(fitted, tmp_path):
    fitted.temperature_ = 1.3
    folder = fitted.save(tmp_path / "m")
    assert {p.name for p in folder.iterdir()} == {"model.json", "tfidf.safetensors"}
    for loaded in (TfidfClassifier.load(folder), load_strength(folder)):
        assert isinstance(loaded, TfidfClassifier) and loaded.folder == folder
        assert loaded.temperature_ == 1.3 and loaded.get_params() == fitted.get_params()
        assert np.allclose(loaded.predict_proba(TEXTS), fitted.predict_proba(TEXTS))
    fitted.temperature_ = 1.0


def test_damaged_folder_gives_one_line_error(fitted, tmp_path):
    folder = fitted.save(tmp_path / "m")
    blob = bytearray((folder / "tfidf.safetensors").read_bytes())
    blob[-1] ^= 1
    (folder / "tfidf.safetensors").write_bytes(bytes(blob))
    with pytest.raises(ModelLoadError, match=r"tfidf\.safetensors does not match its recorded sha256") as err:
        TfidfClassifier.load(folder)
    assert "sciwire train fidelity" in str(err.value) and "\n" not in str(err.value)
    folder = fitted.save(tmp_path / "m2")
    meta = json.loads((folder / "model.json").read_text())
    meta["vocabulary"] = meta["vocabulary"][:-1]
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError, match="does not fit the"):
        load_strength(folder)
    meta["type"] = "Pickle"
    (folder / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelLoadError, match="names type 'Pickle'"):
        load_strength(folder)
    (folder / "model.json").write_text("{")
    with pytest.raises(ModelLoadError, match=r"model\.json is not valid JSON"):
        load_strength(folder)
