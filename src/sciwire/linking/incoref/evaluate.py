"""LitBank document-level cross-validation: the mention ranker beside rule baselines, same folds.

For each fold (documents, not sentences, are split): the ranker is fitted on the other
folds' gold mentions; the mention detector on their candidates. Each held-out document is
then resolved twice: on its **gold mentions** and on **predicted mentions**. Chains of all
folds are pooled and scored once with the reference-scorer definitions
(:func:`sciwire.linking.evaluate.conll_f1`): MUC, B³, CEAF-e and their mean, with singletons
(LitBank annotates them) and without (singleton chains dropped from key and response).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

from sciwire.config import Config, load_config
from sciwire.datasets.litbank import CorefDocument
from sciwire.errors import InputError
from sciwire.linking.evaluate import conll_f1
from sciwire.linking.incoref.baselines import BASELINES
from sciwire.linking.incoref.features import MentionInfo
from sciwire.linking.incoref.mentions import MentionDetector, candidate_spans, detector_features
from sciwire.linking.incoref.model import MentionRanker
from sciwire.linking.incoref.prepare import DocInputs, prepare

logger = logging.getLogger(__name__)
MODEL = "mention ranker (MiniLM states)"

Chains = list[set[Hashable]]


def chains(doc_id: str, spans: Sequence[tuple[int, int]], labels: Sequence[int] | np.ndarray) -> Chains:
    """Chains of ``(doc_id, start, end)`` mention ids from per-mention labels."""
    groups: dict[int, set[Hashable]] = {}
    for (s, e), label in zip(spans, labels, strict=True):
        groups.setdefault(int(label), set()).add((doc_id, s, e))
    return list(groups.values())


def score(key: Chains, response: Chains) -> dict[str, float]:
    """CoNLL F1 (and MUC, B³, CEAF-e) with singletons, and ``*_no_singletons`` without them."""
    out = {k: round(v, 4) for k, v in conll_f1(key, response).items()}
    plural = conll_f1([c for c in key if len(c) > 1], [c for c in response if len(c) > 1])
    out.update({f"{k}_no_singletons": round(v, 4) for k, v in plural.items()})
    return out


Candidates = tuple[list[tuple[int, int]], np.ndarray]


def candidates(x: DocInputs) -> Candidates:
    """A document's candidate spans and their detector features."""
    spans = candidate_spans(x.facts)
    return spans, detector_features(x.facts, x.states, spans)


def fit_detector(
    inputs: Sequence[DocInputs], docs: Sequence[CorefDocument], cands: Sequence[Candidates] | None = None,
    **params: Any,
) -> MentionDetector:  # fmt: skip
    """A :class:`MentionDetector` fitted on the candidates of ``docs`` (label: the span is a gold mention)."""
    cands = cands if cands is not None else [candidates(x) for x in inputs]
    ys = [np.array([s in set(d.mentions) for s in spans], dtype=int) for d, (spans, _) in zip(docs, cands, strict=True)]
    return MentionDetector(**params).fit(np.vstack([f for _, f in cands]), np.concatenate(ys))


def detect(detector: MentionDetector, cands: Candidates) -> list[tuple[int, int]]:
    """The candidate spans the detector keeps, in text order."""
    spans, feats = cands
    if not spans:
        return []
    return [s for s, k in zip(spans, detector.predict(feats), strict=True) if k]


def _resolve_all(
    ranker: MentionRanker, x: DocInputs, doc_id: str, spans: list[tuple[int, int]]
) -> tuple[dict[str, Chains], list[MentionInfo]]:
    prepared, infos = prepare(x, spans)
    out = {MODEL: chains(doc_id, spans, ranker.predict([prepared])[0])}
    for name, rule in BASELINES.items():
        out[name] = chains(doc_id, spans, rule(infos))
    return out, infos


