"""``sciwire learn``: the walk-through of docs/learning.md with the bundled example, --json on every command,
and bad input as one red line with exit code 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.examples import EXAMPLES_DIR

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path, *args: str, ok: bool = True):
    result = runner.invoke(app, ["learn", *args, "--set", f"learn.db={tmp_path / 'learn.sqlite'}"],
                           env={"COLUMNS": "200", "SCIWIRE_ANNOTATOR": "ana"})  # fmt: skip
    assert (result.exit_code == 0) == ok, result.output
    return result


def test_the_walk_through_with_json(tmp_path):
    made = json.loads(_run(tmp_path, "new", "climate", "--labels", "adaptation,mitigation,other", "--describe",
                           "mitigation=cutting emissions", str(EXAMPLES_DIR / "learn_climate_records.jsonl"),
                           "--json").stdout)  # fmt: skip
    assert made["records"] == 72 and made["descriptions"]["mitigation"] == "cutting emissions"
    labelled = _run(tmp_path, "label", "climate", "--file", str(EXAMPLES_DIR / "learn_climate_labels.csv"), "--json")
    assert json.loads(labelled.stdout) == {"task": "climate", "labelled": 30}
    trained = json.loads(_run(tmp_path, "train", "climate", "--method", "tfidf", "--json").stdout)
    assert trained["metrics"]["labelled"] == 30 and 0 <= trained["metrics"]["macro_f1"] <= 1
    assert {"ece_before", "ece_after", "temperature"} <= set(trained["metrics"])
    card = (tmp_path / "learn_models" / "climate" / "tfidf" / "MODEL_CARD.md").read_text()
    assert "Grouped 5-fold cross-validation over 30 labelled records" in card
    shown = json.loads(_run(tmp_path, "show", "climate", "--json").stdout)
    assert list(shown["models"]) == ["tfidf"] and shown["latest_labels"][-1]["who"] == "ana"
    rows = json.loads(_run(tmp_path, "predict", "climate", str(EXAMPLES_DIR / "learn_climate_records.jsonl"),
                           "--method", "tfidf", "--json").stdout)  # fmt: skip
    assert len(rows) == 72 and abs(sum(rows[0]["probabilities"].values()) - 1) < 1e-3
    sheet = tmp_path / "next.csv"
    proposed = json.loads(_run(tmp_path, "next", "climate", "--n", "5", "--strategy", "entropy", "--no-diversity",
                               "--method", "tfidf", "--out", str(sheet), "--json").stdout)  # fmt: skip
    seeded = {line.split(",")[0] for line in (EXAMPLES_DIR / "learn_climate_labels.csv").read_text().splitlines()}
    assert len(proposed) == 5 and not {r["id"] for r in proposed} & seeded
    sheet.write_text(sheet.read_text().replace(f"{proposed[0]['id']},,", f"{proposed[0]['id']},other,", 1))
    assert json.loads(_run(tmp_path, "label", "climate", "--file", str(sheet), "--json").stdout)["labelled"] == 1
    assert json.loads(_run(tmp_path, "undo", "climate", "--json").stdout) == {"task": "climate", "undone": 1}
    listed = json.loads(_run(tmp_path, "list", "--json").stdout)
    assert [(t["name"], t["labelled"]) for t in listed] == [("climate", 30)]


def test_bad_input_is_one_line_and_exit_1(tmp_path):
    _run(tmp_path, "new", "t", "--labels", "a,b", str(EXAMPLES_DIR / "learn_climate_records.jsonl"))
    out = _run(tmp_path, "label", "t", "--record", "p01:0", "--label", "c", ok=False).output
    assert out.strip() == "Error: Unknown label 'c' for record 'p01:0'; task 't' has labels a, b; nothing was labelled"
    out = _run(tmp_path, "label", "t", "--record", "p01:0", "--label", "a").output
    out = _run(tmp_path, "train", "t", "--method", "tfidf", ok=False).output
    assert out.strip() == (
        "Error: Training needs labelled examples of at least 2 classes, got 1 ('a'); label some records of another "
        "class first (sciwire learn label / learn next)"
    )
    out = _run(tmp_path, "import-argilla", "t", str(tmp_path), ok=False).output
    assert out.startswith("Error: Not an Argilla dataset folder:") and len(out.strip().splitlines()) == 1
    assert json.loads(_run(tmp_path, "show", "t", "--json").stdout)["labelled"] == 1


def test_pet_on_a_task_with_no_unlabelled_records_is_one_line(tmp_path):
    """PET distils the LM's answers on unlabelled records; with none it says what to do, before any model loads."""
    lines = (EXAMPLES_DIR / "learn_climate_records.jsonl").read_text().splitlines()
    labels = {r.split(",")[0]: r.split(",")[1] for r in (EXAMPLES_DIR / "learn_climate_labels.csv").read_text().split()}
    records = [line for line in lines if json.loads(line)["id"] in labels]  # only records that get a label
    (tmp_path / "records.jsonl").write_text("\n".join(records) + "\n")
    _run(tmp_path, "new", "all", "--labels", "adaptation,mitigation,other", str(tmp_path / "records.jsonl"))
    _run(tmp_path, "label", "all", "--file", str(EXAMPLES_DIR / "learn_climate_labels.csv"))
    out = _run(tmp_path, "train", "all", "--method", "pet", ok=False).output
    assert out.strip() == (
        "Error: --method pet distils the LM's answers on unlabelled records, and task 'all' has none: add records "
        "without labels (sciwire learn add all FILE), or use --method logistic"
    )
    assert json.loads(_run(tmp_path, "show", "all", "--json").stdout)["labelled"] == 30  # nothing lost
    assert not (tmp_path / "learn_models").exists()


@pytest.mark.slow
def test_federated_on_a_stored_task(tmp_path):
    """learn new + label, then learn federated --json in a child process (tests/learn/federated_child.py: Ray
    must not start in a process where tests/store loaded psycopg and usearch)."""
    pytest.importorskip("flwr", reason="needs flwr[simulation] (pip install 'sciwire[learn]')")
    _run(tmp_path, "new", "climate", "--labels", "adaptation,mitigation,other",
         str(EXAMPLES_DIR / "learn_climate_records.jsonl"))  # fmt: skip
    _run(tmp_path, "label", "climate", "--file", str(EXAMPLES_DIR / "learn_climate_labels.csv"))
    run = subprocess.run(
        [sys.executable, "-m", "tests.learn.federated_child", "cli", str(tmp_path / "learn.sqlite"), "climate",
         "--clients", "2", "--rounds", "2", "--epochs", "5", "--out", str(tmp_path / "fed")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["exit_code"] == 0, report["output"]
    info = json.loads(report["stdout"])
    metrics = info["metrics"]
    assert len(metrics["sites"]) == 2
    assert all(0 <= metrics[k] <= 1 for k in ("federated_macro_f1", "pooled_macro_f1", "local_mean_macro_f1"))
    assert (tmp_path / "fed" / "MODEL_CARD.md").is_file() and (tmp_path / "fed" / "receipt.json").is_file()
    rows = json.loads(_run(tmp_path, "predict", "climate", str(EXAMPLES_DIR / "learn_climate_records.jsonl"),
                           "--model", str(tmp_path / "fed"), "--json").stdout)  # fmt: skip
    assert len(rows) == 72 and set(rows[0]["probabilities"]) == {"adaptation", "mitigation", "other"}
