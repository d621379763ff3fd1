"""Numbers with units, percentages, ratios and clock times; when a story restates a paper's number."""

from __future__ import annotations

import pytest

from sciwire.fidelity.numbers import Quantity, extract_quantities, same_number


def kinds(text: str) -> list[tuple[float, str]]:
    return [(round(q.value, 2), q.kind) for q in extract_quantities(text)]


def test_units_are_normalised_to_base_units():
    assert kinds("for 10 weeks, 8 h a day, 3.1 min less, 2 kg") == [
        (100800.0, "duration"), (480.0, "duration"), (3.1, "duration"), (2000.0, "mass"),
    ]  # fmt: skip


def test_percentages_fractions_ratios_and_word_numbers():
    assert kinds("23% lower, 12 percent, a third, OR 0.72, twice, an eight-hour window, 1,240 people") == [
        (23.0, "percent"), (12.0, "percent"), (33.33, "percent"), (0.72, "ratio"), (2.0, "fold"),
        (480.0, "duration"), (1240.0, "plain"),
    ]  # fmt: skip


def test_p_values_sample_sizes_confidence_intervals_and_citations_are_skipped():
    text = "lower odds (OR 0.72, 95% CI 0.54–0.96; p = 0.003; n = 12) [14]"
    assert kinds(text) == [(0.72, "ratio")]


def test_clock_times_in_both_notations():
    assert kinds("after 8pm") == kinds("after 20:00") == [(1200.0, "clock")]
    assert kinds("at 7 a.m.") == [(420.0, "clock")]


def one(text: str) -> Quantity:
    (q,) = extract_quantities(text)
    return q


@pytest.mark.parametrize(
    ("story", "paper"),
    [
        ("28% lower odds", "OR 0.72"),  # an odds ratio restated as a percentage
        ("33% higher odds", "OR 1.33"),
        ("a third higher", "OR 1.33"),
        ("10 hours", "10 h"),
        ("eight-hour", "8 h"),
        ("after 8pm", "after 20:00"),
        ("aged 89", "89 years"),  # a plain number restating one with a unit
        ("about 3 minutes", "3.1 min"),
        ("doubled", "100%"),
    ],
)
def test_faithful_restatements_match(story, paper):
    assert same_number(one(story), one(paper))


@pytest.mark.parametrize(
    ("story", "paper"),
    [
        ("40%", "23%"),
        ("12 hours", "10 h"),
        ("after 9pm", "after 20:00"),
        ("50% lower odds", "OR 0.72"),
        ("5 kg", "5 h"),
    ],
)
def test_different_numbers_do_not_match(story, paper):
    assert not same_number(one(story), one(paper))
