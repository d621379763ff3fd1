"""Fitting and measuring the yes / no / maybe decision (``sciwire train decision``).

On PubMedQA PQA-L every question is put to its own abstract (CONTEXTS only, the way
``ask --paper`` sees a paper: :func:`~sciwire.qa.abstracts.within_abstract`'s ``own`` pool), and
the answer ranker of the model folder orders its sentences. :func:`decision_data` keeps, per
question, its vector, its long answer's vector (the paper's conclusion) and the ranked
sentences with their vectors and role groups. From that, :func:`evidence_rows` builds the
decider's input in three settings:

- ``conclusion``: evidence = the long answer (PubMedQA's reasoning-free setting);
- ``contexts``: evidence = every sentence of the abstract's CONTEXTS (reasoning-required);
- ``retrieved``: evidence = the answer ranker's top ``k`` sentences (end to end: what ``ask`` does).

:func:`train_decision_model` fits an :class:`~sciwire.qa.decision.EvidenceDecider` on the
``retrieved`` rows of every question and writes the answer model folder with the decision
(format 3); a JSONL file of ``{"question", "evidence", "decision"}`` examples can replace PubMedQA.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.config import Config, load_config
from sciwire.errors import InputError
from sciwire.fitting import ModelCard, Receipt, TrainResult, data_hash
from sciwire.qa.decision import CUE_NAMES, EvidenceDecider, evidence_features
from sciwire.qa.features import ROLE_COLUMNS
from sciwire.qa.model import AnswerModel, DecisionHead, load_answer_model

if TYPE_CHECKING:
    from sciwire.datasets.pubmedqa import PubMedQAItem

logger = logging.getLogger(__name__)
SETTINGS = ("conclusion", "contexts", "retrieved")
LABELS = ("yes", "no", "maybe")
#: Evidence sentences of the shipped decider (the answer ranker's top k).
TOP_K = 3
#: Inverse regularisation strengths tried by the inner cross-validation.
C_GRID = (0.1, 0.3, 1.0)


@dataclass(frozen=True)
class DecisionItem:
    """One question with its label, its conclusion and its abstract's ranked sentences."""

    question: str
    label: str
    q: np.ndarray
    conclusion: str
    conclusion_vector: np.ndarray
    texts: tuple[str, ...]
    vectors: np.ndarray
    roles: np.ndarray
    ranker_logit: np.ndarray


def _onehot(groups: np.ndarray) -> np.ndarray:
    out = np.zeros_like(groups, dtype=np.float64)
    if len(groups):
        out[np.arange(len(groups)), groups.argmax(axis=1)] = 1.0
    return out


def decision_data(
    items: Sequence[PubMedQAItem], embedder: Encoder, nlp: Any, coresc: Any, config: Config, model: AnswerModel
) -> list[DecisionItem]:
    """Every PubMedQA item put to its own abstract and ranked by ``model``'s answer ranker."""
    from sciwire.qa.abstracts import within_abstract

    if model.ranker is None:
        raise InputError(
            f"The decision needs an answer model with the answer ranker (format 2+), {model.folder} has none"
        )
    own = within_abstract(items, embedder, nlp, coresc, config.qa, model, pools=("own",))["own"]
    conclusions = embedder.encode([it.long_answer or it.question for it in items], full_length=True)
    questions = embedder.encode([it.question for it in items])
    out = []
    for i, (it, c) in enumerate(zip(items, own, strict=True)):
        out.append(
            DecisionItem(
                it.question,
                it.decision,
                questions[i],
                it.long_answer,
                conclusions[i],
                c.texts,
                embedder.encode(list(c.texts)) if c.texts else np.zeros((0, len(questions[i]))),
                _onehot(c.X[:, ROLE_COLUMNS]),
                model.ranker.decision_function(c.X),
            )
        )
    return out


def evidence_of(item: DecisionItem, setting: str, k: int = TOP_K) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The evidence vectors, texts and role groups of ``item`` in ``setting`` (see the module docstring)."""
    if setting == "conclusion":
        return item.conclusion_vector[None, :], [item.conclusion], np.array([[0.0, 0.0, 0.0, 1.0]])
    if setting not in SETTINGS:
        raise InputError(f"setting must be one of {SETTINGS}, got {setting!r}")
    idx = np.arange(len(item.texts))
    if setting == "retrieved":
        idx = np.argsort(-item.ranker_logit, kind="stable")[:k]
    return item.vectors[idx], [item.texts[j] for j in idx], item.roles[idx]


def evidence_rows(items: Sequence[DecisionItem], setting: str, k: int = TOP_K) -> tuple[np.ndarray, list[str]]:
    """The decider's input rows of ``items`` in ``setting``, and the evidence joined into one text per item."""
    rows, texts = [], []
    for it in items:
        vectors, sentences, roles = evidence_of(it, setting, k)
        rows.append(evidence_features(it.q, vectors, sentences, roles))
        texts.append(" ".join(sentences))
    return np.array(rows), texts


