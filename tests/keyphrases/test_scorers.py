from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import ConfigError, InputError
from sciwire.keyphrases.scorers import (
    FEATURES,
    EmbeddingScorer,
    GraphScorer,
    KeyphraseRanker,
    KeyphraseScorer,
    StatisticalScorer,
    check_weights,
    load_weights,
    mmr,
    rank_normalize,
)
from tests.keyphrases.conftest import ABSTRACT


def test_rank_normalize_and_ties():
    assert rank_normalize(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [1.0, 0.25, 1.0, 0.5]
    assert rank_normalize(np.zeros(0)).shape == (0,)


def test_mmr_prefers_diverse_items_and_breaks_ties_by_order():
    vecs = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert mmr(np.array([0.9, 0.9, 0.8]), vecs, 3, diversity=0.0) == [0, 1, 2]
    assert mmr(np.array([0.9, 0.9, 0.8]), vecs, 2, diversity=0.5) == [0, 2]
    assert mmr(np.array([0.5, 0.5]), vecs[:2], 1, 0.0, ties=[1, 0]) == [1]
    assert mmr(np.zeros(0), np.zeros((0, 2)), 3, 0.3) == []


@pytest.mark.slow
def test_every_scorer_follows_the_interface(graph_extractor, embedder):
    cands = graph_extractor.candidates(ABSTRACT)
    for scorer in (GraphScorer(), GraphScorer(position_bias=False), StatisticalScorer(), EmbeddingScorer(embedder)):
        assert isinstance(scorer, KeyphraseScorer)
        scorer.warm_up()
        scores = scorer.score(cands)
        assert scores.shape == (len(cands),) and np.isfinite(scores).all()
        assert len(set(np.round(scores, 6))) > 1, scorer.name


def test_ranker_is_a_scikit_learn_estimator(tmp_path):
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    rng = np.random.default_rng(0)
    X = rng.random((200, len(FEATURES)))
    y = (X[:, 2] + 0.1 * rng.random(200) > 0.6).astype(int)
    with pytest.raises(NotFittedError):
        KeyphraseRanker().weights()
    ranker = clone(KeyphraseRanker(C=10.0)).fit(X, y)
    assert ranker.predict_proba(X).shape == (200, 2)
    weights = ranker.weights()
    assert max(weights, key=lambda k: weights[k]) == "embedding"
    assert load_weights(ranker.save_weights(tmp_path / "w.json")) == pytest.approx(weights)
    with pytest.raises(InputError, match="7 columns"):
        KeyphraseRanker().fit(X[:, :3], y)


def test_weights_are_validated(tmp_path):
    with pytest.raises(ConfigError, match="Unknown keyphrase feature"):
        check_weights({"colour": 1.0})
    bad = tmp_path / "bad.json"
    bad.write_text('{"graph": 1}', encoding="utf-8")
    with pytest.raises(InputError, match="'weights' object"):
        load_weights(bad)


def test_graph_scores_solved_directly_equal_the_power_iteration(graph_extractor, monkeypatch):
    from sciwire.keyphrases.scorers import graph as graph_module

    cands = graph_extractor.candidates(ABSTRACT)
    solved = GraphScorer().word_scores(cands)
    monkeypatch.setattr(graph_module, "_DENSE_MAX", 0)  # the sparse path iterates
    iterated = GraphScorer().word_scores(cands)
    assert solved.keys() == iterated.keys() and len(solved) > 5
    assert [solved[k] for k in solved] == pytest.approx([iterated[k] for k in solved], abs=1e-8)
    assert sum(solved.values()) == pytest.approx(1.0)
