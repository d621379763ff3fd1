"""``sciwire train relevance`` and ``sciwire train pairs``: the relevance gate and the learned pair verdict.

**Relevance gate** (:mod:`sciwire.fidelity.relevance`), on CD²CR **train** only: each news
summary against its own abstract (positive), the :data:`HARD` abstracts whose lead is most
similar to the story's (same topic, another paper) and :data:`RANDOM` random others
(negatives). The evidence of each pair is computed as ``sciwire analyze`` computes it: the
paper finder indexed with that one paper. A class-balanced logistic regression gives the
scorer; the threshold is the highest of :data:`GATE_THRESHOLDS` that keeps at least
:data:`GATE_RECALL` of the train stories (a story wrongly gated loses its verdicts; an
unrelated story let through gets verdicts it should not have).

**Pair verdict** (:mod:`sciwire.fidelity.pairs`): pairs built from the claim-strength data
(a press sentence as the story, a paper sentence as the paper; label = sign of the gold
strength difference), with out-of-fold strength probabilities (see :func:`oof_strength`).
The abstention threshold is the lowest confidence at which the fitting pairs' verdicts are
right at least :data:`ABSTAIN_ACCURACY` of the time. The checks' precision comes from
:func:`check_precision` on the labelled pairs given.

Example:
    >>> result = train_relevance("../shared/data", "my-gate")      # doctest: +SKIP
    >>> result.metrics["threshold"]                                 # doctest: +SKIP
    0.4
"""

from __future__ import annotations

import logging
import os
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.fidelity.checks import run_checks
from sciwire.fidelity.pairs import DECISIVE_PRECISION, PairVerdictModel, pair_features
from sciwire.fidelity.relevance import RELEVANCE_FEATURES
from sciwire.fitting import LogisticScorer, ModelCard, Receipt, TrainResult, data_hash

logger = logging.getLogger(__name__)
Progress = Callable[[int], None]
HARD, RANDOM = 2, 3
GATE_RECALL = 0.9
GATE_THRESHOLDS: tuple[float, ...] = tuple(float(x) for x in np.round(np.arange(0.1, 0.91, 0.05), 2))
GATE_FIT: dict[str, Any] = {"C": 10.0, "class_weight": "balanced", "max_iter": 2000}
ABSTAIN_ACCURACY = 0.75
SYNTHETIC_PAIRS = 30_000


