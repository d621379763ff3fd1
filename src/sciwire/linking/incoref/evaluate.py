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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.config import Config, load_config
from sciwire.datasets.litbank import CorefDocument
from sciwire.errors import InputError
from sciwire.linking.evaluate import b_cubed, ceaf_e, muc
from sciwire.linking.incoref.baselines import BASELINES
from sciwire.linking.incoref.features import MentionInfo
from sciwire.linking.incoref.mentions import MentionDetector, candidate_spans, detector_features
from sciwire.linking.incoref.model import MentionRanker, Prepared
from sciwire.linking.incoref.prepare import DocInputs, prepare

if TYPE_CHECKING:
    from sciwire.linking.incoref.bundle import CorefModel

logger = logging.getLogger(__name__)
MODEL = "mention ranker (MiniLM states)"

Chains = list[set[Hashable]]


def chains(doc_id: str, spans: Sequence[tuple[int, int]], labels: Sequence[int] | np.ndarray) -> Chains:
    """Chains of ``(doc_id, start, end)`` mention ids from per-mention labels."""
    groups: dict[int, set[Hashable]] = {}
    for (s, e), label in zip(spans, labels, strict=True):
        groups.setdefault(int(label), set()).add((doc_id, s, e))
    return list(groups.values())


def _pooled_conll(key: Chains, response: Chains) -> dict[str, float]:
    """:func:`~sciwire.linking.evaluate.conll_f1` over many documents: MUC and B³ on the pooled chains (sums
    per chain), CEAF-e aligned within each document and summed (the reference scorer's micro average;
    one Hungarian alignment over all documents would be cubic in the number of chains)."""
    out = {"muc": muc(key, response).f1, "b3": b_cubed(key, response).f1}
    by_doc: dict[Hashable, tuple[Chains, Chains]] = {}
    for c in key:
        by_doc.setdefault(_doc(c), ([], []))[0].append(c)
    for c in response:
        by_doc.setdefault(_doc(c), ([], []))[1].append(c)
    total = 0.0
    for k, r in by_doc.values():
        if k and r:
            total += ceaf_e(k, r).precision * len(r)
    p, rec = total / max(len(response), 1), total / max(len(key), 1)
    out["ceafe"] = 2 * p * rec / (p + rec) if p + rec else 0.0
    out["conll"] = (out["muc"] + out["b3"] + out["ceafe"]) / 3
    return out


def _doc(chain: set[Hashable]) -> Hashable:
    first = next(iter(chain))
    return first[0] if isinstance(first, tuple) else None


def score(key: Chains, response: Chains) -> dict[str, float]:
    """CoNLL F1 (and MUC, B³, CEAF-e) with singletons, and ``*_no_singletons`` without them.

    Mention ids are ``(doc_id, start, end)``; CEAF-e is aligned within each document.
    """
    out = {k: round(v, 4) for k, v in _pooled_conll(key, response).items()}
    plural = _pooled_conll([c for c in key if len(c) > 1], [c for c in response if len(c) > 1])
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


@dataclass
class FoldChains:
    """Out-of-fold chains of one fold: the key, and each system's response on gold / predicted mentions."""

    key: Chains
    gold: dict[str, Chains]
    predicted: dict[str, Chains]
    found: int = 0
    correct: int = 0


def fold_of(n: int, folds: int, seed: int = 0) -> np.ndarray:
    """The fold of each of ``n`` documents (a seeded shuffle, then round robin)."""
    order = np.random.default_rng(seed).permutation(n)
    out = np.empty(n, dtype=int)
    out[order] = np.arange(n) % folds
    return out


#: What forked workers of :func:`cross_validate` read (set before the pool starts; never pickled).
_SHARED: dict[str, Any] = {}


def run_fold(f: int) -> FoldChains:
    """Fit on the other folds and resolve fold ``f`` (reads :data:`_SHARED`)."""
    docs, inputs, gold_docs, cands = (_SHARED[k] for k in ("docs", "inputs", "gold_docs", "cands"))
    where = _SHARED["fold_of"]
    train = [i for i in range(len(docs)) if where[i] != f]
    test = [i for i in range(len(docs)) if where[i] == f]
    model = MentionRanker(**_SHARED["ranker"]).fit([gold_docs[i] for i in train] + list(_SHARED["extra"]))
    detector = (fit_detector([inputs[i] for i in train], [docs[i] for i in train], [cands[i] for i in train])
                if cands else None)  # fmt: skip
    out = resolve_documents(model, detector, [docs[i] for i in test], [inputs[i] for i in test],
                            [cands[i] for i in test] if cands else None)  # fmt: skip
    logger.info("fold %d done", f + 1)
    return out


