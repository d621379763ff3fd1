"""Fit and measure news <-> paper linking on CD²CR: the paper finder and cross-document coreference.

Protocol (see docs/linking.md):

Paper finder. Every CD²CR news summary (train 150, dev 71) is ranked against all 238
abstracts of sci_papers.json. Evidence: BM25 share, lead-embedding cosine, mean sentence
alignment probability (metadata evidence is zero here: CD²CR has no titles, bylines or DOIs
in the stories). A logistic regression on **train** (own paper vs the 237 others, no class
weights, so the probability keeps the 1-in-238 prior; C=10) gives the intercept and the
weights of bm25, cosine and align. Dev: top-1, top-5,
MRR; dev-clean drops topics whose story or paper also occurs in train; "same paper" counts a
hit when the top paper is another entry of the gold paper (same DOI, or abstracts with
embedding cosine >= 0.97: preprint and journal version).

Coreference. Each topic (one story + its abstract) is clustered on its own. The pair scorer
(logistic regression, calibrated, no class weights) is fitted on all gold-mention pairs of
train; every threshold (sciwire and baselines) is the best CoNLL F1 on train. Dev is scored
with gold mentions and with predicted mentions (key: all gold mentions, singletons included).
The checklist of 210 pairs refers to held-back test documents; a dev proxy with the same
three categories (balanced coreferent / not) is reported instead.

Mention filter. A logistic regression over the candidate features of
:mod:`sciwire.linking.mention_filter` is fitted on the predicted mentions of train (label: the
span is a gold mention's); its threshold is the best train predicted-mention CoNLL F1 (the
sciwire scorer's clusters; mention precision is reported, not constrained). Dev is then
scored once with all candidates and with the filtered ones, for exact match, head-lemma and
sciwire on the same mentions, so the filter's gain and the scorer's gain are separable.

The fitting is the library's (:mod:`sciwire.linking.train`, also ``sciwire train link``); the
"shipped" rows use the model folders ``link.finder_model`` and ``link.coref_model`` name
(default: ``sciwire/models/link_finder_default`` and ``link_coref_default``).

Run: ``python benchmarks/linking.py [--data DIR] [--write]`` (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
from _common import header, markdown_table, update_section
from linking_eval import checklist_proxy, describe_checklist, finder_errors

from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_parser import load_spacy_parser
from sciwire.backends.token_vectors import load_token_encoder
from sciwire.config import load_config
from sciwire.datasets.cdcr import load_papers, load_split, news_with_papers
from sciwire.datasets.cdcr_coref import load_coref_split
from sciwire.document import Document
from sciwire.fitting import expected_calibration_error
from sciwire.linking.cdcr import key, prepare_topics, training_pairs
from sciwire.linking.coref import FEATURES, MentionSet, PairScorer, cluster
from sciwire.linking.evaluate import conll_f1
from sciwire.linking.finder import PaperFinder
from sciwire.linking.model import load_coref_model, load_finder_model, load_mention_model
from sciwire.linking.scores import EXACT, HEAD_LEMMA, coref_scores
from sciwire.linking.train import (
    COREF_FIT,
    cdcr_papers,
    filtered,
    fit_coref_scorer,
    fit_finder_scorer,
    fit_mention_filter,
    key_clusters,
    mention_scores,
    probability_labeler,
    rank_metrics,
    response_clusters,
    scorer_logit,
    tune_mention_threshold,
    tune_threshold,
)

T = TypeVar("T")


def cached(cfg, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the cache folder between runs (``--fresh`` deletes it); local use only."""
    path = Path(cfg.paths.cache_dir) / "benchmarks" / f"linking-{name}-{cfg.models.embedding.replace('/', '_')}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump(value, fh)
    return value


def _weights_line(weights: dict[str, float], intercept: float) -> str:
    return ", ".join(f"{k}={v}" for k, v in {**weights, "intercept": intercept}.items())


