"""The learned pair verdict, its folder, the checks' precision and abstention."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.errors import InputError, ModelLoadError
from sciwire.fidelity.checks import Issue
from sciwire.fidelity.pairs import PAIR_FEATURES, PairVerdictModel, abstention_curve, load_pair_model, pair_features
from sciwire.fidelity.train_verdicts import abstain_threshold, check_precision, fit_pair_model, synthetic_pairs
from sciwire.fidelity.verdict import UNSURE, decide
from sciwire.fitting import ModelCard, Receipt

EYE = np.eye(4)


def toy_model() -> PairVerdictModel:
    y = np.repeat(np.arange(4), 50)
    sources = np.array(["paper", "press"] * 100)
    rng = np.random.default_rng(0)
    probs = 0.7 * EYE[y] + 0.3 * rng.dirichlet(np.ones(4), len(y))
    p, s, labels = synthetic_pairs(y, sources, n=2000)
    return fit_pair_model(probs[p], probs[s], labels)


def test_pair_features_follow_the_strength_gap():
    feats = pair_features(EYE[[1, 3]], EYE[[3, 1]])
    assert feats.shape == (2, len(PAIR_FEATURES))
    assert feats[0, :4].round(2).tolist() == [0.0, 0.0, 1.0, 2.0]
    assert feats[1, :4].round(2).tolist() == [1.0, 0.0, 0.0, -2.0]
    with pytest.raises(InputError, match="two \\(n, 4\\) strength distributions"):
        pair_features(EYE[:2], EYE[:3])


def test_the_model_learns_the_direction_and_follows_the_estimator_contract():
    model = toy_model()
    pred = model.predict(pair_features(EYE[[0, 2, 3]], EYE[[3, 2, 0]]))
    assert pred.tolist() == [2, 1, 0]  # exaggerates, same, downplays
    assert np.allclose(model.predict_proba(pair_features(EYE[[0]], EYE[[1]])).sum(), 1)
    assert clone(model).get_params() == {"C": 1.0, "class_weight": "balanced", "max_iter": 3000}
    with pytest.raises(NotFittedError, match="not fitted yet"):
        PairVerdictModel().predict(pair_features(EYE[[0]], EYE[[1]]))
    with pytest.raises(InputError, match="labels 0, 1 and 2"):
        PairVerdictModel().fit(np.zeros((4, len(PAIR_FEATURES))), [0, 1, 1, 0])


def test_the_folder_round_trips_and_a_damaged_one_is_one_line(tmp_path):
    model = toy_model()
    model.abstain_below = 0.55
    model.checks = {"model_dropped": {"n": 3, "precision": 1.0, "decisive": True},
                    "hedge_dropped": {"n": 12, "precision": 0.417, "decisive": False}}  # fmt: skip
    folder = model.save(tmp_path / "pairs", receipt=Receipt("test", {}, {}, {}),
                        card=ModelCard("n", "s", "d", "l", "m", "c", "x"))  # fmt: skip
    back = PairVerdictModel.load(folder)
    x = pair_features(EYE[[0, 1]], EYE[[2, 1]])
    assert np.allclose(back.predict_proba(x), model.predict_proba(x), atol=1e-3)
    assert back.abstain_below == 0.55 and back.decisive("model_dropped") and not back.decisive("hedge_dropped")
    assert not back.decisive("booster_added")
    (folder / "weights.json").write_text(json.dumps({**json.loads((folder / "weights.json").read_text()),
                                                     "coef": [[1, 2]]}))  # fmt: skip
    with pytest.raises(ModelLoadError) as err:
        PairVerdictModel.load(folder)
    assert "\n" not in str(err.value) and "shape (3, 7)" in str(err.value) and "sciwire train pairs" in str(err.value)


def test_the_shipped_model_has_an_abstention_threshold_and_check_precisions():
    model = load_pair_model("default")
    assert 0.34 <= model.abstain_below < 0.95
    assert set(model.checks) <= {"hedge_dropped", "model_dropped", "correlation_as_cause", "booster_added",
                                 "number_mismatch"}  # fmt: skip
    assert all(info["decisive"] == (info["precision"] >= 0.8) for info in model.checks.values())


def test_a_check_below_the_precision_bar_does_not_change_the_verdict_and_low_confidence_abstains():
    hedge = Issue("hedge_dropped", "exaggerates", "the paper hedges", (), ("may",))
    probs = [0.1, 0.8, 0.1]
    assert decide(probs, [hedge], decisive=lambda kind: False)[0] == "same"
    assert decide(probs, [hedge], decisive=lambda kind: True)[0] == "exaggerates"
    assert decide([0.3, 0.4, 0.3], [], abstain_below=0.5)[:3:2] == (UNSURE, "abstained")


def test_check_precision_counts_only_what_a_label_can_judge():
    mice = {"paper": "The drug cut tumour growth in mice.", "story": "The drug cuts tumour growth.", "label": "same"}
    assert check_precision([mice])["model_dropped"] == {"n": 1, "precision": 0.0, "decisive": False}
    assert "model_dropped" not in check_precision([{**mice, "strength_only": True}])


def test_abstention_trades_coverage_for_accuracy():
    probs = np.array([[0.1, 0.8, 0.1], [0.3, 0.4, 0.3], [0.05, 0.05, 0.9], [0.4, 0.35, 0.25]])
    y = np.array([1, 0, 2, 1])
    curve = {r["threshold"]: r for r in abstention_curve(probs, y, [0.3, 0.75])}
    assert curve[0.3]["coverage"] == 1.0 and curve[0.3]["accuracy"] == 0.5
    assert curve[0.75]["coverage"] == 0.5 and curve[0.75]["accuracy"] == 1.0
    assert abstain_threshold(np.tile(probs, (10, 1)), np.tile(y, 10), target=0.9) == 0.41


def test_train_pairs_writes_a_folder_and_picks_abstention_on_the_real_pairs(tmp_path):
    from sciwire.fidelity.train_verdicts import train_pairs

    y = np.repeat(np.arange(4), 50)
    sources = np.array(["paper", "press"] * 100)
    probs = 0.6 * EYE[y] + 0.4 * np.random.default_rng(1).dirichlet(np.ones(4), len(y))
    real_y = np.array([0, 1, 2] * 10)
    paper = EYE[[2, 1, 0] * 10] * 0.7 + 0.075
    story = EYE[[0, 1, 2] * 10] * 0.7 + 0.075
    labelled = [{"paper": "Mice fed late slept less.", "story": "Eating late ruins sleep.", "label": "exaggerates"}]
    result = train_pairs(probs, y, sources, tmp_path / "pairs", labelled, real=(paper, story, real_y))
    assert result.metrics["real_pairs"] == 30 and result.metrics["abstain_chosen_on"].startswith("30 real pairs")
    model = PairVerdictModel.load(result.folder)
    assert model.abstain_below == result.metrics["abstain_below"]
    assert model.checks["model_dropped"]["decisive"]
    card = (result.folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "GPL-3.0" in card and "unsure" in card
