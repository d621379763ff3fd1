"""How fast is ``sciwire add``? Real abstracts and real full papers, batched and one by one.

- abstracts: the first ``--abstracts`` arXiv abstracts of ``arxiv_multilabel`` (title + abstract,
  written as Markdown files to a temporary folder);
- full papers: the real papers in ``real/papers`` (2 JATS, 2 PDFs) and the bundled example paper;
- each set is added to a fresh store file by :func:`sciwire.qa.api.add_papers`'s body (read,
  sentences, embeddings, discourse roles, store), models warm, embedding cache **off**;
- ``batched`` is today's ``add`` (batches of :data:`~sciwire.store.ingest.BATCH_DOCS` documents
  or :data:`~sciwire.store.ingest.BATCH_CHARS` characters, one transaction each);
  ``one by one`` sets both to 1: the ``add`` before batching (one document per spaCy call,
  encoder call and transaction; it too leaves reference-list sentences unembedded, which the
  ``add`` before did not), on the same machine in the same run;
- ``batched, cache warm``: the same files into a fresh store once their sentences are in the
  embedding cache (``runtime.embedding_cache``, on by default), as after ``sciwire analyze`` of
  the same paper: the encoder runs once per sentence, not once per command;
- wall time and the process's CPU time (all threads), and each stage's share.

Run: ``python benchmarks/add.py [--abstracts 200] [--write]``.
Targets (issue #17): >= 5 abstracts/s and >= 1 full paper/s on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import ROOT, cpu_encoder, header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.examples import paper_path
from sciwire.qa.api import _add
from sciwire.store import SQLiteStore
from sciwire.store import ingest as ingest_module

TARGETS = {"abstracts": 5.0, "full papers": 1.0}


def data_dir() -> Path:
    return Path(os.environ.get("SCIWIRE_DATA", str(ROOT.parent / "shared" / "data")))


def write_abstracts(folder: Path, n: int) -> list[Path]:
    """The first ``n`` arXiv abstracts as ``# title`` + abstract Markdown files."""
    out = []
    with (data_dir() / "arxiv_multilabel" / "arxiv_data.csv").open(newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= n:
                break
            path = folder / f"arxiv-{i:05d}.md"
            path.write_text(f"# {' '.join(row['titles'].split())}\n\n{' '.join(row['summaries'].split())}\n")
            out.append(path)
    return out


def full_papers() -> list[Path]:
    real = sorted((data_dir() / "real" / "papers").glob("*"))
    return [*real, paper_path()]


class Stages:
    """Wall seconds per stage of ``add``, by wrapping the functions the ingest module calls."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - t

        return timed


@contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def run(files: list[Path], cfg: Any, embedder: Any, one_by_one: bool, folder: Path) -> dict[str, Any]:
    stages = Stages()
    store_file = folder / f"store-{time.monotonic_ns()}.sqlite"
    batch_docs = 1 if one_by_one else ingest_module.BATCH_DOCS
    batch_chars = 1 if one_by_one else ingest_module.BATCH_CHARS
    real_encode = embedder.encode
    with (
        patched(ingest_module, "BATCH_DOCS", batch_docs),
        patched(ingest_module, "BATCH_CHARS", batch_chars),
        patched(ingest_module, "read", stages.wrap("read", ingest_module.read)),
        patched(ingest_module, "annotate_many", stages.wrap("sentences", ingest_module.annotate_many)),
        patched(embedder, "encode", stages.wrap("embeddings", real_encode)),
        patched(SQLiteStore, "add_many", stages.wrap("store", SQLiteStore.add_many)),
        SQLiteStore(store_file) as store,
    ):
        wall, cpu = time.perf_counter(), time.process_time()
        results = _add(store, files, cfg, embedder)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sentences = sum(d.sentences for d in store.documents())
    added = sum(r.status == "added" for r in results)
    other = wall - sum(stages.seconds.values())
    return {"files": len(files), "added": added, "sentences": sentences, "wall": wall, "cpu": cpu,
            "stages": {**stages.seconds, "roles + other": other}}  # fmt: skip


def cached_encoder(cfg: Any, folder: Path) -> Any:
    """The encoder with its on-disk cache in ``folder`` (empty at first)."""
    from dataclasses import replace

    return cpu_encoder(replace(cfg, paths=replace(cfg.paths, cache_dir=str(folder))), cache=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--abstracts", type=int, default=200, help="how many arXiv abstracts (default 200)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cfg = load_config(overrides=["runtime.embedding_cache=false"])
    embedder = cpu_encoder(cfg, cache=False)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sets = {"abstracts": write_abstracts(folder, args.abstracts), "full papers": full_papers()}
        with SQLiteStore(":memory:") as warm:  # load spaCy, the encoder and the role taggers once
            _add(warm, [paper_path()], cfg, embedder)
        rows, shares = [], []
        for name, files in sets.items():
            cached = cached_encoder(cfg, folder / f"cache-{len(rows)}")
            run(files, cfg, cached, False, folder)  # fills the cache (not timed)
            for how in ("one by one (before)", "batched", "batched, cache warm"):
                encoder = cached if how.endswith("warm") else embedder
                m = run(files, cfg, encoder, how.startswith("one"), folder)
                rate = m["added"] / m["wall"]
                rows.append([name, how, m["added"], m["sentences"], f"{m['wall']:.1f}", f"**{rate:.2f}**",
                             f"{m['cpu'] / m['added']:.2f}", f">= {TARGETS[name]:g}/s"])  # fmt: skip
                parts = ", ".join(f"{k} {100 * v / m['wall']:.0f}%" for k, v in m["stages"].items())
                shares.append(f"- {name}, {how}: {parts}")
                print(" | ".join(map(str, rows[-1])), flush=True)
    table = markdown_table(
        ["input", "add", "files added", "sentences", "wall s", "files/s", "CPU s per file", "target"], rows
    )
    load = os.getloadavg()[0]
    body = (
        header(f"python benchmarks/add.py --abstracts {args.abstracts} --write")
        + f"\n{table}\n\nShare of wall time per stage:\n\n"
        + "\n".join(shares)
        + "\n\nModels warm, embedding cache off (but in the cache-warm rows), a fresh store file per row; "
        f"full papers: "
        f"{', '.join(p.name for p in sets['full papers'])}. CPU s = process CPU time (all threads). "
        f"Load average (1 min) after the run: {load:.1f} (the 2 cores are shared).\n"
    )
    print(body)
    if args.write:
        update_section("add-speed", "`sciwire add` speed", body)


if __name__ == "__main__":
    main()
