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

Run: ``python benchmarks/alignment.py [--data ../shared/data] [--write]``; ``--write``
updates docs/benchmarks.md. Prints the fitted weights to copy into ``AlignConfig``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import numpy as np
from _common import header, markdown_table, update_section

from sciwire.align.aligner import match_probability, pair_features
from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import AlignConfig, load_config
from sciwire.datasets.cdcr import load_papers, load_split, news_with_papers
from sciwire.document import Document
from sciwire.nlp import annotate_many


@dataclass
class Encoded:
    sentences: list[str]
    vectors: np.ndarray


def encode_docs(ids: list[str], texts: list[str], kind: str, embedder: Embedder, nlp) -> dict[str, Encoded]:
    docs = [Document(id=i, kind=kind, title="", text=t) for i, t in zip(ids, texts, strict=True)]
    docs = annotate_many(docs, nlp)
    out = {}
    all_texts = [s for d in docs for s in d.sentence_texts()]
    vecs = embedder.encode(all_texts)
    pos = 0
    for d in docs:
        n = len(d.sentences)
        out[d.id] = Encoded(d.sentence_texts(), vecs[pos : pos + n])
        pos += n
    return out


def features(news: Encoded, papers: dict[str, Encoded]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(cosine, lexical) matrices of one news summary against every paper."""
    return {pid: pair_features(news.sentences, p.sentences, news.vectors, p.vectors) for pid, p in papers.items()}


def best_pairs(feats: dict[str, tuple[np.ndarray, np.ndarray]], pid: str) -> np.ndarray:
    cos, lex = feats[pid]
    j = np.argmax(cos + 0.5 * lex, axis=1)
    rows = np.arange(cos.shape[0])
    return np.stack([cos[rows, j], lex[rows, j]], axis=1)


def rank_papers(feats: dict[str, tuple[np.ndarray, np.ndarray]], cfg: AlignConfig, mode: str) -> list[str]:
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
            keys.append((0.0, float(match_probability(cos, lex, cfg).max(axis=1).sum()), pid))
        else:
            prob = match_probability(cos, lex, cfg).max(axis=1)
            keys.append((float((prob >= cfg.threshold).sum()), float(prob.sum()), pid))
    keys.sort(key=lambda k: (-k[0], -k[1]))
    return [k[2] for k in keys]


def topk(feats_by_news, pairs, cfg, mode, candidates=None) -> tuple[float, float]:
    """Top-1 and top-5 accuracy of the own paper among ``candidates`` (default: all papers)."""
    hits1, hits5 = [], []
    for d, pid in pairs:
        f = feats_by_news[d.doc_id]
        if candidates is not None:
            f = {p: v for p, v in f.items() if p in candidates}
        ranking = rank_papers(f, cfg, mode)
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


def pair_examples(feats_by_news, pairs, hard: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Positive: best pair in the own paper; negatives: best pairs in the most similar other papers."""
    xs, ys = [], []
    for d, pid in pairs:
        f = feats_by_news[d.doc_id]
        xs.append(best_pairs(f, pid))
        ys.append(np.ones(len(xs[-1])))
        others = sorted((p for p in f if p != pid), key=lambda p: -float(f[p][0].max()))[:hard]
        for other in others:
            xs.append(best_pairs(f, other))
            ys.append(np.zeros(len(xs[-1])))
    return np.vstack(xs), np.concatenate(ys)


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
    raw_papers = load_papers(data)
    papers = encode_docs(list(raw_papers), [p["abstract"] for p in raw_papers.values()], "paper", embedder, nlp)
    splits = {s: news_with_papers(load_split(data, s)) for s in ("train", "dev")}
    news = {
        s: encode_docs([d.doc_id for d, _ in pairs], [d.text for d, _ in pairs], "news", embedder, nlp)
        for s, pairs in splits.items()
    }
    print(f"encoded {len(papers)} papers, {sum(len(v) for v in news.values())} news in {time.perf_counter() - t0:.1f}s")
    feats = {s: {d.doc_id: features(news[s][d.doc_id], papers) for d, _ in pairs} for s, pairs in splits.items()}

    # --- calibration on train ------------------------------------------------------------
    from sklearn.linear_model import LogisticRegression

    x, y = pair_examples(feats["train"], splits["train"])
    model = LogisticRegression(C=1.0, class_weight="balanced").fit(x, y)
    w_cos, w_lex = (round(float(v), 3) for v in model.coef_[0])
    bias = round(float(model.intercept_[0]), 3)
    # threshold: best F1 of "own-paper best pair" vs "hard-negative best pair" on train
    train_f1 = {}
    p_train = model.predict_proba(x)[:, 1]
    for thr in np.round(np.arange(0.3, 0.86, 0.05), 2):
        pred = p_train >= thr
        tp = float((pred & (y == 1)).sum())
        train_f1[float(thr)] = 2 * tp / max(pred.sum() + (y == 1).sum(), 1)
    threshold = max(train_f1, key=lambda t: train_f1[t])
    fitted = AlignConfig(w_cosine=w_cos, w_lexical=w_lex, bias=bias, threshold=threshold)
    print(f"fitted: w_cosine={w_cos} w_lexical={w_lex} bias={bias} threshold={threshold}")
    print("train pair F1 by threshold:", {t: round(f, 3) for t, f in train_f1.items()})

    # --- evaluation ----------------------------------------------------------------------
    train_ids = {d.doc_id for d, _ in splits["train"]} | {pid for _, pid in splits["train"]}
    clean = [(d, pid) for d, pid in splits["dev"] if d.doc_id not in train_ids and pid not in train_ids]
    dev_papers = {pid for _, pid in splits["dev"]}
    rows = []
    for name, mode, c in (
        ("cosine only (summed best cosine)", "cosine", cfg.align),
        ("lexical only (summed best IDF overlap)", "lexical", cfg.align),
        ("sciwire calibrated (fitted above)", "calibrated", fitted),
        ("sciwire calibrated (shipped config)", "calibrated", cfg.align),
        ("sciwire summed match probability (shipped config)", "probability", cfg.align),
    ):
        row: list[object] = [name]
        for feats_split, pairs, cands in (
            (feats["train"], splits["train"], None),
            (feats["dev"], splits["dev"], dev_papers),
            (feats["dev"], splits["dev"], None),
            (feats["dev"], clean, None),
        ):
            t1, t5 = topk(feats_split, pairs, c, mode, cands)
            row.append(f"{t1:.3f} / {t5:.3f}")
        rows.append(row)
    headers = ["method (top-1 / top-5)", "train vs 238", "dev vs 71 dev abstracts", "dev vs 238",
               f"dev-clean vs 238 (n={len(clean)})"]  # fmt: skip
    table = markdown_table(headers, rows)
    xd, yd = pair_examples(feats["dev"], splits["dev"])
    for name, c in (("fitted", fitted), ("shipped", cfg.align)):
        p = match_probability(xd[:, 0], xd[:, 1], c)
        # negatives are 5x positives: reweight to the balanced prior the model was fitted for
        idx = np.concatenate([np.repeat(np.where(yd == 1)[0], 5), np.where(yd == 0)[0]])
        ece = expected_calibration_error(p[idx], yd[idx])
        f1_pred = p >= c.threshold
        tp = float((f1_pred & (yd == 1)).sum())
        prec = tp / max(f1_pred.sum(), 1)
        rec = tp / max((yd == 1).sum(), 1)
        table += f"\n\nDev pair classification ({name} config): ECE (15 bins, class-balanced) {ece:.3f}; "
        n_pos, n_neg = int(yd.sum()), int((1 - yd).sum())
        table += f"precision {prec:.2f}, recall {rec:.2f} at threshold {c.threshold} (n_pos={n_pos}, n_neg={n_neg})."
    print(table)
    print(f"total {time.perf_counter() - t0:.1f}s")
    if args.write:
        body = (
            header("python benchmarks/alignment.py --write")
            + f"- Data: CD²CR train/dev news summaries vs all {len(papers)} abstracts of sci_papers.json; "
            "prediction = paper with the most aligned sentences. dev-clean drops dev topics whose story or paper "
            "also occurs in train.\n"
            + f"- Fitted on train: w_cosine={w_cos}, w_lexical={w_lex}, bias={bias}; threshold={threshold} "
            "(best pair-level F1 on train)\n\n" + table
        )
        update_section("alignment", "Story ↔ paper alignment (CD²CR)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