def cross_validate(
    docs: Sequence[CorefDocument],
    inputs: Sequence[DocInputs],
    folds: int = 5,
    seed: int = 0,
    ranker: dict[str, Any] | None = None,
    predicted: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Pooled out-of-fold scores of the ranker and the baselines, gold and predicted mentions.

    Returns:
        ``{"gold_mentions": {system: scores}, "predicted_mentions": {...}, "mention_detection":
        {precision, recall, f1}, "folds", "documents"}``.
    """
    order = np.random.default_rng(seed).permutation(len(docs))
    fold_of = np.empty(len(docs), dtype=int)
    fold_of[order] = np.arange(len(docs)) % folds
    key: Chains = []
    gold_resp: dict[str, Chains] = {}
    pred_resp: dict[str, Chains] = {}
    found = correct = 0
    gold_docs = [prepare(x, d.mentions, d.cluster_of)[0] for d, x in zip(docs, inputs, strict=True)]
    cands = [candidates(x) for x in inputs] if predicted else []
    for f in range(folds):
        train = [i for i in range(len(docs)) if fold_of[i] != f]
        test = [i for i in range(len(docs)) if fold_of[i] == f]
        model = MentionRanker(**(ranker or {})).fit([gold_docs[i] for i in train])
        detector = (fit_detector([inputs[i] for i in train], [docs[i] for i in train], [cands[i] for i in train])
                    if predicted else None)  # fmt: skip
        for i in test:
            d = docs[i]
            key += chains(d.doc_id, d.mentions, d.cluster_of)
            for name, c in _resolve_all(model, inputs[i], d.doc_id, list(d.mentions))[0].items():
                gold_resp.setdefault(name, []).extend(c)
            if detector is not None:
                spans = detect(detector, cands[i])
                found += len(spans)
                correct += len(set(spans) & set(d.mentions))
                for name, c in _resolve_all(model, inputs[i], d.doc_id, spans)[0].items():
                    pred_resp.setdefault(name, []).extend(c)
        logger.info("fold %d of %d done", f + 1, folds)
        if on_progress is not None:
            on_progress(1)
    total = sum(len(d.mentions) for d in docs)
    out: dict[str, Any] = {"folds": folds, "documents": len(docs), "mentions": total,
                           "gold_mentions": {k: score(key, v) for k, v in gold_resp.items()}}  # fmt: skip
    if predicted:
        p, r = correct / max(found, 1), correct / max(total, 1)
        out["predicted_mentions"] = {k: score(key, v) for k, v in pred_resp.items()}
        out["mention_detection"] = {"precision": round(p, 4), "recall": round(r, 4),
                                    "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}  # fmt: skip
    return out


def evaluate_coref(
    data_dir: str | os.PathLike[str],
    config: Config | None = None,
    *,
    model: str = "default",
    folds: int = 5,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """``sciwire evaluate coref``: LitBank cross-validation (a fresh ranker per fold) and GAP validation.

    Args:
        data_dir: The research data folder (``litbank/``, ``gap/``).
        config: Settings (``models.spacy``).
        model: The model scored on GAP validation: ``"default"`` or a folder from ``sciwire train coref``.
        folds: LitBank folds (documents are split, 2-20).
        on_progress: Called with 1 per document read and per fold.

    Raises:
        InputError: Fewer than 2 or more than 20 folds, or missing data.
    """
    from sciwire.linking.incoref.bundle import CorefModel
    from sciwire.linking.incoref.corpus import read_corpora
    from sciwire.linking.incoref.gap import evaluate_gap

    if not 2 <= folds <= 20:
        raise InputError(f"folds must be between 2 and 20; got {folds}")
    fitted = CorefModel.load(model)
    docs, inputs, gaps = read_corpora(data_dir, config or load_config(), fitted.layer, ("validation",), on_progress)
    return {"litbank_cv": cross_validate(docs, inputs, folds, on_progress=on_progress),
            "gap_validation": evaluate_gap(gaps["validation"], {"model": fitted})}  # fmt: skip


def markdown_tables(metrics: dict[str, Any]) -> str:
    """The results of :func:`evaluate_coref` as Markdown tables (LitBank, then GAP)."""
    cv = metrics["litbank_cv"]
    head = (
        "| system | mentions | CoNLL F1 | MUC | B³ | CEAF-e | CoNLL F1 w/o singletons |\n|---|---|---|---|---|---|---|"
    )
    rows = [head]
    for setting in ("gold_mentions", "predicted_mentions"):
        for name, s in cv.get(setting, {}).items():
            rows.append(f"| {name} | {setting.split('_')[0]} | {s['conll']:.3f} | {s['muc']:.3f} | {s['b3']:.3f} | "
                        f"{s['ceafe']:.3f} | {s['conll_no_singletons']:.3f} |")  # fmt: skip
    det = cv.get("mention_detection")
    lines = [f"LitBank, {cv['folds']}-fold document cross-validation ({cv['documents']} documents, "
             f"{cv['mentions']} gold mentions):", "", *rows]  # fmt: skip
    if det:
        lines += ["", f"Mention detection: precision {det['precision']:.3f}, recall {det['recall']:.3f}, "
                      f"F1 {det['f1']:.3f}."]  # fmt: skip
    gap = ["| system | F1 | F1 masculine | F1 feminine | bias F/M |", "|---|---|---|---|---|"]
    for name, s in metrics["gap_validation"].items():
        gap.append(
            f"| {name} | {s['f1']:.3f} | {s['f1_masculine']:.3f} | {s['f1_feminine']:.3f} | {s['bias_f_m']:.2f} |"
        )
    return "\n".join([*lines, "", "GAP validation (snippet context):", "", *gap])
