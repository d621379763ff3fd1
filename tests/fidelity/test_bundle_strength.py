"""The shipped claim-strength model: it loads, gives calibrated (n, 4) probabilities, fails in one line when damaged."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from sciwire.errors import ModelLoadError
from sciwire.fidelity.bundle import STRENGTH_DIR, FidelityModels, bundled_model_dir, load_strength

SENTENCES = [
    "Coffee drinking was associated with longer life.",
    "Eating late wrecks your sleep.",
    "We enrolled 300 adults.",
]


@pytest.mark.slow
def test_shipped_strength_model_gives_probabilities():
    models = FidelityModels.load()
    probs = models.strength_proba(SENTENCES)
    assert probs.shape == (3, 4) and np.allclose(probs.sum(axis=1), 1) and (probs >= 0).all()
    assert models.strength_proba([]).shape == (0, 4)
    card = (bundled_model_dir() / STRENGTH_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "GPL-3.0" in card and "(shipped)" in card


def test_damaged_strength_folder_is_one_line(tmp_path):
    folder = tmp_path / STRENGTH_DIR
    shutil.copytree(bundled_model_dir() / STRENGTH_DIR, folder)
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    weights = next(p for p in folder.iterdir() if p.suffix == ".safetensors")
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ModelLoadError, match=r"does not match its recorded sha256") as err:
        FidelityModels.load(tmp_path)
    assert "\n" not in str(err.value) and meta["type"] in ("TfidfClassifier", "TunedClassifier")
    (folder / "model.json").unlink()
    with pytest.raises(ModelLoadError, match="No claim-strength model"):
        FidelityModels.load(tmp_path)
    with pytest.raises(ModelLoadError, match=r"model\.json"):
        load_strength(folder)
