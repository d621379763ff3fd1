"""Refitting the answer model: made-up papers (real encoder), and a PubMedQA slice when the data is there."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.document import Document
from sciwire.errors import InputError
from sciwire.qa.evaluate import reciprocal_rank
from sciwire.qa.train import fit_answer_model, fit_confidence, train_answer_model
from sciwire.store import SQLiteStore
from tests.linking.conftest import DECOYS


def test_reciprocal_rank_and_confidence_needs_both_labels():
    assert reciprocal_rank(["a", "b", "c"], "b") == 0.5
    assert reciprocal_rank(["a", "b", "c"], "c", cutoff=2) == 0.0
    assert reciprocal_rank(["a"], "z") == 0.0
    with pytest.raises(InputError, match="all right or all wrong"):
        fit_confidence(np.array([[0.5, 1.0], [0.6, 0.0]]), np.array([1, 1]))


def test_train_answer_model_needs_the_data(tmp_path):
    with pytest.raises(InputError, match="Set SCIWIRE_DATA"):
        train_answer_model(tmp_path, tmp_path / "out", load_config(environ={}))


@pytest.mark.slow
def test_fit_answer_model_on_made_up_papers(embedder, nlp, tmp_path):
    from sciwire.nlp import annotate_many

    docs = annotate_many([Document(d["id"], "paper", d["title"], d["abstract"]) for d in DECOYS], nlp)
    questions = [  # the even-indexed ones fit the confidence: two of them name a wrong paper on purpose
        ("Does evening caffeine delay sleep onset in adolescents?", "decoy-caffeine"),
        ("Does alternate-day fasting lower blood glucose in mice?", "decoy-fasting-glucose"),
        ("How much did caffeine reduce slow-wave sleep?", "decoy-night-light"),  # wrong gold
        ("Does dim light at night impair spatial memory in rats?", "decoy-night-light"),
        ("Did fasting change insulin sensitivity?", "decoy-night-light"),  # wrong gold
        ("How many students received caffeine?", "decoy-caffeine"),
        ("Which gene expression changed in the hippocampus?", "decoy-night-light"),
        ("How long were the mice fed every other day?", "decoy-fasting-glucose"),
    ]
    with SQLiteStore(":memory:") as store:
        for doc in docs:
            store.add(doc, embedder.encode(doc.sentence_texts()), doc.id, embedder.model_key)
        ticks: list[int] = []
        model, metrics = fit_answer_model(store, embedder, questions, weights=(0.0, 0.5), on_progress=ticks.append)
    assert ticks == [1, 1] and model.bm25_weight in (0.0, 0.5)
    assert set(metrics["mrr10_even_by_weight"]) == {"0.0", "0.5"}
    assert metrics["top1_rate"] == pytest.approx(6 / 8)  # the two wrong golds miss, the rest hit
    assert all(round(v, 3) == v for v in model.confidence.weights().values())
    assert 0.0 <= metrics["confidence_ece_odd"] <= 1.0


@pytest.mark.slow
def test_pubmedqa_slice(data_dir, embedder, nlp):
    from sciwire.datasets.pubmedqa import load_pubmedqa
    from sciwire.qa import Retriever
    from sciwire.qa.train import answer_features, choose_bm25_weight, pubmedqa_store

    items = load_pubmedqa(data_dir)[:40]
    questions = [(it.question, it.pmid) for it in items]
    with pubmedqa_store(items, embedder, nlp) as store:
        weight, mrr = choose_bm25_weight(store, embedder, questions, weights=(0.0, 0.3, 1.0))
        X, y, rr = answer_features(Retriever(store, embedder), questions)
    assert set(mrr) == {0.0, 0.3, 1.0} and mrr[weight] == max(mrr.values()) > 0.8
    assert X.shape == (40, 2) and set(X[:, 1]) <= {0.0, 1.0} and y.mean() > 0.8 and rr.mean() > 0.8
