"""Fidelity data loaders: sizes, labels, groups for leak-free CV (needs ../shared/data)."""

from __future__ import annotations

from collections import Counter

import pytest

from sciwire.datasets.fidelity import (
    load_certainty,
    load_claim_strength,
    load_conclusion_detection,
    load_exaggeration_pairs,
    load_strength_pet,
    repair_text,
)
from sciwire.errors import InputError

pytestmark = pytest.mark.data


def test_claim_strength_sizes_labels_and_groups(data_dir):
    paper = load_claim_strength(data_dir, "paper")
    press = load_claim_strength(data_dir, "press")
    assert len(paper) == 2755 and len(press) == 2076
    assert set(Counter(x.label for x in paper + press)) == {0, 1, 2, 3}
    assert all(x.group.startswith("pmid:") for x in press)
    assert len({x.group for x in press}) < len(press) / 2  # several sentences per paper: group CV by PMID
    assert not any("Î" in x.text or "â€" in x.text for x in paper)  # mojibake repaired


def test_exaggeration_pairs_labels_follow_the_two_strengths(data_dir):
    pairs = load_exaggeration_pairs(data_dir)
    assert len(pairs) == 100
    for p in pairs:
        expected = "same" if p.story_strength == p.paper_strength else "exaggerates"
        if p.story_strength < p.paper_strength:
            expected = "downplays"
        assert p.label == expected


def test_other_fidelity_sets(data_dir):
    assert len(load_conclusion_detection(data_dir, "train")) + len(load_conclusion_detection(data_dir, "dev")) == 1493
    assert len(load_strength_pet(data_dir)) == 189
    sentence = load_certainty(data_dir, "sentence")
    assert {x.split for x in sentence} == {"train", "val", "ext"}
    assert all(1 <= x.score <= 6 for x in sentence)
    aspect = load_certainty(data_dir, "aspect")[0]
    assert aspect.aspect("Probability") in ("Certain", "Uncertain", "NotPresent")


def test_bad_arguments_say_what_is_allowed(data_dir, tmp_path):
    with pytest.raises(InputError, match="source must be 'paper', 'press' or 'both'"):
        load_claim_strength(data_dir, "news")
    with pytest.raises(InputError, match="not found"):
        load_exaggeration_pairs(tmp_path)


def test_repair_text():
    assert repair_text("PPARÎ´ and 3â€“4") == "PPARδ and 3–4"
    assert repair_text("plain δ text") == "plain δ text"