def fit_decider(X: np.ndarray, y: Sequence[str], *, seed: int = 0) -> EvidenceDecider:
    """An :class:`EvidenceDecider` with ``C`` chosen from :data:`C_GRID` by 3-fold CV (accuracy) on ``X`` only.

    Raises:
        InputError: When ``y`` has fewer than two decisions.
    """
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    y_arr = np.asarray(y, dtype=object)
    labels, counts = np.unique(y_arr, return_counts=True)
    if len(labels) < 2:
        raise InputError(
            f"The decision needs examples of at least two decisions (yes / no / maybe), got only {labels.tolist()}"
        )
    if counts.min() < 3:
        return EvidenceDecider(seed=seed).fit(X, y_arr)
    grid = GridSearchCV(
        EvidenceDecider(seed=seed),
        {"C": list(C_GRID)},
        cv=StratifiedKFold(3, shuffle=True, random_state=seed),
        scoring="accuracy",
    )
    best: EvidenceDecider = grid.fit(X, y_arr).best_estimator_
    return best


def read_decision_examples(path: str | os.PathLike[str]) -> list[tuple[str, list[str], str]]:
    """``(question, evidence sentences, decision)`` from a JSONL file of ``{"question", "evidence", "decision"}``
    (``evidence``: a text or a list of sentences; ``decision``: yes, no or maybe).

    Raises:
        InputError: On a missing file, a bad line, a decision other than yes/no/maybe, or one decision only.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"No decision examples at {file}; expected a JSONL file of question/evidence/decision")
    out = []
    for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question, evidence, decision = row["question"], row["evidence"], row["decision"]
        except (json.JSONDecodeError, TypeError, KeyError) as exc:
            raise InputError(
                f"{file} line {n}: expected a JSON object with question, evidence, decision ({exc})"
            ) from exc
        sentences = [evidence] if isinstance(evidence, str) else evidence
        if (
            not isinstance(question, str)
            or not question.strip()
            or not isinstance(sentences, list)
            or not all(isinstance(s, str) and s.strip() for s in sentences)
            or not sentences
        ):
            raise InputError(f"{file} line {n}: question must be a text and evidence a text or a list of texts")
        if decision not in LABELS:
            raise InputError(f"{file} line {n}: decision must be one of {list(LABELS)}, got {decision!r}")
        out.append((question.strip(), [s.strip() for s in sentences], str(decision)))
    found = sorted({d for _, _, d in out})
    if len(found) < 2:
        raise InputError(
            f"{file} has {len(out)} examples, all {found or 'none'}: the decision needs at least two of "
            "yes / no / maybe"
        )
    return out


def train_decision_model(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    examples: str | os.PathLike[str] | None = None,
    command: str = "sciwire train decision",
    on_progress: Any = None,
) -> TrainResult:
    """Fit the decision on PubMedQA PQA-L (or on ``examples``) and write the answer model folder with it.

    The answer ranker and the rest come from the folder ``qa.model`` names; the new folder has
    all of it plus the decision (format 3). With PubMedQA the receipt holds the 5-fold
    cross-validated metrics of the ``retrieved`` setting. Takes a few minutes on a CPU.

    Raises:
        InputError: When PubMedQA is not under ``data_dir`` (and no examples are given), or the
            examples are unusable (see :func:`read_decision_examples`).
    """
    from sciwire.backends.embeddings import Embedder

    config = config or load_config()
    base = load_answer_model(config.qa.model)
    embedder = Embedder.from_config(config)
    if examples is not None:
        rows = read_decision_examples(examples)
        q = embedder.encode([r[0] for r in rows])
        X = np.array(
            [
                evidence_features(q[i], embedder.encode(ev), ev, np.zeros((len(ev), 4)))
                for i, (_, ev, _) in enumerate(rows)
            ]
        )
        y = [r[2] for r in rows]
        metrics: dict[str, Any] = {"examples": len(rows)}
        sources = {"examples": data_hash([examples])}
        where = f"{len(rows)} examples from {Path(examples).name}"
    else:
        from sciwire.backends.spacy_nlp import load_spacy
        from sciwire.datasets.base import data_path
        from sciwire.datasets.pubmedqa import load_pubmedqa
        from sciwire.discourse.model import load_cached

        items = load_pubmedqa(data_dir)
        coresc = load_cached(config.discourse.coresc_model, "coresc")
        data = decision_data(items, embedder, load_spacy(config.models.spacy), coresc, config, base)
        X, _ = evidence_rows(data, "retrieved")
        y = [d.label for d in data]
        metrics = {"examples": len(data), "cv_retrieved": cross_validate_decider(X, y)}
        sources = {"pubmedqa": data_hash([data_path(data_dir, "pubmedqa")])}
        where = f"PubMedQA PQA-L, {len(data)} questions (MIT)"
    decider = fit_decider(X, y)
    metrics.update(
        C=decider.C, temperature=round(decider.temperature_, 4), abstain_below=round(decider.abstain_below_, 4)
    )
    head = DecisionHead(decider, embedder.model_key, int(X.shape[1] - len(CUE_NAMES) - 4) // 4, TOP_K)
    model = replace(base, decision=head, folder=None)
    settings: dict[str, Any] = {
        "models": config.to_dict()["models"],
        "qa": config.to_dict()["qa"],
        "top_k": TOP_K,
        "C_grid": list(C_GRID),
    }
    if base.folder is not None and (base.folder / "receipt.json").is_file():
        settings["answer_model_receipt"] = json.loads((base.folder / "receipt.json").read_text(encoding="utf-8"))
    receipt = Receipt(command, settings, sources, metrics)
    folder = model.save(out, receipt=receipt, card=decision_card(base, metrics, command, where))
    return TrainResult(folder, metrics)


def cross_validate_decider(X: np.ndarray, y: Sequence[str], folds: int = 5, seed: int = 0) -> dict[str, float]:
    """5-fold (stratified, one row per question) accuracy, macro-F1, F1 of maybe, and the abstention's
    coverage and accuracy on the answered part; everything fitted on the training folds only."""
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    y_arr = np.asarray(y, dtype=object)
    pred = np.empty(len(y_arr), dtype=object)
    answered = np.zeros(len(y_arr), dtype=bool)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y_arr):
        model = fit_decider(X[train], y_arr[train], seed=seed)
        probs = model.predict_proba(X[test])
        pred[test] = model.classes_[probs.argmax(axis=1)]
        answered[test] = probs.max(axis=1) >= model.abstain_below_
    return {
        "accuracy": round(float(accuracy_score(y_arr, pred)), 4),
        "macro_f1": round(float(f1_score(y_arr, pred, average="macro")), 4),
        "f1_maybe": round(float(f1_score(y_arr, pred, labels=["maybe"], average="macro")), 4),
        "coverage": round(float(answered.mean()), 4),
        "answered_accuracy": round(float(accuracy_score(y_arr[answered], pred[answered])), 4)
        if answered.any()
        else 0.0,
    }


def decision_card(base: AnswerModel, metrics: dict[str, Any], command: str, where: str) -> ModelCard:
    """The model card of an answer model folder with the decision."""
    cv = metrics.get("cv_retrieved")
    text = (
        f"5-fold CV (stratified, one row per question), evidence = the answer ranker's top {TOP_K} sentences of the "
        f"abstract's CONTEXTS: accuracy {cv['accuracy']}, macro-F1 {cv['macro_f1']}, F1 maybe {cv['f1_maybe']}; "
        f"abstaining below the calibrated confidence chosen on the training folds: coverage {cv['coverage']}, "
        f"accuracy on the answered part {cv['answered_accuracy']}. Baselines and the other settings: "
        "docs/benchmarks.md (section qa-decision)."
        if cv
        else "Fitted on your examples; no cross-validation."
    )
    base_card = base.folder / "MODEL_CARD.md" if base.folder is not None else None
    if base_card is not None and base_card.is_file():
        ranker = base_card.read_text(encoding="utf-8").split("## Metrics", 1)[-1].split("\n## ", 1)[0].strip()
        text += "\n\n### Answer selection (from the card of the answer model it extends)\n\n" + ranker
    return ModelCard(
        name="sciwire answer selection and yes / no / maybe decision",
        summary=(
            "The answer ranker of the base folder (see its card) plus the decision: a multinomial logistic regression "
            "on [q, e, q*e, |q-e|] MiniLM vectors (q: question, e: the mean of the evidence sentences), counts of "
            f"negation/hedge cues ({', '.join(CUE_NAMES)}) and the evidence's discourse roles; temperature-calibrated "
            f"(T = {metrics['temperature']}); below confidence {metrics['abstain_below']} it says "
            "'the paper does not say'."
        ),
        data=(
            f"Decision: {where}. Answer selection: as in the answer model it extends "
            f"({base.folder.name if base.folder else 'in memory'}): PubMedQA PQA-L (MIT)."
        ),
        licence="MIT (PubMedQA PQA-L)",
        metrics_markdown=text,
        command=command,
        limits=(
            "It does not beat the KISS baseline: on PubMedQA, in the same folds, a logistic regression on the cue "
            "counts alone does as well (docs/benchmarks.md, section qa-decision); the MiniLM features add nothing "
            "measurable there. It is ahead of always answering 'yes' end to end. "
            "Biomedical abstracts only; PubMedQA's 'maybe' (11 %) is hard and rarely predicted right. The decision "
            "reads sentence vectors and cue words, not numbers: it cannot weigh an effect size. The answer ranker was "
            "fitted on the same 500 PubMedQA abstracts (not on their decisions). Refit after changing models.embedding."
        ),
    )
