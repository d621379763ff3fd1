"""Coreference metrics against small cases worked out by hand."""

from __future__ import annotations

import pytest

from sciwire.linking.evaluate import b_cubed, ceaf_e, clusters_from_labels, conll_f1, muc

# The worked example of Pradhan et al. (ACL 2014), with twinless response mentions h and i.
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_muc_by_hand():
    # recall: K1 split into {a,b},{c} -> 3-2=1; K2 into {d},{e},{f,g} -> 4-3=1; over (3-1)+(4-1)=5
    # precision: R1 1 part -> 1; R2 2 parts -> 0; R3 {f,g},{h},{i} -> 1; over 1+1+3=5
    s = muc(KEY, RESPONSE)
    assert s.recall == pytest.approx(2 / 5)
    assert s.precision == pytest.approx(2 / 5)
    assert s.f1 == pytest.approx(0.4)


def test_b_cubed_by_hand():
    # recall: (2²/3 + 1²/3 + 1²/4 + 2²/4) / 7 = (35/12) / 7; precision: (2²/2 + 1/2 + 1/2 + 2²/4) / 8 = 4/8
    s = b_cubed(KEY, RESPONSE)
    assert s.recall == pytest.approx(35 / 12 / 7)
    assert s.precision == pytest.approx(0.5)


def test_ceaf_e_by_hand():
    # phi4(K1,R1)=4/5, phi4(K2,R3)=4/8 is the best alignment: 1.3; recall 1.3/2, precision 1.3/3
    s = ceaf_e(KEY, RESPONSE)
    assert s.recall == pytest.approx(0.65)
    assert s.precision == pytest.approx(1.3 / 3)


def test_conll_is_the_mean_of_the_three():
    scores = conll_f1(KEY, RESPONSE)
    expected = (muc(KEY, RESPONSE).f1 + b_cubed(KEY, RESPONSE).f1 + ceaf_e(KEY, RESPONSE).f1) / 3
    assert scores["conll"] == pytest.approx(expected)


def test_perfect_response_scores_one():
    scores = conll_f1(KEY, KEY)
    assert scores == pytest.approx({"muc": 1.0, "b3": 1.0, "ceafe": 1.0, "conll": 1.0})


def test_all_singletons_response():
    # no links: MUC 0; B3 precision 1, recall (3*1/3 + 4*1/4)/7 = 2/7; CEAF-e: best phi4 = 2/4 + 2/5 = 0.9
    singletons = [{m} for c in KEY for m in c]
    assert muc(KEY, singletons).f1 == 0.0
    b3 = b_cubed(KEY, singletons)
    assert (b3.precision, b3.recall) == pytest.approx((1.0, 2 / 7))
    ce = ceaf_e(KEY, singletons)
    assert ce.recall == pytest.approx(0.9 / 2)
    assert ce.precision == pytest.approx(0.9 / 7)


def test_one_big_cluster():
    # everything merged: MUC recall 1, precision (7-2)/(7-1); B3 precision (9+16)/7/7
    merged = [{"a", "b", "c", "d", "e", "f", "g"}]
    s = muc(KEY, merged)
    assert (s.precision, s.recall) == pytest.approx((5 / 6, 1.0))
    assert b_cubed(KEY, merged).precision == pytest.approx(25 / 49)


def test_clusters_from_labels_and_overlap_error():
    assert sorted(map(sorted, clusters_from_labels({"m1": "x", "m2": "x", "m3": "y"}))) == [["m1", "m2"], ["m3"]]
    with pytest.raises(ValueError, match="two clusters"):
        muc([{"a", "b"}, {"b"}], KEY)
