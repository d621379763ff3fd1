from __future__ import annotations

import json

import numpy as np
import pytest

from sciwire.analysis import Analysis, StepContext
from sciwire.config import DEFAULT_STEPS, load_config
from sciwire.document import Document, Section
from sciwire.keyphrases.report import keyphrases_panel, keyphrases_summary
from sciwire.keyphrases.step import KeyphraseStep, paper_text_without_references

PAPER = (
    "Time-restricted feeding consolidates sleep in aged mice\n\n"
    "Time-restricted feeding (TRF) strengthens circadian rhythms. In aged mice, TRF reduced sleep "
    "fragmentation and increased NREM delta power. Time-restricted feeding did not change body weight.\n\n"
    "References\n\nSmith J. Circadian rhythms of <script>mice</script>. Sleep Journal 2020."
)
STORY = "Eating within a short window helps old mice sleep. TRF cut sleep fragmentation, the team says."


def _docs():
    refs = PAPER.index("References")
    paper = Document(
        "paper", "paper", "TRF", PAPER, sections=(Section("body", 0, refs), Section("references", refs, len(PAPER)))
    )
    return paper, [Document("story", "news", "A <b>story</b>", STORY)]


def test_references_are_blanked_with_offsets_kept():
    paper, _ = _docs()
    text = paper_text_without_references(paper)
    assert len(text) == len(PAPER) and "Smith" not in text and text[:40] == PAPER[:40]


@pytest.mark.slow
def test_step_marks_paper_keyphrases_and_story_mentions():
    config = load_config(overrides=["keyphrases.method=fast", "keyphrases.top=8"])
    step = KeyphraseStep()
    assert "keyphrases" in DEFAULT_STEPS
    step.warm_up(config)
    paper, stories = _docs()
    context = StepContext(config, None, (), np.zeros((0, 384)), ())  # type: ignore[arg-type]
    paper2, stories2 = step.run(paper, stories, context)
    spans = paper2.layer("keyphrases")
    assert spans and all(s.end <= PAPER.index("References") for s in spans)
    phrases = {s.attrs["phrase"] for s in spans}
    assert "Time-restricted feeding" in phrases
    trf = [s for s in spans if s.attrs["phrase"] == "Time-restricted feeding"]
    assert trf[0].attrs["acronym"] == "TRF"
    assert sorted(paper2.span_text(s) for s in trf) == [
        "TRF",
        "TRF",
        "Time-restricted feeding",
        "Time-restricted feeding",
    ]
    story_spans = stories2[0].layer("keyphrases")
    assert "TRF" in {stories2[0].span_text(s) for s in story_spans}
    if "sleep fragmentation" in phrases:
        assert "sleep fragmentation" in {stories2[0].span_text(s) for s in story_spans}

    analysis = Analysis(paper2, tuple(stories2), config)
    summary = keyphrases_summary(analysis)
    assert summary is not None and json.loads(json.dumps(summary)) == summary
    assert summary["paper"][0]["phrase"] == paper2.layer("keyphrases")[0].attrs["phrase"] or summary["paper"]
    assert "Time-restricted feeding" in summary["stories"]["story"]
    panel = keyphrases_panel(analysis)
    assert panel is not None and "<b>story</b>" not in panel.body and "&lt;b&gt;story&lt;/b&gt;" in panel.body