# ---- relevance gate ---------------------------------------------------------------------------
def gate_rows(
    data_dir: str | os.PathLike[str],
    split: str,
    config: Config,
    seed: int = 0,
    on_progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """One row per (story, paper) pair of CD²CR ``split``: the evidence, ``kind`` (pos/hard/random) and ids."""
    from sciwire.backends.embeddings import Embedder
    from sciwire.datasets.cdcr import load_papers, load_split, news_with_papers
    from sciwire.linking.finder import PaperFinder, lead_text
    from sciwire.linking.train import cdcr_papers

    embedder = Embedder.from_config(config)
    papers = {p.id: p for p in cdcr_papers(load_papers(data_dir))}
    ids = list(papers)
    leads = embedder.encode([lead_text(papers[i]) for i in ids], full_length=True)
    rng = random.Random(seed)
    finders: dict[str, Any] = {}
    rows = []
    for d, pid in news_with_papers(load_split(data_dir, split)):
        story = Document(d.doc_id, "news", "", d.text)
        sims = leads @ embedder.encode([lead_text(story)], full_length=True)[0]
        others = [ids[i] for i in np.argsort(-sims, kind="stable") if ids[i] != pid]
        chosen = [(pid, "pos")] + [(o, "hard") for o in others[:HARD]]
        chosen += [(o, "random") for o in rng.sample(others[HARD:], RANDOM)]
        for q, kind in chosen:
            if q not in finders:
                finders[q] = PaperFinder(config, embedder).index([papers[q]])
            ev = finders[q].evidence(story)[0]
            rows.append({"story": d.doc_id, "paper": q, "kind": kind, **{f: float(ev[f]) for f in RELEVANCE_FEATURES}})
        if on_progress is not None:
            on_progress(1)
    return rows


def gate_metrics(prob: np.ndarray, rows: Sequence[Mapping[str, Any]], threshold: float) -> dict[str, float]:
    """Share of stories kept (recall) and of hard / random mismatches let through, at ``threshold``."""
    kind = np.array([r["kind"] for r in rows])
    passed = prob >= threshold
    return {k: round(float(passed[kind == k].mean()), 3) for k in ("pos", "hard", "random") if (kind == k).any()}


def choose_gate_threshold(prob: np.ndarray, y: np.ndarray) -> float:
    """The highest threshold of :data:`GATE_THRESHOLDS` keeping at least :data:`GATE_RECALL` of the positives."""
    ok = [t for t in GATE_THRESHOLDS if (prob[y == 1] >= t).mean() >= GATE_RECALL]
    return max(ok) if ok else GATE_THRESHOLDS[0]


def train_relevance(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    command: str = "sciwire train relevance",
    on_progress: Progress | None = None,
) -> TrainResult:
    """Fit the relevance gate on CD²CR train, measure it on dev, and write the model folder ``out``.

    Raises:
        InputError: When the CD²CR files are missing.
    """
    from sciwire.datasets.base import data_path

    config = config or load_config()
    rows = {s: gate_rows(data_dir, s, config, on_progress=on_progress) for s in ("train", "dev")}
    X = np.array([[r[f] for f in RELEVANCE_FEATURES] for r in rows["train"]])
    y = np.array([r["kind"] == "pos" for r in rows["train"]], dtype=int)
    scorer = LogisticScorer(feature_names=RELEVANCE_FEATURES, **GATE_FIT).fit(X, y).rounded(3)
    prob = {s: scorer.probability(np.array([[r[f] for f in RELEVANCE_FEATURES] for r in rs])) for s, rs in rows.items()}
    threshold = choose_gate_threshold(prob["train"], y)
    metrics: dict[str, Any] = {
        "data": "CD²CR train (dev for the measures)",
        "pairs": {s: len(rs) for s, rs in rows.items()},
        "weights": scorer.weights(),
        "intercept": float(scorer.intercept_[0]),
        "threshold": threshold,
        "passed_train": gate_metrics(prob["train"], rows["train"], threshold),
        "passed_dev": gate_metrics(prob["dev"], rows["dev"], threshold),
    }
    logger.info("relevance gate fitted: %s", metrics)
    cdcr = data_path(data_dir, "cdcr")
    receipt = Receipt(
        command=command,
        config={
            "fit": GATE_FIT,
            "hard": HARD,
            "random": RANDOM,
            "recall": GATE_RECALL,
            "models": config.to_dict()["models"],
        },
        data={"cdcr": data_hash([cdcr / "train.conll", cdcr / "dev.conll", cdcr / "sci_papers.json"])},
        metrics=metrics,
    )
    folder = scorer.save(out, receipt=receipt, card=relevance_card(metrics, command))
    return TrainResult(folder, metrics)


def relevance_card(metrics: Mapping[str, Any], command: str) -> ModelCard:
    """The gate's model card."""
    dev, train = metrics["passed_dev"], metrics["passed_train"]
    return ModelCard(
        name="relevance gate (does a story report this paper?)",
        summary=(
            "P(story reports paper) from the paper finder's content evidence (BM25 share, lead cosine, mean "
            "sentence-alignment probability) for one (story, paper) pair. Below the threshold "
            f"**{metrics['threshold']}** (user setting `fidelity.relevance_threshold`; the highest keeping >= "
            f"{GATE_RECALL:.0%} of CD²CR train stories) a story gets no fidelity verdicts: `check`, `analyze` and "
            f"the report say it does not appear to report the paper. Weights {metrics['weights']}, intercept "
            f"{metrics['intercept']}."
        ),
        data=(
            f"CD²CR train: each news summary against its own abstract, its {HARD} most similar other abstracts and "
            f"{RANDOM} random others ({metrics['pairs']['train']} pairs); measured on dev ({metrics['pairs']['dev']})."
        ),
        licence=(
            "open question: CD²CR's licence is academic / personal use, and these are 4 fitted parameters and a "
            "threshold (as for the aligner)"
        ),
        metrics_markdown=(
            "| share let through | own paper | most similar other papers | random other papers |\n|---|---|---|---|\n"
            f"| train | {train.get('pos')} | {train.get('hard')} | {train.get('random')} |\n"
            f"| dev | {dev.get('pos')} | {dev.get('hard')} | {dev.get('random')} |"
        ),
        command=command,
        limits=(
            "The most similar other papers are often on the same topic, and many pass: the gate stops unrelated "
            "stories, not a story about a sibling study. CD²CR summaries are short and about one abstract; long "
            "real news pages were checked by hand only (docs/fidelity.md)."
        ),
    )


# ---- pair verdict -------------------------------------------------------------------------------
def synthetic_pairs(
    y: np.ndarray, sources: np.ndarray, n: int = SYNTHETIC_PAIRS, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(paper index, story index, label) of ``n`` random press (story) x paper sentence pairs; label 0/1/2 =
    downplays / same / exaggerates from the gold strengths."""
    rng = np.random.default_rng(seed)
    story = rng.choice(np.flatnonzero(sources == "press"), n)
    paper = rng.choice(np.flatnonzero(sources == "paper"), n)
    return paper, story, (np.sign(y[story] - y[paper]) + 1).astype(int)


def abstain_threshold(probs: np.ndarray, y: np.ndarray, target: float = ABSTAIN_ACCURACY) -> float:
    """The lowest confidence at which the verdicts at or above it are right at least ``target`` of the time."""
    conf, right = probs.max(axis=1), probs.argmax(axis=1) == y
    for t in np.round(np.arange(0.34, 0.96, 0.01), 2):
        keep = conf >= t
        if keep.sum() >= 20 and right[keep].mean() >= target:
            return float(t)
    return 0.95


#: Checks of claim-strength phenomena: labels defined by claim strength alone (InSciOut) can judge them.
STRENGTH_CHECKS = frozenset({"hedge_dropped", "correlation_as_cause"})


def check_precision(pairs: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, float]]:
    """Per check kind: how often it fired on ``pairs`` (dicts with paper, story, label) and how often its
    direction was the pair's label (precision), and whether it may change a verdict.

    A pair with ``"strength_only": True`` has a label defined by claim strength alone (InSciOut):
    it can only judge the checks of :data:`STRENGTH_CHECKS` (a dropped "in mice" or a changed
    number is invisible to such a label), so the other checks are not counted on it.
    """
    fired: dict[str, list[bool]] = defaultdict(list)
    for pair in pairs:
        for issue in run_checks(pair["paper"], pair["story"]):
            if pair.get("strength_only") and issue.kind not in STRENGTH_CHECKS:
                continue
            if issue.direction in ("exaggerates", "downplays"):
                fired[issue.kind].append(issue.direction == pair["label"])
    out = {}
    for kind, hits in sorted(fired.items()):
        precision = float(np.mean(hits))
        out[kind] = {"n": len(hits), "precision": round(precision, 3), "decisive": precision >= DECISIVE_PRECISION}
    return out


def fit_pair_model(paper_probs: np.ndarray, story_probs: np.ndarray, y: np.ndarray, C: float = 1.0) -> PairVerdictModel:
    """The pair-verdict model fitted on pairs given by their strength distributions and labels."""
    return PairVerdictModel(C=C).fit(pair_features(paper_probs, story_probs), y)


#: How many times each real labelled pair counts next to the synthetic ones when fitting.
REAL_WEIGHT = 20


def fit_with_real_pairs(
    synthetic: tuple[np.ndarray, np.ndarray, np.ndarray], real: tuple[np.ndarray, np.ndarray, np.ndarray] | None
) -> PairVerdictModel:
    """The pair model fitted on synthetic pairs ``(paper probs, story probs, labels)`` plus, when given, real
    labelled pairs of the same form (each counted :data:`REAL_WEIGHT` times)."""
    X, y = pair_features(synthetic[0], synthetic[1]), synthetic[2]
    if real is not None and len(real[2]):
        X = np.vstack([X, np.repeat(pair_features(real[0], real[1]), REAL_WEIGHT, axis=0)])
        y = np.concatenate([y, np.repeat(real[2], REAL_WEIGHT)])
    return PairVerdictModel().fit(X, y)


def cross_validated_real(
    synthetic: tuple[np.ndarray, np.ndarray, np.ndarray],
    real: tuple[np.ndarray, np.ndarray, np.ndarray],
    folds: int = 5,
) -> np.ndarray:
    """Out-of-fold verdict probabilities of the real pairs: each fold's model sees the synthetic pairs and the
    other folds' real pairs (stratified, seed 0)."""
    from sklearn.model_selection import StratifiedKFold

    paper, story, y = real
    probs = np.zeros((len(y), 3))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(paper, y):
        model = fit_with_real_pairs(synthetic, (paper[train], story[train], y[train]))
        probs[test] = model.predict_proba(pair_features(paper[test], story[test]))
    return probs


def train_pairs(
    oof_probs: np.ndarray,
    y: np.ndarray,
    sources: np.ndarray,
    out: str | os.PathLike[str],
    labelled_pairs: Sequence[Mapping[str, Any]],
    *,
    real: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    command: str = "sciwire train pairs",
    data: Mapping[str, str] | None = None,
    extra_metrics: Mapping[str, Any] | None = None,
) -> TrainResult:
    """Fit the pair verdict and write the folder ``out``.

    Args:
        oof_probs: Out-of-fold strength probabilities (n, 4) of the claim-strength sentences.
        y: Their gold strengths; ``sources``: "paper" or "press".
        out: The model folder to write.
        labelled_pairs: Pairs with a verdict label for the checks' precision (dicts: paper, story, label).
        real: Real labelled pairs as (paper strength probs, story strength probs, label 0/1/2), from the
            strength model that will run with this pair model. They join the fitting pairs, and the
            abstention threshold is chosen on their cross-validated probabilities (the synthetic pairs
            are easier: random pairs differ more in strength). None: synthetic pairs only.
        command: The command line, for the receipt and the card.
        data: Data hashes for the receipt.
        extra_metrics: Measures to keep in the receipt and card (e.g. the test on real pairs).
    """
    paper, story, labels = synthetic_pairs(y, sources)
    synthetic = (oof_probs[paper], oof_probs[story], labels)
    model = fit_with_real_pairs(synthetic, real)
    if real is not None and len(real[2]):
        model.abstain_below = abstain_threshold(cross_validated_real(synthetic, real), real[2])
        abstain_on = f"{len(real[2])} real pairs, cross-validated"
    else:
        model.abstain_below = abstain_threshold(model.predict_proba(pair_features(synthetic[0], synthetic[1])), labels)
        abstain_on = "the synthetic pairs"
    model.checks = check_precision(labelled_pairs)
    metrics: dict[str, Any] = {
        "synthetic_pairs": len(labels),
        "real_pairs": 0 if real is None else len(real[2]),
        "abstain_below": model.abstain_below,
        "abstain_chosen_on": abstain_on,
        "checks": model.checks,
        **(extra_metrics or {}),
    }
    config = {"C": model.C, "pairs": SYNTHETIC_PAIRS, "real_weight": REAL_WEIGHT}
    receipt = Receipt(command=command, config=config, data=dict(data or {}), metrics=metrics)
    folder = model.save(out, receipt=receipt, card=pairs_card(metrics, command))
    return TrainResult(folder, metrics)


def pairs_card(metrics: Mapping[str, Any], command: str) -> ModelCard:
    """The pair verdict's model card."""
    rows = "\n".join(
        f"| {k} | {v['n']} | {v['precision']} | {'changes the verdict' if v['decisive'] else 'note only'} |"
        for k, v in metrics["checks"].items()
    )
    test = metrics.get("test", {})
    tested = ", ".join(f"{k} {v}" for k, v in test.items()) if test else "not measured in this run"
    learned, rule = test.get("macro_f1_learned"), test.get("macro_f1_strength_rule")
    protocol = "5-fold CV: each fold fitted without its pairs" if metrics.get("real_pairs") else "never fitted on"
    if learned is not None and rule is not None and learned < rule + 0.03:
        tested += (
            f". **It does not clearly beat the strength rule** ({learned} vs {rule}, within the bootstrap interval "
            "of 100 pairs); it ships for its fitted probabilities, which the abstention threshold needs"
        )
    return ModelCard(
        name="pair verdict (downplays / same / exaggerates)",
        summary=(
            "A multinomial logistic regression over the two sentences' claim-strength distributions (the strength "
            f"rule's probabilities, their logs and the expected strength gap). Verdicts with confidence below "
            f"**{metrics['abstain_below']}** are 'unsure' (the lowest confidence at which the verdicts are right >= "
            f"{ABSTAIN_ACCURACY:.0%} of the time, on {metrics.get('abstain_chosen_on', 'the fitting pairs')}). "
            "A deterministic check changes a verdict only when "
            f"its measured precision is >= {DECISIVE_PRECISION}; otherwise it is shown as a note."
        ),
        data=(
            f"{metrics['synthetic_pairs']} pairs of claim-strength sentences (Yu et al. 2019/2020): a press sentence "
            "as the story, a paper sentence as the paper, labelled by the sign of their gold strength difference "
            "(how Wright & Augenstein 2021 define the labels); out-of-fold strength probabilities; plus "
            f"{metrics.get('real_pairs', 0)} real InSciOut pairs, each counted {REAL_WEIGHT} times. The checks' "
            "precision: 40 pairs written by us (benchmarks/data/fidelity_check_pairs.jsonl), plus, for the "
            "claim-strength checks (hedge dropped, correlation as cause), the 100 InSciOut pairs."
        ),
        licence="GPL-3.0 (the claim-strength and InSciOut data are GPL-3.0)",
        metrics_markdown=(
            f"On the 100 InSciOut pairs ({protocol}): {tested}.\n\n"
            "| check | firings | precision | effect |\n|---|---|---|---|\n" + rows
        ),
        command=command,
        limits=(
            "The InSciOut labels encode claim strength only, so the checks for a dropped 'in mice', a changed number "
            "or a booster are measured only on the 40 pairs written by us: a small set, written by people who know "
            "the checks, so their precision there is optimistic. Pairs of one press release and its own paper are "
            "more alike than the random pairs the model is fitted on."
        ),
    )


def tfidf_oof_strength(data_dir: str | os.PathLike[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold TF-IDF + LR strength probabilities of the claim-strength sentences (grouped 5-fold, seed 0),
    their labels and sources."""
    from sciwire.fidelity.evaluate import grouped_folds, tfidf_classifier
    from sciwire.fidelity.train import strength_data

    texts, y, sources, groups = strength_data(data_dir)
    folds = grouped_folds([f"{s}{label}" for s, label in zip(sources, y, strict=True)], groups, 5, 0)
    probs = np.zeros((len(y), 4))
    for train, test in folds:
        model = tfidf_classifier().fit([texts[i] for i in train], y[train])
        probs[test] = model.predict_proba([texts[i] for i in test])
    return probs, y, sources


def train_pairs_on_data(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    checks: str | os.PathLike[str] | None = None,
    command: str = "sciwire train pairs",
    on_progress: Progress | None = None,
) -> TrainResult:
    """``sciwire train pairs``: fit the pair verdict on the research data folder and write ``out``.

    The fitting pairs use out-of-fold TF-IDF + LR strength probabilities; the checks' precision
    comes from the InSciOut pairs (claim-strength checks only) and, when given, a JSONL file of
    pairs written by you (``paper``, ``story``, ``label``: downplays / same / exaggerates).
    """
    import json
    from pathlib import Path

    from sciwire.datasets.fidelity import fidelity_files, load_exaggeration_pairs
    from sciwire.errors import InputError

    probs, y, sources = tfidf_oof_strength(data_dir)
    if on_progress is not None:
        on_progress(1)
    labelled: list[dict[str, Any]] = [
        {"paper": p.paper, "story": p.story, "label": p.label, "strength_only": True}
        for p in load_exaggeration_pairs(data_dir)
    ]
    if checks is not None:
        path = Path(checks)
        try:
            extra = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except (OSError, ValueError) as exc:
            raise InputError(
                f"Cannot read the check pairs {path}: {exc}; expected JSONL with paper, story, label"
            ) from exc
        if not all({"paper", "story", "label"} <= set(x) for x in extra):
            raise InputError(f"Every line of {path} needs 'paper', 'story' and 'label'")
        labelled += extra
    from sciwire.datasets.fidelity import VERDICT_LABELS
    from sciwire.fidelity.bundle import FidelityModels

    pairs = load_exaggeration_pairs(data_dir)
    strength = FidelityModels.load((config or load_config()).fidelity.model_dir or None)
    real = (
        strength.strength_proba([p.paper for p in pairs]),
        strength.strength_proba([p.story for p in pairs]),
        np.array([VERDICT_LABELS.index(p.label) for p in pairs]),
    )
    files = fidelity_files(data_dir, "claim_strength", "exaggeration")
    return train_pairs(probs, y, sources, out, labelled, real=real, command=command,
                       data={"fidelity": data_hash(files)},
                       extra_metrics={"oof_strength": "TF-IDF + LR (out of fold)"})  # fmt: skip
