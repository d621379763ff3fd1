"""Retrieval metrics: hand-worked rankings, and every mode scored on a small real store."""

from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.examples import paper_path, story_paths
from sciwire.qa.evaluate import MODES, evaluate_retrieval, ranking_metrics, reciprocal_rank
from sciwire.store import SQLiteStore, add_files


def test_ranking_metrics_hand_worked():
    rankings = [["a", "b"], ["c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "a"], ["z"]]
    assert ranking_metrics(rankings, ["b", "a", "q"]) == {"mrr@10": pytest.approx(0.5 / 3), "top1": 0.0,
                                                         "top5": pytest.approx(1 / 3), "n": 3}  # fmt: skip
    assert reciprocal_rank(rankings[1], "a") == 0.0, "rank 11 is past MRR@10's cut-off"
    assert ranking_metrics([], []) == {"mrr@10": 0.0, "top1": 0.0, "top5": 0.0, "n": 0}


@pytest.mark.slow
def test_every_mode_is_scored_on_a_store(embedder, tmp_path):
    with SQLiteStore(tmp_path / "c.sqlite") as store:
        add_files(store, [paper_path(), *story_paths()], load_config(environ={}), embedder)
        questions = [("How many mice completed the study?", "paper"), ("Did the mice sleep better?", "paper")]
        seen = []
        result = evaluate_retrieval(store, embedder, questions, load_config(environ={}), seen.append)
    assert set(result) == {*MODES, "confidence"} and sum(seen) == len(MODES) * len(questions)
    assert result["hybrid"]["n"] == 2 and 0 <= result["hybrid"]["mrr@10"] <= 1
    assert result["bm25"]["top1"] == 1.0, "the paper answers its own numbers best"
    assert 0 <= result["confidence"]["ece"] <= 1
