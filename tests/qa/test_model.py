from __future__ import annotations

import json

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting import LogisticScorer, ModelCard, Receipt
from sciwire.qa.model import CONFIDENCE_FEATURES, AnswerModel, load_answer_model


def test_shipped_folder_holds_the_numbers_that_were_in_config():
    model = load_answer_model()
    assert model.folder is not None and model.folder.name == "qa_default"
    assert model.bm25_weight == 0.3
    assert model.confidence.weights() == {"cosine": 1.36, "found_by_both": 0.834}
    assert float(model.confidence.intercept_[0]) == 1.428
    # the formula that shipped: sigmoid(1.428 + 1.36 * cosine + 0.834 * both)
    for cosine, both in ((0.2, False), (0.8, True)):
        z = 1.428 + 1.36 * cosine + (0.834 if both else 0.0)
        assert model.confidence_of(cosine, both) == float(1 / (1 + np.exp(-z)))
    assert "MIT" in (model.folder / "MODEL_CARD.md").read_text()


def test_save_load_and_bad_folders(tmp_path):
    confidence = LogisticScorer.from_weights({"cosine": 2.0, "found_by_both": 1.0}, -1.0)
    receipt = Receipt(command="c", config={}, data={}, metrics={})
    folder = AnswerModel(0.5, confidence).save(tmp_path / "m", receipt=receipt, card=ModelCard(*"abcdefg"))
    loaded = load_answer_model(folder)
    assert loaded.bm25_weight == 0.5 and loaded.folder == folder.resolve()
    assert loaded.confidence_of(0.5, True) == pytest.approx(1 / (1 + np.exp(-1.0)))
    data = json.loads((folder / "weights.json").read_text())
    for broken, message in (
        ({**data, "bm25_weight": -1}, "needs a number >= 0 as bm25_weight, got -1"),
        ({**data, "format": "other"}, "has format 'other'"),
        ({**data, "confidence": {**data["confidence"], "weights": {"cosine": 1.0}}}, "the confidence in weights.json"),
    ):
        (folder / "weights.json").write_text(json.dumps(broken))
        with pytest.raises(ModelLoadError, match=message) as err:
            AnswerModel.load(folder)
        assert "point qa.model at a folder made by it" in str(err.value)
    with pytest.raises(ModelLoadError, match="does not exist"):
        load_answer_model(tmp_path / "none")


def test_retriever_uses_the_configured_folder(tmp_path):
    from sciwire.qa import Retriever
    from sciwire.store import SQLiteStore

    with SQLiteStore(":memory:") as store:
        retriever = Retriever(store, embedder=None, config=load_config(environ={}).qa)  # type: ignore[arg-type]
        assert retriever.model.folder == load_answer_model().folder
        assert retriever.confidence(0.5, 3, None) == load_answer_model().confidence_of(0.5, False)
        with pytest.raises(ModelLoadError, match="does not exist"):
            Retriever(store, None, load_config(overrides=[f"qa.model={tmp_path}/x"], environ={}).qa)  # type: ignore[arg-type]


def test_fit_answer_model_needs_questions():
    from sciwire.qa.train import fit_answer_model

    with pytest.raises(InputError, match="at least 4 questions, got 1"):
        fit_answer_model(None, None, [("q", "p")])  # type: ignore[arg-type]
    assert CONFIDENCE_FEATURES == ("cosine", "found_by_both")
