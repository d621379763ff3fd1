"""A missing or damaged model folder is one line "Error: ..." and exit code 1, naming the folder,
the file and what to do."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import paper_path, story_paths
from sciwire.fitting import bundled_models_dir

runner = CliRunner()


@pytest.fixture
def env(cache_dir):
    return {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}


def error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: Cannot load"), result.output
    return lines[0]


def link(args: list[str], env: dict[str, str]):
    return runner.invoke(app, ["link", str(story_paths()[0]), "--papers", str(paper_path()), *args], env=env)


def test_missing_finder_folder(tmp_path, env):
    line = error_line(link(["--set", f"link.finder_model={tmp_path / 'nowhere'}"], env))
    assert str(tmp_path / "nowhere") in line and "does not exist" in line
    assert "retrain with `sciwire train link --data DIR --out FOLDER --part finder`" in line
    assert "point link.finder_model at a folder made by it" in line


def test_corrupt_or_incomplete_align_folder(tmp_path, env):
    folder = tmp_path / "align"
    shutil.copytree(bundled_models_dir() / "align_default", folder)
    (folder / "weights.json").write_text('{"format": "sciwire-logistic/1", "weights": {"cosine": 3.3', encoding="utf-8")
    line = error_line(link(["--set", f"align.model={folder}"], env))
    assert str(folder) in line and "weights.json is not valid JSON" in line and "sciwire train align" in line
    (folder / "weights.json").unlink()
    line = error_line(link(["--set", f"align.model={folder}"], env))
    assert "weights.json is missing" in line and "point align.model at a folder made by it" in line


@pytest.mark.slow
def test_truncated_discourse_weights(tmp_path, env):
    folder = tmp_path / "coresc"
    shutil.copytree(bundled_models_dir() / "discourse_coresc", folder)
    blob = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(blob[: len(blob) // 3])
    result = runner.invoke(app, ["classify", str(paper_path()), "--set", f"discourse.coresc_model={folder}"], env=env)
    line = error_line(result)
    assert str(folder) in line and "model.safetensors is truncated or not a safetensors file" in line
    assert "sciwire train discourse" in line


@pytest.mark.parametrize(
    ("setting", "steps"),
    [("align.model", "fidelity"), ("link.finder_model", "linking"), ("qa.model", "answers")],
)
def test_analyze_fails_on_a_damaged_folder_before_any_work(tmp_path, env, setting, steps):
    """Every model folder an analysis needs is read when the models load, not half-way (or never)."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "weights.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "report"
    args = ["analyze", str(paper_path()), "--out", str(out), "--steps", steps, "--set", f"{setting}={bad}"]
    line = error_line(runner.invoke(app, args, env=env))
    assert str(bad) in line and "weights.json" in line
    assert not out.exists()
