from __future__ import annotations

import pytest

from sciwire.align.lexical import content_terms, idf_weights, lexical_overlap, stem


def test_stem_and_terms():
    assert stem("sleeping") == "sleep"
    assert stem("studies") == stem("study") == "studi"
    assert stem("devices") == stem("device")
    assert stem("23%") == "23%"
    assert content_terms("The mice slept 23% longer in 2019") == frozenset({"mice", "slept", "23%", "longer", "2019"})


def test_idf_prefers_rare_terms():
    idf = idf_weights([{"mice", "sleep"}, {"mice"}, {"mice", "delta"}])
    assert idf["delta"] > idf["mice"]


def test_overlap_is_weighted_share_of_news_terms():
    idf = {"mice": 0.1, "delta": 2.0}
    assert lexical_overlap(frozenset({"mice", "delta"}), frozenset({"delta"}), idf, 1.0) == pytest.approx(2.0 / 2.1)
    assert lexical_overlap(frozenset(), frozenset({"delta"}), idf, 1.0) == 0.0
    assert lexical_overlap(frozenset({"zzz"}), frozenset({"zzz"}), idf, 1.0) == 1.0
