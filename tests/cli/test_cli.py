"""End-to-end CLI tests: real models, the bundled example, and every kind of bad input."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import paper_path, story_paths

runner = CliRunner()


@pytest.fixture
def env(tmp_path, cache_dir):
    return {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}


def invoke(args, env):
    return runner.invoke(app, args, env=env, catch_exceptions=False)


def test_version_and_help():
    assert "sciwire 0.1.0" in runner.invoke(app, ["--version"]).output
    out = runner.invoke(app, ["--help"]).output
    for command in ("analyze", "read", "demo"):
        assert command in out


@pytest.mark.slow
def test_demo_writes_report_json_html_and_config(tmp_path, env):
    out = tmp_path / "demo"
    result = invoke(["demo", "--out", str(out)], env)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["config.toml", "report.html", "report.json"]
    report = json.loads((out / "report.json").read_text())
    assert report["paper"]["kind"] == "paper" and len(report["stories"]) == 2
    for story in report["summary"]["stories"]:
        assert story["aligned_share"] > 0.4, story
    html = (out / "report.html").read_text()
    assert "<script>alert" not in html and 'onerror="alert' not in html


@pytest.mark.slow
def test_analyze_with_gpu_flag_falls_back_to_cpu_with_a_message(tmp_path, env):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    result = invoke(
        ["analyze", str(paper_path()), "--news", str(story_paths()[0]), "--out", str(tmp_path / "o"), "--gpu"], env
    )
    assert result.exit_code == 0, result.output
    assert "GPU requested but no CUDA device is available" in result.output
    assert (tmp_path / "o" / "config.toml").read_text().count('device = "gpu"') == 1


@pytest.mark.slow
def test_read_prints_document_json(env):
    result = invoke(["read", str(story_paths()[1]), "--sentences"], env)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kind"] == "news" and doc["sentences"] and "entities" in doc["layers"]
    assert "alert(" not in doc["text"]


def _bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(4096) + b"\x00" * 100)
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    german = tmp_path / "german.txt"
    german.write_text(
        "Die Forscher haben untersucht, ob ein zeitlich begrenztes Essen den Schlaf von älteren Mäusen verbessert. "
        "Dabei wurden die Tiere in zwei Gruppen eingeteilt, und die eine Gruppe bekam nur nachts Futter. "
        "Nach zehn Wochen schliefen die Mäuse dieser Gruppe ruhiger, und sie wachten seltener auf als die anderen. "
        "Ob sich diese Ergebnisse auf den Menschen übertragen lassen, ist jedoch noch völlig unklar und muss "
        "in weiteren Studien geprüft werden, bevor man Empfehlungen geben kann."
    )
    return {
        "missing": (tmp_path / "nope.pdf", "nope.pdf"),
        "empty": (empty, "empty.txt"),
        "binary": (junk, "binary"),
        "corrupt pdf": (corrupt, "corrupt.pdf"),
        "huge": (huge, "50.0 MB"),
        "not English": (german, "English"),
    }


@pytest.mark.slow
def test_bad_inputs_give_one_clear_error_exit_1_and_no_report(tmp_path, env):
    out = tmp_path / "out"
    for name, (path, expected) in _bad_inputs(tmp_path).items():
        for args in (
            ["analyze", str(path), "--out", str(out)],
            ["analyze", str(paper_path()), "--news", str(path), "--out", str(out)],
        ):
            result = invoke(args, env)
            assert result.exit_code == 1, (name, result.output)
            assert "Error:" in result.output and expected in result.output, (name, result.output)
            assert "Traceback" not in result.output, name
            assert not out.exists(), f"{name}: nothing may be written"


def test_bad_config_override_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["analyze", str(paper_path()), "--set", "align.threshold=2", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "align.threshold is a probability" in result.output
