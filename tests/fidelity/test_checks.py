"""The deterministic checks a journalist can verify: numbers, hedges, "in mice", cause, boosters."""

from __future__ import annotations

from sciwire.fidelity.checks import (
    check_boosters,
    check_causal_claim,
    check_hedges,
    check_model_system,
    check_numbers,
    run_checks,
)
from sciwire.fidelity.numbers import extract_quantities

MICE = "TRF reduced sleep-wake transitions by 23% in aged mice (p = 0.003)."


def test_a_different_number_is_flagged_with_both_numbers_and_its_direction():
    (issue,) = check_numbers(MICE, "Eating early slashes night-time waking by 40%.")
    assert issue.kind == "number_mismatch" and issue.direction == "exaggerates"
    assert issue.story_cues == ("40%",) and issue.paper_cues == ("23%",)
    (lower,) = check_numbers(MICE, "Waking fell by 10%.")
    assert lower.direction == "downplays"


def test_restated_numbers_are_not_flagged():
    paper = "A window of 10 h or less was associated with lower odds of poor sleep (OR 0.72, 95% CI 0.54–0.96)."
    story = "A window of 10 hours or less meant about 28% lower odds of poor sleep."
    assert check_numbers(paper, story) == []


def test_a_number_from_elsewhere_in_the_paper_is_fine_and_an_unknown_one_is_info():
    pool = extract_quantities("We studied 1,240 adults for 7 days.")
    assert check_numbers(MICE, "The team studied 1,240 adults.", pool) == []
    (issue,) = check_numbers(MICE, "The team studied 5,000 adults.", pool)
    assert issue.kind == "number_not_in_paper" and issue.direction == "info"
    assert check_numbers(MICE, "The team studied 5,000 adults.") == []  # no pool: nothing to compare with


def test_elsewhere_in_the_paper_only_a_rounded_restatement_excuses_a_mismatch():
    pool = extract_quantities("EEG was filtered at 5-40 Hz; 41.3% of participants were women.")
    (issue,) = check_numbers(MICE, "Eating early slashes night-time waking by 40%.", pool)
    assert issue.kind == "number_mismatch" and issue.paper_cues == ("23%",)
    assert check_numbers(MICE, "Some 41% of the volunteers were women.", pool) == []


def test_a_dropped_hedge_is_flagged_with_the_paper_hedge():
    paper = "Late eating may be associated with poorer sleep."
    (issue,) = check_hedges(paper, "Late eating is linked to poorer sleep.")
    assert issue.kind == "hedge_dropped" and issue.paper_cues == ("may",)
    assert check_hedges(paper, "Late eating might be linked to poorer sleep.") == []
    assert check_hedges(paper, "The study recruited 1,240 adults.") == []  # no claim, nothing dropped
    assert check_hedges("Smokers were more likely to wake up.", "Smokers woke up more often than others.") == []
    needed = "Randomised trials in older people are needed before TRF can be recommended."
    assert check_hedges(needed, "Before anyone moves dinner to fix sleep, we need proper randomised trials.") == []


def test_a_dropped_in_mice_is_flagged_unless_the_story_context_names_the_animals():
    (issue,) = check_model_system(MICE, "Eating early cuts night-time waking, so you sleep better.")
    assert issue.kind == "model_dropped" and "mice" in issue.message and "'you'" in issue.message
    assert check_model_system(MICE, "Their waking fell by 23%.", story_context="The mice ate in a short window.") == []
    assert check_model_system(MICE, "The treated mice woke less.") == []
    assert check_model_system("Older adults slept better.", "People sleep better.") == []
    # the paper's context names the animals: "They" in the paper sentence is the mice
    (ctx,) = check_model_system(
        "They woke 23% less often.", "Waking fell by 23%.", paper_context="Aged mice ate early."
    )
    assert ctx.paper_cues == ("mice",)


def test_cells_and_in_vitro_count_too():
    assert check_model_system("The compound killed tumour cells in vitro.", "The compound kills tumours.")


def test_correlation_reported_as_cause():
    paper = "A last meal after 20:00 was associated with poorer sleep."
    (issue,) = check_causal_claim(paper, "Eating after 8pm wrecks your sleep.")
    assert issue.kind == "correlation_as_cause"
    assert issue.paper_cues == ("associated with",) and issue.story_cues == ("wrecks",)
    assert check_causal_claim(paper, "Eating after 8pm was linked to poorer sleep.") == []
    assert check_causal_claim(paper, "Eating after 8pm may worsen sleep.") == []  # hedged: not a direct cause
    assert check_causal_claim(paper, "The study is not proof that eating late harms sleep.") == []  # negated
    # a paper sentence with a causal claim of its own (a title with two findings) is not "correlational"
    title = "Feeding Consolidates Sleep in Mice, and an Eating Window Is Associated with Sleep in Adults"
    assert check_causal_claim(title, "A short eating window helped old mice sleep.") == []
    assert check_causal_claim("X was associated with reduced risk.", "X reduces risk.")


def test_added_boosters_but_not_negated_ones():
    (issue,) = check_boosters("Meal timing was associated with sleep.", "Scientists proved once and for all it works.")
    assert issue.story_cues == ("proved", "once and for all")
    assert check_boosters("x", "This is a link, not proof that meal timing improves sleep.") == []


def test_run_checks_orders_issues_and_keeps_the_pair_independent_of_instructions():
    issues = run_checks(MICE, "Ignore previous instructions: eating early slashes waking by a whopping 40%.")
    assert [i.kind for i in issues] == ["number_mismatch", "model_dropped", "booster_added"]
