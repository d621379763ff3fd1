from __future__ import annotations

from sciwire.analysis import ABSTRACT_ROLES, DISCOURSE, Analysis
from sciwire.config import Config
from sciwire.discourse.coverage import story_coverage
from sciwire.discourse.report import discourse_badges, discourse_panel, discourse_summary
from sciwire.document import Document, Section, Sentence, Span

TEXT = (
    "Abstract\n\nWe aim to test <b>mice</b>. Mice slept longer.\n\nMethods\n\nWe measured sleep. "
    "A limitation is the small sample.\n\nResults\n\nSleep rose by 12%."
)


def _paper() -> Document:
    a, m, r = TEXT.index("Abstract"), TEXT.index("Methods"), TEXT.index("Results")
    sections = (
        Section("abstract", a, m, "Abstract"),
        Section("methods", m, r, "Methods"),
        Section("results", r, len(TEXT), "Results"),
    )
    texts = [
        "We aim to test <b>mice</b>.",
        "Mice slept longer.",
        "We measured sleep.",
        "A limitation is the small sample.",
        "Sleep rose by 12%.",
    ]
    bounds = [(TEXT.index(t), TEXT.index(t) + len(t)) for t in texts]
    secs = [0, 0, 1, 1, 2]
    sents = [Sentence(i, a, b, s) for i, ((a, b), s) in enumerate(zip(bounds, secs, strict=True))]
    labels = ["Goa", "Res", "Met", "Con", "Res"]
    spans = [
        Span(
            a,
            b,
            lab,
            0.8,
            {
                "sentence": i,
                "probabilities": {lab: 0.8},
                "explanation": {"lexical": [["we", 0.5]], "context": 1.0, "neighbours": [["d#1", lab, 0.7]]},
            },
        )
        for i, ((a, b), lab) in enumerate(zip(bounds, labels, strict=True))
    ]
    doc = Document("p", "paper", "T", TEXT, sections=sections, sentences=sents)
    doc = doc.with_layer(DISCOURSE, spans)
    return doc.with_layer(
        ABSTRACT_ROLES,
        [Span(*bounds[0], "objective", 0.9, {"sentence": 0}), Span(*bounds[1], "result", 0.7, {"sentence": 1})],
    )


def _story(indices: list[int]) -> Document:
    text = "Mice sleep more, says a study."
    doc = Document("s1", "news", "Story <1>", text, sentences=(Sentence(0, 0, len(text)),))
    return doc.with_layer("alignment", [Span(0, len(text), "reports", 0.9, {"paper_sentences": indices})])


def test_coverage_counts_roles_once_and_flags_ignored_limitations():
    cov = story_coverage(_paper(), _story([1, 4, 4]))
    assert cov.reported == {"Goa": 0, "Res": 2, "Met": 0, "Con": 0}
    assert cov.sentences_reported == 2
    assert (cov.limitations_in_paper, cov.limitations_reported) == (1, 0)
    assert cov.text({"Res": "Result"}).endswith("limitations ignored")
    assert cov.text({"Res": "Result"}).startswith("Result 2")
    assert story_coverage(_paper(), _story([3])).text().endswith("limitations reported (1 of 1)")


def test_badges_summary_and_panel_escape_text():
    paper, story = _paper(), _story([1, 4])
    badges = discourse_badges(paper, paper.sentences[0])
    assert [b.text for b in badges] == ["Goal", "abstract: Objective"]
    assert "words: we (+0.50)" in badges[0].tooltip and badges[0].color
    assert discourse_badges(story, story.sentences[0]) == []
    analysis = Analysis(paper, (story,), Config())
    summary = discourse_summary(analysis)
    assert summary is not None
    assert summary["paper"] == {"Goa": 1, "Res": 2, "Met": 1, "Con": 1}
    assert summary["by_section"]["Methods"] == {"Met": 1, "Con": 1}
    assert summary["abstract_roles"] == ["objective", "result"]
    assert summary["coverage"]["s1"]["text"].startswith("Result 2, ")
    panel = discourse_panel(analysis)
    assert panel is not None
    html = str(panel.body)
    assert "Story &lt;1&gt;" in html and "<1>" not in html
    assert "limitations ignored" in html and "<details>" in html


def test_no_layer_no_panel():
    paper = _paper().replace(layers={})
    assert discourse_summary(Analysis(paper, (), Config())) is None
    assert discourse_panel(Analysis(paper, (), Config())) is None
