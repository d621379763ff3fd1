from __future__ import annotations

import json
import re

import numpy as np
import pytest

from sciwire.align import align_story
from sciwire.align.model import FEATURES, load_align_model
from sciwire.config import load_config
from sciwire.document import Document, Sentence
from sciwire.errors import ModelLoadError


def test_shipped_folder_holds_the_weights_that_were_in_config():
    model = load_align_model("default")
    assert model.folder is not None and model.folder.name == "align_default"
    assert model.weights() == {"cosine": 3.321, "lexical": 4.944}
    assert float(model.intercept_[0]) == -1.898
    for name in ("MODEL_CARD.md", "receipt.json"):
        assert (model.folder / name).is_file()
    card = (model.folder / "MODEL_CARD.md").read_text()
    assert "open licence question" in card and "`align.threshold` setting: **0.6**" in card


def test_config_names_the_folder_and_a_bad_folder_is_one_clear_error(tmp_path):
    news = Document("n", "news", "", "A b.", sentences=(Sentence(0, 0, 4),))
    paper = Document("p", "paper", "", "A b.", sentences=(Sentence(0, 0, 4),))
    vec = np.ones((1, 2)) / np.sqrt(2)
    cfg = load_config(overrides=[f"align.model={tmp_path / 'missing'}"], environ={})
    with pytest.raises(ModelLoadError, match=r"missing does not exist.*retrain with `sciwire train align"):
        align_story(news, paper, vec, vec, cfg.align)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "weights.json").write_text("{")
    with pytest.raises(ModelLoadError, match=r"weights\.json is not valid JSON"):
        load_align_model(tmp_path / "bad")
    other = {"format": "sciwire-logistic/1", "weights": {"cosine": 1.0}, "intercept": 0.0}
    (tmp_path / "bad" / "weights.json").write_text(json.dumps(other))
    with pytest.raises(ModelLoadError, match=re.escape(f"weighs ['cosine'], expected {list(FEATURES)}")):
        load_align_model(tmp_path / "bad")
