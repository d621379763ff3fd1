"""The evidence decider: yes / no / maybe from ranked answers, abstaining, its model folder, bad training data."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from sciwire.config import load_config
from sciwire.errors import InputError, ModelLoadError
from sciwire.examples import paper_path
from sciwire.fitting import ModelCard, Receipt
from sciwire.qa.decision import (
    CUE_NAMES,
    NO_DECISION,
    EvidenceDecider,
    abstention_threshold,
    cue_counts,
    is_closed_question,
)
from sciwire.qa.decision_train import read_decision_examples
from sciwire.qa.model import FORMAT_V3, AnswerModel, DecisionHead, load_answer_model

DIM = 384
N_FEATURES = 4 * DIM + len(CUE_NAMES) + 4


def test_cues_and_closed_questions():
    counts = dict(
        zip(CUE_NAMES, cue_counts("There was no significant difference; it did not help and may not."), strict=True)
    )
    assert counts["no_significant"] == 1 and counts["did_not"] == 1 and counts["may"] == 1
    assert is_closed_question("Is TRF safe?") and not is_closed_question("What share slept poorly?")
    assert abstention_threshold(np.array([0.9, 0.6, 0.5]), np.array([1, 1, 1]), 0.7) == 0.0


def test_decider_contract_calibration_and_one_class():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    y = np.array(["yes", "no", "maybe"], dtype=object)[np.argmax(X[:, :3], axis=1)]
    model = EvidenceDecider(C=1.0).fit(X, y)
    probs = model.predict_proba(X)
    assert list(model.classes_) == ["maybe", "no", "yes"] and np.allclose(probs.sum(axis=1), 1)
    assert model.temperature_ > 0 and 0 <= model.abstain_below_ <= 1
    assert (model.predict(X) == y).mean() > 0.8
    with pytest.raises(InputError, match="at least two decisions"):
        EvidenceDecider().fit(X[:5], ["yes"] * 5)


def _head() -> DecisionHead:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, N_FEATURES))
    y = np.where(X[:, 0] > 0, "yes", "no")
    return DecisionHead(EvidenceDecider(C=1.0).fit(X, y), "all-MiniLM-L6-v2", DIM, 3)


def test_model_folder_with_the_decision_round_trips_and_damage_is_one_line(tmp_path):
    base = load_answer_model()
    model = replace(base, decision=_head(), folder=None)
    folder = model.save(tmp_path / "m", receipt=Receipt("c", {}, {}, {}), card=ModelCard(*"abcdefg"))
    data = json.loads((folder / "weights.json").read_text())
    assert data["format"] == FORMAT_V3
    loaded = AnswerModel.load(folder)
    assert loaded.has_ranker and loaded.decision is not None
    x = np.random.default_rng(2).normal(size=(3, N_FEATURES))
    assert np.allclose(loaded.decision.decider.predict_proba(x), model.decision.decider.predict_proba(x), atol=1e-3)

    data["decision"]["coef"] = data["decision"]["coef"][:1]
    (folder / "weights.json").write_text(json.dumps(data))
    with pytest.raises(ModelLoadError, match="needs 2 x 1549 weights") as err:
        AnswerModel.load(folder)
    assert "\n" not in str(err.value)
    del data["decision"]
    (folder / "weights.json").write_text(json.dumps(data))
    with pytest.raises(ModelLoadError, match="needs the 'decision' object"):
        AnswerModel.load(folder)
    (folder / "weights.json").write_text(json.dumps({**data, "format": "sciwire-qa-answer/2"}))
    assert AnswerModel.load(folder).decision is None  # format 2 still loads, without the decision


def test_a_training_file_with_one_decision_is_a_one_line_error(tmp_path):
    path = tmp_path / "d.jsonl"
    rows = [{"question": f"Does X{i} help?", "evidence": "X helped.", "decision": "yes"} for i in range(4)]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(InputError, match="all \\['yes'\\]: the decision needs at least two"):
        read_decision_examples(path)
    from sciwire.cli.main import app

    res = CliRunner().invoke(app, ["train", "decision", "--examples", str(path), "--out", str(tmp_path / "o")])
    assert res.exit_code == 1 and len(res.output.strip().splitlines()) == 1, res.output
    assert "at least two of yes / no / maybe" in res.output


@pytest.fixture(scope="module")
def decisions(cache_dir):
    from sciwire.qa.api import ask, decide, decision_evidence_count

    cfg = load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={})
    k = decision_evidence_count(cfg)
    out = {}
    for q in ("Did TRF reduce sleep-wake transitions in aged mice?", "Did the mice cost more than rats?"):
        out[q] = decide(q, ask(q, paper=paper_path(), config=cfg, top_k=k), cfg)
    return out


@pytest.mark.slow
def test_a_clear_question_is_decided_from_result_sentences(decisions):
    decision = decisions["Did TRF reduce sleep-wake transitions in aged mice?"]
    assert decision is not None and decision.evidence
    assert any("23%" in e.text and e.role in ("Res", "Obs") for e in decision.evidence), decision.evidence
    assert max(decision.probabilities, key=decision.probabilities.get) == "yes", decision
    assert decision.label in ("yes", NO_DECISION)


@pytest.mark.slow
def test_an_unanswerable_question_abstains(decisions):
    decision = decisions["Did the mice cost more than rats?"]
    assert decision is not None and not decision.decided and decision.label == "the paper does not say"
    assert decision.reason


@pytest.mark.slow
def test_analyze_question_reports_the_decision_with_its_evidence(cache_dir):
    from sciwire.pipeline import Analyzer, read_inputs
    from sciwire.qa.report import answers_panel, answers_summary
    from sciwire.qa.step import QuestionStep

    analyzer = Analyzer(load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={}), [QuestionStep()])
    paper, _ = read_inputs(paper_path())
    questions = ["Did TRF reduce sleep-wake transitions in aged mice?", "How many mice were studied?"]
    summary = answers_summary(analyzer.analyze(paper, [], questions=questions))
    assert summary is not None
    closed, open_ = summary["questions"]
    assert closed["decision"]["label"] in ("yes", NO_DECISION) and len(closed["decision"]["evidence"]) == 3
    assert "decision" not in open_  # no yes/no for "how many"
    html = str(answers_panel(analyzer.analyze(paper, [], questions=questions[:1])).body)  # type: ignore[union-attr]
    assert "Decision: <strong>" in html


@pytest.mark.slow
def test_ask_cli_shows_the_decision_and_its_evidence_roles(cache_dir):
    from sciwire.cli.main import app

    res = CliRunner().invoke(
        app,
        ["ask", "Did TRF reduce sleep-wake transitions in aged mice?", "--paper", str(paper_path()), "--top", "1"],
        env={"SCIWIRE_CACHE": str(cache_dir), "HF_HUB_OFFLINE": "1", "COLUMNS": "300"},
    )
    assert res.exit_code == 0, res.output
    first = res.output.splitlines()[0]
    assert first.startswith("Decision: yes") or first.startswith("Decision: the paper does not say"), res.output
    assert "(results, Result)" in res.output and "23% lower" in res.output
