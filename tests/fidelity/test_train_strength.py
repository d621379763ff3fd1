"""Claim-strength training plumbing: near-duplicate groups, nested stack, the comparison and its ship rule."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import ConfigError
from sciwire.fidelity.encoder import EncoderSettings
from sciwire.fidelity.evaluate import grouped_folds, near_duplicate_groups, stacked_probs
from sciwire.fidelity.model import TfidfClassifier, TunedClassifier
from sciwire.fidelity.train import StrengthComparison, make_strength, strength_oof, write_strength_card
from sciwire.fitting import Receipt


def test_near_duplicates_share_a_group():
    texts = [
        "Long sleep duration was associated with diabetes.",
        "Both long sleep duration was associated with diabetes.",
        "Coffee causes cancer in mice.",
        "The trial was registered at clinicaltrials.gov.",
    ]
    groups = near_duplicate_groups(texts, ["a", "b", "c", "c"])
    assert groups[0] == groups[1] and groups[2] == groups[3] and groups[0] != groups[2]
    assert near_duplicate_groups([], []).shape == (0,)


def _comparison(rng: np.random.Generator, n: int = 200) -> StrengthComparison:
    y = rng.integers(0, 4, n)
    good = np.eye(4)[y] * 3 + rng.normal(size=(n, 4))
    poor = np.eye(4)[y] * 1 + rng.normal(size=(n, 4))
    soft = lambda z: np.exp(z) / np.exp(z).sum(1, keepdims=True)  # noqa: E731
    return StrengthComparison(
        y, np.array(["paper", "press"] * (n // 2)), np.arange(n) % 5, "abc",
        {"tfidf": poor, "lora": good}, {"tfidf": soft(poor), "lora": soft(good)},
    )  # fmt: skip


def test_comparison_metrics_ship_rule_and_round_trip(tmp_path):
    comp = _comparison(np.random.default_rng(0))
    m = comp.metrics()
    assert set(m["lora"]) == {"paper", "press", "all", "ece"} and m["lora"]["all"] > m["tfidf"]["all"]
    assert comp.winner()[0] == "lora"
    assert comp.winner(margin=1.0)[0] == "tfidf"  # a lead under the margin ships TF-IDF + LR
    assert [len(test) for _, test in comp.folds()] == [40] * 5
    again = StrengthComparison.load(comp.save(tmp_path / "oof.npz"))
    assert again.texts_sha256 == "abc" and np.array_equal(again.probs["lora"], comp.probs["lora"])
    with np.load(tmp_path / "oof.npz") as z:
        assert {"labels", "sources", "fold", "texts_sha256", "logits_lora", "probs_tfidf"} <= set(z.files)


def test_stack_is_fitted_on_inner_out_of_fold_scores_only():
    rng = np.random.default_rng(1)
    n = 300
    y = rng.integers(0, 4, n)
    outer = {"a": np.eye(4)[y] * 2 + rng.normal(size=(n, 4)), "b": rng.normal(size=(n, 4))}
    folds = grouped_folds(y, np.arange(n), 3, 0)
    inner = {m: [z[train] for train, _ in folds] for m, z in outer.items()}
    probs = stacked_probs(inner, outer, y, folds)
    assert probs.shape == (n, 4) and np.allclose(probs.sum(1), 1)
    assert (probs.argmax(1) == y).mean() > 0.6
    # the test rows' own scores never reach the stacker: changing them changes only their probabilities
    shifted = {m: z.copy() for m, z in outer.items()}
    shifted["a"][folds[0][1]] = 0.0
    again = stacked_probs(inner, shifted, y, folds)
    assert np.allclose(again[folds[1][1]], probs[folds[1][1]])


def test_make_strength_and_oof():
    settings = EncoderSettings()
    assert isinstance(make_strength("tfidf", settings), TfidfClassifier)
    full = make_strength("full", settings)
    assert isinstance(full, TunedClassifier) and full.layers == 6 and full.rank == 0
    with pytest.raises(ConfigError, match="one of tfidf, lora, full"):
        make_strength("bert", settings)
    texts = ["Coffee causes cancer.", "Coffee is linked to cancer.", "Tea may cause cancer.", "We studied tea."] * 5
    y = np.array([3, 1, 2, 0] * 5)
    folds = grouped_folds(y, np.arange(20), 2, 0)
    logits = strength_oof(texts, y, np.arange(20), folds, lambda: TfidfClassifier(C=10.0))
    assert logits.shape == (20, 4) and (logits.argmax(1) == y).mean() > 0.9


def test_card_says_which_model_won_and_the_licence(tmp_path):
    comp = _comparison(np.random.default_rng(0))
    metrics = {"strength_cv": {"folds": 5, "macro_f1_all": 0.8}}
    receipt = Receipt("python benchmarks/fidelity.py --write --ship", {}, {"claim_strength": "h"}, metrics)
    write_strength_card(tmp_path, "lora", EncoderSettings(), metrics, receipt, comp)
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "GPL-3.0" in card and "(shipped)" in card and "Ship rule" in card and "not reached" in card
    assert "strength_comparison" in (tmp_path / "receipt.json").read_text()