def finder_section(cfg, embedder: Embedder) -> tuple[str, dict[str, float]]:
    data = cfg.paths.data_dir
    raw = load_papers(data)
    papers = cdcr_papers(raw)
    splits = {s: news_with_papers(load_split(data, s)) for s in ("train", "dev")}
    finder = PaperFinder(cfg, embedder).index(papers)
    ids = [p.id for p in papers]
    evidence = cached(
        cfg,
        "finder-evidence",
        lambda: {
            s: [(finder.evidence(Document(d.doc_id, "news", "", d.text)), ids.index(pid)) for d, pid in pairs]
            for s, pairs in splits.items()
        },
    )
    t0 = time.perf_counter()
    for d, _ in splits["dev"][:10]:
        finder.evidence(Document(d.doc_id, "news", "", d.text))
    timing = f"{(time.perf_counter() - t0) / 10:.2f} s (10 dev stories, their sentence embeddings cached)"
    fitted = fit_finder_scorer(evidence["train"]).rounded(3)
    shipped = finder.model
    fitted_line = _weights_line(fitted.weights(), float(fitted.intercept_[0]))
    print("finder fitted:", fitted_line)

    train_ids = {d.doc_id for d, _ in splits["train"]} | {pid for _, pid in splits["train"]}
    clean = [i for i, (d, pid) in enumerate(splits["dev"]) if d.doc_id not in train_ids and pid not in train_ids]
    lead = finder.lead_vectors_
    dois = [(p.metadata.doi or "").lower().removeprefix("doi:") for p in papers]
    same = (lead @ lead.T >= 0.97) | (np.array(dois)[:, None] == np.array(dois)[None, :]) & (np.array(dois) != "")

    systems: list[tuple[str, Callable[[dict[str, float]], float]]] = [
        ("BM25 share only", lambda e: e["bm25"]),
        ("lead cosine only", lambda e: e["cosine"]),
        ("mean alignment probability only", lambda e: e["align"]),
        ("sciwire logistic (fitted above)", scorer_logit(fitted)),
        ("sciwire logistic (shipped model)", scorer_logit(shipped)),
    ]
    rows = []
    for name, score in systems:
        row: list[object] = [name]
        for split, subset, dedup in (("train", None, False), ("dev", None, False), ("dev", clean, False),
                                     ("dev", None, True)):  # fmt: skip
            items = evidence[split] if subset is None else [evidence[split][i] for i in subset]
            t1, t5, mrr = rank_metrics(items, score, same if dedup else None)
            row.append(f"{t1:.3f} / {t5:.3f} / {mrr:.3f}")
        rows.append(row)
    headers = ["ranker (top-1 / top-5 / MRR)", "train (n=150)", "dev (n=71)", f"dev-clean (n={len(clean)})",
               "dev, same paper counted (n=71)"]  # fmt: skip
    table = markdown_table(headers, rows)
    errors = finder_errors(evidence["dev"], scorer_logit(shipped), same, splits["dev"], raw)
    top_p, hit = [], []
    for evs, gold in evidence["dev"]:
        probs = np.array([finder.probability(e) for e in evs])
        top_p.append(probs.max())
        hit.append(int(np.argmax(probs) == gold))
    calib = (
        f"- Calibration (shipped model, dev): the top paper's probability averages {np.mean(top_p):.2f} for a "
        f"top-1 accuracy of {np.mean(hit):.2f}; ECE {expected_calibration_error(np.array(top_p), np.array(hit)):.3f} "
        "(15 bins)."
    )
    folder = shipped.folder.name if shipped.folder else cfg.link.finder_model
    body = (
        f"- Fitted on train: {fitted_line}; shipped: the model folder `{folder}` "
        f"({_weights_line(shipped.weights(), float(shipped.intercept_[0]))})\n"
        f"- Evidence per story against 238 abstracts: {timing}\n{calib}\n\n{table}\n\n{errors}"
    )
    return body, {**fitted.weights(), "intercept": float(fitted.intercept_[0])}


def cosine_labeler(threshold: float):
    def label(ms: MentionSet) -> np.ndarray:
        sim = np.clip(ms.context @ ms.context.T, 0, 1) if ms.mentions else np.zeros((0, 0))
        return cluster(sim, threshold) if len(sim) else np.zeros(0, dtype=int)

    return label


