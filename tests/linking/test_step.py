"""The linking step in ``sciwire analyze`` (real models) and its panel (escaping, no models)."""

from __future__ import annotations

import pytest

from sciwire.analysis import PAPER_LINK, SHARED_ENTITIES, Analysis
from sciwire.config import DEFAULT_STEPS, Config, load_config
from sciwire.document import Document, Sentence, Span
from sciwire.examples import paper_path, story_paths
from sciwire.linking.report import linking_panel, linking_summary
from sciwire.linking.step import LinkingStep, paper_sentences_for
from sciwire.pipeline import Analyzer, read_inputs

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def test_step_is_a_default_step():
    assert "linking" in DEFAULT_STEPS and LinkingStep.name == "linking"


@pytest.fixture(scope="module")
def result(cache_dir):
    analyzer = Analyzer(load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={}), steps=[LinkingStep()])
    paper, stories = read_inputs(paper_path(), story_paths())
    return analyzer.analyze(paper, stories)


@pytest.mark.slow
def test_each_story_is_linked_to_the_paper_with_reasons(result):
    for story in result.stories:
        (link,) = story.layer(PAPER_LINK)
        assert (link.start, link.end) == (0, len(story.text))
        assert link.label == "about" and link.score > 0.5
        assert link.attrs["reasons"][-1].startswith("content:")
    faithful = result.stories[0].layer(PAPER_LINK)[0]
    assert any("Ostrander" in r for r in faithful.attrs["reasons"])


@pytest.mark.slow
def test_shared_entities_carry_the_same_cluster_ids_on_both_sides(result):
    paper_clusters = {s.attrs["cluster"] for s in result.paper.layer(SHARED_ENTITIES)}
    for story in result.stories:
        pairs = story.layer(PAPER_LINK)[0].attrs["pairs"]
        assert len(pairs) >= 5
        story_clusters = {s.attrs["cluster"] for s in story.layer(SHARED_ENTITIES)}
        assert {p["cluster"] for p in pairs} == story_clusters
        assert story_clusters <= paper_clusters
        for p in pairs:
            assert story.text[p["story"][0] : p["story"][1]] == p["story_text"]
            assert result.paper.text[p["paper"][0] : p["paper"][1]] == p["paper_text"]
        # not only identical strings: some pairs are paraphrases ("old mice" / "aged mice")
        assert any(p["story_text"].lower() != p["paper_text"].lower() for p in pairs)


@pytest.mark.slow
def test_paper_sentences_searched_are_the_abstract_and_the_reported_ones(result):
    story, paper = result.stories[0], result.paper
    chosen = paper_sentences_for(story, paper, 1000)
    abstract = [s.index for s in paper.sentences if paper.section_of(s).name == "abstract"]
    assert set(abstract) <= set(chosen) and len(chosen) > len(abstract)
    assert len(paper_sentences_for(story, paper, 5)) == 5


def test_panel_and_summary_escape_document_text():
    ptext = f"We studied mice. {HOSTILE}"
    paper = Document("paper", "paper", "P", ptext, sentences=(Sentence(0, 0, 16), Sentence(1, 17, len(ptext))))
    stext = f"Mice slept. {HOSTILE} says so."
    pairs = [{"cluster": "s#1", "story": [12, 12 + len(HOSTILE)], "paper": [17, len(ptext)], "story_text": HOSTILE,
              "paper_text": HOSTILE, "probability": 0.9}]  # fmt: skip
    link = Span(0, len(stext), "about", 0.8, {"reasons": [f"names an author: {HOSTILE}"], "pairs": pairs})
    story = Document(
        "s", "news", f"T {HOSTILE}", stext, sentences=(Sentence(0, 0, 11), Sentence(1, 12, len(stext))),
        layers={PAPER_LINK: (link,)},
    )  # fmt: skip
    analysis = Analysis(paper, (story,), Config())
    html = str(linking_panel(analysis).body)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and '<mark class="coref" data-cluster="s#1">' in html
    summary = linking_summary(analysis)
    assert summary["stories"][0]["shared_entities"][0]["story"] == HOSTILE
    assert linking_panel(Analysis(paper, (), Config())) is None
