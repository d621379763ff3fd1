"""Steps by name: built-ins, third-party steps through the ``sciwire.steps`` entry points, and the order check."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from sciwire.analysis import (
    ABSTRACT_ROLES,
    ALIGNMENT,
    DISCOURSE,
    EMBEDDINGS,
    FIDELITY,
    RELEVANCE,
    SENTENCES,
    BaseStep,
    Step,
)
from sciwire.cli.main import app
from sciwire.config import DEFAULT_STEPS, Config, load_config
from sciwire.errors import ConfigError
from sciwire.examples import paper_path
from sciwire.pipeline import Analyzer, check_step_order
from sciwire.registry import BUILTIN_STEPS, available_steps, make_step


class Writes(BaseStep):
    def __init__(self, name: str, reads=(), writes=(), optional_reads=()) -> None:
        self.name, self.reads, self.writes, self.optional_reads = (
            name,
            tuple(reads),
            tuple(writes),
            tuple(optional_reads),
        )


@pytest.mark.parametrize("name", sorted(BUILTIN_STEPS))
def test_every_built_in_step_is_made_by_name_and_keeps_the_contract(name):
    step = make_step(name)
    assert isinstance(step, Step) and step.name == name
    assert step.writes, "a step writes at least one layer"
    parts = step.report_parts()
    assert parts.summary is not None and parts.panel is not None


def test_the_default_steps_are_in_a_valid_order():
    check_step_order([make_step(name) for name in DEFAULT_STEPS])
    check_step_order([make_step(name) for name in (*DEFAULT_STEPS, "answers")])


def test_unknown_step_names_are_a_clear_error():
    with pytest.raises(ConfigError, match=r"Unknown step 'fidelty' in pipeline.steps; known steps: answers, .*"):
        Analyzer(Config(), ["discourse", "fidelty"])


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([Writes("reader", reads=("topics",))], "Step 'reader' reads the 'topics' layer, which no step writes"),
        (
            [Writes("a", reads=("b_layer",)), Writes("b", writes=("b_layer",))],
            "Step 'a' reads the 'b_layer' layer, which 'b' writes after it; put 'b' before 'a' in pipeline.steps",
        ),
        (
            [Writes("a", optional_reads=("b_layer",)), Writes("b", writes=("b_layer",))],
            "put 'b' before 'a'",
        ),
        ([Writes("x", writes=(ALIGNMENT,))], "Steps 'the analyzer' and 'x' both write the 'alignment' layer"),
        ([Writes("x", writes=("l",)), Writes("x", writes=("m",))], "Step 'x' is listed 2 times"),
    ],
)
def test_the_order_of_the_steps_is_checked_when_the_analyzer_is_built(steps, message):
    with pytest.raises(ConfigError, match=message):
        Analyzer(Config(), steps)


def test_fidelity_after_discourse_is_fine_and_before_it_is_not():
    check_step_order([make_step("discourse"), make_step("fidelity")])
    check_step_order([make_step("fidelity")])  # discourse roles are optional for fidelity
    with pytest.raises(
        ConfigError, match="Step 'fidelity' reads the 'discourse' layer, which 'discourse' writes after"
    ):
        check_step_order([make_step("fidelity"), make_step("discourse")])
    fidelity = make_step("fidelity")
    assert fidelity.reads == (SENTENCES, EMBEDDINGS, ALIGNMENT)
    assert {DISCOURSE, ABSTRACT_ROLES} == set(fidelity.optional_reads)
    assert FIDELITY in fidelity.writes and RELEVANCE in fidelity.writes


@pytest.fixture
def tiny_plugin(tmp_path, monkeypatch):
    """An installed distribution with one ``sciwire.steps`` entry point, as pip would leave it."""
    (tmp_path / "tiny_sciwire_step.py").write_text(
        textwrap.dedent(
            """
            from sciwire.analysis import SENTENCES, BaseStep, ReportParts, Span

            class CountWords(BaseStep):
                name = "count_words"
                reads = (SENTENCES,)
                writes = ("word_counts",)

                def run(self, paper, stories, context):
                    spans = [Span(s.start, s.end, "words", score=len(paper.span_text(s).split()))
                             for s in paper.sentences]
                    return paper.with_layer("word_counts", spans), list(stories)

                def report_parts(self):
                    return ReportParts(summary=lambda a: {"words": sum(s.score for s in a.paper.layer("word_counts"))})

            class Misnamed(CountWords):
                name = "something_else"

            def not_a_step():
                return object()
            """
        )
    )
    dist = tmp_path / "tiny_sciwire_step-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-sciwire-step\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[sciwire.steps]\ncount_words = tiny_sciwire_step:CountWords\nmisnamed = tiny_sciwire_step:Misnamed\n"
        "broken = tiny_sciwire_step:not_a_step\nmissing = tiny_sciwire_step:Nowhere\n"
        "fidelity = tiny_sciwire_step:CountWords\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield
    sys.modules.pop("tiny_sciwire_step", None)


def test_a_package_registers_a_step_through_the_entry_point_group(tiny_plugin, caplog):
    steps = available_steps()
    assert steps["count_words"] == "tiny_sciwire_step:CountWords"
    assert steps["fidelity"] == BUILTIN_STEPS["fidelity"], "a plugin cannot replace a built-in step"
    assert "Ignoring the sciwire.steps entry point 'fidelity'" in caplog.text
    step = make_step("count_words")
    assert step.name == "count_words" and step.writes == ("word_counts",)
    check_step_order([make_step("discourse"), step])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("misnamed", "Step 'misnamed' .* calls itself 'something_else'; the two names must match"),
        ("broken", "Step 'broken' .* made a object, which is not a step"),
        ("missing", "Step 'missing' points at 'tiny_sciwire_step:Nowhere', which cannot be imported"),
    ],
)
def test_broken_plugins_are_clear_errors(tiny_plugin, name, message):
    with pytest.raises(ConfigError, match=message):
        make_step(name)


@pytest.mark.slow
def test_a_plugin_step_runs_in_sciwire_analyze_and_reaches_the_report(tiny_plugin, tmp_path, cache_dir):
    import json

    out = tmp_path / "report"
    res = CliRunner().invoke(
        app,
        ["analyze", str(paper_path()), "--out", str(out), "--steps", "count_words"],
        env={"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"},
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    report = json.loads((out / "report.json").read_text())
    assert report["receipt"]["steps"] == ["count_words"]
    assert report["summary"]["count_words"]["words"] > 100
    assert "fidelity" not in report["summary"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ("discourse,fidelty", "Error: Unknown step 'fidelty' in pipeline.steps; known steps: answers, discourse"),
        ("fidelity,discourse", "Error: Step 'fidelity' reads the 'discourse' layer, which 'discourse' writes after"),
    ],
)
def test_cli_bad_steps_are_one_line_errors_with_exit_code_1(tmp_path, steps, message):
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["analyze", str(paper_path()), "--out", str(out), "--steps", steps])
    assert res.exit_code == 1
    assert message in res.output.replace("\n", " ")
    assert "Traceback" not in res.output and not out.exists()


def test_pipeline_steps_can_be_set_in_the_config(tmp_path):
    toml = tmp_path / "sciwire.toml"
    toml.write_text('[pipeline]\nsteps = ["discourse", "fidelity"]\n')
    assert load_config(toml, environ={}).pipeline.steps == ["discourse", "fidelity"]
    assert load_config(overrides=["pipeline.steps=keyphrases"], environ={}).pipeline.steps == ["keyphrases"]
    with pytest.raises(ConfigError, match=r"pipeline\.steps must be a list of names"):
        load_config(overrides=["pipeline.steps=3"], environ={})
    assert Analyzer(load_config(toml, environ={})).steps[1].name == "fidelity"
