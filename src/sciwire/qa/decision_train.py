"""Fitting and measuring the yes / no / maybe decision (``sciwire train decision``).

On PubMedQA PQA-L every question is put to its own abstract (CONTEXTS only, the way
``ask --paper`` sees a paper: :func:`~sciwire.qa.abstracts.within_abstract`'s ``own`` pool), and
the answer ranker of the model folder orders its sentences. :func:`decision_data` keeps, per
question, its vector, its long answer's vector (the paper's conclusion) and the ranked
sentences with their vectors, role groups and fidelity signals
(:func:`~sciwire.qa.evidence.sentence_signals`). From that, :func:`evidence_rows` builds the
decider's input (``"compact"``: :func:`~sciwire.qa.decision.compact_features`, the shipped one;
``"embedding"``: format 3's :func:`~sciwire.qa.decision.evidence_features`) in three settings:

- ``conclusion``: evidence = the long answer (PubMedQA's reasoning-free setting);
- ``contexts``: evidence = every sentence of the abstract's CONTEXTS (reasoning-required);
- ``retrieved``: evidence = the answer ranker's top ``k`` sentences (end to end: what ``ask`` does).

A fourth reading of the abstract without its conclusion, ``results``, keeps the CONTEXTS sentences that
the role tagger calls a result or a conclusion (the ranker's top ``k`` when there are none): the
reasoning-required setting read where the answer usually is.

:func:`train_decision_model` fits an :class:`~sciwire.qa.decision.EvidenceDecider` on the
``retrieved`` rows of every question and writes the answer model folder with the decision
(format 4); a JSONL file of ``{"question", "evidence", "decision"}`` examples can replace PubMedQA.
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
from sciwire.qa.decision import COMPACT_NAMES, EvidenceDecider, compact_features, evidence_features
from sciwire.qa.features import ROLE_COLUMNS
from sciwire.qa.model import AnswerModel, DecisionHead, load_answer_model

if TYPE_CHECKING:
    from sciwire.datasets.pubmedqa import PubMedQAItem

logger = logging.getLogger(__name__)
SETTINGS = ("conclusion", "contexts", "retrieved")
#: What :func:`evidence_of` can read: the three settings, and ``results`` (result/conclusion sentences of CONTEXTS).
EVIDENCE = (*SETTINGS, "results")
LABELS = ("yes", "no", "maybe")
#: Evidence sentences of the shipped decider (the answer ranker's top k).
TOP_K = 3
#: Inverse regularisation strengths tried by the inner cross-validation (format 3's embedding rows).
C_GRID = (0.1, 0.3, 1.0)
#: The compact decider's grid (standardised features): C, and the weight of "maybe" (11 % of PubMedQA),
#: chosen by inner 3-fold CV on accuracy + macro-F1.
COMPACT_C_GRID = (0.03, 0.1, 0.3)
MAYBE_WEIGHTS = (1.0, 1.5, 2.0)
FEATURE_SETS = ("compact", "embedding")


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
    signals: np.ndarray
    conclusion_signals: np.ndarray


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
    from sciwire.qa.evidence import sentence_signals

    own = within_abstract(items, embedder, nlp, coresc, config.qa, model, pools=("own",))["own"]
    conclusions = embedder.encode([it.long_answer or it.question for it in items], full_length=True)
    questions = embedder.encode([it.question for it in items])
    unique = list(dict.fromkeys([*(t for c in own for t in c.texts), *(it.long_answer or it.question for it in items)]))
    logger.info("Fidelity signals of %d sentences and conclusions", len(unique))
    signal_of = dict(zip(unique, sentence_signals(unique), strict=True))
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
                np.array([signal_of[t] for t in c.texts]).reshape(len(c.texts), -1),
                signal_of[it.long_answer or it.question][None, :],
            )
        )
    return out


def evidence_of(
    item: DecisionItem, setting: str, k: int = TOP_K
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray]:
    """The evidence vectors, texts, role groups and fidelity signals of ``item`` in ``setting`` (see the module
    docstring)."""
    if setting == "conclusion":
        roles = np.array([[0.0, 0.0, 0.0, 1.0]])
        return item.conclusion_vector[None, :], [item.conclusion], roles, item.conclusion_signals
    if setting not in EVIDENCE:
        raise InputError(f"setting must be one of {EVIDENCE}, got {setting!r}")
    idx = np.arange(len(item.texts))
    if setting == "results":
        idx = np.flatnonzero(item.roles[:, 2] + item.roles[:, 3] > 0)
    if setting == "retrieved" or not len(idx):
        idx = np.argsort(-item.ranker_logit, kind="stable")[:k]
    return item.vectors[idx], [item.texts[j] for j in idx], item.roles[idx], item.signals[idx]


def evidence_rows(
    items: Sequence[DecisionItem], setting: str, k: int = TOP_K, features: str = "compact"
) -> tuple[np.ndarray, list[str]]:
    """The decider's input rows of ``items`` in ``setting`` (``features``: ``"compact"`` or ``"embedding"``),
    and the evidence joined into one text per item."""
    if features not in FEATURE_SETS:
        raise InputError(f"features must be one of {FEATURE_SETS}, got {features!r}")
    rows, texts = [], []
    for it in items:
        vectors, sentences, roles, signals = evidence_of(it, setting, k)
        if features == "compact":
            rows.append(compact_features(it.question, it.q, vectors, sentences, roles, signals))
        else:
            rows.append(evidence_features(it.q, vectors, sentences, roles))
        texts.append(" ".join(sentences))
    return np.array(rows), texts


def _accuracy_plus_macro_f1(estimator: Any, X: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import accuracy_score, f1_score

    pred = estimator.predict(X)
    return float(accuracy_score(y, pred) + f1_score(y, pred, average="macro"))


def fit_decider(X: np.ndarray, y: Sequence[str], *, seed: int = 0, compact: bool | None = None) -> EvidenceDecider:
    """An :class:`EvidenceDecider` tuned by inner 3-fold CV on ``X`` only.

    Compact rows (:data:`~sciwire.qa.decision.COMPACT_NAMES`; ``compact=None`` tells them by their width):
    standardised, ``C`` from :data:`COMPACT_C_GRID` and the weight of "maybe" from :data:`MAYBE_WEIGHTS`,
    scored on accuracy + macro-F1 (so that "maybe" is predicted without giving up accuracy). Format 3's
    embedding rows: ``C`` from :data:`C_GRID`, scored on accuracy.

    Raises:
        InputError: When ``y`` has fewer than two decisions.
    """
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    y_arr = np.asarray(y, dtype=object)
    labels, counts = np.unique(y_arr, return_counts=True)
    if len(labels) < 2:
        raise InputError(
            f"The decision needs examples of at least two decisions (yes / no / maybe), got only {labels.tolist()}"
        )
    compact = X.shape[1] == len(COMPACT_NAMES) if compact is None else compact
    base = EvidenceDecider(seed=seed, standardize=True, C=0.1) if compact else EvidenceDecider(seed=seed)
    if counts.min() < 3:
        return base.fit(X, y_arr)
    grid: dict[str, list[Any]] = {"C": list(C_GRID)}
    scoring: Any = "accuracy"
    if compact:
        weights = [None] + [{"maybe": w, "no": 1.0, "yes": 1.0} for w in MAYBE_WEIGHTS if w != 1.0]
        grid = {"C": list(COMPACT_C_GRID), "class_weight": weights if "maybe" in labels else [None]}
        scoring = _accuracy_plus_macro_f1
    search = GridSearchCV(
        clone(base).set_params(calibrate=False),
        grid,
        cv=StratifiedKFold(3, shuffle=True, random_state=seed),
        scoring=scoring,
        refit=False,
    )
    best = search.fit(X, y_arr).best_params_
    return clone(base).set_params(**best).fit(X, y_arr)


def _example_row(question: str, q: np.ndarray, evidence: list[str], embedder: Encoder, features: str) -> np.ndarray:
    """The decider's row of one example of a JSONL file (roles unknown: zeros)."""
    vectors = embedder.encode(evidence)
    roles = np.zeros((len(evidence), 4))
    if features == "compact":
        from sciwire.qa.evidence import sentence_signals

        return compact_features(question, q, vectors, evidence, roles, sentence_signals(evidence))
    return evidence_features(q, vectors, evidence, roles)


