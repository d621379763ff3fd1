"""SQLite vs PostgreSQL stores on the same corpus: lexical search quality and speed, writes, bytes.

- corpus: ``--abstracts`` (default 1,000) real abstracts: the 500 PubMedQA PQA-L abstracts, then
  arXiv abstracts; sentences split by punctuation (as ``benchmarks/ann.py``), random unit
  vectors (384 float32: the size of all-MiniLM-L6-v2's; lexical search does not read them);
- written with ``add_many`` in batches of 32 (as ``sciwire add``) into a fresh SQLite file and a
  fresh PostgreSQL database (a throw-away cluster started here, as the tests do, unless
  ``--postgres URL`` names one);
- lexical search for the 500 PubMedQA questions, top 10 sentences, by SQLite FTS5 BM25,
  PostgreSQL BM25 over tsvector statistics (the default of :class:`PostgresStore`) and
  PostgreSQL ``ts_rank_cd``: how often a sentence of the question's own abstract is in the top 10
  (hit@10) and the reciprocal rank of the first (MRR@10), overlap of the top 10 with FTS5's, and
  latency per question;
- bytes on disk per document, per sentence and per vector, with the indexes.

Run: ``python benchmarks/stores.py [--abstracts 1000] [--postgres URL] [--write]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import ROOT, header, markdown_table, update_section
from ann import _SPLIT, arxiv, pubmedqa

from sciwire.document import Document, Sentence
from sciwire.store import SQLiteStore, Store
from sciwire.store.postgres import PostgresStore

DIM = 384
BATCH = 32


def documents(n: int) -> list[Document]:
    texts = [(f"pmid-{p}", text) for p, _, text in pubmedqa()][:n]
    texts += [(f"arxiv-{i:05d}", f"{t}. {a}") for i, (t, a) in enumerate(arxiv(max(0, n - len(texts))))]
    docs = []
    for doc_id, text in texts:
        spans, pos = [], 0
        for piece in _SPLIT.split(text):
            start = text.index(piece, pos)
            spans.append(Sentence(len(spans), start, start + len(piece)))
            pos = start + len(piece)
        docs.append(Document(doc_id, "paper", "", text, sentences=tuple(spans)))
    return docs


def fill(store: Store, docs: list[Document]) -> float:
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for start in range(0, len(docs), BATCH):
        items = []
        for doc in docs[start : start + BATCH]:
            v = rng.normal(size=(len(doc.sentences), DIM)).astype(np.float32)
            items.append((doc, v / np.linalg.norm(v, axis=1, keepdims=True), f"hash-{doc.id}"))
        store.add_many(items, "m")
    return time.perf_counter() - t


def search_all(store: Store, questions: list[tuple[str, str]]) -> tuple[list[list[tuple[str, int]]], list[float]]:
    found, times = [], []
    for _, question in questions:
        t = time.perf_counter()
        hits = store.search_text(question, 10)
        times.append(1000 * (time.perf_counter() - t))
        found.append([(h.doc_id, h.index) for h in hits])
    return found, times


def quality(found: list[list[tuple[str, int]]], questions: list[tuple[str, str]]) -> tuple[float, float]:
    hits, rr = 0, 0.0
    for top, (gold, _) in zip(found, questions, strict=True):
        ranks = [r for r, (doc, _) in enumerate(top, start=1) if doc == gold]
        hits += bool(ranks)
        rr += 1 / ranks[0] if ranks else 0.0
    return hits / len(questions), rr / len(questions)


def pg_bytes(store: PostgresStore) -> dict[str, int]:
    sql = "SELECT pg_total_relation_size(%s)"
    return {
        t: int(store._conn.execute(sql, (f"sciwire.{t}",)).fetchone()[0]) for t in ("documents", "sentences", "vectors")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--abstracts", type=int, default=1000, help="how many abstracts (default 1,000)")
    parser.add_argument("--postgres", help="a PostgreSQL database URL (default: a throw-away cluster)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    docs = documents(args.abstracts)
    n_sent = sum(len(d.sentences) for d in docs)
    questions = [(f"pmid-{p}", q) for p, q, _ in pubmedqa()]
    cluster: Any = None
    url = args.postgres
    if url is None:
        sys.path.insert(0, str(ROOT))
        from tests.store.pgcluster import Cluster

        cluster = Cluster().start()
        url = cluster.new_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = SQLiteStore(Path(tmp) / "s.sqlite")
            pg = PostgresStore(url)
            writes = {"SQLite": fill(sqlite, docs), "PostgreSQL": fill(pg, docs)}
            sqlite.close()
            sqlite_bytes = sum(p.stat().st_size for p in Path(tmp).iterdir())
            sqlite = SQLiteStore(Path(tmp) / "s.sqlite")
            pg_rank = PostgresStore(url, ranking="ts_rank_cd")
            engines = {
                "SQLite FTS5 BM25": sqlite,
                "PostgreSQL BM25 (tsvector stats)": pg,
                "PostgreSQL ts_rank_cd": pg_rank,
            }
            results = {name: search_all(store, questions) for name, store in engines.items()}
            reference = results["SQLite FTS5 BM25"][0]
            rows = []
            for name, (found, times) in results.items():
                hit, mrr = quality(found, questions)
                overlap = statistics.mean(
                    len(set(a) & set(b)) / max(len(b), 1) for a, b in zip(found, reference, strict=True)
                )
                times.sort()
                p95 = times[int(0.95 * (len(times) - 1))]
                rows.append([name, f"**{hit:.3f}**", f"{mrr:.3f}", f"{overlap:.2f}",
                             f"{statistics.median(times):.1f} / {p95:.1f}"])  # fmt: skip
                print(rows[-1], flush=True)
            sizes = pg_bytes(pg)
            for store in engines.values():
                store.close()
    finally:
        if cluster is not None:
            cluster.stop()
    table = markdown_table(["lexical search", "hit@10 (own abstract)", "MRR@10", "top-10 overlap with FTS5",
                            "ms per question p50 / p95"], rows)  # fmt: skip
    pg_total = sum(sizes.values())
    store_rows = [
        ["SQLite (one file, FTS5, WAL checkpointed)", f"{len(docs) / writes['SQLite']:.0f}",
         f"{sqlite_bytes / 1e6:.1f}", f"{sqlite_bytes / len(docs):,.0f}", f"{sqlite_bytes / n_sent:,.0f}"],
        ["PostgreSQL (documents + sentences with tsvector and GIN + vectors bytea)",
         f"{len(docs) / writes['PostgreSQL']:.0f}", f"{pg_total / 1e6:.1f}", f"{pg_total / len(docs):,.0f}",
         f"{pg_total / n_sent:,.0f}"],
    ]  # fmt: skip
    store_table = markdown_table(["store", "documents written / s", "MB", "bytes per document", "bytes per sentence"],
                                 store_rows)  # fmt: skip
    parts = ", ".join(f"{t} {b / n_sent:,.0f}" for t, b in sizes.items())
    load = os.getloadavg()[0]
    body = (
        header(f"python benchmarks/stores.py --abstracts {args.abstracts} --write") + f"\n{table}\n\n{store_table}\n\n"
        f"{len(docs):,} abstracts, {n_sent:,} sentences (split at sentence punctuation), 500 PubMedQA questions "
        "(each asked against all abstracts; its own abstract is among them). FTS5: porter stemmer, no stop "
        "words, BM25 k1 = 1.2, b = 0.75. PostgreSQL BM25: the 'english' text search configuration (Snowball "
        "stemmer, stop words dropped), the same k1 and b, IDF ln(1 + (N - df + 0.5) / (df + 0.5)) with df counted "
        "through the GIN index per question term, N and the mean sentence length kept in `sciwire.stats`. "
        "ts_rank_cd: cover density, no IDF (every matching word counts alike). PostgreSQL bytes per sentence by "
        f"table (with indexes and TOAST): {parts}; a vector is 1,536 bytes of float32 before row overhead. "
        f"Writes: random 384-d vectors, batches of {BATCH} in one transaction each, PostgreSQL 15 on a unix socket "
        f"with fsync off (a test cluster: a durable server is slower to commit). Load average (1 min) at the "
        f"end: {load:.1f} (2 cores shared with other jobs).\n"
    )
    print(body)
    if args.write:
        update_section("stores", "Stores: SQLite vs PostgreSQL (lexical search, writes, bytes)", body)


if __name__ == "__main__":
    main()
