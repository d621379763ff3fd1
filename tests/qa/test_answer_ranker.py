"""The answer ranker: its features, its model folder (format 2), and answers on the bundled example paper."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.errors import ModelLoadError
from sciwire.examples import paper_path
from sciwire.fitting import LogisticScorer, ModelCard, Receipt
from sciwire.qa.abstracts import Candidates, context_kind
from sciwire.qa.evaluate import within_metrics
from sciwire.qa.features import FEATURES, answer_features, content_words
from sciwire.qa.model import ANSWER_SCORERS, FORMAT, FORMAT_V1, AnswerModel, load_answer_model
from sciwire.qa.ranker import score_paper
from sciwire.qa.retrieval import NO_ANSWER


def _features(question: str, texts: list[str]) -> dict[str, list[float]]:
    n = len(texts)
    X = answer_features(question, texts, hybrid=[0.5] * n, bm25=[0.5] * n, cosine=[0.5] * n, roles=np.zeros((n, 4)))
    return {name: X[:, j].tolist() for j, name in enumerate(FEATURES)}


def test_features_see_numbers_and_restatements():
    f = _features(
        "Does fasting lower blood glucose in mice?",
        ["Fasting lowered blood glucose in old mice.", "Glucose fell by 18% in fasted animals (p = 0.02; OR 0.7)."],
    )
    assert f["has_number"] == [0.0, 1.0] and f["has_percent"] == [0.0, 1.0] and f["has_pvalue"] == [0.0, 1.0]
    assert f["has_effect"] == [0.0, 1.0]
    assert f["question_cover"][0] == 1.0 and f["novelty"][0] == pytest.approx(1 / 6)  # "old" is the new word
    assert f["restates"][0] > 0.7 > f["restates"][1]
    assert content_words("The mice were fasting") == {"mice", "fast"}


def test_context_kinds_and_within_metrics():
    assert [context_kind(x) for x in ("RESULTS", "CONCLUSIONS", "OBJECTIVES", "PURPOSE", "METHODS", "SETTING")] == [
        "answer",
        "answer",
        "background",
        "background",
        "other",
        "other",
    ]
    z = np.zeros(3)
    own = Candidates("1", "q", ("a", "b", "c"), ("background", "other", "answer"), ("1", "1", "1"), z, z, z, z, z)
    other = Candidates("1", "q", ("a", "b", "c"), ("background", "answer", "answer"), ("1", "2", "1"), z, z, z, z, z)
    m = within_metrics([own, other], [np.array([3.0, 2.0, 1.0]), np.array([1.0, 3.0, 2.0])])
    assert m == {"mrr": pytest.approx((1 / 3 + 1 / 2) / 2), "top1_answer": 0.0, "top1_background": 0.5,
                 "top1_other_paper": 0.5, "n": 2.0}  # fmt: skip


def _model() -> AnswerModel:
    shipped = load_answer_model()
    scorers = {
        name: LogisticScorer.from_weights({f: 0.1 * (i + 1) for i, f in enumerate(features)}, -0.5)
        for name, features in ANSWER_SCORERS.items()
    }
    return AnswerModel(0.3, shipped.confidence, **scorers)


def test_model_folder_round_trips_and_damage_is_one_line(tmp_path):
    model = _model()
    receipt = Receipt(command="c", config={}, data={}, metrics={})
    folder = model.save(tmp_path / "m", receipt=receipt, card=ModelCard(*"abcdefg"))
    data = json.loads((folder / "weights.json").read_text())
    assert data["format"] == FORMAT and set(data["answer"]) == set(ANSWER_SCORERS)
    loaded = AnswerModel.load(folder)
    assert loaded.has_ranker and loaded.folder == folder
    for name in ANSWER_SCORERS:
        assert getattr(loaded, name).weights() == getattr(model, name).weights()
    texts = ["Mice slept 2 h longer (p = 0.01).", "Sleep matters."]
    args = {"bm25": np.array([1.0, 0.5]), "cosine": np.array([0.6, 0.7]), "roles": np.zeros((2, 4))}
    a = score_paper(model, "How long did mice sleep?", texts, **args)
    b = score_paper(loaded, "How long?", texts, **args)
    assert a.ranker_logit.shape == (2,) and 0 < a.answerable < 1 and np.all((a.confidence > 0) & (a.confidence < 1))
    assert np.allclose(score_paper(loaded, "How long did mice sleep?", texts, **args).confidence, a.confidence)
    assert b.confidence.shape == (2,)

    (folder / "weights.json").write_text(json.dumps(data)[:200])  # cut off mid-file
    with pytest.raises(ModelLoadError, match=r"weights\.json is not valid JSON") as err:
        load_answer_model(folder)
    assert "\n" not in str(err.value) and "sciwire train answers" in str(err.value)
    broken = {**data, "answer": {k: v for k, v in data["answer"].items() if k != "answerable"}}
    (folder / "weights.json").write_text(json.dumps(broken))
    with pytest.raises(ModelLoadError, match="lacks the answer answerable scorer"):
        AnswerModel.load(folder)
    renamed = {**data, "answer": {**data["answer"], "ranker": {**data["answer"]["answerable"]}}}
    (folder / "weights.json").write_text(json.dumps(renamed))
    with pytest.raises(ModelLoadError, match=r"the answer ranker in weights.json weighs \['best_cosine'"):
        AnswerModel.load(folder)
    (folder / "weights.json").write_text(json.dumps({k: v for k, v in data.items() if k != "answer"}))
    with pytest.raises(ModelLoadError, match="needs the 'answer' object"):
        AnswerModel.load(folder)
    old = {**{k: v for k, v in data.items() if k != "answer"}, "format": FORMAT_V1}
    (folder / "weights.json").write_text(json.dumps(old))
    assert not AnswerModel.load(folder).has_ranker  # format 1 still loads: hybrid answers, no abstaining


def test_the_shipped_model_has_the_ranker():
    model = load_answer_model()
    assert model.has_ranker and model.ranker is not None
    weights = model.ranker.weights()
    assert weights["role_result"] > weights["role_background"]  # results above background


@pytest.fixture(scope="module")
def example_answers(cache_dir):
    from sciwire.qa.api import ask

    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    questions = (
        "By how much did TRF reduce sleep-wake transitions?",
        "What share of participants had poor sleep efficiency?",
        "What did the mice cost?",
    )
    return [ask(q, paper=paper_path(), config=cfg, top_k=3) for q in questions]


@pytest.mark.slow
def test_a_number_in_the_results_comes_first(example_answers):
    for answers, number in zip(example_answers[:2], ("23% lower", "712 participants (57.4%)"), strict=True):
        best = answers[0]
        assert number in best.text, [a.text for a in answers]
        assert best.section == "results" and best.answers and best.role in ("Res", "Obs")
        assert best.confidence >= 0.5 and best.answerable is not None and best.answerable >= 0.5


@pytest.mark.slow
def test_neighbouring_sentences_stay_in_the_answers_section(example_answers):
    """A conclusion's "after" was the first reference ("[1] Halvorsen AE, ...")."""
    for answers in example_answers:
        for a in answers:
            assert not any(t.lstrip().startswith("[") for t in (*a.before, *a.after)), (a.section, a.after)


