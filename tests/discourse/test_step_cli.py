"""The shipped models in `sciwire analyze`'s step, the API and the CLI (real MiniLM)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sciwire.analysis import ABSTRACT_ROLES, DISCOURSE
from sciwire.cli.main import app
from sciwire.config import Config, load_config
from sciwire.discourse.labels import ABSTRACT, CORESC
from sciwire.discourse.model import DiscourseModel, default_model_dir
from sciwire.discourse.step import DiscourseStep, label_document
from sciwire.document import Document, Section, Sentence
from sciwire.errors import InputError, ModelLoadError
from sciwire.examples import paper_path

pytestmark = pytest.mark.slow
runner = CliRunner()
TEXT = (
    "Abstract\n\nSleep loss impairs memory. Here we test whether naps help. We recruited 40 adults. "
    "Naps improved recall by 20%.\n\nResults\n\nRecall was higher after a nap (p < 0.01)."
)


def _doc() -> Document:
    a, r = TEXT.index("Abstract"), TEXT.index("Results")
    sents = [
        "Sleep loss impairs memory.",
        "Here we test whether naps help.",
        "We recruited 40 adults.",
        "Naps improved recall by 20%.",
        "Recall was higher after a nap (p < 0.01).",
    ]
    sentences = [Sentence(i, TEXT.index(s), TEXT.index(s) + len(s), 0 if i < 4 else 1) for i, s in enumerate(sents)]
    return Document(
        "p",
        "paper",
        "",
        TEXT,
        sections=(Section("abstract", a, r, "Abstract"), Section("results", r, len(TEXT), "Results")),
        sentences=tuple(sentences),
    )


@pytest.mark.parametrize("task,labels", [("coresc", CORESC), ("abstract", ABSTRACT)])
def test_shipped_models_have_card_receipt_and_known_labels(task, labels):
    folder = default_model_dir(task)
    assert (folder / "MODEL_CARD.md").exists() and (folder / "receipt.json").exists()
    model = DiscourseModel.load("default", task)
    assert set(model.classes) <= set(labels.codes) and len(model.classes) >= 5
    assert sum(f.stat().st_size for f in folder.iterdir()) < 4_000_000


def test_label_document_adds_both_layers(embedder):
    doc = _doc()
    vectors = embedder.encode(doc.sentence_texts())
    out = label_document(doc, doc.sentences, vectors, Config())
    spans = out.layer(DISCOURSE)
    assert [s.attrs["sentence"] for s in spans] == [0, 1, 2, 3, 4]
    assert all(s.label in CORESC.codes and 0 < (s.score or 0) <= 1 for s in spans)
    assert all(abs(sum(s.attrs["probabilities"].values()) - 1) < 1e-3 for s in spans)
    roles = [s.label for s in out.layer(ABSTRACT_ROLES)]
    assert len(roles) == 4 and set(roles) <= set(ABSTRACT.codes)
    assert roles[-1] == "result"
    assert spans[0].attrs["explanation"]["neighbours"]
    assert out.layer("entities") == doc.layer("entities") and doc.layer(DISCOURSE) == ()


def test_step_is_off_when_disabled_and_models_are_checked(embedder):
    step = DiscourseStep()
    cfg = load_config(overrides=["discourse.enabled=false"])
    step.warm_up(cfg)
    with pytest.raises(ModelLoadError, match="No discourse model in"):
        DiscourseModel.load("/nonexistent/model", "coresc")
    with pytest.raises(InputError, match="Discourse task must be one of"):
        default_model_dir("other")
    from sciwire.analysis import StepContext

    doc = _doc()
    ctx = StepContext(cfg, embedder, doc.sentences, np.zeros((5, 384), dtype=np.float32), ())
    paper, _ = step.run(doc, [], ctx)
    assert DISCOURSE not in paper.layers


def test_classify_cli_prints_roles(cache_dir):
    env = {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}
    result = runner.invoke(app, ["classify", str(paper_path()), "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) > 20 and {r["role"] for r in rows} <= set(CORESC.codes)
    assert any(r["abstract_role"] for r in rows)
    assert len({r["role"] for r in rows}) >= 3


def test_train_and_evaluate_cli_on_a_small_jsonl(tmp_path, cache_dir):
    env = {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}
    lines = []
    for i in range(6):
        lines.append(
            {
                "id": f"a{i}",
                "sentences": [
                    f"Prior work {i} studied sleep.",
                    f"We measured sleep in {i} mice.",
                    f"Sleep rose by {i + 2}%.",
                ],
                "labels": ["background", "method", "result"],
            }
        )
    data = tmp_path / "mine.jsonl"
    data.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    out = tmp_path / "model"
    args = ["--set", "discourse.epochs=3", "--set", "discourse.hidden=16"]
    result = runner.invoke(
        app,
        ["train", "discourse", "--data", str(data), "--task", "abstract", "--out", str(out), *args],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert (out / "MODEL_CARD.md").exists() and json.loads((out / "receipt.json").read_text())["data"]
    cv_out = tmp_path / "model-cv"
    result = runner.invoke(
        app,
        ["train", "discourse", "--data", str(data), "--task", "abstract", "--out", str(cv_out), "--cv", "3", *args],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((cv_out / "receipt.json").read_text())["metrics"]
    tagger = metrics["evaluation"]["sequence_tagger"]
    assert {"ece", "ece_uncalibrated", "ece_internal_temperature"} <= set(tagger)
    assert metrics["temperature"] == tagger["oof_temperature"], "the shipped temperature is the out-of-fold one"
    assert "other folds' out-of-fold predictions" in (cv_out / "MODEL_CARD.md").read_text()
    result = runner.invoke(
        app,
        ["evaluate", "discourse", "--data", str(data), "--task", "abstract", "--model", str(out)],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["report"]
    assert 0 <= report["macro_f1"] <= 1 and report["confusion"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"sentences": ["A.", "B."], "labels": ["background", "novelty"]}) + "\n")
    result = runner.invoke(
        app, ["train", "discourse", "--data", str(bad), "--task", "abstract", "--out", str(tmp_path / "x")], env=env
    )
    assert result.exit_code == 1 and "Unknown label(s) ['novelty']" in result.output
