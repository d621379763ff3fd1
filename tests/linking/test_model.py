from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.errors import ModelLoadError
from sciwire.linking.coref import FEATURES, PairScorer
from sciwire.linking.model import FINDER_FEATURES, load_coref_model, load_finder_model


def test_shipped_finder_holds_the_weights_that_were_in_config():
    model = load_finder_model()
    assert model.folder is not None and model.folder.name == "link_finder_default"
    assert model.weights() == {"bm25": 4.036, "cosine": 10.102, "align": 5.708}
    assert float(model.intercept_[0]) == -10.629
    assert tuple(model.feature_names_in_) == FINDER_FEATURES
    assert "open licence question" in (model.folder / "MODEL_CARD.md").read_text()


def test_shipped_coref_scorer_holds_the_weights_that_were_in_config():
    model = load_coref_model("default")
    assert isinstance(model, PairScorer) and model.folder is not None
    assert model.weights() == {
        "context_cosine": 3.699,
        "head_match": 0.054,
        "exact_match": -0.569,
        "lemma_overlap": 1.268,
        "alias": 1.684,
        "pronoun": -0.173,
        "same_document": -0.942,
        "antecedent": 0.201,
    }
    assert float(model.intercept_[0]) == -2.977 and tuple(model.feature_names_in_) == FEATURES
    card = (model.folder / "MODEL_CARD.md").read_text()
    assert "`link.coref_threshold` setting: **0.25**" in card


def test_missing_or_corrupt_folders(tmp_path):
    with pytest.raises(ModelLoadError, match=r"point link.finder_model at a folder"):
        load_finder_model(tmp_path / "none")
    (tmp_path / "weights.json").write_text('{"format": "sciwire-logistic/1"')
    with pytest.raises(ModelLoadError, match=r"weights.json is not valid JSON.*link.coref_model"):
        load_coref_model(tmp_path)


def test_the_entity_linker_loads_the_configured_scorer(tmp_path):
    from sciwire.linking.crossdoc import EntityLinker

    assert EntityLinker(load_config(environ={})).scorer.folder == load_coref_model().folder
    with pytest.raises(ModelLoadError, match="does not exist"):
        EntityLinker(load_config(overrides=[f"link.coref_model={tmp_path / 'x'}"], environ={}))
