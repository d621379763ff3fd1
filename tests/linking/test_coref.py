from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sciwire.errors import InputError
from sciwire.fitting import LogisticScorer
from sciwire.linking.coref import FEATURES, MentionSet, PairScorer, cluster, is_acronym, pair_features
from sciwire.linking.mentions import Mention


def mention(doc: str, text: str, head: str, kind: str = "noun_phrase", antecedent: int | None = None) -> Mention:
    lemmas = frozenset(w.lower() for w in text.split() if w.lower() not in ("the", "a", "it"))
    return Mention(doc, 0, len(text), text, head, lemmas, kind, 0, antecedent=antecedent)


def test_is_acronym():
    assert is_acronym("RHDV", "rabbit hemorrhagic disease virus")
    assert is_acronym("WHO", "the World Health Organization")
    assert not is_acronym("RHDV", "rabbit disease")
    assert not is_acronym("the", "the end")


def test_pair_features_by_hand():
    ms = [
        mention("news", "the jab", "jab"),
        mention("news", "it", "it", kind="pronoun", antecedent=0),
        mention("news", "the researchers", "researcher"),
        mention("paper", "the jab", "jab"),
        mention("paper", "we", "we", kind="author"),
    ]
    vecs = np.eye(5, dtype=np.float32)
    f = pair_features(MentionSet(tuple(ms), vecs))
    col = {name: k for k, name in enumerate(FEATURES)}
    assert f.shape == (5, 5, len(FEATURES))
    assert f[0, 3, col["exact_match"]] == 1 and f[0, 3, col["head_match"]] == 1
    assert f[0, 3, col["context_cosine"]] == 0 and f[0, 0, col["context_cosine"]] == 1
    # the pronoun is compared through its antecedent, and is marked as such
    assert f[1, 3, col["head_match"]] == 1 and f[1, 3, col["pronoun"]] == 1
    assert f[0, 1, col["antecedent"]] == 1 and f[1, 0, col["antecedent"]] == 1
    # a paper's "we" and a story's "the researchers" are aliases
    assert f[2, 4, col["alias"]] == 1 and f[0, 4, col["alias"]] == 0
    assert f[0, 2, col["same_document"]] == 1 and f[0, 3, col["same_document"]] == 0
    assert np.allclose(f, f.transpose(1, 0, 2))


def test_mention_set_checks_vectors():
    with pytest.raises(InputError, match="1 mentions but 2 context vectors"):
        MentionSet((mention("n", "x", "x"),), np.zeros((2, 3)))


def test_scorer_contract():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, len(FEATURES)))
    y = (x[:, 0] + 0.1 * rng.normal(size=200) > 0).astype(int)
    with pytest.raises(NotFittedError, match="PairScorer is not fitted yet"):
        PairScorer().predict_proba(x)
    scorer = PairScorer(class_weight=None)
    assert isinstance(scorer, LogisticScorer) and scorer.get_params()["feature_names"] == FEATURES
    assert scorer.fit(x, y) is scorer
    proba = scorer.predict_proba(x)
    assert proba.shape == (200, 2) and np.allclose(proba.sum(axis=1), 1)
    assert (scorer.predict(x) == y).mean() > 0.9
    assert list(scorer.weights()) == list(FEATURES)
    stored = scorer.rounded(3)
    assert isinstance(stored, PairScorer)
    assert np.allclose(stored.predict_proba(x), proba, atol=1e-2)
    # pair features are float32; the scorer still computes in float64
    assert scorer.decision_function(x.astype(np.float32)).dtype == np.float64


def test_average_link_clustering():
    prob = np.array(
        [
            [1.0, 0.9, 0.8, 0.1],
            [0.9, 1.0, 0.7, 0.1],
            [0.8, 0.7, 1.0, 0.2],
            [0.1, 0.1, 0.2, 1.0],
        ]
    )
    labels = cluster(prob, 0.5)
    assert labels[0] == labels[1] == labels[2] != labels[3]
    assert len(set(cluster(prob, 0.95))) == 4
    assert cluster(np.ones((1, 1)), 0.5).tolist() == [0]
