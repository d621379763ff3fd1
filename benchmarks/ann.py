"""Approximate nearest neighbours (usearch HNSW) against exact search over real sentence vectors.

- corpus: the sentences of the 500 PubMedQA (PQA-L) abstracts and of arXiv abstracts
  (``arxiv_multilabel``) until ``--sentences`` (default 12,000), embedded by the configured
  encoder (all-MiniLM-L6-v2, embedding cache on: a rerun does not re-embed);
- queries: the 500 PubMedQA questions, embedded the same way;
- recall@10: the share of exact search's top 10 (cosine, one matrix product) that the index
  returns in its top 10, averaged over the questions; for several ``expansion_search`` (ef);
- latency: one question at a time, median and 95th percentile, exact vs index; index build time
  and memory;
- a larger row: ``--scaled`` vectors (default 100,000) made from the real ones by adding noise
  and renormalising (synthetic: same dimension and norm, a similar spread), to show how exact
  search grows with the store and the index does not.

Run: ``python benchmarks/ann.py [--sentences 12000] [--scaled 100000] [--write]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import ROOT, cpu_encoder, header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.store.ann import AnnIndex, exact_search

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def data_dir() -> Path:
    return Path(os.environ.get("SCIWIRE_DATA", str(ROOT.parent / "shared" / "data")))


def pubmedqa() -> list[tuple[str, str, str]]:
    """(pmid, question, abstract text) of PQA-L."""
    raw = json.loads((data_dir() / "pubmedqa" / "pqal_dev.json").read_text(encoding="utf-8"))
    return [(pmid, v["QUESTION"], " ".join(v["CONTEXTS"])) for pmid, v in raw.items()]


def arxiv(limit: int | None = None) -> list[tuple[str, str]]:
    """(title, abstract) of the arXiv abstracts."""
    out = []
    with (data_dir() / "arxiv_multilabel" / "arxiv_data.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out.append((" ".join(row["titles"].split()), " ".join(row["summaries"].split())))
            if limit is not None and len(out) >= limit:
                break
    return out


def sentences(max_sentences: int) -> list[tuple[tuple[str, int], str]]:
    """Keyed real sentences: PubMedQA abstracts first, then arXiv abstracts, up to ``max_sentences``."""
    out: list[tuple[tuple[str, int], str]] = []
    docs = [(f"pmid-{p}", text) for p, _, text in pubmedqa()]
    docs += [(f"arxiv-{i:05d}", abstract) for i, (_, abstract) in enumerate(arxiv())]
    for doc_id, text in docs:
        for i, sent in enumerate(s for s in _SPLIT.split(text) if len(s.split()) >= 3):
            out.append(((doc_id, i), sent))
            if len(out) >= max_sentences:
                return out
    return out


def latencies(fn: Any, queries: np.ndarray) -> tuple[float, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append(1000 * (time.perf_counter() - t))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def measure(
    keys: list[tuple[str, int]], matrix: np.ndarray, queries: np.ndarray, efs: list[int], label: str
) -> list[list[Any]]:
    t = time.perf_counter()
    index = AnnIndex(keys, matrix)
    build = time.perf_counter() - t
    memory = index._index.memory_usage / 1e6
    truth = [{k for k, _ in exact_search(keys, matrix, q, 10)} for q in queries]
    ex50, ex95 = latencies(lambda q: exact_search(keys, matrix, q, 10), queries)
    rows = []
    for ef in efs:
        index._index.expansion_search = ef
        found = [{k for k, _ in index.search(q, 10)} for q in queries]
        recall = statistics.mean(len(f & t) / 10 for f, t in zip(found, truth, strict=True))
        a50, a95 = latencies(lambda q: index.search(q, 10), queries)
        rows.append([label, f"{len(keys):,}", ef, f"**{recall:.3f}**", f"{ex50:.2f} / {ex95:.2f}",
                     f"{a50:.2f} / {a95:.2f}", f"{build:.1f}", f"{memory:.0f}"])  # fmt: skip
        print(" | ".join(map(str, rows[-1])), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=12_000, help="real sentences to index (default 12,000)")
    parser.add_argument("--scaled", type=int, default=100_000, help="size of the noisy scaled set (0: skip)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cfg = load_config()
    encoder = cpu_encoder(cfg, cache=True)
    keyed = sentences(args.sentences)
    keys = [k for k, _ in keyed]
    t = time.perf_counter()
    matrix = encoder.encode([s for _, s in keyed])
    embed_s = time.perf_counter() - t
    queries = encoder.encode([q for _, q, _ in pubmedqa()])
    efs = [16, 64, 128]
    rows = measure(keys, matrix, queries, efs, "real sentences")
    if args.scaled:
        rng = np.random.default_rng(0)
        picks = rng.integers(0, len(matrix), size=args.scaled)
        noisy = matrix[picks] + rng.normal(scale=0.02, size=(args.scaled, matrix.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        scaled_keys = [(f"s{i // 10}", i % 10) for i in range(args.scaled)]
        rows += measure(scaled_keys, noisy, queries, [64], "real + noise (synthetic)")
    table = markdown_table(
        [
            "vectors",
            "n",
            "ef (expansion_search)",
            "recall@10 vs exact",
            "exact ms p50 / p95",
            "index ms p50 / p95",
            "index build s",
            "index MB",
        ],
        rows,
    )
    load = os.getloadavg()[0]
    body = (
        header(f"python benchmarks/ann.py --sentences {args.sentences} --scaled {args.scaled} --write")
        + f"\n{table}\n\nReal sentences: {len(keys):,} sentences of {len({k[0] for k in keys}):,} abstracts "
        f"(PubMedQA PQA-L, then arXiv), all-MiniLM-L6-v2 (384 dimensions; embedding took {embed_s:.0f} s, "
        "or less when cached); queries: the 500 PubMedQA questions, one at a time. Exact search: one float32 "
        "matrix product and a partial sort (numpy, BLAS threads). Index: usearch HNSW, cosine, f32, M = 16, "
        "efConstruction = 128 (the defaults of `sciwire.store.ann.AnnIndex`; search uses ef = 64), built with "
        "both cores. recall@10: the share of exact search's top 10 the index returns in its top 10. "
        "The synthetic row: real vectors drawn with replacement, plus Gaussian noise (sigma 0.02 per "
        f"dimension), renormalised. Load average (1 min) at the end: {load:.1f} (2 cores shared with other "
        "jobs: latencies are noisy).\n"
    )
    print(body)
    if args.write:
        update_section("ann", "Vector search: HNSW index (usearch) vs exact", body)


if __name__ == "__main__":
    main()