def resolve_documents(
    ranker: MentionRanker,
    detector: MentionDetector | None,
    docs: Sequence[CorefDocument],
    inputs: Sequence[DocInputs],
    cands: Sequence[Candidates] | None = None,
) -> FoldChains:
    """The key chains of ``docs`` and each system's chains on their gold mentions and, with a
    ``detector``, on the mentions it keeps of the candidates (``cands``, else computed)."""
    out = FoldChains([], {}, {})
    for k, (d, x) in enumerate(zip(docs, inputs, strict=True)):
        out.key += chains(d.doc_id, d.mentions, d.cluster_of)
        for name, c in _resolve_all(ranker, x, d.doc_id, list(d.mentions))[0].items():
            out.gold.setdefault(name, []).extend(c)
        if detector is not None:
            spans = detect(detector, cands[k] if cands is not None else candidates(x))
            out.found += len(spans)
            out.correct += len(set(spans) & set(d.mentions))
            for name, c in _resolve_all(ranker, x, d.doc_id, spans)[0].items():
                out.predicted.setdefault(name, []).extend(c)
    return out


def cross_validate(
    docs: Sequence[CorefDocument],
    inputs: Sequence[DocInputs],
    folds: int = 5,
    seed: int = 0,
    ranker: dict[str, Any] | None = None,
    predicted: bool = True,
    jobs: int = 1,
    on_progress: Callable[[int], None] | None = None,
    extra_train: Sequence[Prepared] = (),
) -> dict[str, Any]:
    """Pooled out-of-fold scores of the ranker and the baselines, gold and predicted mentions.

    Args:
        jobs: Folds fitted at once in forked processes (1: in this process).
        extra_train: Prepared documents added to every fold's ranker training (GAP development,
            :func:`~sciwire.linking.incoref.gap.training_doc`); never scored.

    Returns:
        ``{"gold_mentions": {system: scores}, "predicted_mentions": {...}, "mention_detection":
        {precision, recall, f1}, "folds", "documents", "mentions"}``.
    """
    _SHARED.update(docs=docs, inputs=inputs, fold_of=fold_of(len(docs), folds, seed), ranker=ranker or {},
                   extra=extra_train,
                   gold_docs=[prepare(x, d.mentions, d.cluster_of)[0] for d, x in zip(docs, inputs, strict=True)],
                   cands=[candidates(x) for x in inputs] if predicted else [])  # fmt: skip
    results: list[FoldChains] = []
    try:
        if jobs > 1:
            with fold_pool(jobs) as pool:
                for r in pool.map(run_fold, range(folds)):
                    results.append(r)
                    if on_progress is not None:
                        on_progress(1)
        else:
            for f in range(folds):
                results.append(run_fold(f))
                if on_progress is not None:
                    on_progress(1)
    finally:
        _SHARED.clear()
    return pooled(results, sum(len(d.mentions) for d in docs), folds, len(docs))


def _one_thread() -> None:
    import torch

    torch.set_num_threads(1)


