"""End to end: train on generated ratings (and reject bad rows), rank folders / JSONL / Atom, CSV + HTML."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import paper_path

from .test_papers import ATOM

runner = CliRunner()
FAST = ["--set", "newsworthiness.n_estimators=40", "--set", "newsworthiness.cv_folds=3"]


@pytest.fixture
def env(cache_dir):
    return {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}


def invoke(args, env):
    return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)


def test_train_rejects_bad_rows_with_one_clear_error(rated_files, tmp_path, env):
    papers, ratings = rated_files
    lines = ratings.read_text().splitlines()
    lines += ["n0,r9,4,,4,4", "n1,r9,4,7,4,4", "unknown-paper,r1,3,3,3,3"]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    result = invoke(["train", "newsworthiness", "--ratings", bad, "--papers", papers, "--out", tmp_path / "m"], env)
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    assert "3 bad row(s)" in out and "controversy: missing value" in out
    assert "rating '7' outside the 1-5 scale" in out and "unknown paper id 'unknown-paper'" in out
    assert not (tmp_path / "m").exists()


@pytest.mark.slow
def test_train_rank_evaluate_end_to_end(rated_files, tmp_path, env):
    papers, ratings = rated_files
    model = tmp_path / "model"
    result = invoke(["train", "newsworthiness", "--ratings", ratings, "--papers", papers, "--out", model, *FAST], env)
    assert result.exit_code == 0, result.output
    assert {p.name for p in model.iterdir()} == {
        "model.joblib", "model.json", "MODEL_CARD.md", "receipt.json", "reliability.svg"
    }  # fmt: skip
    receipt = json.loads((model / "receipt.json").read_text())
    metrics = receipt["metrics"]
    assert metrics["papers"] == 24 and metrics["newsworthy"] == 12 and metrics["raters"] == 3
    assert metrics["extra_trees"]["auc"] > 0.8 and metrics["logistic"]["auc"] > 0.8
    assert {"ece_raw", "ece_calibrated", "p@10", "p@15"} <= set(metrics["extra_trees"])
    assert 0 < metrics["agreement"]["alpha_interval_score"] <= 1
    card = (model / "MODEL_CARD.md").read_text()
    assert (
        "Krippendorff" in card and "sigmoid" in card.lower() and "<polyline" in (model / "reliability.svg").read_text()
    )

    # rank a folder with a JSONL (one hostile row), an Atom export and a paper file
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "papers.jsonl").write_text(papers.read_text())
    hostile = {
        "id": "evil",
        "title": "<script>alert(1)</script> =cmd",
        "url": "javascript:alert(1)",
        "abstract": "Mice <img src=x onerror=alert(1)> sleep longer when fed early, a study of patients shows.",
    }
    (inputs / "extra.jsonl").write_text(json.dumps(hostile) + "\n")
    (inputs / "feed.xml").write_text(ATOM)
    (inputs / "paper.md").write_text(paper_path().read_text())
    out_csv, out_html = tmp_path / "rank.csv", tmp_path / "rank.html"
    result = invoke(["rank", inputs, "--model", model, "--csv", out_csv, "--html", out_html], env)
    assert result.exit_code == 0, result.output
    assert "probability" in result.output and "vote share" in result.output
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert len(rows) == 24 + 1 + 2 + 1 and [r["rank"] for r in rows] == [str(i) for i in range(1, 29)]
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(r["probability"] and r["vote_share"] and r["reasons"] for r in rows)
    top_ids = [r["id"] for r in rows[:5]]
    assert sum(i.startswith("n") for i in top_ids) >= 4  # the newsworthy made-up papers lead
    html = out_html.read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img src=x" not in html
    assert 'href="javascript' not in html and "Content-Security-Policy" in html
    assert not any(c.startswith("=") for r in rows for c in r.values())

    # the default model on the Atom export alone, and evaluation of the trained model
    result = invoke(["rank", inputs / "feed.xml", "--top", 1, "--csv", out_csv], env)
    assert result.exit_code == 0 and "NOT trained" in " ".join(result.output.split())
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert len(rows) == 1 and rows[0]["probability"] == "" and rows[0]["reasons"]
    result = invoke(["evaluate", "newsworthiness", "--ratings", ratings, "--papers", papers, "--model", model], env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["auc"] > 0.8


def test_rank_reports_missing_input(tmp_path, env):
    result = invoke(["rank", tmp_path / "nothing.jsonl"], env)
    assert result.exit_code == 1 and "does not exist" in result.output