def fidelity_fingerprints() -> dict[str, str]:
    """The weights' SHA-256 of the bundled fidelity heads the compact features read (recorded in the head)."""
    from sciwire.fidelity.bundle import CERTAINTY_DIR, CONCLUSION_DIR, STRENGTH_DIR, bundled_model_dir

    out = {}
    for name in (STRENGTH_DIR, f"{CERTAINTY_DIR}/sentence", f"{CERTAINTY_DIR}/aspects", CONCLUSION_DIR):
        meta = bundled_model_dir() / name / "model.json"
        if meta.is_file():
            out[name] = str(json.loads(meta.read_text(encoding="utf-8")).get("weights_sha256", ""))
    return out


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
    features: str = "compact",
) -> TrainResult:
    """Fit the decision on PubMedQA PQA-L (or on ``examples``) and write the answer model folder with it.

    The answer ranker and the rest come from the folder ``qa.model`` names; the new folder has
    all of it plus the decision (format 4 with the ``"compact"`` features, format 3 with
    ``"embedding"``). With PubMedQA the receipt holds the 5-fold cross-validated metrics of the
    ``retrieved`` setting. Takes a few minutes on a CPU (the fidelity heads read every sentence
    of the 500 abstracts).

    Raises:
        InputError: When PubMedQA is not under ``data_dir`` (and no examples are given), or the
            examples are unusable (see :func:`read_decision_examples`).
    """
    from sciwire.backends.embeddings import Embedder

    if features not in FEATURE_SETS:
        raise InputError(f"features must be one of {FEATURE_SETS}, got {features!r}")
    config = config or load_config()
    base = load_answer_model(config.qa.model)
    embedder = Embedder.from_config(config)
    if examples is not None:
        rows = read_decision_examples(examples)
        q = embedder.encode([r[0] for r in rows])
        X = np.array([_example_row(r[0], q[i], r[1], embedder, features) for i, r in enumerate(rows)])
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
        X, evidence = evidence_rows(data, "retrieved", features=features)
        y = [d.label for d in data]
        metrics = {"examples": len(data), "cv_retrieved": cross_validate_decider(X, y, texts=evidence)}
        # The same recipe in PubMedQA's two other settings (the card quotes them; docs/benchmarks.md repeats
        # the folds and pairs them): with the conclusion, and without it reading the result sentences.
        for setting, reading in (("conclusion", "conclusion"), ("contexts", "results")):
            X_s, texts_s = evidence_rows(data, reading, features=features)
            cue_texts = texts_s if reading == setting else evidence_rows(data, setting, features=features)[1]
            metrics[f"cv_{setting}"] = cross_validate_decider(X_s, y, texts=cue_texts)
        sources = {"pubmedqa": data_hash([data_path(data_dir, "pubmedqa")])}
        where = f"PubMedQA PQA-L, {len(data)} questions (MIT)"
    decider = fit_decider(X, y, compact=features == "compact")
    metrics.update(
        C=decider.C,
        class_weight=decider.class_weight,
        temperature=round(decider.temperature_, 4),
        abstain_below=round(decider.abstain_below_, 4),
    )
    dim = int(embedder.encode(["x"]).shape[1])
    if features == "compact":
        head = DecisionHead(decider, embedder.model_key, dim, TOP_K, COMPACT_NAMES, fidelity_fingerprints())
    else:
        head = DecisionHead(decider, embedder.model_key, dim, TOP_K)
    model = replace(base, decision=head, folder=None)
    settings: dict[str, Any] = {
        "models": config.to_dict()["models"],
        "qa": config.to_dict()["qa"],
        "top_k": TOP_K,
        "features": features,
        "C_grid": list(COMPACT_C_GRID if features == "compact" else C_GRID),
    }
    if features == "compact":
        settings["maybe_weights"] = list(MAYBE_WEIGHTS)
    if base.folder is not None and (base.folder / "receipt.json").is_file():
        ranker_receipt = json.loads((base.folder / "receipt.json").read_text(encoding="utf-8"))
        # a base that already has a decision: keep the receipt of its answer ranker, not a nest of receipts
        settings["answer_model_receipt"] = ranker_receipt.get("config", {}).get("answer_model_receipt", ranker_receipt)
    receipt = Receipt(command, settings, sources, metrics)
    folder = model.save(out, receipt=receipt, card=decision_card(base, metrics, command, where))
    return TrainResult(folder, metrics)


