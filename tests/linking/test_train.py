from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from sciwire.config import load_config
from sciwire.document import Document
from sciwire.errors import InputError
from sciwire.linking.cdcr import PreparedTopic
from sciwire.linking.coref import FEATURES, MentionSet, PairScorer
from sciwire.linking.mentions import Mention
from sciwire.linking.model import load_coref_model, load_finder_model
from sciwire.linking.train import (
    fit_coref_scorer,
    fit_finder_scorer,
    gold_rank,
    key_clusters,
    probability_labeler,
    rank_metrics,
    response_clusters,
    train_link,
    tune_threshold,
)
from tests.synthetic_cdcr import write_cdcr


def evidence(bm25: float, cosine: float, align: float) -> dict[str, float]:
    return {"bm25": bm25, "cosine": cosine, "align": align}


def test_gold_rank_counts_ties_against_gold_and_skips_same_paper():
    scores = np.array([0.5, 0.9, 0.5, 0.1])
    assert gold_rank(scores, 0) == 2  # 0.9 ahead, the tie counts against it
    same = np.eye(4, dtype=bool)
    same[0, 1] = same[1, 0] = True
    assert gold_rank(scores, 0, same) == 1


def test_finder_fit_and_rank_metrics_on_made_up_evidence():
    rng = np.random.default_rng(0)
    items = []
    for _ in range(40):
        evs = [evidence(*rng.uniform(0, 0.5, 3)) for _ in range(10)]
        gold = int(rng.integers(10))
        evs[gold] = evidence(*rng.uniform(0.4, 1.0, 3))
        items.append((evs, gold))
    scorer = fit_finder_scorer(items)
    assert all(w > 0 for w in scorer.weights().values()) and scorer.get_params()["C"] == 10.0
    top1, top5, mrr = rank_metrics(items, lambda e: float(scorer.decision_function(scorer.features_of([e]))[0]))
    assert top1 > 0.8 and top5 >= top1 and top1 <= mrr <= 1
    assert rank_metrics(items, lambda e: 0.0) == (0.0, 0.0, pytest.approx(0.1))  # all tied: last place


def mention(doc: str, start: int, text: str) -> Mention:
    return Mention(doc, start, start + len(text), text, text.split()[-1], frozenset(text.split()), "noun_phrase", 0)


def test_threshold_tuning_prefers_the_threshold_that_recovers_the_gold_clusters():
    ms = (mention("s", 0, "the mice"), mention("s", 10, "rodents"), mention("p", 0, "mice"), mention("p", 9, "sleep"))
    context = np.array([[1, 0, 0], [0.8, 0.6, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32)
    gold = MentionSet(ms, context)
    topic = PreparedTopic("t", Document("s", "news", "", "x"), Document("p", "paper", "", "x"), gold,
                          ("a", "a", "a", "b"), MentionSet((), np.zeros((0, 3))))  # fmt: skip
    scorer = PairScorer.from_weights({f: 10.0 if f == "context_cosine" else 0.0 for f in FEATURES}, -6.0)
    threshold, conll = tune_threshold([topic], lambda t: probability_labeler(scorer, t), grid=(0.1, 0.5, 0.99))
    clusters = response_clusters([topic], "gold", probability_labeler(scorer, threshold))
    assert sorted(map(len, clusters)) == sorted(map(len, key_clusters([topic])))
    assert conll == pytest.approx(1.0)
    assert len(response_clusters([topic], "gold", probability_labeler(scorer, 0.99))) == 4


def test_unknown_part_and_missing_data(tmp_path):
    with pytest.raises(InputError, match="part must be one of finder, coref, both, mentions; got 'all'"):
        train_link(tmp_path, tmp_path / "out", load_config(environ={}), part="all")
    with pytest.raises(InputError, match="Set SCIWIRE_DATA"):
        train_link(tmp_path, tmp_path / "out", load_config(environ={}), part="finder")


@pytest.mark.slow
def test_train_link_on_made_up_topics(tmp_path, cache_dir):
    data = write_cdcr(tmp_path / "data")
    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    ticks: list[int] = []
    result = train_link(data, tmp_path / "both", cfg, part="both", command="test", on_progress=ticks.append)
    assert sum(ticks) == 3 + 3  # three stories (finder), three topics (coref)
    finder, coref = load_finder_model(tmp_path / "both" / "finder"), load_coref_model(tmp_path / "both" / "coref")
    assert finder.weights() == result.metrics["finder"]["weights"]
    assert coref.weights() == result.metrics["coref"]["weights"]
    assert result.metrics["finder"]["train"]["top1"] == 1.0  # three clearly different topics
    assert result.metrics["coref"]["pairs"]["all"] == sum(n * (n - 1) // 2 for n in (8, 8, 8))
    for folder in (finder.folder, coref.folder):
        assert folder is not None and {p.name for p in folder.iterdir()} == {
            "weights.json",
            "MODEL_CARD.md",
            "receipt.json",
        }

    from sciwire.cli.main import app

    env = {"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1"}
    args = ["train", "link", "--data", str(data), "--out", str(tmp_path / "cli"), "--part", "finder"]
    out = CliRunner().invoke(app, args, env=env)
    assert out.exit_code == 0, out.output
    assert load_finder_model(tmp_path / "cli").weights() == finder.weights()


@pytest.mark.slow
def test_real_cdcr_topics(data_dir):
    """The first CD²CR train topics: every gold-mention pair is a row; coreference leans on the context cosine."""
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.backends.token_vectors import load_token_encoder
    from sciwire.config import DEFAULT_EMBEDDING_MODEL, DEFAULT_SPACY_MODEL
    from sciwire.datasets.cdcr_coref import load_coref_split
    from sciwire.linking.cdcr import prepare_topics

    split = load_coref_split(data_dir, "train")[:6]
    topics = prepare_topics(split, load_spacy_parser(DEFAULT_SPACY_MODEL), load_token_encoder(DEFAULT_EMBEDDING_MODEL))
    scorer, n_pairs, n_pos = fit_coref_scorer(topics)
    sizes = [len(t.gold.mentions) for t in topics]
    assert n_pairs == sum(n * (n - 1) // 2 for n in sizes) and 0 < n_pos < n_pairs
    assert scorer.weights()["context_cosine"] > 0
