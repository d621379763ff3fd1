"""Explanations: exact path attributions for forests, linear terms, phrases a journalist reads."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import ExtraTreesClassifier

from sciwire.newsworthiness.explain import (
    Reason,
    describe,
    group_contributions,
    linear_contributions,
    reasons,
    tree_contributions,
)


def test_tree_contributions_add_up_to_the_vote_share():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    forest = ExtraTreesClassifier(n_estimators=25, random_state=0, min_samples_leaf=3).fit(X, y)
    bias, contrib = tree_contributions(forest, X[:30], chunk=7)
    assert contrib.shape == (30, 5)
    np.testing.assert_allclose(bias + contrib.sum(axis=1), forest.predict_proba(X[:30])[:, 1], atol=1e-9)
    # the informative feature dominates, the noise features barely move the vote
    assert np.abs(contrib[:, 0]).mean() > 3 * np.abs(contrib[:, 2:]).mean()


def test_linear_contributions_and_grouping():
    coef, X = np.array([2.0, -1.0, 0.5, 0.5]), np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 2.0, 0.0, 0.0]])
    bias, contrib = linear_contributions(coef, 0.3, X, np.zeros(4))
    np.testing.assert_allclose(bias + contrib.sum(axis=1), X @ coef + 0.3)
    names, grouped = group_contributions(contrib, ["a", "b"], n_embedding=2)
    assert names == ["a", "b", "embedding"]
    np.testing.assert_allclose(grouped[0], [2.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="Expected 2 \\+ 1 columns"):
        group_contributions(contrib, ["a", "b"], n_embedding=1)


def test_reasons_are_phrased_for_journalists():
    names = ["jargon_share", "topic_health", "code_available", "words", "embedding"]
    values = {"jargon_share": 0.01, "topic_health": 0.5, "code_available": 0.0, "words": 120.0}
    reference = {"jargon_share": 0.08, "topic_health": 0.2, "code_available": 0.3, "words": 200.0}
    out = reasons(np.array([0.2, 0.5, -0.1, 0.05, 0.0]), names, values, reference, k=4)
    assert [str(r) for r in out] == [
        "+ health topic",
        "+ jargon-free abstract",
        "− no code released",
        "+ short abstract",
    ]
    assert out[0].to_dict() == {"feature": "topic_health", "phrase": "health topic", "contribution": 0.5}
    emb = reasons(np.array([0.0, 0.0, 0.0, 0.0, -0.3]), names, values, reference, k=1)
    assert emb == [Reason("embedding", "wording and topic like papers rated not newsworthy", -0.3)]
    assert describe("field_q_bio", 1.0, 0.1) == "q-bio paper"
    assert describe("nv_surprise", 0.1, 0.2) == "weak signal: surprising or controversial finding"
    assert describe("topic_space", 0.1, 0.2) == "no clear human-interest topic"
