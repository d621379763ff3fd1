"""Multi-label tagging: the TF-IDF MLP baseline, MiniLM one-vs-rest with thresholds, grouped splits, sciwire tag."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from sciwire.cli.main import app
from sciwire.datasets.arxiv import load_arxiv, parse_terms
from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting import ModelCard, Receipt
from sciwire.learn.multilabel import (
    EmbeddingTagger,
    TfidfMLPTagger,
    best_threshold,
    indicator,
    multilabel_metrics,
    precision_at_k,
    tag_vocabulary,
)
from sciwire.learn.tags import check_disjoint, duplicate_groups, load_tagger, save_tagger

GRAPH = ["Graph neural networks pass messages between nodes.", "We learn node embeddings on citation graphs.",
         "A message passing network for molecular graphs.", "Graph convolution over social networks."]  # fmt: skip
IMAGE = ["Convolutional networks segment medical images.", "We detect objects in street images.",
         "Image classification with residual networks.", "Semantic segmentation of satellite images."]  # fmt: skip
TEXTS = GRAPH + IMAGE + ["Graph networks for point cloud image recognition."]
TAGS = [["cs.LG"]] * 4 + [["cs.CV"]] * 4 + [["cs.LG", "cs.CV"]]


def test_vocabulary_indicator_and_metrics():
    assert tag_vocabulary([["a", "b"], ["a"], ["c"]], min_count=2) == ["a"]
    gold = indicator([["a", "x"], ["b"]], ["a", "b"])
    assert gold.tolist() == [[1, 0], [0, 1]]
    scores = np.array([[0.9, 0.2], [0.6, 0.4]])
    assert precision_at_k(gold, scores, 1) == 0.5
    m = multilabel_metrics(gold, (scores >= 0.5).astype(int), scores)
    assert m["micro_f1"] == pytest.approx(0.5) and m["p_at_1"] == 0.5
    chosen = best_threshold(np.array([1, 1, 1, 0, 0]), np.array([0.9, 0.8, 0.7, 0.3, 0.1]))
    assert 0.3 < chosen <= 0.7


def test_parse_terms_rejects_code():
    assert parse_terms("['cs.CV', 'cs.CV', 'stat.ML']") == ("cs.CV", "stat.ML")
    with pytest.raises(InputError, match="is not a Python-literal list of strings"):
        parse_terms("__import__('os')")


def test_duplicate_groups_and_leak_check():
    titles = ["A Graph CNN", "a graph-cnn!", "Other", "Third"]
    abstracts = ["x one", "x two", "x two", "x three"]
    groups = duplicate_groups(titles, abstracts)
    assert groups[0] == groups[1] == groups[2] != groups[3]
    check_disjoint([0, 1, 2], [3], titles, abstracts)
    with pytest.raises(InputError, match="1 test records repeat a training title or abstract"):
        check_disjoint([0, 3], [1], titles, abstracts)


def test_tfidf_mlp_baseline_contract():
    tagger = TfidfMLPTagger(min_count=2, hidden=(16,), max_iter=200).fit(TEXTS, TAGS)
    assert set(tagger.classes_) == {"cs.LG", "cs.CV"}
    probs = tagger.predict_proba(["Graph networks on nodes.", "Segment images."])
    assert probs.shape == (2, 2) and ((probs >= 0) & (probs <= 1)).all()
    assert tagger.predict(["x"]).shape == (1, 2)
    with pytest.raises(ModelLoadError, match="not fitted yet"):
        TfidfMLPTagger().predict_proba(["x"])
    with pytest.raises(InputError, match="No tag occurs in at least 5 training records"):
        TfidfMLPTagger().fit(TEXTS[:3], TAGS[:3])


@pytest.mark.slow
def test_embedding_tagger_thresholds_save_load_and_cli(tmp_path, embedder):
    tagger = EmbeddingTagger(encoder=embedder, min_count=2, folds=2).fit(TEXTS, TAGS)
    assert tagger.thresholds_.shape == (2,)
    tags = tagger.tags(["Message passing on graph nodes.", "Object detection in images."])
    assert tags[0][0][0] == "cs.LG" and tags[1][0][0] == "cs.CV"
    assert all(len(row) >= 1 for row in tagger.predict(["zzz qqq"]))  # at least one tag per record
    folder = tmp_path / "tags"
    save_tagger(tagger, folder, Receipt("test", {}, {}, {}),
                ModelCard("t", "s", "d", "CC0", "m", "c", "l"))  # fmt: skip
    again = load_tagger(folder, encoder=embedder)
    np.testing.assert_allclose(again.predict_proba(TEXTS), tagger.predict_proba(TEXTS), atol=1e-5)
    paper = tmp_path / "paper.md"
    paper.write_text("# Graph convolution for citation networks\n\nWe pass messages between graph nodes.\n")
    result = CliRunner().invoke(app, ["tag", str(paper), "--model", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.output.strip().splitlines()[-1])
    assert row["tags"][0]["tag"] == "cs.LG"
    with pytest.raises(ModelLoadError, match=r"weights\.json is missing"):
        load_tagger(tmp_path, encoder=embedder)


@pytest.mark.slow
def test_the_shipped_tag_model_tags_a_vision_paper(embedder):
    tagger = load_tagger("default", encoder=embedder)
    assert len(tagger.classes_) >= 10 and "cs.CV" in tagger.classes_
    tags = tagger.tags(["Semantic segmentation of street scenes. We train a convolutional network on city images."])
    assert tags[0][0][0] == "cs.CV"


def test_tag_cli_needs_files():
    result = CliRunner().invoke(app, ["tag"])
    assert result.exit_code == 1
    assert "Give one or more paper files to tag" in result.output


def test_arxiv_data_loads_with_duplicates_grouped(data_dir):
    records = load_arxiv(data_dir)
    assert len(records) == 800 and all(r.tags for r in records)
    groups = duplicate_groups([r.title for r in records], [r.abstract for r in records])
    assert len(set(groups.tolist())) < len(records)  # the file holds repeated titles/abstracts
