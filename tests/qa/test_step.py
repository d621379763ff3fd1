"""``sciwire analyze --question``: the answers step, its summary, its panel and the CLI option."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.analysis import ANSWERS as LAYER
from sciwire.cli.main import app
from sciwire.config import load_config
from sciwire.errors import InputError
from sciwire.examples import paper_path, story_paths
from sciwire.pipeline import Analyzer, read_inputs
from sciwire.qa.report import answers_panel, answers_summary
from sciwire.qa.step import QuestionStep, check_questions

HOSTILE = '<script>alert("q")</script> how many mice?'
QUESTION = "By how much did TRF reduce sleep-wake transitions?"
ANSWER = "23% lower in TRF mice"


@pytest.fixture(scope="module")
def result(cache_dir):
    analyzer = Analyzer(load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={}), [QuestionStep(top_k=2)])
    paper, stories = read_inputs(paper_path(), story_paths()[:1])
    return analyzer.analyze(paper, stories, questions=[QUESTION, HOSTILE, "What did the mice cost?"])


def test_each_question_gets_ranked_answers_from_the_paper(result):
    summary = answers_summary(result)
    assert summary is not None
    first, second, third = summary["questions"]
    assert first["question"] == QUESTION and len(first["answers"]) == 2 and first["verdict"] == "answered"
    assert ANSWER in first["answers"][0]["text"] and first["answers"][0]["section"] == "results"
    assert third["verdict"] == "the paper does not say"
    assert all(0 <= a["confidence"] <= 1 for a in first["answers"] + second["answers"])
    spans = result.paper.layer(LAYER)
    assert sorted(s.attrs["rank"] for s in spans if s.attrs["question_index"] == 0) == [1, 2]
    assert result.stories[0].layer(LAYER) == ()


def test_the_panel_escapes_the_question_and_the_text(result):
    panel = answers_panel(result)
    assert panel is not None and panel.title == "Answers"
    html = str(panel.body)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert ANSWER in html and "results, Result" in html
    assert "The paper does not say" in html


@pytest.mark.parametrize(
    ("questions", "message"), [(["  "], "The question is empty"), (["q?"] * 21, "At most 20 questions")]
)
def test_bad_questions_are_refused_before_any_work(questions, message):
    with pytest.raises(InputError, match=message):
        check_questions(questions)
    analyzer = Analyzer(load_config(environ={}), [QuestionStep()])
    paper, _ = read_inputs(paper_path())
    with pytest.raises(InputError, match=message):
        analyzer.analyze(paper, questions=questions)
    assert not analyzer._warm, "no model was loaded"


def test_questions_need_the_answers_step():
    analyzer = Analyzer(load_config(environ={}), [])
    paper, _ = read_inputs(paper_path())
    with pytest.raises(InputError, match="Questions need the 'answers' step"):
        analyzer.analyze(paper, questions=["How many mice?"])


def test_analyze_question_option_writes_answers_to_report_json(tmp_path, cache_dir):
    out = tmp_path / "report"
    res = CliRunner().invoke(
        app,
        ["analyze", str(paper_path()), "--out", str(out), "-q", QUESTION,
         "--set", "discourse.enabled=false"],
        env={"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}, catch_exceptions=False,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "report.json").read_text())["summary"]
    assert ANSWER in summary["answers"]["questions"][0]["answers"][0]["text"]
    assert "Answers" in (out / "report.html").read_text()


def test_analyze_with_an_empty_question_fails_cleanly(tmp_path):
    res = CliRunner().invoke(app, ["analyze", str(paper_path()), "--out", str(tmp_path / "r"), "-q", " "])
    assert res.exit_code == 1 and "The question is empty" in res.output
    assert not (tmp_path / "r").exists()
