"""Pair verdicts from two strength distributions and the check issues."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.fidelity.checks import Issue
from sciwire.fidelity.cues import find_cues, lexicon_strength
from sciwire.fidelity.verdict import decide, judge_pair, strength_verdict

NONE, CORR, COND, CAUSE = np.eye(4)


def test_strength_verdict_is_a_distribution_over_down_same_up():
    assert strength_verdict(CAUSE, CORR).tolist() == [[1.0, 0.0, 0.0]]
    assert strength_verdict(COND, COND).tolist() == [[0.0, 1.0, 0.0]]
    mixed = strength_verdict(np.array([0.5, 0.5, 0, 0]), np.array([0, 0.5, 0.5, 0]))[0]
    assert mixed == pytest.approx([0.0, 0.25, 0.75]) and mixed.sum() == pytest.approx(1.0)


def test_decide_lets_an_overstating_check_win_with_the_alignment_as_confidence():
    same = [0.05, 0.9, 0.05]
    issue = Issue("model_dropped", "exaggerates", "in mice")
    assert decide(same, []) == ("same", 0.9, "claim strength")
    assert decide(same, [issue], alignment_probability=0.8) == ("exaggerates", 0.8, "checks")
    info = Issue("number_not_in_paper", "info", "x")
    assert decide(same, [info]) == ("same", 0.9, "claim strength")
    down = Issue("number_mismatch", "downplays", "10% vs 23%")
    assert decide(same, [down], 0.7)[0] == "downplays"


def test_the_cue_guard_keeps_a_strength_only_overstatement_when_the_paper_says_cause():
    up = [0.1, 0.2, 0.7]
    assert decide(up, []) == ("exaggerates", 0.7, "claim strength")
    label, confidence, source = decide(up, [], paper_causal=["attributed to"])
    assert (label, source) == ("same", "cue guard") and confidence == pytest.approx(0.9)
    issue = Issue("booster_added", "exaggerates", "the story adds 'whopping'")
    assert decide(up, [issue], 0.8, paper_causal=["attributed to"])[0] == "exaggerates", "checks still win"
    paper = "These differences can be attributed to the feeding schedule."
    verdict = judge_pair(paper, "Feeding time caused the change.", CORR, CAUSE)
    assert verdict.label == "unsure" and verdict.source == "cue guard" and verdict.best_guess == "exaggerates"
    assert verdict.reasons[1] == (
        "but the paper itself uses causal language ('attributed to'), so this is not called an overstatement (unsure)"
    )
    negated = judge_pair("Feeding time was not attributed to the change.", "Feeding time caused it.", CORR, CAUSE)
    assert negated.label == "exaggerates", "a negated cause is no causal language"


def test_judge_pair_explains_with_cue_words():
    verdict = judge_pair(
        "Late meals were associated with poor sleep.", "Late meals wreck your sleep.", CORR, CAUSE, certainty=(3.0, 5.5)
    )
    assert verdict.label == "exaggerates" and verdict.source == "claim strength"
    assert verdict.reasons[0] == (
        "the story makes a direct causal claim ('wreck'); the paper makes a correlational claim ('associated with')"
    )
    assert verdict.reasons[-1] == "certainty (1-6): paper 3.0, story 5.5"
    attrs = verdict.to_attrs()
    assert attrs["verdict"] == "exaggerates" and attrs["paper_strength"] == 1 and attrs["story_strength"] == 3


def test_cue_lexicon_baseline():
    assert lexicon_strength("X was associated with Y.") == 1
    assert lexicon_strength("X may reduce Y.") == 2
    assert lexicon_strength("X reduces Y.") == 3
    assert lexicon_strength("X did not reduce Y.") == 0
    assert lexicon_strength("There was no difference between groups.") == 0
    assert find_cues("It may be linked to sleep, not proof.")["booster"] == ["proof"]
