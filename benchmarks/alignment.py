"""Tune and measure story <-> paper alignment on CD²CR.

Protocol (see docs/alignment.md):
1. Every CD²CR abstract (238, sci_papers.json) and news summary (train, dev) is split into
   sentences by sciwire's own pipeline and embedded with the configured model.
2. Calibration, on **train only**: for each train news sentence, the positive example is its
   best pair (cosine + lexical) in its own paper; negatives are the best pairs in the 5 most
   similar *other* papers (hard negatives). A logistic regression on (cosine, lexical) gives
   the match probability; the threshold is chosen on train to maximise document-level top-1.
3. Evaluation on **dev**: each news summary is aligned against all 238 abstracts; the
   predicted paper is the one with the most aligned sentences (ties: higher summed
   probability). We report top-1 accuracy, also without dev topics whose paper or story
   occurs in train, next to a cosine-only baseline and a lexical-only (BM25-like) baseline.

The fitting is the library's (:mod:`sciwire.align.train`, also ``sciwire train align``); the
"shipped" rows use the model folder ``align.model`` names (default: ``sciwire/models/align_default``).

Run: ``python benchmarks/alignment.py [--data ../shared/data] [--write]``; ``--write``
updates docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from _common import header, markdown_table, update_section

from sciwire.align.aligner import match_probability
from sciwire.align.model import load_align_model
from sciwire.align.train import best_threshold, fit_align_scorer, load_align_data, pair_examples
from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import load_config
from sciwire.fitting import LogisticScorer


def rank_papers(
    feats: dict[str, tuple[np.ndarray, np.ndarray]], model: LogisticScorer, threshold: float, mode: str
) -> list[str]:
    """Papers best first: most aligned sentences, ties broken by summed best probability.

    Baselines rank by the summed best cosine ("cosine") or best lexical overlap ("lexical");
    "probability" ranks by the summed best match probability, ignoring the threshold.
    """
    keys = []
    for pid, (cos, lex) in feats.items():
        if mode == "cosine":
            keys.append((0.0, float(cos.max(axis=1).sum()), pid))
        elif mode == "lexical":
            keys.append((0.0, float(lex.max(axis=1).sum()), pid))
        elif mode == "probability":
            keys.append((0.0, float(match_probability(cos, lex, model).max(axis=1).sum()), pid))
        else:
            prob = match_probability(cos, lex, model).max(axis=1)
            keys.append((float((prob >= threshold).sum()), float(prob.sum()), pid))
    keys.sort(key=lambda k: (-k[0], -k[1]))
    return [k[2] for k in keys]


def topk(feats_by_news, pairs, model, threshold, mode, candidates=None) -> tuple[float, float]:
    """Top-1 and top-5 accuracy of the own paper among ``candidates`` (default: all papers)."""
    hits1, hits5 = [], []
    for d, pid in pairs:
        f = feats_by_news[d.doc_id]
        if candidates is not None:
            f = {p: v for p, v in f.items() if p in candidates}
        ranking = rank_papers(f, model, threshold, mode)
        hits1.append(ranking[:1] == [pid])
        hits5.append(pid in ranking[:5])
    return float(np.mean(hits1)), float(np.mean(hits5))


def expected_calibration_error(prob: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """ECE with equal-width bins."""
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(prob, edges) - 1, 0, bins - 1)
    return float(
        sum(
            abs(prob[idx == b].mean() - y[idx == b].mean()) * (idx == b).mean() for b in range(bins) if (idx == b).any()
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="data folder (default: SCIWIRE_DATA or paths.data_dir)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"paths.data_dir={args.data}"] if args.data else None)
    data = cfg.paths.data_dir
    t0 = time.perf_counter()
    nlp = load_spacy(cfg.models.spacy)
    embedder = Embedder(cfg.models.embedding, cfg.runtime.device, cfg.runtime.batch_size, cfg.paths.cache_dir)
    prepared = load_align_data(data, embedder, nlp, ("train", "dev"))
    splits, feats = prepared.pairs, prepared.features
    n_news = sum(len(v) for v in splits.values())
    print(f"encoded {len(prepared.papers)} papers, {n_news} news in {time.perf_counter() - t0:.1f}s")

    # --- calibration on train (the library's fit, as `sciwire train align` does) ---------------
    x, y = pair_examples(feats["train"], splits["train"])
    model = fit_align_scorer(x, y)
    threshold, train_f1 = best_threshold(model.probability(x.astype(np.float64)), y)
    fitted = model.rounded(3)
    w_cos, w_lex = fitted.weights()["cosine"], fitted.weights()["lexical"]
    bias = float(fitted.intercept_[0])
    shipped, shipped_threshold = load_align_model(cfg.align.model), cfg.align.threshold
    print(f"fitted: w_cosine={w_cos} w_lexical={w_lex} bias={bias} threshold={threshold}")
    print("train pair F1 by threshold:", {t: round(f, 3) for t, f in train_f1.items()})
    print(f"shipped ({shipped.folder}): {shipped.weights()}, bias {float(shipped.intercept_[0])}")

    # --- evaluation ----------------------------------------------------------------------
    train_ids = {d.doc_id for d, _ in splits["train"]} | {pid for _, pid in splits["train"]}
    clean = [(d, pid) for d, pid in splits["dev"] if d.doc_id not in train_ids and pid not in train_ids]
    dev_papers = {pid for _, pid in splits["dev"]}
    rows = []
    for name, mode, m, thr in (
        ("cosine only (summed best cosine)", "cosine", shipped, shipped_threshold),
        ("lexical only (summed best IDF overlap)", "lexical", shipped, shipped_threshold),
        ("sciwire calibrated (fitted above)", "calibrated", fitted, threshold),
        ("sciwire calibrated (shipped config)", "calibrated", shipped, shipped_threshold),
        ("sciwire summed match probability (shipped config)", "probability", shipped, shipped_threshold),
    ):
        row: list[object] = [name]
        for feats_split, pairs, cands in (
            (feats["train"], splits["train"], None),
            (feats["dev"], splits["dev"], dev_papers),
            (feats["dev"], splits["dev"], None),
            (feats["dev"], clean, None),
        ):
            t1, t5 = topk(feats_split, pairs, m, thr, mode, cands)
            row.append(f"{t1:.3f} / {t5:.3f}")
        rows.append(row)
    headers = ["method (top-1 / top-5)", "train vs 238", "dev vs 71 dev abstracts", "dev vs 238",
               f"dev-clean vs 238 (n={len(clean)})"]  # fmt: skip
    table = markdown_table(headers, rows)
    xd, yd = pair_examples(feats["dev"], splits["dev"])
    for name, m, thr in (("fitted", fitted, threshold), ("shipped", shipped, shipped_threshold)):
        p = match_probability(xd[:, 0], xd[:, 1], m)
        # negatives are 5x positives: reweight to the balanced prior the model was fitted for
        idx = np.concatenate([np.repeat(np.where(yd == 1)[0], 5), np.where(yd == 0)[0]])
        ece = expected_calibration_error(p[idx], yd[idx])
        f1_pred = p >= thr
        tp = float((f1_pred & (yd == 1)).sum())
        prec = tp / max(f1_pred.sum(), 1)
        rec = tp / max((yd == 1).sum(), 1)
        table += f"\n\nDev pair classification ({name} config): ECE (15 bins, class-balanced) {ece:.3f}; "
        n_pos, n_neg = int(yd.sum()), int((1 - yd).sum())
        table += f"precision {prec:.2f}, recall {rec:.2f} at threshold {thr} (n_pos={n_pos}, n_neg={n_neg})."
    print(table)
    print(f"total {time.perf_counter() - t0:.1f}s")
    if args.write:
        body = (
            header("python benchmarks/alignment.py --write")
            + f"- Data: CD²CR train/dev news summaries vs all {len(prepared.papers)} abstracts of sci_papers.json; "
            "prediction = paper with the most aligned sentences. dev-clean drops dev topics whose story or paper "
            "also occurs in train.\n"
            + f"- Fitted on train: w_cosine={w_cos}, w_lexical={w_lex}, bias={bias}; threshold={threshold} "
            "(best pair-level F1 on train). Shipped: the model folder "
            f"`{shipped.folder.name if shipped.folder else cfg.align.model}` with threshold {shipped_threshold}\n\n"
            + table
        )
        update_section("alignment", "Story ↔ paper alignment (CD²CR)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
