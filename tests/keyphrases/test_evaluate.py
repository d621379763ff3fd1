from __future__ import annotations

import json

import pytest

from sciwire.errors import InputError
from sciwire.keyphrases.evaluate import evaluate_keyphrases, normalize_phrase, prf_at_k

pytest.importorskip("nltk")


def test_normalisation_matches_the_literature():
    assert normalize_phrase("Distributed  Real-Time Systems") == "distribut real-time system"
    assert normalize_phrase("video encoding/decoding") == "video encod/decod"


def test_prf_counts_each_gold_once_and_duplicates_take_slots():
    gold = [("decision tree",), ("forest",), ("end-to-end quality of service", "service end-to-end quality")]
    assert prf_at_k(["decision trees", "decision tree", "random"], gold, k=3) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    p, r, _ = prf_at_k(["service end-to-end quality", "forests"], gold, k=10)
    assert (p, r) == pytest.approx((1.0, 2 / 3))
    assert prf_at_k([], gold, 5) == (0.0, 0.0, 0.0)
    with pytest.raises(InputError, match="k must be >= 1"):
        prf_at_k(["x"], gold, 0)


def test_macro_average_skips_documents_without_gold():
    scores = evaluate_keyphrases([["a b"], ["c"], ["x"]], [[("a b",)], [("d",)], []], ks=(5,))
    assert scores.n_docs == 2 and scores.f1[5] == pytest.approx(0.5)
    with pytest.raises(InputError, match="pair up"):
        evaluate_keyphrases([["a"]], [], ks=(5,))


@pytest.mark.data
def test_normalisation_reproduces_semeval2010_official_stems(data_dir):
    folder = data_dir / "keyphrase" / "semeval2010"
    raw = json.loads((folder / "ref_train.combined.json").read_text())
    stem = json.loads((folder / "ref_train.combined.stem.json").read_text())
    pairs = [(a, b) for d in raw for ga, gb in zip(raw[d], stem[d], strict=True) for a, b in zip(ga, gb, strict=True)]
    same = sum(normalize_phrase(a) == b for a, b in pairs if "datum" not in a and "'" not in a)
    assert same == sum(1 for a, _ in pairs if "datum" not in a and "'" not in a)
