"""``sciwire analyze`` integration: the step's layer, the report panel (escaped) and the summary."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.analysis import NEWSWORTHINESS as LAYER
from sciwire.analysis import Analysis, StepContext
from sciwire.config import DEFAULT_STEPS, Config
from sciwire.examples import paper_path
from sciwire.newsworthiness.default_model import DefaultModel
from sciwire.newsworthiness.report import newsworthiness_panel, newsworthiness_summary
from sciwire.newsworthiness.step import NewsworthinessStep
from sciwire.readers import read


def test_step_is_in_default_steps():
    assert "newsworthiness" in DEFAULT_STEPS and NewsworthinessStep.name == "newsworthiness"


@pytest.mark.slow
def test_step_adds_score_confidence_and_reasons(embedder):
    config = Config()
    paper = read(paper_path(), kind="paper")
    context = StepContext(config, embedder, (), np.zeros((0, 384)), ())
    step = NewsworthinessStep()
    step.warm_up(config)
    new_paper, stories = step.run(paper, [], context)
    assert stories == [] and LAYER not in paper.layers
    (span,) = new_paper.layer(LAYER)
    assert new_paper.span_text(span).startswith("Sleep becomes shorter")
    assert 0 <= span.score <= 1 and span.attrs["probability"] is None  # the default is not calibrated
    assert span.attrs["trained_on_judgements"] is False and len(span.attrs["reasons"]) == 3
    analysis = Analysis(new_paper, (), config)
    summary = newsworthiness_summary(analysis)
    assert summary is not None and summary["score"] == span.attrs["score"]
    panel = newsworthiness_panel(analysis)
    assert panel is not None and "NOT trained" in str(panel.body) and "Score" in str(panel.body)
    assert newsworthiness_panel(Analysis(paper, (), config)) is None


def test_panel_escapes_untrusted_text():
    from sciwire.document import Document, Span

    attrs = {"score": 0.5, "probability": 0.25, "vote_share": 0.4, "model": "<b>m</b>", "note": "<i>",
             "reasons": [{"feature": "x", "phrase": "<script>alert(1)</script>", "contribution": -0.2}]}  # fmt: skip
    doc = Document("p", "paper", "t", "Some text.").with_layer(LAYER, [Span(0, 4, "newsworthiness", 0.5, attrs)])
    body = str(newsworthiness_panel(Analysis(doc, (), Config())).body)
    assert "<script>" not in body and "&lt;script&gt;" in body and "&lt;b&gt;m" in body
    assert "25%" in body and "40%" in body


def test_default_model_loads_from_package():
    assert DefaultModel.load().trained_on_judgements is False


def test_default_model_style_caveat_reaches_rank_and_report(tmp_path):
    import json
    import shutil

    from sciwire.document import Document, Span
    from sciwire.newsworthiness.default_model import default_model_dir
    from sciwire.newsworthiness.ranking import WHAT_IT_IS, Ranking

    folder = tmp_path / "default"
    shutil.copytree(default_model_dir(), folder)
    (folder / "style_check.json").write_text(
        json.dumps({"beats_style_only": False, "pools": {"biomedicine": {"default_auc": 0.55, "style_only_auc": 0.6}}})
    )
    model = DefaultModel.load(folder)
    assert (
        model.style_caveat is not None
        and "does not beat" in model.style_caveat
        and "0.55 vs 0.60" in model.style_caveat
    )
    note = Ranking((), model.name, False, 0, model.style_caveat).note
    assert note.startswith(WHAT_IT_IS) and "NOT trained" in note and "does not beat" in note
    (folder / "style_check.json").write_text(json.dumps({"beats_style_only": True, "pools": {}}))
    assert DefaultModel.load(folder).style_caveat is None

    reason = {"feature": "x", "phrase": "new discovery", "contribution": 0.1}
    surprise = {"label": "surprise", "probability": 0.7, "vote_share": 0.65, "reason": reason}
    attrs = {"score": 0.5, "probability": 0.6, "vote_share": 0.55, "model": "m", "note": note, "reasons": [],
             "dimensions": {"controversy": surprise}}  # fmt: skip
    doc = Document("p", "paper", "t", "Some text.").with_layer(LAYER, [Span(0, 4, "newsworthiness", 0.5, attrs)])
    body = str(newsworthiness_panel(Analysis(doc, (), Config())).body)
    assert "surprise: calibrated probability 70%, vote share 65% (+ new discovery)" in body
    assert "not a fact about the paper" in body and "does not beat" in body