@pytest.mark.slow
def test_an_unanswerable_question_gives_the_paper_does_not_say(example_answers):
    answers = example_answers[2]
    assert answers and not any(a.answers for a in answers), [(a.text, a.answerable) for a in answers]
    assert all(a.answerable is not None and a.answerable < 0.5 for a in answers)
    assert NO_ANSWER == "the paper does not say"


@pytest.mark.slow
def test_ask_cli_says_the_paper_does_not_say(cache_dir):
    from typer.testing import CliRunner

    from sciwire.cli.main import app

    res = CliRunner().invoke(
        app,
        ["ask", "What did the mice cost?", "--paper", str(paper_path())],
        env={"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1", "COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    assert res.output.startswith("The paper does not say. The closest sentences:"), res.output


@pytest.mark.parametrize("loss", ["mnrl", "triplet"])
def test_finetune_with_given_hard_negatives(tiny_model_dir, tmp_path, loss):
    from sciwire.errors import InputError
    from sciwire.qa.train import FinetuneConfig, finetune

    pairs = [(f"how long did mice sleep {i}", f"the mice slept longer {i} .") for i in range(4)]
    negatives = [f"sleep matters {i} ." for i in range(4)]
    config = FinetuneConfig(loss=loss, epochs=1, batch_size=2)
    result = finetune(pairs, tmp_path / "m", str(tiny_model_dir), config, negatives=negatives)
    assert len(result.metrics["mean_loss_by_epoch"]) == 1
    with pytest.raises(InputError, match="Got 1 negatives for 4 pairs; give one per pair"):
        finetune(pairs, tmp_path / "n", str(tiny_model_dir), config, negatives=negatives[:1])
