"""Measuring answer selection: paper rankings, MRR@10, top-k, and the answer confidence's ECE.

``sciwire evaluate qa`` runs :func:`evaluate_retrieval` on PubMedQA PQA-L (or any list of
``(question, gold paper id)`` pairs over a store): each question is asked against every
abstract's sentences, a paper's rank is the rank of its best sentence, and BM25, dense and
hybrid retrieval are scored side by side, with the answer confidence's calibration (ECE) on
whether the top answer comes from the gold paper.

Example:
    >>> reciprocal_rank(["a", "b", "c"], "b")
    0.5
    >>> ranking_metrics([["a", "b"], ["c", "a"]], ["a", "a"])
    {'mrr@10': 0.75, 'top1': 0.5, 'top5': 1.0, 'n': 2}
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.config import Config, load_config
from sciwire.fitting import expected_calibration_error
from sciwire.qa.abstracts import Candidates
from sciwire.qa.retrieval import Ranked, Retriever
from sciwire.store import Store

#: Retrieval modes compared by :func:`evaluate_retrieval` (the hybrid one with the configured fusion).
MODES: tuple[str, ...] = ("bm25", "dense", "hybrid")


def paper_ranking(retriever: Retriever, question: str, mode: str = "hybrid") -> tuple[list[str], list[Ranked]]:
    """Papers in the order of their best sentence for ``question``, and the ranked sentences."""
    ranked = retriever.rank(question, mode)
    return list(dict.fromkeys(r.key[0] for r in ranked)), ranked


def reciprocal_rank(papers: Sequence[str], gold: str, cutoff: int = 10) -> float:
    """1 / rank of ``gold`` among ``papers`` when within ``cutoff``, else 0."""
    rank = papers.index(gold) + 1 if gold in papers else None
    return 1.0 / rank if rank and rank <= cutoff else 0.0


def ranking_metrics(rankings: Sequence[Sequence[str]], gold: Sequence[str]) -> dict[str, Any]:
    """MRR@10, top-1 and top-5 accuracy of the gold ids in the rankings (one ranking per question)."""
    rr = [reciprocal_rank(r, g) for r, g in zip(rankings, gold, strict=True)]
    top1 = [bool(r) and r[0] == g for r, g in zip(rankings, gold, strict=True)]
    top5 = [g in r[:5] for r, g in zip(rankings, gold, strict=True)]
    n = len(rr)
    return {
        "mrr@10": float(np.mean(rr)) if n else 0.0,
        "top1": float(np.mean(top1)) if n else 0.0,
        "top5": float(np.mean(top5)) if n else 0.0,
        "n": n,
    }


def evaluate_retrieval(
    store: Store,
    embedder: Encoder,
    questions: Sequence[tuple[str, str]],
    config: Config | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Score each retrieval mode on ``(question, gold paper id)`` pairs over ``store``.

    Returns:
        ``{mode: {"mrr@10", "top1", "top5", "n"}}`` for BM25, dense and hybrid (``qa.fusion``),
        plus ``"confidence"``: the ECE of the hybrid top answer's confidence against "it comes
        from the gold paper", and that rate.
    """
    config = config or load_config()
    out: dict[str, Any] = {}
    confidences, hits = [], []
    for mode in MODES:
        retriever = Retriever(store, embedder, config.qa)
        rankings = []
        for question, gold in questions:
            papers, ranked = paper_ranking(retriever, question, mode)
            rankings.append(papers)
            if mode == "hybrid" and ranked:
                best = ranked[0]
                confidences.append(retriever.confidence(best.cosine, best.bm25_rank, best.dense_rank))
                hits.append(int(best.key[0] == gold))
            if on_progress is not None:
                on_progress(1)
        out[mode] = ranking_metrics(rankings, [g for _, g in questions])
    out["confidence"] = {
        "ece": expected_calibration_error(np.array(confidences), np.array(hits)) if hits else 0.0,
        "top_answer_from_gold_paper": float(np.mean(hits)) if hits else 0.0,
    }
    return out


def evaluate_pubmedqa(
    data_dir: str | os.PathLike[str] | None = None,
    config: Config | None = None,
    embedder: Encoder | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """:func:`evaluate_retrieval` on PubMedQA PQA-L: every question against all its abstracts (``sciwire evaluate qa``).

    Raises:
        InputError: When the PubMedQA file is missing under the data folder.
    """
    from sciwire.backends.embeddings import Embedder
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.datasets.pubmedqa import load_pubmedqa
    from sciwire.qa.train import pubmedqa_store

    config = config or load_config()
    items = load_pubmedqa(data_dir or config.paths.data_dir)
    encoder = embedder or Embedder.from_config(config)
    with pubmedqa_store(items, encoder, load_spacy(config.models.spacy)) as store:
        return evaluate_retrieval(store, encoder, [(it.question, it.pmid) for it in items], config, on_progress)


# ---- within one paper ----------------------------------------------------------------------
def top_first(scores: np.ndarray) -> np.ndarray:
    """Indices by descending score; equal scores keep document order."""
    s = np.asarray(scores, dtype=np.float64)
    return np.lexsort((np.arange(len(s)), -s))


def within_metrics(candidates: Sequence[Candidates], scores: Sequence[np.ndarray]) -> dict[str, float]:
    """How a ranking of each question's candidate sentences does (see :mod:`sciwire.qa.abstracts`).

    Returns:
        ``mrr``: mean 1 / rank of the first answer-carrying sentence (questions with one);
        ``top1_answer``: share of top sentences that carry the answer (own RESULTS/CONCLUSIONS);
        ``top1_background``: share from the own abstract's BACKGROUND/OBJECTIVE;
        ``top1_other_paper``: share from another abstract (pooled candidates); ``n``: questions.

    Example:
        >>> import numpy as np
        >>> from sciwire.qa.abstracts import Candidates
        >>> z = np.zeros(2)
        >>> c = Candidates("1", "q", ("a", "b"), ("background", "answer"), ("1", "1"), z, z, z, z, z)
        >>> within_metrics([c], [np.array([0.9, 0.1])])["mrr"]
        0.5
    """
    rr, answer, background, other = [], [], [], []
    for c, s in zip(candidates, scores, strict=True):
        order = top_first(s)
        pos, own = c.positive, c.own
        top = int(order[0])
        answer.append(bool(pos[top]))
        background.append(bool(own[top]) and c.kinds[top] == "background")
        other.append(not own[top])
        hits = np.flatnonzero(pos[order])
        if len(hits):
            rr.append(1.0 / (hits[0] + 1))
    mean = lambda v: float(np.mean(v)) if v else 0.0  # noqa: E731
    return {
        "mrr": mean(rr),
        "top1_answer": mean(answer),
        "top1_background": mean(background),
        "top1_other_paper": mean(other),
        "n": float(len(rr)),
    }
