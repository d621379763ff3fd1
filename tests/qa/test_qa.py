from __future__ import annotations

import json

import pytest

from sciwire.config import load_config
from sciwire.errors import ConfigError, InputError, UnsupportedLanguageError
from sciwire.examples import paper_path, story_paths
from sciwire.qa import Retriever, ask, check_question, reciprocal_rank_fusion
from sciwire.qa.model import AnswerModel, load_answer_model
from sciwire.qa.train import FinetuneConfig, finetune, match_rate, read_pairs
from sciwire.store import SQLiteStore, add_files


def test_rrf_hand_worked():
    scores = reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=1)
    assert scores == pytest.approx({"a": 1 / 2, "b": 1 / 3 + 1 / 2, "c": 1 / 3})


@pytest.mark.parametrize(
    ("question", "error", "message"),
    [
        ("   ", InputError, "The question is empty"),
        (
            "Welche Nebenwirkungen hat das Medikament bei älteren Patienten?",
            UnsupportedLanguageError,
            "not look like English",
        ),
        (
            "Quels sont les effets secondaires du médicament chez les patients âgés ?",
            UnsupportedLanguageError,
            "English",
        ),
    ],
)
def test_bad_questions(question, error, message):
    with pytest.raises(error, match=message):
        check_question(question)


def test_english_questions_pass():
    for q in ("How many mice?", "Do mutations causing low HDL-C promote increased carotid thickness?", "BRCA1 risk"):
        assert check_question(q) == q


@pytest.fixture(scope="module")
def corpus(embedder, tmp_path_factory):
    store = SQLiteStore(tmp_path_factory.mktemp("qa") / "c.sqlite")
    results = add_files(store, [paper_path(), *story_paths()], load_config(environ={}), embedder)
    assert [r.status for r in results] == ["added"] * 3
    yield store
    store.close()


@pytest.mark.slow
def test_hybrid_answers_with_context_and_confidence(corpus, embedder):
    # the plain hybrid retrieval (a format-1 model: no answer ranker); the ranker is tested in test_answer_ranker.py
    shipped = load_answer_model()
    retriever = Retriever(corpus, embedder, model=AnswerModel(shipped.bm25_weight, shipped.confidence))
    (best, *_) = retriever.ask("How many mice were in each group?", top_k=3, doc_ids=["paper"])
    assert best.doc_id == "paper" and "12" in best.text and "per group" in best.text
    assert best.section == "abstract" or best.section == "methods"
    assert len(best.before) == 1 and len(best.after) == 1
    assert 0.0 < best.confidence < 1.0
    for mode in ("bm25", "dense"):
        assert retriever.ask("How many adults were in the cohort?", top_k=1, mode=mode)[0].text
    with pytest.raises(InputError, match="mode must be one of"):
        retriever.ask("x y", mode="magic")


@pytest.mark.slow
def test_empty_corpus_is_a_clear_error(embedder):
    with pytest.raises(InputError, match="The corpus is empty; add papers first"):
        Retriever(SQLiteStore(":memory:"), embedder).ask("How many mice?")


@pytest.mark.slow
def test_ask_one_paper_file(cache_dir):
    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    answers = ask("How many adults were in the cohort?", paper=paper_path(), config=cfg, top_k=2)
    assert any("1,240" in a.text for a in answers)


@pytest.mark.slow
def test_readding_is_a_no_op(corpus, embedder):
    again = add_files(corpus, [paper_path()], load_config(environ={}), embedder)
    assert [r.status for r in again] == ["unchanged"]


def test_read_pairs_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_pairs(tmp_path / "none.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "q"}\n')
    with pytest.raises(InputError, match="line 1 needs non-empty 'question' and 'answer'"):
        read_pairs(bad)
    few = tmp_path / "few.jsonl"
    few.write_text(json.dumps({"question": "q", "answer": "a"}) + "\n")
    with pytest.raises(InputError, match="has 1 pairs; fine-tuning needs at least 4"):
        read_pairs(few)
    with pytest.raises(ConfigError, match="loss must be one of"):
        FinetuneConfig(loss="hinge")


@pytest.mark.parametrize("loss", ["mnrl", "triplet"])
def test_finetune_saves_a_loadable_model_with_receipt(tiny_model_dir, tmp_path, loss):
    from sciwire.backends.embeddings import Embedder

    pairs = [(f"mice sleep {i}", f"the mice slept longer {i} .") for i in range(6)]
    ticks: list[int] = []
    result = finetune(pairs, tmp_path / "m", str(tiny_model_dir), FinetuneConfig(loss=loss, epochs=1, batch_size=3),
                      on_progress=ticks.append)  # fmt: skip
    out = result.folder
    assert sum(ticks) == 6 and len(result.metrics["mean_loss_by_epoch"]) == 1
    assert (out / "receipt.json").exists() and (out / "MODEL_CARD.md").exists()
    receipt = json.loads((out / "receipt.json").read_text())
    assert receipt["config"]["loss"] == loss and receipt["config"]["pairs"] == 6
    assert receipt["metrics"] == result.metrics
    tuned = Embedder(str(out), cache_dir=None)
    rate = match_rate(tuned, [p[0] for p in pairs], [p[1] for p in pairs], list(range(6)))
    assert 0.0 <= rate <= 1.0


@pytest.mark.slow
def test_re_adding_with_another_model_adds_its_vectors(corpus, tiny_model_dir):
    from sciwire.backends.embeddings import Embedder

    other = Embedder(str(tiny_model_dir), cache_dir=None)
    (result,) = add_files(corpus, [paper_path()], load_config(environ={}), other)
    assert result.status == "embedded" and corpus.has_vectors("paper", other.model_key)
    assert Retriever(corpus, other).ask("mice sleep", top_k=1)
    (again,) = add_files(corpus, [paper_path()], load_config(environ={}), other)
    assert again.status == "unchanged"
