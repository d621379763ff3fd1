"""sciwire add / list / remove / ask / train qa, end to end with a temporary store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import paper_path, story_paths

runner = CliRunner()
pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path, cache_dir):
    return {"SCIWIRE_CACHE": str(cache_dir), "SCIWIRE_STORE": str(tmp_path / "corpus.sqlite"), "HF_HUB_OFFLINE": "1"}


def run(args, env):
    return runner.invoke(app, args, env=env, catch_exceptions=False)


def test_add_list_ask_remove(env, tmp_path):
    result = run(["add", str(paper_path()), str(story_paths()[0])], env)
    assert result.exit_code == 0, result.output
    assert result.stdout.count("added") == 2
    assert result.stderr.splitlines()[:2] == ["added paper", "added story-faithful"], "each commit as it happens"
    assert "unchanged" in run(["add", str(paper_path())], env).output
    listed = json.loads(run(["list", "--json"], env).stdout)
    assert [d["id"] for d in listed] == ["paper", "story-faithful"]
    answer = run(["ask", "How many adults were in the cohort?", "--json", "--top", "2"], env)
    assert answer.exit_code == 0, answer.output
    assert any("1,240" in a["text"] for a in json.loads(answer.stdout))
    assert run(["remove", "story-faithful"], env).exit_code == 0
    missing = run(["remove", "story-faithful"], env)
    assert missing.exit_code == 1 and "Not in the store: story-faithful" in missing.output


def test_add_reports_bad_files_and_exits_1(env, tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    result = run(["add", str(bad), str(paper_path())], env)
    assert result.exit_code == 1
    assert "failed" in result.output and "added" in result.output


def test_ask_errors(env, tmp_path):
    empty = run(["ask", "How many mice?"], env)
    assert empty.exit_code == 1 and "The corpus is empty" in empty.output
    assert "The question is empty" in run(["ask", " "], env).output
    both = run(["ask", "q?", "--paper", str(paper_path()), "--corpus"], env)
    assert both.exit_code == 1 and "not both" in both.output


def test_train_qa_on_bad_pairs_is_a_clear_error(env, tmp_path):
    pairs = tmp_path / "p.jsonl"
    pairs.write_text("not json\n")
    result = run(["train", "qa", "--pairs", str(pairs), "--out", str(tmp_path / "m")], env)
    assert result.exit_code == 1 and "line 1 is not valid JSON" in result.output
    assert not (tmp_path / "m").exists()
