"""sciwire add / remove / list tell the truth about the store: progress, Ctrl-C, missing ids, read-only."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import paper_path, story_paths
from sciwire.store import sqlite as sqlite_module

runner = CliRunner()
pytestmark = pytest.mark.slow


@pytest.fixture
def env(tmp_path, cache_dir):
    return {"SCIWIRE_CACHE": str(cache_dir), "SCIWIRE_STORE": str(tmp_path / "corpus.sqlite"), "HF_HUB_OFFLINE": "1"}


def run(args, env):
    return runner.invoke(app, args, env=env, catch_exceptions=False)


def test_add_echoes_each_commit_and_ctrl_c_says_what_was_added(env, interrupt_second_read):
    result = run(["add", str(paper_path()), *map(str, story_paths()[:2])], env)
    assert result.exit_code == 130
    assert "added paper\n" in result.stderr, "each commit is echoed as it happens"
    assert "Interrupted after 1 of 3 papers were added: paper; nothing else was written." in result.stderr
    assert "nothing was written" not in result.stderr
    assert [d["id"] for d in json.loads(run(["list", "--json"], env).stdout)] == ["paper"]


def test_remove_with_a_missing_id_removes_nothing_and_read_only_store_lists(env, monkeypatch, tmp_path):
    assert run(["add", str(paper_path()), str(story_paths()[0])], env).exit_code == 0
    result = run(["remove", "paper", "missing-id"], env)
    assert result.exit_code == 1
    assert "Not in the store: missing-id; nothing was removed" in result.stderr
    assert len(json.loads(run(["list", "--json"], env).stdout)) == 2

    os.chmod(env["SCIWIRE_STORE"], 0o444)
    real = os.access
    monkeypatch.setattr(sqlite_module.os, "access", lambda p, mode: False if mode & os.W_OK else real(p, mode))
    assert len(json.loads(run(["list", "--json"], env).stdout)) == 2
    asked = run(["ask", "How many adults were in the cohort?", "--json", "--top", "1"], env)
    assert asked.exit_code == 0, asked.output
    refused = run(["remove", "paper"], env)
    assert refused.exit_code == 1
    assert "is read-only: it can be listed and asked, but not changed" in refused.stderr
    assert "Traceback" not in refused.output