def coref_section(cfg, embedder: Embedder) -> tuple[str, dict[str, float]]:
    data = cfg.paths.data_dir
    nlp = load_spacy_parser(cfg.models.spacy)
    encoder = load_token_encoder(cfg.models.embedding, cfg.runtime.device)
    t0 = time.perf_counter()
    topics = {
        s: cached(cfg, f"topics-{s}", lambda s=s: prepare_topics(load_coref_split(data, s), nlp, encoder))
        for s in ("train", "dev")
    }
    print(f"prepared topics in {time.perf_counter() - t0:.0f}s")
    train, dev = topics["train"], topics["dev"]
    train_docs = {d for t in train for d in (t.story.id, t.paper.id)}
    train_ids = {d.split("_", 1)[1] for d in train_docs}
    clean = [
        t for t in dev if t.story.id.split("_", 1)[1] not in train_ids and t.paper.id.split("_", 1)[1] not in train_ids
    ]

    scorer, n_pairs, n_pos = fit_coref_scorer(train)
    xh, yh = training_pairs(train, same_head_only=True)
    head_scorer = PairScorer(**COREF_FIT).fit(xh, yh)
    threshold, _ = tune_threshold(train, lambda t: probability_labeler(scorer, t))
    stored = scorer.rounded(3)
    weights = _weights_line(stored.weights(), float(stored.intercept_[0])) + f", threshold={threshold}"
    print("coref fitted:", weights, f"(train pairs: {n_pairs}, positive {n_pos})")
    shipped_scorer = load_coref_model(cfg.link.coref_model)
    head_thr, _ = tune_threshold(train, lambda t: probability_labeler(head_scorer, t, same_head=True))
    cos_thr, _ = tune_threshold(train, cosine_labeler)
    systems = [
        ("exact string match", EXACT),
        ("head-lemma match", HEAD_LEMMA),
        (f"context-embedding cosine, average link (threshold {cos_thr})", cosine_labeler(cos_thr)),
        (f"head-lemma pre-filter + learned scorer (threshold {head_thr})",
         probability_labeler(head_scorer, head_thr, same_head=True)),
        (f"sciwire: learned scorer, all pairs (fitted, threshold {threshold})", probability_labeler(scorer, threshold)),
        (f"sciwire (shipped model, threshold {cfg.link.coref_threshold})",
         probability_labeler(shipped_scorer, cfg.link.coref_threshold)),
    ]  # fmt: skip
    rows = []
    for name, labeler in systems:
        row: list[object] = [name]
        for subset, which in ((dev, "gold"), (clean, "gold"), (dev, "predicted"), (dev, "predicted-no-singletons")):
            response = response_clusters(subset, which.split("-")[0], labeler)
            gold_key = key_clusters(subset)
            if which.endswith("no-singletons"):
                gold_key = [c for c in gold_key if len(c) > 1]
                response = [c for c in response if len(c) > 1]
            s = conll_f1(gold_key, response)
            row.append(f"{s['muc']:.3f} / {s['b3']:.3f} / {s['ceafe']:.3f} / **{s['conll']:.3f}**")
        rows.append(row)
    headers = ["system (MUC / B³ / CEAF-e / CoNLL F1)", "dev, gold mentions", f"dev-clean, gold (n={len(clean)})",
               "dev, predicted mentions", "dev, predicted, singletons removed (key and response)"]  # fmt: skip
    table = markdown_table(headers, rows)
    n_gold = sum(len(t.gold.mentions) for t in dev)
    n_pred = sum(len(t.predicted.mentions) for t in dev)
    hits = len({key(m) for t in dev for m in t.gold.mentions} & {key(m) for t in dev for m in t.predicted.mentions})
    mention_line = (
        f"Predicted mentions on dev: {n_pred} for {n_gold} gold; exact-span recall {hits / n_gold:.3f}, "
        f"precision {hits / n_pred:.3f} (CD²CR annotates only some of the noun phrases)."
    )
    proxy = checklist_proxy(dev, [(n.split(" (")[0], lab) for n, lab in systems if "fitted" not in n])
    folder = shipped_scorer.folder.name if shipped_scorer.folder else cfg.link.coref_model
    mention_body, mention_fit = mention_section(cfg, train, dev, scorer, threshold)
    body = (
        f"- Pair scorer fitted on {n_pairs} train gold-mention pairs ({n_pos} coreferent): {weights}; shipped: the "
        f"model folder `{folder}`\n"
        f"- Features: {', '.join(FEATURES)}\n\n{table}\n\n{mention_line}\n\n"
        f"{describe_checklist(data)}\n\n{proxy}\n\n"
        f"### Mention filter: predicted mentions, all candidates vs filtered\n\n{mention_body}"
    )
    return body, {**stored.weights(), "intercept": float(stored.intercept_[0]), "threshold": threshold,
                  **mention_fit}  # fmt: skip


def _mention_line(name: str, m: dict[str, float]) -> str:
    return (
        f"- {name}: {m['predicted']} predicted for {m['gold']} gold; exact-span precision **{m['precision']:.3f}**, "
        f"recall {m['recall']:.3f}, F1 {m['f1']:.3f}"
    )


