"""The fidelity panel, badges and summary: built from layers, all document text escaped."""

from __future__ import annotations

from sciwire.analysis import FIDELITY, FINDINGS, Analysis
from sciwire.config import Config
from sciwire.document import Document, Sentence, Span
from sciwire.fidelity.report import fidelity_badges, fidelity_panel, fidelity_summary, story_fidelity

PAPER = "Mice slept longer. Late meals were associated with poor sleep."
STORY = "<script>alert(1)</script> Eating late wrecks sleep. Mice nap."


def analysis() -> Analysis:
    paper = Document("p", "paper", "Paper", PAPER, sentences=(Sentence(0, 0, 18), Sentence(1, 19, 62)))
    paper = paper.with_layer(FINDINGS, [Span(19, 62, "finding", 0.8, {"role": None, "source": "detector"})])
    story = Document("s", "news", "A <b>bold</b> story", STORY, sentences=(Sentence(0, 0, 50), Sentence(1, 51, 60)))
    attrs = {
        "paper_sentence": 1,
        "source": "checks",
        "paper_strength": 1,
        "story_strength": 3,
        "reasons": ["the story adds <em>'wrecks'</em>"],
        "issues": [{"kind": "correlation_as_cause"}, {"kind": "hedge_dropped"}],
    }
    same = {"paper_sentence": 0, "source": "claim strength", "paper_strength": 0, "story_strength": 0, "issues": []}
    story = story.with_layer(FIDELITY, [Span(0, 50, "exaggerates", 0.9, attrs), Span(51, 60, "same", 0.7, same)])
    return Analysis(paper, (story,), Config())


def test_summary_counts_verdicts_claims_and_issues():
    info = story_fidelity(analysis().stories[0])
    assert info["checked"] == 2 and info["claims"] == 1 and info["exaggerates"] == 1 and info["same"] == 1
    assert info["text"] == (
        "1 claim overstated, 0 understated, 1 faithful, 1 hedge dropped, 1 correlation reported as cause"
    )
    summary = fidelity_summary(analysis())
    assert summary == {"paper_findings": 1, "stories": {"s": info}}


def test_panel_escapes_story_text_titles_and_reasons():
    panel = fidelity_panel(analysis())
    html = str(panel.body)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;em&gt;" in html
    assert "overstated" in html and 'href="#p-1"' in html and "0.90" in html
    assert html.index("Eating late") < html.index("Mice nap")  # overstated claims first


def test_badges_and_absent_layers():
    a = analysis()
    (badge,) = fidelity_badges(a.stories[0], a.stories[0].sentences[0])
    assert badge.text == "overstated" and "wrecks" in badge.tooltip
    assert [b.text for b in fidelity_badges(a.paper, a.paper.sentences[1])] == ["finding"]
    assert fidelity_badges(a.paper, a.paper.sentences[0]) == []
    bare = Analysis(a.paper, (a.stories[0].replace(layers={}),), Config())
    assert fidelity_summary(bare) is None and fidelity_panel(bare) is None