def cross_validate_decider(
    X: np.ndarray, y: Sequence[str], folds: int = 5, seed: int = 0, texts: Sequence[str] | None = None
) -> dict[str, Any]:
    """5-fold (stratified, one row per question) accuracy, macro-F1, F1 of maybe, and the abstention's
    coverage and accuracy on the answered part; everything fitted on the training folds only.

    With ``texts`` (the evidence text of each row, or what the baseline reads), ``baselines`` holds the
    accuracy and macro-F1 of cue counts + LR on them and of always answering the majority label, in the
    same folds.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    from sciwire.qa.decision import cue_counts

    y_arr = np.asarray(y, dtype=object)
    pred = np.empty(len(y_arr), dtype=object)
    cue_pred = np.empty(len(y_arr), dtype=object)
    majority = np.empty(len(y_arr), dtype=object)
    answered = np.zeros(len(y_arr), dtype=bool)
    cues = np.array([cue_counts(t) for t in texts]) if texts is not None else None
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y_arr):
        model = fit_decider(X[train], y_arr[train], seed=seed)
        probs = model.predict_proba(X[test])
        pred[test] = model.classes_[probs.argmax(axis=1)]
        answered[test] = probs.max(axis=1) >= model.abstain_below_
        values, counts = np.unique(y_arr[train], return_counts=True)
        majority[test] = values[np.argmax(counts)]
        if cues is not None:
            cue_pred[test] = LogisticRegression(max_iter=2000).fit(cues[train], y_arr[train]).predict(cues[test])

    def score(p: np.ndarray) -> dict[str, float]:
        return {
            "accuracy": round(float(accuracy_score(y_arr, p)), 4),
            "macro_f1": round(float(f1_score(y_arr, p, average="macro")), 4),
        }

    out: dict[str, Any] = {
        **score(pred),
        "f1_maybe": round(float(f1_score(y_arr, pred, labels=["maybe"], average="macro")), 4),
        "coverage": round(float(answered.mean()), 4),
        "answered_accuracy": round(float(accuracy_score(y_arr[answered], pred[answered])), 4)
        if answered.any()
        else 0.0,
    }
    if cues is not None:
        out["baselines"] = {"cue_counts_lr": score(cue_pred), "majority": score(majority)}
    return out


#: The heading under which an answer model's card keeps the answer ranker's metrics.
ANSWER_SELECTION = "### Answer selection (from the card of the answer model it extends)"


def decision_card(base: AnswerModel, metrics: dict[str, Any], command: str, where: str) -> ModelCard:
    """The model card of an answer model folder with the decision (format 4)."""
    cv = metrics.get("cv_retrieved")
    text = "Fitted on your examples; no cross-validation."
    if cv:
        rows = []
        for key, name in (
            ("cv_conclusion", "with the conclusion (long answer)"),
            ("cv_contexts", "without it (result sentences of CONTEXTS; cues read all CONTEXTS)"),
            ("cv_retrieved", f"end to end (the answer ranker's top {TOP_K} sentences of CONTEXTS)"),
        ):
            m = metrics.get(key)
            if not m:
                continue
            row = f"| {name} | {m['accuracy']} / {m['macro_f1']} | {m['f1_maybe']} |"
            if "baselines" in m:
                cue, major = m["baselines"]["cue_counts_lr"], m["baselines"]["majority"]
                row += f" {cue['accuracy']} / {cue['macro_f1']} | {major['accuracy']} / {major['macro_f1']} |"
            else:
                row += " | |"
            rows.append(row + f" {m['coverage']} | {m['answered_accuracy']} |")
        text = (
            "5-fold CV (stratified, one row per question; everything tuned on the training folds), accuracy / "
            "macro-F1 of the decider, and in the same folds of cue counts + LR and of always 'yes'; coverage and "
            "accuracy of the answered part when it abstains below its calibrated confidence:\n\n"
            "| setting | decider | F1 maybe | cue counts + LR | always 'yes' | coverage | answered accuracy |\n"
            "|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\nThe shipped decider is the end-to-end one "
            "(what `ask` reads). 5 folds x 3 repeats with paired wins, the ship rule, and the models that lost: "
            "docs/benchmarks.md (section qa-decision)."
        )
    base_card = base.folder / "MODEL_CARD.md" if base.folder is not None else None
    if base_card is not None and base_card.is_file():
        ranker = base_card.read_text(encoding="utf-8").split("## Metrics", 1)[-1].split("\n## ", 1)[0].strip()
        ranker = ranker.split(ANSWER_SELECTION, 1)[-1].strip()  # a card with a decision already: its ranker part
        ranker = "\n".join(line for line in ranker.splitlines() if "sciwire train decision" not in line).strip()
        text += f"\n\n{ANSWER_SELECTION}\n\n{ranker}"
    weight = metrics.get("class_weight")
    maybe = f", 'maybe' weighted x{weight['maybe']}" if isinstance(weight, dict) else ""
    return ModelCard(
        name="sciwire answer selection and yes / no / maybe decision",
        summary=(
            "The answer ranker of the base folder (see its card) plus the decision: a multinomial logistic regression "
            f"(standardised, C = {metrics['C']}{maybe}) on {len(COMPACT_NAMES)} named features of the question and "
            f"its top {TOP_K} answer sentences: counts of negation/hedge cues, their polarity towards the question "
            "(negations, hedges and 'no difference' wording in the clauses that repeat the question's content words; "
            "the question's own form), the evidence's discourse roles, its cosine to the question (MiniLM), and what "
            "sciwire's fidelity heads read in each sentence (claim strength 0-3, certainty 1-6 and its six aspects, "
            f"P(conclusion)); temperature-calibrated (T = {metrics['temperature']}); below confidence "
            f"{metrics['abstain_below']} it says 'the paper does not say'."
        ),
        data=(
            f"Decision: {where}. Answer selection: as in the answer model it extends "
            f"({base.folder.name if base.folder else 'in memory'}): PubMedQA PQA-L (MIT). This folder holds no "
            "fidelity weights, but at run time the decision reads the outputs of the bundled claim-strength and "
            "conclusion heads, which are **GPL-3.0** weights (fitted on GPL-3.0 data; see "
            "sciwire/models/fidelity_strength and fidelity_conclusion), and of the MIT certainty heads "
            "(fidelity_certainty): whoever ships the decision ships it with them."
        ),
        licence="MIT (PubMedQA PQA-L)",
        metrics_markdown=text,
        command=command,
        limits=(
            "Its lead over the cue counts is modest (see Metrics and docs/benchmarks.md). 'Maybe' works only when "
            "the evidence hedges or weighs conflicting results: its F1 is "
            f"{metrics.get('cv_conclusion', {}).get('f1_maybe', 'n/a')} with the conclusion and "
            f"{(cv or {}).get('f1_maybe', 'n/a')} from the ranker's top {TOP_K} sentences of an abstract without it. "
            "It reads cue words, their scope and sentence-level model outputs, not numbers: it cannot weigh an "
            "effect size, and a question whose key words the evidence paraphrases falls outside the polarity "
            "scope. Biomedical abstracts only. The answer ranker was fitted on the same 500 PubMedQA abstracts "
            "(not on their decisions). The fidelity heads it reads are fixed (their SHA-256 is in weights.json); "
            "refit after changing them or models.embedding."
        ),
    )