def mention_section(cfg, train, dev, scorer, threshold: float) -> tuple[str, dict[str, float]]:
    """Fit and tune the mention filter on train; dev with all candidates and with the filtered ones."""
    labeler = probability_labeler(scorer, threshold)
    fitted = fit_mention_filter(train).rounded(3)
    m_thr, table = tune_mention_threshold(train, fitted, labeler)
    shipped = load_mention_model(cfg.link.mention_model if cfg.link.mention_model != "none" else "default")
    ship_thr = cfg.link.mention_threshold
    print("mention filter fitted:", _weights_line(fitted.weights(), float(fitted.intercept_[0])), "threshold", m_thr)
    dev_f = filtered(dev, shipped, ship_thr)
    shipped_scorer = load_coref_model(cfg.link.coref_model)
    systems = [
        ("exact string match", EXACT),
        ("head-lemma match", HEAD_LEMMA),
        ("sciwire (shipped pair scorer)", probability_labeler(shipped_scorer, cfg.link.coref_threshold)),
    ]
    rows = []
    for name, lab in systems:
        row: list[object] = [name]
        for topics, which in ((dev, "gold"), (dev, "predicted"), (dev_f, "predicted")):
            s = coref_scores(topics, which, lab)
            row.append(f"{s['muc']:.3f} / **{s['conll']:.3f}** / {s['conll_no_singletons']:.3f}")
        rows.append(row)
    headers = ["system (MUC F1 / CoNLL F1 / CoNLL F1 without singletons)", "dev, gold mentions",
               "dev, predicted: all candidates", f"dev, predicted: filtered (threshold {ship_thr})"]  # fmt: skip
    grid = markdown_table(
        ["threshold (train)", "CoNLL F1 (sciwire)", "mention precision", "mention recall", "mentions"],
        [[t, f"{v['conll']:.3f}", f"{v['precision']:.3f}", f"{v['recall']:.3f}", v["predicted"]]
         for t, v in table.items()],
    )  # fmt: skip
    folder = shipped.folder.name if shipped.folder else cfg.link.mention_model
    body = (
        f"- Mention filter fitted on the {sum(len(t.predicted.mentions) for t in train)} train candidates: "
        f"{_weights_line(fitted.weights(), float(fitted.intercept_[0]))}; threshold {m_thr} (best train CoNLL F1, "
        "predicted mentions, the sciwire scorer's clusters); shipped: the model folder "
        f"`{folder}` with `link.mention_threshold` = {ship_thr}\n"
        f"{_mention_line('Dev, all candidates', mention_scores(dev))}\n"
        f"{_mention_line('Dev, filtered', mention_scores(dev_f))}\n"
        f"{_mention_line('Train, filtered (in-sample)', mention_scores(filtered(train, fitted, m_thr)))}\n\n"
        f"{markdown_table(headers, rows)}\n\n<details><summary>Train threshold search</summary>\n\n{grid}\n\n"
        "</details>"
    )
    return body, {**{f"mention_{k}": v for k, v in fitted.weights().items()},
                  "mention intercept": float(fitted.intercept_[0]), "mention_threshold": m_thr}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", help="data folder (default: SCIWIRE_DATA or paths.data_dir)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--only", choices=["finder", "coref"], help="run one half")
    parser.add_argument("--fresh", action="store_true", help="recompute cached evidence and mentions")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"paths.data_dir={args.data}"] if args.data else None)
    if args.fresh:
        shutil.rmtree(Path(cfg.paths.cache_dir) / "benchmarks", ignore_errors=True)
    embedder = Embedder(cfg.models.embedding, cfg.runtime.device, cfg.runtime.batch_size, cfg.paths.cache_dir)
    t0 = time.perf_counter()
    parts, fitted = [], {}
    if args.only in (None, "finder"):
        body, f = finder_section(cfg, embedder)
        parts.append("### Paper finder: each news summary against all 238 abstracts\n\n" + body)
        fitted.update(f)
    if args.only in (None, "coref"):
        body, f = coref_section(cfg, embedder)
        parts.append("### Cross-document coreference (CoNLL F1)\n\n" + body)
        fitted.update({("coref intercept" if k == "intercept" else k): v for k, v in f.items()})
    text = "\n\n".join(parts)
    print(text)
    shipped: dict[str, float] = {}
    if args.only in (None, "finder"):
        m = load_finder_model(cfg.link.finder_model)
        shipped.update({**m.weights(), "intercept": float(m.intercept_[0])})
    if args.only in (None, "coref"):
        c = load_coref_model(cfg.link.coref_model)
        threshold = cfg.link.coref_threshold
        shipped.update({**c.weights(), "coref intercept": float(c.intercept_[0]), "threshold": threshold})
        mf = load_mention_model("default" if cfg.link.mention_model == "none" else cfg.link.mention_model)
        shipped.update({f"mention_{k}": v for k, v in mf.weights().items()})
        shipped.update({"mention intercept": float(mf.intercept_[0]), "mention_threshold": cfg.link.mention_threshold})
    print("fitted on train (stored to 3 decimals):", fitted)
    print("differ from the shipped model folders:", {k: v for k, v in fitted.items() if shipped.get(k) != v} or "none")
    print(f"total {time.perf_counter() - t0:.0f}s")
    if args.write and args.only is None:
        update_section(
            "linking", "News ↔ paper linking (CD²CR)", header("python benchmarks/linking.py --write") + "\n" + text
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
