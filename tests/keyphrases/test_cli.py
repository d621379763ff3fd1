from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from tests.keyphrases.conftest import ABSTRACT

runner = CliRunner()


@pytest.fixture
def env(tmp_path, cache_dir):
    return {"SCIWIRE_CACHE": str(cache_dir), "SCIWIRE_CONFIG": "", "HF_HUB_OFFLINE": "1"}


@pytest.mark.slow
def test_keywords_prints_json_and_tables(tmp_path, env):
    paper = tmp_path / "paper.md"
    paper.write_text("# Decision trees\n\n" + ABSTRACT + "\n", encoding="utf-8")
    result = runner.invoke(app, ["keywords", str(paper), "--method", "fast", "--top", "3", "--json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) == 1 and len(data[0]["keyphrases"]) == 3
    assert {"phrase", "score", "count", "acronym"} <= set(data[0]["keyphrases"][0])
    result = runner.invoke(app, ["keywords", str(paper), str(paper), "-m", "fast", "-n", "2"], env=env)
    assert result.exit_code == 0 and result.output.count("keyphrase") == 2


def test_keywords_errors_are_one_line(tmp_path, env):
    result = runner.invoke(app, ["keywords", str(tmp_path / "missing.txt")], env=env)
    assert result.exit_code == 1 and "Error" in result.output
    paper = tmp_path / "paper.txt"
    paper.write_text(ABSTRACT, encoding="utf-8")
    result = runner.invoke(app, ["keywords", str(paper), "--method", "magic"], env=env)
    assert result.exit_code == 1 and "keyphrases.method" in result.output


def test_train_keyphrases_checks_data_set_names(env, tmp_path):
    result = runner.invoke(app, ["train", "keyphrases", "--datasets", "wikipedia", "--out", str(tmp_path)], env=env)
    assert result.exit_code == 1 and "--datasets must name some of" in result.output


@pytest.mark.slow
def test_keywords_jobs_runs_many_files_in_processes(tmp_path, env):
    files = []
    for i in range(70):  # more than one batch of 64, so the processes are used
        path = tmp_path / f"abstract{i}.txt"
        path.write_text(ABSTRACT.replace("decision", f"decision{i % 7}"), encoding="utf-8")
        files.append(str(path))
    one = runner.invoke(app, ["keywords", *files, "-m", "fast", "--json"], env=env)
    two = runner.invoke(app, ["keywords", *files, "-m", "fast", "--json", "--jobs", "2"], env=env)
    assert one.exit_code == two.exit_code == 0, two.output
    assert json.loads(two.output) == json.loads(one.output)
    bad = runner.invoke(app, ["keywords", files[0], "--jobs", "2"], env=env)  # combined: the encoder
    assert bad.exit_code == 1 and "jobs > 1 runs only methods without the encoder" in bad.output
