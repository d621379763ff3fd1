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
    COMPACT_NAMES,
    CUE_NAMES,
    NO_DECISION,
    EvidenceDecider,
    abstention_threshold,
    compact_features,
    cue_counts,
    is_closed_question,
)
from sciwire.qa.decision_train import fit_decider, read_decision_examples
from sciwire.qa.evidence import FIDELITY_NAMES, POLARITY_NAMES, SIGNAL_NAMES, fidelity_features, polarity_features
from sciwire.qa.model import FORMAT_V3, FORMAT_V4, AnswerModel, DecisionHead, load_answer_model

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


def polarity(question: str, *sentences: str) -> dict[str, float]:
    return dict(zip(POLARITY_NAMES, polarity_features(question, sentences).tolist(), strict=True))


def test_polarity_reads_negation_in_the_scope_of_the_question():
    q = "Is obesity associated with asthma in children?"
    no = polarity(q, "Obesity was not associated with asthma.", "Adults were studied too.")
    yes = polarity(q, "Obesity was associated with asthma, but not with eczema.")
    elsewhere = polarity(q, "Obesity doubled the risk of asthma.", "No child was lost to follow-up.")
    assert no["negation_in_scope"] == 1 and no["negation_elsewhere"] == 0 and no["question_compares"] == 1
    assert yes["negation_in_scope"] == 0 and yes["negation_elsewhere"] == 1 and yes["contrast"] == 1
    assert elsewhere["negation_in_scope"] == 0 and elsewhere["negation_elsewhere"] == 1
    assert no["cover_max"] == pytest.approx(0.75) and no["cover_mean"] == pytest.approx(0.375)  # "children" missing
    maybe = polarity("Does TRF improve sleep?", "TRF may improve sleep; further studies are needed.")
    assert maybe["weak_hedge_in_scope"] >= 1 and maybe["strong_hedge"] == 1
    same = polarity("Is surgery as safe as stenting?", "Both were comparable in safety.")
    assert same["question_equivalence"] == 1 and same["no_difference_x_equivalence"] == 1
    assert polarity("Did X not help?", "X did not help.")["negation_x_negated_question"] == 1


def test_compact_row_has_its_named_columns():
    signals = np.tile(np.linspace(0.1, 1.0, len(SIGNAL_NAMES)), (2, 1))
    roles = np.array([[0, 0, 1.0, 0], [1.0, 0, 0, 0]])
    q = np.array([1.0, 0.0])
    row = compact_features("Does X help?", q, np.array([[0.6, 0.8], [1.0, 0.0]]), ["X helped.", "No."], roles, signals)
    named = dict(zip(COMPACT_NAMES, row.tolist(), strict=True))
    assert len(row) == len(COMPACT_NAMES) == len(CUE_NAMES) + len(POLARITY_NAMES) + 4 + 2 + len(FIDELITY_NAMES)
    assert named["cosine_max"] == pytest.approx(1.0) and named["cosine_mean"] == pytest.approx(0.8)
    assert named["role_result"] == 0.5 and named["negation"] == 1
    assert fidelity_features(np.zeros((0, len(SIGNAL_NAMES))), np.zeros((0, 4))).shape == (len(FIDELITY_NAMES),)


def test_the_compact_recipe_is_tuned_on_its_training_rows_only():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, len(COMPACT_NAMES)))
    y = np.array(["yes", "no", "maybe"], dtype=object)[np.argmax(X[:, :3] + [0, 0, 0.3], axis=1)]
    model = fit_decider(X, y)
    assert model.standardize and model.C in (0.03, 0.1, 0.3)
    assert model.class_weight is None or set(model.class_weight) == {"maybe", "no", "yes"}
    assert (model.predict(X) == y).mean() > 0.6


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


def test_a_format_4_folder_round_trips_and_a_foreign_feature_list_is_one_line(tmp_path):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, len(COMPACT_NAMES)))
    decider = EvidenceDecider(C=0.1, standardize=True, class_weight={"maybe": 1.5, "no": 1.0, "yes": 1.0})
    decider.fit(X, np.where(X[:, 0] > 0, "yes", "no"))
    head = DecisionHead(decider, "all-MiniLM-L6-v2", DIM, 3, COMPACT_NAMES, {"fidelity_strength": "abc"})
    folder = replace(load_answer_model(), decision=head, folder=None).save(
        tmp_path / "m", receipt=Receipt("c", {}, {}, {}), card=ModelCard(*"abcdefg")
    )
    data = json.loads((folder / "weights.json").read_text())
    assert data["format"] == FORMAT_V4 and data["decision"]["features"] == list(COMPACT_NAMES)
    loaded = AnswerModel.load(folder).decision
    assert loaded is not None and loaded.features == COMPACT_NAMES and loaded.n_features == len(COMPACT_NAMES)
    assert loaded.decider.class_weight == {"maybe": 1.5, "no": 1.0, "yes": 1.0}
    assert np.allclose(loaded.decider.predict_proba(X[:3]), decider.predict_proba(X[:3]), atol=1e-3)
    data["decision"]["features"] = data["decision"]["features"][:-1]
    (folder / "weights.json").write_text(json.dumps(data))
    with pytest.raises(ModelLoadError, match="this version of sciwire computes") as err:
        AnswerModel.load(folder)
    assert "\n" not in str(err.value)


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
