"""The fast mode's lexicon: rebuilt from a tiny made-up data folder, loaded back, and bad data."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.config import load_config
from sciwire.errors import InputError
from sciwire.keyphrases.lexicon import LEXICON_FILE, load_lexicon, train_lexicon

SENTENCES = [
    "We trained small neural networks on noisy images of handwritten digits.",
    "The trained networks classified the noisy images better than linear models.",
    "Distributed training reduced the running time of large models by half.",
]


def make_data(folder):
    """The four files the lexicon is built from, in their data sets' shapes (made-up text)."""
    (folder / "coresc").mkdir(parents=True)
    with (folder / "coresc" / "sentences.tsv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["paper_id", "text"])
        writer.writerows([["p1", s] for s in SENTENCES])
    (folder / "arxiv_multilabel").mkdir()
    with (folder / "arxiv_multilabel" / "arxiv_data.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["titles", "summaries", "terms"])
        writer.writerow(["Noisy digits", " ".join(SENTENCES), "['cs.LG']"])
    (folder / "csabstruct").mkdir()
    for split in ("train", "dev"):
        row = {"abstract_id": 1, "sentences": SENTENCES, "labels": ["method", "result", "result"]}
        (folder / "csabstruct" / f"{split}.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    (folder / "pubmedqa").mkdir()
    pubmedqa = {"1": {"CONTEXTS": SENTENCES, "QUESTION": "Does it work?"}}
    (folder / "pubmedqa" / "pqal_dev.json").write_text(json.dumps(pubmedqa), encoding="utf-8")


@pytest.mark.slow
def test_train_lexicon_writes_a_model_folder_that_loads(tmp_path):
    make_data(tmp_path / "data")
    out = tmp_path / "lexicon"
    ticks = []
    result = train_lexicon(out, load_config(environ={}), data_dir=tmp_path / "data", on_progress=ticks.append)
    assert result.folder == out and sorted(p.name for p in out.iterdir()) == [
        "MODEL_CARD.md", LEXICON_FILE, "receipt.json"
    ]  # fmt: skip
    assert result.metrics["documents"] == {"coresc": 1, "arxiv_multilabel": 1, "csabstruct": 2, "pubmedqa": 1}
    assert result.metrics["words"] > 10 and ticks and set(ticks) == {1}
    lexicon = load_lexicon(str(out / LEXICON_FILE))
    assert lexicon.tag("networks", "networks") == "N" and lexicon.tag("noisy", "noisy") == "A"
    receipt = json.loads((out / "receipt.json").read_text())
    assert receipt["command"] == "sciwire train lexicon" and set(receipt["data"]) == set(result.metrics["documents"])
    assert "sciwire train lexicon" in (out / "MODEL_CARD.md").read_text()


def test_train_lexicon_refuses_bad_data_before_writing(tmp_path):
    with pytest.raises(InputError, match=r"Data file .*sentences\.tsv not found\. Set SCIWIRE_DATA"):
        train_lexicon(tmp_path / "out", load_config(environ={}), data_dir=tmp_path)
    make_data(tmp_path / "data")
    (tmp_path / "data" / "pubmedqa" / "pqal_dev.json").write_text('{"1": {"QUESTION": "no contexts"}}')
    with pytest.raises(InputError, match=r"pqal_dev\.json is not in the shape of its data set \(KeyError"):
        train_lexicon(tmp_path / "out", load_config(environ={}), data_dir=tmp_path / "data")
    assert not (tmp_path / "out").exists()


def test_train_lexicon_cli_errors_are_one_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["train", "lexicon", "--data", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Error:" in result.output and "sentences.tsv not found" in result.output
    assert not (tmp_path / "out").exists()
