"""The one style normaliser: what it removes, what it keeps, and that every feature reads it."""

from __future__ import annotations

import pytest

from sciwire.newsworthiness.papers import normalise_abstract
from sciwire.newsworthiness.style import STYLE_CUES, neutralise_style, style_cues


@pytest.mark.parametrize(
    ("raw", "neutral"),
    [
        ("Abstract: Mice sleep.", "Mice sleep."),
        ("SUMMARY Mice sleep.", "Mice sleep."),
        (
            "BACKGROUND: Mice sleep. METHODS: We timed them.\nRESULTS: They slept.",
            "Mice sleep. We timed them. They slept.",
        ),
        ("Here we show that mice sleep.", "We show that mice sleep."),
        ("Mice nap. Here, we report that they dream.", "Mice nap. We report that they dream."),
        ("In this paper, we test mice.", "We test mice."),
        ("Mice sleep more 12,13 . They dream [4].", "Mice sleep more. They dream."),
        ("Mice sleep. © 2020 Elsevier Ltd. All rights reserved.", "Mice sleep."),
        ("Mice sleep. Copyright 2012 Royal Meteorological Society", "Mice sleep."),
        ("Mice sleep 8 hours in 2019. CO2 rose by 12 %.", "Mice sleep 8 hours in 2019. CO2 rose by 12 %."),
    ],
)
def test_neutralise_style(raw, neutral):
    assert neutralise_style(raw) == neutral
    assert normalise_abstract(raw) == neutral  # one function everywhere


def test_style_cues_on_raw_and_neutralised_text():
    raw = "ABSTRACT: BACKGROUND: Here we show that\nmice sleep 1 . RESULTS: They do. © 2021 The Authors."
    cues = style_cues(raw)
    assert set(cues) == set(STYLE_CUES)
    assert all(cues[c] == 1.0 for c in STYLE_CUES if c != "raw_words")
    after = style_cues(neutralise_style(raw))
    assert all(after[c] == 0.0 for c in STYLE_CUES if c != "raw_words")
    plain = style_cues("Mice sleep more when fed early. This matters for 65 older adults.")
    assert all(plain[c] == 0.0 for c in STYLE_CUES if c != "raw_words") and plain["raw_words"] == 12


def test_featurizer_reads_neutralised_text_unless_told_otherwise(embedder):
    from sciwire.newsworthiness.features import Featurizer

    raw = "BACKGROUND: Here we show that mice sleep [3]."
    assert Featurizer(embedder).prepare(raw) == "We show that mice sleep."
    assert Featurizer(embedder, neutralise=False).prepare(raw) == raw
