"""SciERC relations: the reader, candidate pairs, F1 and the type-pair baseline (tiny fixtures)."""

from __future__ import annotations

import json

import pytest

from sciwire.errors import InputError
from sciwire.relations.data import fewrel_pair, load_fewrel, load_scierc_relations
from sciwire.relations.supervised import NONE, baseline_predict, candidates, relation_f1, type_pair_baseline

DOC = {"doc_key": "d1",
       "sentences": [["We", "use", "CRFs", "for", "parsing", "."], ["Parsing", "uses", "trees", "."]],
       "ner": [[[2, 2, "Method"], [4, 4, "Task"]], [[6, 6, "Task"], [8, 8, "OtherScientificTerm"]]],
       "relations": [[[2, 2, 4, 4, "USED-FOR"]], [[8, 8, 6, 6, "USED-FOR"]]]}  # fmt: skip


def test_scierc_relations_become_sentence_level_pairs(tmp_path):
    (tmp_path / "dev.json").write_text(json.dumps(DOC) + "\n", encoding="utf-8")
    sentences = load_scierc_relations(tmp_path, "dev")
    assert [s.entities for s in sentences] == [((2, 2, "Method"), (4, 4, "Task")),
                                               ((0, 0, "Task"), (2, 2, "OtherScientificTerm"))]  # fmt: skip
    assert sentences[1].relations == ((1, 0, "USED-FOR"),)
    pair = sentences[1].pair(1, 0)
    assert pair.text[slice(*pair.head)] == "trees" and pair.text[slice(*pair.tail)] == "Parsing"
    pairs = candidates(sentences)
    assert len(pairs) == 4 and sum(p[3] != NONE for p in pairs) == 2


def test_a_malformed_scierc_line_is_an_input_error(tmp_path):
    (tmp_path / "dev.json").write_text('{"sentences": [["a"]]}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1: expected SciERC JSON with 'sentences', 'ner', 'relations'"):
        load_scierc_relations(tmp_path, "dev")


def test_relation_f1_counts_only_relations():
    assert relation_f1(["A", NONE, NONE], [NONE, NONE, NONE]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert relation_f1(["A", "B", NONE], ["A", "A", NONE])["precision"] == 0.5


def test_the_baseline_gives_a_type_pair_its_most_frequent_relation_where_it_helps(tmp_path):
    (tmp_path / "train.json").write_text(json.dumps(DOC) + "\n", encoding="utf-8")
    train = load_scierc_relations(tmp_path, "train")
    pairs = candidates(train)
    rule = type_pair_baseline(train, pairs)
    assert rule == {("Method", "Task"): "USED-FOR", ("OtherScientificTerm", "Task"): "USED-FOR"}
    assert relation_f1([p[3] for p in pairs], baseline_predict(rule, train, pairs))["f1"] == 1.0


def test_fewrel_files_become_pairs_per_relation(tmp_path):
    item = {"tokens": ["Ann", "married", "Bob", "Smith", "."], "h": ["ann", "Q1", [[0]]], "t": ["bob", "Q2", [[2, 3]]]}
    (tmp_path / "val_x.json").write_text(json.dumps({"P26": [item] * 3, "P40": [item] * 5}), encoding="utf-8")
    sets = load_fewrel(tmp_path, "val_x", per_relation=2)
    assert {k: len(v) for k, v in sets.items()} == {"P26": 2, "P40": 2}
    assert fewrel_pair(item).text[slice(*fewrel_pair(item).tail)] == "Bob Smith"
    (tmp_path / "val_bad.json").write_text('{"P1": [{"tokens": []}]}', encoding="utf-8")
    with pytest.raises(InputError, match="expected FewRel JSON"):
        load_fewrel(tmp_path, "val_bad")


@pytest.mark.data
def test_the_shared_fewrel_and_scierc_files_read(data_dir):
    wiki = load_fewrel(data_dir, "val_wiki", per_relation=3)
    assert len(wiki) == 16 and all(len(v) == 3 for v in wiki.values())
    dev = load_scierc_relations(data_dir, "dev")
    assert sum(len(s.relations) for s in dev) > 400


@pytest.mark.slow
def test_train_relations_on_a_tiny_scierc_folder_prints_json(tmp_path, cache_dir):
    from typer.testing import CliRunner

    from sciwire.cli.main import app

    (tmp_path / "scierc").mkdir()
    docs = [{**DOC, "doc_key": f"d{i}"} for i in range(6)]
    for split in ("train", "dev"):
        (tmp_path / "scierc" / f"{split}.json").write_text("".join(json.dumps(d) + "\n" for d in docs), "utf-8")
    out = tmp_path / "model"
    args = ["train", "relations", "--dataset", "scierc", "--data", str(tmp_path), "--out", str(out), "--json"]
    result = CliRunner().invoke(app, args, env={"SCIWIRE_CACHE": str(cache_dir)})
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout[result.stdout.index("{") :])
    assert printed["folder"] == str(out) and {"head", "baseline"} <= set(printed["metrics"])
    assert {"MODEL_CARD.md", "receipt.json", "weights.json"} <= {p.name for p in out.iterdir()}