def fold_pool(jobs: int) -> Any:
    """``jobs`` forked worker processes (they inherit the read corpora) with one torch thread each.

    A forked child whose parent has already run torch's OpenMP thread pool (encoding the corpora on
    a first, uncached read) hangs at its first multi-threaded matrix product; with one thread it
    runs none, and ``jobs`` workers on as many cores do not oversubscribe them.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=_one_thread)


def pooled(results: Sequence[FoldChains], mentions: int, folds: int, documents: int) -> dict[str, Any]:
    """The scores of the pooled chains of every fold."""
    key = [c for r in results for c in r.key]
    out: dict[str, Any] = {"folds": folds, "documents": documents, "mentions": mentions}
    for setting in ("gold", "predicted"):
        systems = [n for n in (MODEL, *BASELINES) if any(n in getattr(r, setting) for r in results)]
        if systems:
            out[f"{setting}_mentions"] = {
                name: score(key, [c for r in results for c in getattr(r, setting).get(name, [])]) for name in systems
            }
    found, correct = sum(r.found for r in results), sum(r.correct for r in results)
    if found:
        p, r_ = correct / found, correct / max(mentions, 1)
        out["mention_detection"] = {"precision": round(p, 4), "recall": round(r_, 4),
                                    "f1": round(2 * p * r_ / (p + r_) if p + r_ else 0.0, 4)}  # fmt: skip
    return out


def score_model(model: CorefModel, docs: Sequence[CorefDocument], inputs: Sequence[DocInputs]) -> dict[str, Any]:
    """A fitted model (its ranker and its mention detector) and the baselines on every document, nothing
    fitted: the scores of :func:`cross_validate` for documents the model never saw."""
    out = resolve_documents(model.ranker, model.detector, docs, inputs)
    scores = pooled([out], sum(len(d.mentions) for d in docs), 0, len(docs))
    del scores["folds"]
    return scores


#: What ``evaluate_coref`` does with LitBank: cross-validate fresh rankers, or score the given model.
LITBANK_MODES: tuple[str, ...] = ("cv", "model")


def evaluate_coref(
    data_dir: str | os.PathLike[str],
    config: Config | None = None,
    *,
    model: str = "default",
    folds: int = 5,
    jobs: int = 1,
    litbank: str = "cv",
    gap_split: str = "validation",
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """``sciwire evaluate coref``: LitBank (cross-validation, or the model itself) and a GAP split.

    Args:
        data_dir: The research data folder (``litbank/``, ``gap/``).
        config: Settings (``models.spacy``).
        model: The model scored on GAP (and on LitBank with ``litbank="model"``): ``"default"`` or a folder
            from ``sciwire train coref``.
        folds: LitBank folds (documents are split, 2-20) with ``litbank="cv"``.
        jobs: Folds fitted at once (forked processes).
        litbank: ``"cv"``: a fresh ranker per fold (``litbank_cv`` in the result); ``"model"``: ``model`` on
            every LitBank document of ``data_dir`` (``litbank_model``): for documents it never saw, such as
            LitBank's 20 that are not in the shared data (the shipped model was fitted on the other 80).
        gap_split: The GAP file scored (``gap-{split}.tsv``): ``validation``, ``test`` or ``development``;
            the result's key is ``gap_{split}``.
        on_progress: Called with 1 per document read and per fold.

    Raises:
        InputError: Fewer than 2 or more than 20 folds, an unknown mode or GAP split, or missing data.
    """
    from sciwire.linking.incoref.bundle import CorefModel
    from sciwire.linking.incoref.corpus import read_corpora
    from sciwire.linking.incoref.gap import evaluate_gap

    if litbank not in LITBANK_MODES:
        raise InputError(f"litbank must be one of {', '.join(LITBANK_MODES)}; got {litbank!r}")
    if litbank == "cv" and not 2 <= folds <= 20:
        raise InputError(f"folds must be between 2 and 20; got {folds}")
    fitted = CorefModel.load(model)
    docs, inputs, gaps = read_corpora(data_dir, config or load_config(), fitted.layer, (gap_split,), on_progress)
    lit = (
        {"litbank_cv": cross_validate(docs, inputs, folds, jobs=jobs, on_progress=on_progress)}
        if litbank == "cv"
        else {"litbank_model": score_model(fitted, docs, inputs)}
    )
    return {**lit, f"gap_{gap_split}": evaluate_gap(gaps[gap_split], {"model": fitted})}


def markdown_tables(metrics: dict[str, Any]) -> str:
    """The results of :func:`evaluate_coref` as Markdown tables (LitBank, then GAP)."""
    cv = metrics["litbank_cv"] if "litbank_cv" in metrics else metrics["litbank_model"]
    head = (
        "| system | mentions | CoNLL F1 | MUC | B³ | CEAF-e | CoNLL F1 w/o singletons |\n|---|---|---|---|---|---|---|"
    )
    rows = [head]
    for setting in ("gold_mentions", "predicted_mentions"):
        for name, s in cv.get(setting, {}).items():
            rows.append(f"| {name} | {setting.split('_')[0]} | {s['conll']:.3f} | {s['muc']:.3f} | {s['b3']:.3f} | "
                        f"{s['ceafe']:.3f} | {s['conll_no_singletons']:.3f} |")  # fmt: skip
    det = cv.get("mention_detection")
    how = f"{cv['folds']}-fold document cross-validation" if "folds" in cv else "the model itself, nothing fitted"
    lines = [f"LitBank, {how} ({cv['documents']} documents, {cv['mentions']} gold mentions):", "", *rows]
    if det:
        lines += ["", f"Mention detection: precision {det['precision']:.3f}, recall {det['recall']:.3f}, "
                      f"F1 {det['f1']:.3f}."]  # fmt: skip
    gap = ["| system | F1 | F1 masculine | F1 feminine | bias F/M |", "|---|---|---|---|---|"]
    gap_key = next(k for k in metrics if k.startswith("gap_"))
    for name, s in metrics[gap_key].items():
        gap.append(
            f"| {name} | {s['f1']:.3f} | {s['f1_masculine']:.3f} | {s['f1_feminine']:.3f} | {s['bias_f_m']:.2f} |"
        )
    return "\n".join([*lines, "", f"GAP {gap_key[4:]} (snippet context):", "", *gap])
