"""Weak-label protocol pieces: field-balanced sampling, shortcut check, scoring; the corpora loaders."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.newsworthiness.corpora import (
    abstract_only,
    arxiv_papers,
    cdcr_papers,
    coresc_papers,
    csabstruct_papers,
    pubmedqa_papers,
)
from sciwire.newsworthiness.papers import Paper
from sciwire.newsworthiness.text_stats import style_cues
from sciwire.newsworthiness.weak_labels import (
    STYLE_CUES,
    WeakLabelSet,
    balanced_sample,
    evaluate_scores,
    shortcut_check,
)


def synthetic() -> WeakLabelSet:
    # medicine: 6 covered (with "BACKGROUND:" headings) vs 10 not; cs: 2 vs 8 (too few: dropped)
    papers, y, fields = [], [], []
    for i in range(6):
        papers.append(Paper(f"p{i}", "", f"BACKGROUND: Here we show mice {i} sleep."))
        y.append(1), fields.append("medicine")
    for i in range(10):
        papers.append(Paper(f"n{i}", "", f"Patients {i} slept."))
        y.append(0), fields.append("medicine")
    for i in range(10):
        papers.append(Paper(f"c{i}", "", f"An algorithm {i}."))
        y.append(int(i < 2)), fields.append("cs")
    cues = [style_cues(p.abstract) for p in papers]
    return WeakLabelSet(
        papers=tuple(papers),
        y=np.array(y),
        fields=np.array(fields),
        sources=np.array(["x"] * len(papers)),
        style={c: np.array([row[c] for row in cues]) for c in STYLE_CUES},
        groups=np.arange(len(papers)),
    )


def test_balanced_sample_matches_fields_and_drops_small_ones():
    data = synthetic()
    assert data.field_table()[:3] == [("medicine", 6, 10), ("biology", 0, 0), ("cs", 2, 8)]
    idx = balanced_sample(data, seed=0)
    assert len(idx) == 12 and set(data.fields[idx]) == {"medicine"} and data.y[idx].sum() == 6
    assert len({tuple(balanced_sample(data, s)) for s in range(5)}) > 1  # seeds draw different negatives


def test_shortcut_check_finds_headings_and_normalising_removes_them():
    data = synthetic()
    samples = [balanced_sample(data, s) for s in range(3)]
    check = shortcut_check(data, samples)
    assert check["has_headings"]["auc"] == pytest.approx(1.0)
    assert check["has_headings"]["auc_after_normalising"] == pytest.approx(0.5)
    assert check["here_we"]["auc"] == pytest.approx(1.0)
    assert check["here_we"]["auc_after_normalising"] == pytest.approx(0.5)  # "Here we show" -> "We show"
    assert check["field"]["auc"] == pytest.approx(0.5)
    assert data.style_neutral().sum() == 20


def test_evaluate_scores_reports_auc_pk_and_fields():
    data = synthetic()
    samples = [balanced_sample(data, s) for s in range(2)]
    perfect = [data.y[i].astype(float) for i in samples]
    res = evaluate_scores(data, samples, perfect)
    assert res["auc"]["mean"] == pytest.approx(1.0) and res["p@10"]["mean"] == pytest.approx(0.6)
    assert res["per_field_auc"] == {"medicine": 1.0}


@pytest.mark.data
def test_corpora_read_by_path(data_dir):
    cdcr = cdcr_papers(data_dir)
    assert len(cdcr) == 238 and all(p.extra["source"] == "cdcr" for p in cdcr)
    assert len(pubmedqa_papers(data_dir)) == 500
    arxiv = arxiv_papers(data_dir)
    assert 700 < len(arxiv) <= 800 and arxiv[0].categories and arxiv[0].title
    coresc = coresc_papers(data_dir)
    assert 90 < len(coresc) <= 99 and coresc[0].extra["domain"]
    assert len(csabstruct_papers(data_dir)) == 1668 + 295
    stripped = abstract_only(arxiv[:3])
    assert all(not p.title and not p.categories and p.extra["source"] == "arxiv" for p in stripped)
