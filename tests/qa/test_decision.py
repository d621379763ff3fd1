"""The yes/no/maybe estimator: scikit-learn contract, cues, errors (real MiniLM, tiny data)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from sciwire.errors import InputError
from sciwire.qa.decision import DecisionClassifier, decision_cues

PAIRS = [
    ("Does fasting improve sleep in old mice?", "Fasting consolidated sleep and improved memory in aged mice."),
    ("Does the drug lower blood pressure?", "The drug lowered systolic blood pressure by 12 mmHg."),
    ("Is coffee linked to longer life?", "Coffee drinkers lived longer in this cohort."),
    ("Does the vaccine prevent infection?", "The vaccine did not reduce infections compared with placebo."),
    ("Does screen time cause myopia?", "We found no significant association between screen time and myopia."),
    ("Does the diet reduce weight?", "Weight did not change on the diet, and no effect on fat mass was seen."),
]
LABELS = ["yes", "yes", "yes", "no", "no", "no"]


def test_cues_count_negations_and_hedges():
    assert decision_cues("It did not work and may never work; further studies are needed.") == [1.0, 2.0]
    assert decision_cues("It works.") == [0.0, 0.0]


def test_fit_predict_and_probabilities_in_classes_order(cache_dir):
    model = DecisionClassifier(cache_dir=str(cache_dir), C=10.0).fit(PAIRS, LABELS)
    assert list(model.classes_) == ["no", "yes"]
    probs = model.predict_proba(PAIRS)
    assert probs.shape == (6, 2) and np.allclose(probs.sum(axis=1), 1)
    assert list(model.predict(PAIRS)) == LABELS  # separable training data is fitted
    assert clone(model).get_params()["C"] == 10.0


@pytest.mark.parametrize(
    ("pairs", "labels", "message"),
    [
        ([], [], "at least two different labels"),
        (PAIRS[:2], ["yes", "yes"], "at least two different labels"),
        ([("Why?", " "), *PAIRS[:1]], ["no", "yes"], "non-empty question and answer"),
    ],
)
def test_bad_training_data_is_refused(pairs, labels, message):
    with pytest.raises(InputError, match=message):
        DecisionClassifier().fit(pairs, labels)
