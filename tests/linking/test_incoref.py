"""In-document coreference: data readers, features, the ranker, baselines, errors (fast, no real model)."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.datasets.gap import load_gap
from sciwire.datasets.litbank import load_litbank, parse_conll_text
from sciwire.errors import InputError, ModelLoadError
from sciwire.linking.incoref.baselines import exact_match, head_match, nearest_compatible
from sciwire.linking.incoref.bundle import CorefModel
from sciwire.linking.incoref.evaluate import chains, score
from sciwire.linking.incoref.features import PAIR_FEATURES, MentionInfo, pair_features
from sciwire.linking.incoref.gap import f1
from sciwire.linking.incoref.model import MentionRanker, Prepared, candidate_antecedents, decode
from sciwire.linking.incoref.states import TokenFacts

CONLL = (
    "#begin document (story); part 0\n"
    "story\t0\t0\tResearchers\t_\t(0\n"
    "story\t0\t1\tat\t_\t_\n"
    "story\t0\t2\tLeeds\t_\t(1)|0)\n"
    "story\t0\t3\ttested\t_\t_\n"
    "story\t0\t4\ta\t_\t(2\n"
    "story\t0\t5\tdrug\t_\t2)\n"
    "\n"
    "story\t0\t0\tThey\t_\t(0)\n"
    "story\t0\t1\tliked\t_\t_\n"
    "story\t0\t2\tit\t_\t(2)\n"
    "#end document\n"
)


def info(start, kind, text, number="sg", gender="", person=3):
    return MentionInfo(start, start, start, kind, text, text, person, number, gender, "")


def test_conll_reader_keeps_nested_mentions_and_sentences():
    doc = parse_conll_text("story", CONLL)
    assert doc.sentence_starts == (0, 6)
    assert doc.mentions == ((0, 2), (2, 2), (4, 5), (6, 6), (8, 8))
    assert [[t for t, _, _ in c] for c in doc.clusters] == [["Researchers at Leeds", "They"], ["Leeds"],
                                                            ["a drug", "it"]]  # fmt: skip


def test_conll_reader_rejects_a_cluster_that_never_opened():
    with pytest.raises(InputError, match=r"story: cluster 4 closes at word 0 but never opened; is this CoNLL-2012\?"):
        parse_conll_text("story", "story\t0\t0\tHe\t_\t4)\n")


def test_loaders_say_what_is_missing(tmp_path):
    with pytest.raises(InputError, match=r"GAP split must be one of development, validation, test; got 'train'"):
        load_gap(tmp_path, "train")
    with pytest.raises(InputError, match=r"Data file .*gap-test.tsv not found"):
        load_gap(tmp_path, "test")  # held back from the shared data
    with pytest.raises(InputError, match=r"Data file .*litbank.conll not found"):
        load_litbank(tmp_path)
    (tmp_path / "litbank" / "conll").mkdir(parents=True)
    with pytest.raises(InputError, match=r"No \.conll files in .*; expected LitBank's CoNLL-2012 coreference files"):
        load_litbank(tmp_path)


def test_baselines_on_hand_made_mentions():
    ms = [info(0, "proper", "mary", gender="f"), info(3, "nominal", "drug"), info(6, "nominal", "drug"),
          info(8, "pronoun", "it", gender="n"), info(9, "pronoun", "she", gender="f")]  # fmt: skip
    assert exact_match(ms).tolist() == [0, 1, 1, 2, 3]
    assert head_match(ms).tolist() == [0, 1, 1, 2, 3]
    assert nearest_compatible(ms).tolist() == [0, 1, 1, 1, 0]


def test_pair_features_see_agreement_and_distance():
    facts = TokenFacts(("she", "drug"), ("she", "drug"), ("PRON", "NOUN"), np.array([0, 1]), ("nsubj", "ROOT"),
                       ("Sing", "Sing"), ("", ""), np.array([0, 0]))  # fmt: skip
    ms = [info(1, "nominal", "drug", gender="n"), info(0, "pronoun", "she", gender="f")]
    row = dict(zip(PAIR_FEATURES, pair_features(ms, facts.sentence, np.array([[1, 0]]), facts)[0], strict=True))
    assert row["gender_clash"] == 1 and row["number_agree"] == 1 and row["distance>=1"] == 1
    assert row["distance>=2"] == 0 and row["exact_match"] == 0 and row["mention_pronoun"] == 1


def test_decode_links_best_antecedents_and_new_entities():
    ants = candidate_antecedents(4, 2)
    assert ants.tolist() == [[-1, -1], [0, -1], [1, 0], [2, 1]]
    scores = np.array([[0, -1e4, -1e4], [0, -1, -1e4], [0, -2, 3], [0, 5, -1]], dtype=float)
    assert decode(scores, ants).tolist() == [0, 1, 0, 0]


@pytest.fixture
def one_thread():
    """Tiny torch steps: one thread avoids OpenMP's spin-waits on a busy machine."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_the_ranker_learns_a_separable_toy_problem(one_thread):
    rng = np.random.default_rng(0)
    docs = []
    for _ in range(3):
        cluster = rng.integers(0, 3, size=12)
        vectors = np.eye(3)[cluster] + rng.normal(scale=0.05, size=(12, 3))
        ants = candidate_antecedents(12, 5)
        docs.append(Prepared(vectors.astype("f4"), ants, np.zeros((12, 5, 2), "f4"), cluster))
    model = MentionRanker(dim=8, hidden=16, epochs=15, lr=0.05, dropout=0.0).fit(docs[:2])
    labels = model.predict(docs[2:])[0]
    key, resp = (
        chains("d", [(i, i) for i in range(12)], docs[2].cluster),
        chains("d", [(i, i) for i in range(12)], labels),
    )
    assert score(key, resp)["muc"] > 0.8


