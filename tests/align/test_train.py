from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from typer.testing import CliRunner

from sciwire.align.model import load_align_model
from sciwire.align.train import (
    Encoded,
    best_pairs,
    best_threshold,
    fit_align_scorer,
    pair_examples,
    paper_features,
    train_align,
)
from sciwire.config import load_config
from sciwire.errors import InputError
from tests.synthetic_cdcr import write_cdcr


@dataclass(frozen=True)
class Doc:
    doc_id: str


def test_best_pairs_and_hard_negatives_by_hand():
    own = (np.array([[0.5, 0.1], [0.2, 0.3]]), np.array([[0.0, 0.9], [0.1, 0.0]]))
    near = (np.array([[0.5, 0.4], [0.6, 0.1]]), np.zeros((2, 2)))
    far = (np.array([[0.1, 0.0], [0.0, 0.1]]), np.zeros((2, 2)))
    feats = {"n1": {"own": own, "near": near, "far": far}}
    # best pair = argmax cosine + 0.5 * lexical: (0.1, 0.9) beats (0.5, 0.0) in row 0
    np.testing.assert_allclose(best_pairs(feats["n1"], "own"), [[0.1, 0.9], [0.3, 0.0]])
    X, y = pair_examples(feats, [(Doc("n1"), "own")], hard=1)
    assert y.tolist() == [1, 1, 0, 0]
    np.testing.assert_allclose(X[2:], [[0.5, 0.0], [0.6, 0.0]])  # only the most similar other paper


def test_best_threshold_by_hand():
    prob = np.array([0.9, 0.7, 0.4, 0.35])
    y = np.array([1, 0, 1, 0])
    thr, f1 = best_threshold(prob, y, grid=(0.3, 0.5, 0.8))
    assert f1 == pytest.approx({0.3: 2 * 2 / (4 + 2), 0.5: 2 * 1 / (2 + 2), 0.8: 2 * 1 / (1 + 2)})
    assert thr == 0.3


def test_fit_on_separable_examples_weights_both_features_up():
    rng = np.random.default_rng(0)
    pos = rng.normal([0.7, 0.5], 0.1, size=(50, 2))
    neg = rng.normal([0.3, 0.1], 0.1, size=(250, 2))
    scorer = fit_align_scorer(np.vstack([pos, neg]), np.r_[np.ones(50), np.zeros(250)])
    w = scorer.weights()
    assert w["cosine"] > 0 and w["lexical"] > 0 and scorer.get_params()["class_weight"] == "balanced"


def test_paper_features_shapes():
    news = Encoded(["Mice slept less.", "Weather."], np.eye(2, 3))
    papers = {"p": Encoded(["Mice slept less at night.", "Other.", "Third."], np.eye(3))}
    cos, lex = paper_features(news, papers)["p"]
    assert cos.shape == lex.shape == (2, 3) and lex[0, 0] > 0.9 and lex[1].max() == 0


def test_train_align_needs_the_data(tmp_path):
    with pytest.raises(InputError, match="Set SCIWIRE_DATA"):
        train_align(tmp_path, tmp_path / "out", load_config(environ={}))


@pytest.mark.slow
def test_train_align_on_made_up_topics_writes_a_loadable_folder(tmp_path, cache_dir):
    data = write_cdcr(tmp_path / "data")
    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    seen: list[int] = []
    result = train_align(data, tmp_path / "model", cfg, command="test", on_progress=seen.append)
    assert sum(seen) == 3 * 2 + 3 * 2  # sentences of the abstracts, then of the news summaries
    model = load_align_model(result.folder)
    assert model.weights() == result.metrics["weights"]
    assert all(round(v, 3) == v for v in model.weights().values())
    assert result.metrics["pairs"] == {"positive": 6, "negative": 12}
    assert result.metrics["threshold"] in [round(0.3 + 0.05 * i, 2) for i in range(12)]
    card = (result.folder / "MODEL_CARD.md").read_text()
    assert "open licence question" in card and f"**{result.metrics['threshold']}**" in card
    from sciwire.fitting import Receipt

    assert Receipt.read(result.folder).metrics["weights"] == result.metrics["weights"]

    from sciwire.cli.main import app

    env = {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}
    out = CliRunner().invoke(app, ["train", "align", "--data", str(data), "--out", str(tmp_path / "cli")], env=env)
    assert out.exit_code == 0, out.output
    assert load_align_model(tmp_path / "cli").weights() == model.weights()


@pytest.mark.slow
def test_real_cdcr_examples(data_dir, embedder, nlp):
    """The first train topics of CD²CR: one positive and five negatives per news sentence."""
    from sciwire.align.train import encode_texts
    from sciwire.datasets.cdcr import load_papers, load_split, news_with_papers

    pairs = news_with_papers(load_split(data_dir, "train"))[:4]
    raw = load_papers(data_dir)
    ids = sorted({pid for _, pid in pairs} | set(list(raw)[:6]))
    papers = encode_texts(ids, [raw[i]["abstract"] for i in ids], "paper", embedder, nlp)
    news = encode_texts([d.doc_id for d, _ in pairs], [d.text for d, _ in pairs], "news", embedder, nlp)
    feats = {d.doc_id: paper_features(news[d.doc_id], papers) for d, _ in pairs}
    X, y = pair_examples(feats, pairs)
    n_sentences = sum(len(news[d.doc_id].sentences) for d, _ in pairs)
    assert int(y.sum()) == n_sentences and len(y) == 6 * n_sentences
    assert X[y == 1, 0].mean() > X[y == 0, 0].mean()  # own papers are more similar than hard negatives
