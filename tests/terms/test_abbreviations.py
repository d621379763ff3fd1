"""Schwartz-Hearst definitions and their resolution across a document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sciwire.examples import paper_path
from sciwire.terms.abbreviations import find_abbreviations, is_short_form, resolve_abbreviations, schwartz_hearst

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def paper_text() -> str:
    return paper_path().read_text(encoding="utf-8")


def test_schwartz_hearst_takes_the_shortest_suffix():
    assert schwartz_hearst("TRF", "in aged mice time-restricted feeding".split()) == 3
    assert schwartz_hearst("NREM", "non-rapid eye movement".split()) == 0
    assert schwartz_hearst("TRF", "a high-fat diet".split()) is None


def test_both_patterns_are_found():
    long_first = find_abbreviations("We used time-restricted feeding (TRF) here.", glossary=False)
    short_first = find_abbreviations("We used TRF (time-restricted feeding) here.", glossary=False)
    assert [(a.short, a.long) for a in long_first] == [("TRF", "time-restricted feeding")]
    assert [(a.short, a.long) for a in short_first] == [("TRF", "time-restricted feeding")]


def test_brackets_that_are_not_definitions_are_left_alone():
    text = "Sleep improved (p = 0.003; Fig. 2) in the USA (New England) and in R (version 4.2)."
    assert find_abbreviations(text, glossary=False) == []
    assert not is_short_form("Fig") and is_short_form("CIs")


def test_the_example_papers_abbreviations_are_expanded(paper_text):
    found = {a.short: a for a in find_abbreviations(paper_text)}
    assert found["TRF"].long.lower() == "time-restricted feeding"
    assert found["NREM"].long == "non-rapid eye movement"
    assert found["WASO"].long == "wake after sleep onset"
    # EEG is never defined in the paper: the glossary expands it, and says so
    assert (found["EEG"].long, found["EEG"].source) == ("electroencephalography", "glossary")
    assert found["AL"].long == "ad libitum"


def test_a_later_use_points_to_the_definition(paper_text):
    mentions = [m for m in resolve_abbreviations(paper_text) if m.definition.short == "TRF"]
    definition = mentions[0].definition
    assert sum(m.is_definition for m in mentions) == 1
    later = [m for m in mentions if m.start > definition.end]
    assert len(later) > 20
    assert all(m.definition is definition and paper_text[m.start : m.end] == "TRF" for m in later)


def test_our_written_set_is_mostly_right():
    tp = fp = fn = 0
    for line in (ROOT / "benchmarks" / "data" / "abbreviations.jsonl").read_text("utf-8").splitlines():
        case = json.loads(line)
        gold = {tuple(g) for g in case["gold"]}
        pred = {(a.short, a.long) for a in find_abbreviations(case["text"], glossary=False)}
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9
