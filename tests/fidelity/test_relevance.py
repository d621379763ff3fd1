"""The relevance gate: no verdicts on a story that does not report the paper."""

from __future__ import annotations

import pytest

from sciwire.analysis import FIDELITY, RELEVANCE
from sciwire.document import Document
from sciwire.fidelity.relevance import RELEVANCE_FEATURES, Relevance, load_relevance_model, relevance_of


def test_the_gate_decides_by_its_threshold_and_says_why():
    related, unrelated = Relevance("p", 0.93, 0.4), Relevance("p", 0.001, 0.4, {"bm25": 0.0})
    assert related.label == "reports" and related.related
    assert unrelated.label == "unrelated" and not unrelated.related
    assert unrelated.message() == (
        "This story does not appear to report this paper (p=0.001, threshold 0.40); no claims were checked."
    )
    story = Document("s", "news", "", "Some text here.")
    span = unrelated.span(story)
    assert (span.start, span.end, span.label) == (0, len(story.text), "unrelated")
    assert span.attrs == {"paper_id": "p", "probability": 0.001, "threshold": 0.4, "evidence": {"bm25": 0.0}}


def test_the_shipped_gate_separates_strong_from_weak_evidence():
    model = load_relevance_model("default")
    assert tuple(model.weights()) == RELEVANCE_FEATURES
    strong = relevance_of({"bm25": 0.3, "cosine": 0.7, "align": 0.7}, model, 0.4, "p")
    weak = relevance_of({"bm25": 0.02, "cosine": 0.15, "align": 0.2, "doi": 1.0}, model, 0.4, "p")
    assert strong.related and not weak.related and "doi" not in weak.evidence


@pytest.mark.slow
def test_a_real_unrelated_news_page_gets_no_verdicts(data_dir, cache_dir):
    """salon.com's emissions story against a real PLOS ONE paper: not about it, so nothing is judged."""
    from sciwire.config import load_config
    from sciwire.pipeline import analyze

    real = data_dir / "real"
    page, paper = real / "news" / "salon.com.emissions.html", real / "papers" / "pone.0046493.nxml"
    if not page.exists() or not paper.exists():
        pytest.skip(f"real files not found under {real}")
    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    (story,) = analyze(paper, [page], cfg, steps=["fidelity"]).stories
    (gate,) = story.layer(RELEVANCE)
    assert gate.label == "unrelated" and gate.score < 0.4
    assert not story.layer(FIDELITY)
