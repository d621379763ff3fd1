from __future__ import annotations

import pytest

from sciwire.errors import InputError
from sciwire.linking.bm25 import BM25Index, term_counts


def test_term_counts_stem_and_drop_stopwords():
    assert term_counts("The mice slept; mice sleep.") == {"mice": 2, "slept": 1, "sleep": 1}


def test_rare_shared_terms_rank_first():
    index = BM25Index().fit(["octopus in the deep trench", "whales counted from satellites", "octopus arms and whales"])
    scores = index.scores("a dumbo octopus seen in a deep trench")
    assert scores.argmax() == 0 and scores[1] == 0.0


def test_self_score_bounds_the_share():
    index = BM25Index().fit(["mice sleep longer", "rats eat grain at night"])
    query = "mice sleep"
    share = index.scores(query) / index.self_score(query)
    assert 0 < share.max() <= 1.0 + 1e-9


def test_idf_from_a_background_collection():
    index = BM25Index().fit(["mice sleep. mice eat."], idf_texts=["mice sleep.", "mice eat."])
    # "sleep" occurs in half of the background sentences, so it counts more than "mice" (in all)
    assert index.idf_["sleep"] > index.idf_["mice"]
    assert index.scores("unseen words only")[0] == 0.0


def test_not_fitted():
    with pytest.raises(InputError, match="not fitted"):
        BM25Index().scores("x")