def test_small_documents_are_pooled_into_one_optimizer_step(one_thread, monkeypatch):
    import torch

    from sciwire.linking.incoref.model import _steps

    # a document with 12 labelled mentions goes alone; 1-mention snippets are pooled until they reach 4
    assert _steps([0, 1, 2, 3, 4, 5], [12, 1, 1, 1, 1, 1], 4) == [[0], [1, 2, 3, 4], [5]]
    assert _steps([2, 0, 1], [1, 1, 1], 1) == [[2], [0], [1]]  # 1: one step per document, as shipped
    rng = np.random.default_rng(0)
    cluster = rng.integers(0, 3, size=12)
    big = Prepared(np.eye(3)[cluster].astype("f4"), candidate_antecedents(12, 5), np.zeros((12, 5, 2), "f4"), cluster)
    snippet_gold = np.zeros((2, 2), bool)
    snippet_gold[1, 1] = True  # the second mention's antecedent is the first (GAP labels one pronoun)
    snippet = Prepared(np.eye(3)[[0, 0]].astype("f4"), candidate_antecedents(2, 1), np.zeros((2, 1, 2), "f4"),
                       gold=snippet_gold)  # fmt: skip
    steps = []
    real_step = torch.optim.Adam.step
    monkeypatch.setattr(torch.optim.Adam, "step", lambda self, *a, **k: steps.append(1) or real_step(self, *a, **k))
    MentionRanker(dim=4, hidden=4, epochs=1, min_step_mentions=4).fit([big] + [snippet] * 8)
    assert len(steps) == 1 + 2  # the big document, then two pools of four snippets
    steps.clear()
    MentionRanker(dim=4, hidden=4, epochs=1).fit([big] + [snippet] * 8)
    assert len(steps) == 9
    steps.clear()  # tail epochs: whole-chain documents only, one step each here
    MentionRanker(dim=4, hidden=4, epochs=1, min_step_mentions=4, tail_epochs=2).fit([big] + [snippet] * 8)
    assert len(steps) == 3 + 2
    losses = []
    MentionRanker(dim=4, hidden=4, epochs=0, tail_epochs=1).fit(
        [big, snippet], on_epoch=lambda e, loss: losses.append(loss)
    )
    alone = []
    MentionRanker(dim=4, hidden=4, epochs=0, tail_epochs=1).fit([big], on_epoch=lambda e, loss: alone.append(loss))
    assert losses == alone  # the snippet adds no loss in a tail epoch


def test_an_unfitted_ranker_says_so():
    from sklearn.exceptions import NotFittedError

    doc = Prepared(np.zeros((1, 3), "f4"), candidate_antecedents(1, 2), np.zeros((1, 2, 2), "f4"))
    with pytest.raises(NotFittedError, match="This MentionRanker is not fitted yet; call fit"):
        MentionRanker().predict([doc])


def test_scores_with_and_without_singletons():
    key = [{1, 2}, {3}]
    assert score(key, [{1, 2}, {3}])["conll"] == 1.0
    assert score(key, [{1}, {2}, {3}])["muc_no_singletons"] == 0.0
    assert f1([True, False], [True, True]) == pytest.approx(2 / 3)


def test_bad_model_folders_are_one_line_errors(tmp_path):
    with pytest.raises(ModelLoadError, match=r"Cannot load the model folder: .* does not exist or is not a folder; "
                                             r"retrain with `sciwire train coref`"):  # fmt: skip
        CorefModel.load(tmp_path / "nope")
    (tmp_path / "model.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"model.json lacks 'encoder'"):
        CorefModel.load(tmp_path)


def test_the_shipped_model_loads():
    model = CorefModel.load("default")
    assert model.encoder == "all-MiniLM-L6-v2" and model.ranker.net_ is not None
