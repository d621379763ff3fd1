"""``sciwire link``: ranking a JSONL collection for a story, and the pinned error messages."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import paper_path, story_paths
from sciwire.readers import read
from tests.linking.conftest import DECOYS

runner = CliRunner()


@pytest.fixture
def env(cache_dir):
    return {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}


@pytest.fixture
def collection(tmp_path):
    paper = read(paper_path(), kind="paper")
    abstract = next(paper.span_text(s) for s in paper.sections if s.name == "abstract")
    meta = paper.metadata
    record = {"id": "example", "title": paper.title, "abstract": abstract, "doi": meta.doi,
              "authors": list(meta.authors), "venue": meta.venue, "date": meta.date}  # fmt: skip
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [*DECOYS, record]), encoding="utf-8")
    return path


@pytest.mark.slow
def test_link_ranks_the_example_paper_first(collection, env):
    result = runner.invoke(app, ["link", str(story_paths()[0]), "--papers", str(collection), "--json"], env=env)
    assert result.exit_code == 0, result.output
    matches = json.loads(result.stdout)
    assert matches[0]["paper_id"] == "example" and matches[0]["probability"] > 0.5
    assert any("Ostrander" in r for r in matches[0]["reasons"])
    text = runner.invoke(app, ["link", str(story_paths()[0]), "--papers", str(collection), "--top", "2"], env=env)
    assert text.exit_code == 0 and text.stdout.startswith("1. example") and "2. " in text.stdout


def test_link_errors(tmp_path, env):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["link", str(story_paths()[0]), "--papers", str(empty)], env=env)
    assert result.exit_code == 1
    assert "The paper collection" in result.output and "is empty" in result.output
    result = runner.invoke(app, ["link", str(story_paths()[0])], env=env)
    assert result.exit_code == 1 and "Give the papers with --papers PATH, or --corpus" in result.output
    blank = tmp_path / "blank.txt"
    blank.write_text("   \n", encoding="utf-8")
    result = runner.invoke(app, ["link", str(blank), "--papers", str(empty)], env=env)
    assert result.exit_code == 1 and "Error:" in result.output
