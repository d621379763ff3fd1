"""Run by tests/store/test_ray.py in a fresh process: add the same files locally and on a local Ray instance.

A fresh process because Ray's start-up aborts (SIGABRT) rather than raises when it fails, which
would take the whole test session with it; the test reads this script's JSON report.
Usage: ``python -m tests.store.ray_compare FOLDER`` (FOLDER gets the papers and both stores).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

from sciwire.config import load_config
from sciwire.store import SQLiteStore, add_files, distributed

ROOT = Path(__file__).resolve().parents[2]


class HashEncoder:
    """A deterministic stand-in for the sentence encoder: each text's vector depends on the text only."""

    model_key = "hash-encoder"

    def encode(self, texts, on_progress=None, *, full_length=False):
        seeds = [int(hashlib.sha256(t.encode()).hexdigest()[:8], 16) for t in texts]
        rows = [np.random.default_rng(seed).normal(size=8) for seed in seeds]
        out = np.asarray(rows, dtype=np.float32).reshape(len(texts), 8)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def tag_first_sentence(doc, vectors):
    """An ``enrich`` that adds a layer (it runs in the Ray actor, as discourse roles do)."""
    from sciwire.document import Span

    first = doc.sentences[0]
    return doc.with_layer("first", [Span(first.start, first.end, f"{float(vectors[0][0]):.6f}")])


def papers(folder: Path) -> list[Path]:
    texts = [f"Mice {i} sleep longer in the dark. Rats {i} eat more at night. Both gain weight.\n" for i in range(5)]
    files = []
    for i, text in enumerate(texts):
        files.append(folder / f"a{i}.txt")
        files[-1].write_text(text)
    (folder / "blank.txt").write_text("a line without any end\n")
    (folder / "copy.txt").write_text(texts[0])
    (folder / "sub").mkdir()
    (folder / "sub" / "a1.txt").write_text("Another paper named a1. It gets a suffix.\n")
    return [*files, folder / "blank.txt", folder / "copy.txt", folder / "sub" / "a1.txt"]


def content(store: SQLiteStore) -> dict:
    docs = [store.get(row.id) for row in store.documents()]
    keys, matrix = store.vectors(HashEncoder.model_key)
    return {
        "docs": [[d.id, d.sentence_texts(), [[s.start, s.end, s.label] for s in d.layer("first")]] for d in docs],
        "keys": [list(k) for k in keys],
        "vectors": matrix.tolist(),
    }


def main(folder: Path) -> None:
    import ray

    distributed.ingest.BATCH_DOCS = 3  # several batches, so their order matters
    files = papers(folder)
    cfg = load_config(environ={})
    ray.init(
        num_cpus=1,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}},
    )
    report = {}
    try:
        for executor in ("local", "ray"):
            with SQLiteStore(folder / f"{executor}.sqlite") as store:
                results = add_files(store, files, cfg, HashEncoder(), enrich=tag_first_sentence, executor=executor)
                report[executor] = {"results": [[r.status, r.doc_id, r.message] for r in results], **content(store)}
    finally:
        ray.shutdown()
    print(json.dumps(report))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
