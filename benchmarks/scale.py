"""How do ``add``, ``ask`` and ``rank`` grow with the corpus? Time and peak memory at 1k, 10k and 100k abstracts.

What is real and what is synthetic (100k abstracts through the real ``add`` would take hours):

- **store of N**: N synthetic abstracts (a real arXiv title + 5-9 sentences drawn from real
  CSAbstruct abstracts, so words and sentence lengths are real, texts are not) with random unit
  vectors and discourse-role layers copied from one abstract the real role taggers labelled (so
  stored documents have the size and layers of added ones), written through
  :meth:`SQLiteStore.add_many` in batches of ``BATCH_DOCS``: the storage half of ``sciwire add``
  without spaCy and the encoder (``fill``);
- **add**: the real ``add`` (spaCy, encoder, discourse roles, store) of 100 real arXiv abstracts
  into the store of N: seconds per abstract, i.e. whether a big store slows adding down;
- **ask**: the real ``ask`` (hybrid BM25 + dense, answer ranker, real question encoder) on the
  store of N: the first question (opens the store, loads the vector matrix) and the median of
  the next 5 (PubMedQA questions);
- **rank**: ``rank`` of N synthetic papers (title + abstract, a JSONL file): everything but the
  encoder's forward pass, which a stand-in replaces (random unit vectors); at the smallest size
  also with the real encoder, whose cost per abstract is constant (so it adds linearly).

Each measurement runs in a fresh process; peak RSS is that process's ``ru_maxrss`` (Python,
torch and the models included; the peak before the operation is shown too). Growth exponent:
the least-squares slope of log(time) against log(N) (1 = linear).

Run: ``python benchmarks/scale.py [--sizes 1000,10000,100000] [--write]``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from _common import ROOT, cpu_encoder, header, markdown_table, update_section

DIM = 384  # all-MiniLM-L6-v2
PLOT = ROOT / "docs" / "scale.svg"
ADD_ABSTRACTS = 100
QUESTIONS = 6


def data_dir() -> Path:
    return Path(os.environ.get("SCIWIRE_DATA", str(ROOT.parent / "shared" / "data")))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- synthetic corpus ----------------------------------------------------------------------
def pool() -> tuple[list[str], list[str]]:
    """Real titles (arXiv) and real abstract sentences (CSAbstruct) to draw from."""
    with (data_dir() / "arxiv_multilabel" / "arxiv_data.csv").open(newline="", encoding="utf-8") as fh:
        titles = [" ".join(r["titles"].split()) for r in csv.DictReader(fh)]
    sentences = []
    for split in ("train", "dev"):
        with (data_dir() / "csabstruct" / f"{split}.jsonl").open(encoding="utf-8") as fh:
            sentences += [" ".join(s.split()) for line in fh for s in json.loads(line)["sentences"]]
    return titles, [s for s in sentences if len(s.split()) >= 4]


def synthetic_abstracts(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` (title, abstract) pairs drawn from :func:`pool`."""
    titles, sentences = pool()
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        picks = rng.integers(0, len(sentences), size=int(rng.integers(5, 10)))
        out.append((titles[int(rng.integers(len(titles)))], " ".join(sentences[int(j)] for j in picks)))
    return out


def synthetic_doc(i: int, title: str, abstract: str, sentences: list[str]) -> Any:
    from sciwire.document import Document, Section, Sentence

    text = f"{title}\n\n{abstract}"
    spans, pos = [Sentence(0, 0, len(title), 0)], len(title) + 2
    for s in sentences:
        spans.append(Sentence(len(spans), pos, pos + len(s), 1))
        pos += len(s) + 1
    sections = (Section("title", 0, len(title)), Section("abstract", len(title) + 2, len(text)))
    return Document(f"syn-{i:06d}", "paper", title, text, sections=sections, sentences=tuple(spans))


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


class StandInEncoder:
    """The encoder's interface with random unit vectors: times everything around the forward pass."""

    def __init__(self, model_key: str) -> None:
        self.model_key = model_key
        self._rng = np.random.default_rng(1)

    def encode(self, texts: Any, on_progress: Any = None, *, full_length: bool = False) -> np.ndarray:
        if on_progress is not None:
            on_progress(len(texts))
        return unit_vectors(self._rng, len(texts))


# ---- workers: one fresh process per measurement ----------------------------------------------
def role_template(rng: np.random.Generator) -> Any:
    """A synthetic 9-sentence abstract labelled by the real discourse models (as ``add`` labels papers)."""
    from sciwire.config import load_config
    from sciwire.discourse.step import label_document

    drawn = synthetic_abstracts(50, seed=2)
    sents = [s for _, a in drawn for s in abstract_sentences(a)][:9]
    doc = synthetic_doc(0, drawn[0][0], " ".join(sents), sents)
    return label_document(doc, list(doc.iter_sentences()), unit_vectors(rng, len(doc.sentences)), load_config())


def with_roles(doc: Any, template: Any) -> Any:
    """``doc`` with the template's role spans on its sentences, position by position: a stored
    abstract's layers (labels, probabilities, explanations) at the real size, without the tagger."""
    from sciwire.analysis import ABSTRACT_ROLES, DISCOURSE
    from sciwire.document import Span

    for layer in (DISCOURSE, ABSTRACT_ROLES):
        spans = []
        for span in template.layer(layer):
            j = span.attrs["sentence"]
            if j < len(doc.sentences):
                s = doc.sentences[j]
                spans.append(Span(s.start, s.end, span.label, span.score, dict(span.attrs)))
        doc = doc.with_layer(layer, spans)
    return doc


def work_fill(store: str, n: int, model_key: str) -> dict[str, Any]:
    from sciwire.store import SQLiteStore
    from sciwire.store.ingest import BATCH_DOCS

    abstracts = synthetic_abstracts(n)
    rng = np.random.default_rng(0)
    template = role_template(rng)
    before = peak_mb()
    t = time.perf_counter()
    with SQLiteStore(store) as corpus:
        for start in range(0, n, BATCH_DOCS):
            items = []
            for i, (title, abstract) in enumerate(abstracts[start : start + BATCH_DOCS], start=start):
                sents = abstract_sentences(abstract)
                doc = with_roles(synthetic_doc(i, title, " ".join(sents), sents), template)
                items.append((doc, unit_vectors(rng, len(doc.sentences)), f"syn{i}"))
            corpus.add_many(items, model_key)
    return {"seconds": time.perf_counter() - t, "peak_mb": peak_mb(), "before_mb": before}


def abstract_sentences(abstract: str) -> list[str]:
    """The sentences :func:`synthetic_abstracts` joined (each ends with its own full stop)."""
    out, start = [], 0
    for j in range(len(abstract)):
        if abstract[j] in ".?!" and (j + 1 == len(abstract) or abstract[j + 1] == " "):
            out.append(abstract[start : j + 1].strip())
            start = j + 1
    if abstract[start:].strip():
        out.append(abstract[start:].strip())
    return out


def work_add(store: str, folder: str) -> dict[str, Any]:
    from sciwire.config import load_config
    from sciwire.examples import paper_path
    from sciwire.qa.api import _add
    from sciwire.store import SQLiteStore

    cfg = load_config(overrides=["runtime.embedding_cache=false"])
    embedder = cpu_encoder(cfg, cache=False)
    with SQLiteStore(":memory:") as warm:
        _add(warm, [paper_path()], cfg, embedder)
    files = sorted(Path(folder).glob("*.md"))
    before = peak_mb()
    with SQLiteStore(store) as corpus:
        t = time.perf_counter()
        results = _add(corpus, files, cfg, embedder)
        seconds = time.perf_counter() - t
    added = sum(r.status == "added" for r in results)
    return {"seconds": seconds, "per_doc": seconds / added, "peak_mb": peak_mb(), "before_mb": before}


def work_ask(store: str, questions: list[str]) -> dict[str, Any]:
    from sciwire.config import load_config
    from sciwire.errors import InputError
    from sciwire.qa.api import ask
    from sciwire.store import SQLiteStore

    cfg = load_config(overrides=["runtime.embedding_cache=false"])
    cpu_encoder(cfg, cache=False).warm_up()
    # loads the encoder and the answer model, not the store ("The corpus is empty")
    with SQLiteStore(":memory:") as empty, contextlib.suppress(InputError):
        ask(questions[0], store=empty, config=cfg)
    before = peak_mb()
    times = []
    with SQLiteStore(store) as corpus:
        for q in questions:
            t = time.perf_counter()
            ask(q, store=corpus, config=cfg)
            times.append(time.perf_counter() - t)
    return {"first": times[0], "seconds": statistics.median(times[1:]), "peak_mb": peak_mb(), "before_mb": before}


def work_rank(jsonl: str, real: bool) -> dict[str, Any]:
    from sciwire.config import load_config
    from sciwire.newsworthiness.papers import read_papers
    from sciwire.newsworthiness.ranking import Ranker

    cfg = load_config(overrides=["runtime.embedding_cache=false"])
    encoder = cpu_encoder(cfg, cache=False)
    encoder.warm_up()
    ranker = Ranker(cfg, embedder=encoder if real else StandInEncoder(encoder.model_key))
    ranker.featurizer.transform([])  # the model and the features' own models, loaded once
    before = peak_mb()
    t = time.perf_counter()
    papers = read_papers([jsonl], cfg.input)
    ranker.rank(papers, top=20)
    return {"seconds": time.perf_counter() - t, "peak_mb": peak_mb(), "before_mb": before}


def worker(args: list[str]) -> None:
    op, *rest = args
    if op == "fill":
        out = work_fill(rest[0], int(rest[1]), rest[2])
    elif op == "add":
        out = work_add(rest[0], rest[1])
    elif op == "ask":
        out = work_ask(rest[0], json.loads(rest[1]))
    else:
        out = work_rank(rest[0], op == "rank-real")
    print("RESULT " + json.dumps(out), flush=True)


def measure(*args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, env={**os.environ}
    )
    lines = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise SystemExit(f"worker {args[0]} failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


# ---- the run ------------------------------------------------------------------------------
def exponent(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) on log(size)."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def questions() -> list[str]:
    data = json.loads((data_dir() / "pubmedqa" / "pqal_dev.json").read_text(encoding="utf-8"))
    return [v["QUESTION"] for v in list(data.values())[:QUESTIONS]]


def write_real_abstracts(folder: Path) -> None:
    """100 real arXiv abstracts (not among the synthetic titles' abstracts: those keep only titles)."""
    with (data_dir() / "arxiv_multilabel" / "arxiv_data.csv").open(newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= ADD_ABSTRACTS:
                break
            text = f"# {' '.join(row['titles'].split())}\n\n{' '.join(row['summaries'].split())}\n"
            (folder / f"arxiv-{i:05d}.md").write_text(text, encoding="utf-8")


def plot(sizes: list[int], series: dict[str, list[float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, secs in series.items():
        ax.loglog(sizes, secs, marker="o", label=f"{name} (slope {exponent(sizes, secs):.2f})")
    ax.set_xlabel("abstracts in the corpus (N)")
    ax.set_ylabel("seconds")
    ax.set_title("sciwire at scale (2 shared cores)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(PLOT, metadata={"Date": None})
    print(f"wrote {PLOT.relative_to(ROOT)}", file=sys.stderr)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes (comma-separated)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md and docs/scale.svg")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sizes = [int(s) for s in args.sizes.split(",")]
    from sciwire.config import load_config

    model_key = cpu_encoder(load_config()).model_key
    qs = json.dumps(questions())
    res: dict[str, dict[int, dict[str, Any]]] = {op: {} for op in ("fill", "add", "ask", "rank")}
    real_rank: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "real").mkdir()
        write_real_abstracts(folder / "real")
        for done, n in enumerate(sizes, start=1):
            store = str(folder / f"s{n}.sqlite")
            jsonl = folder / f"p{n}.jsonl"
            with jsonl.open("w", encoding="utf-8") as fh:
                for i, (title, abstract) in enumerate(synthetic_abstracts(n, seed=1)):
                    fh.write(json.dumps({"id": f"p{i}", "title": title, "abstract": abstract}) + "\n")
            res["fill"][n] = measure("fill", store, str(n), model_key)
            res["ask"][n] = measure("ask", store, qs)
            res["add"][n] = measure("add", store, str(folder / "real"))
            res["rank"][n] = measure("rank", str(jsonl))
            size_mb = sum(f.stat().st_size for f in folder.glob(f"s{n}.sqlite*")) / 2**20
            res["fill"][n]["store_mb"] = size_mb
            print(n, json.dumps({op: r[n] for op, r in res.items()}), flush=True)
            Path(store).unlink()
            if not real_rank:
                real_rank = measure("rank-real", str(jsonl))
            if args.write and done > 1:  # written after every size: a cut-short run leaves what it measured
                write(sizes[:done], res, real_rank)
    print(report(sizes, res, real_rank))


def write(sizes: list[int], res: dict[str, dict[int, dict[str, Any]]], real_rank: dict[str, Any]) -> None:
    plot(
        sizes,
        {
            "fill store (storage half of add)": [res["fill"][n]["seconds"] for n in sizes],
            "rank N abstracts (stand-in encoder)": [res["rank"][n]["seconds"] for n in sizes],
            "ask, first question": [res["ask"][n]["first"] for n in sizes],
            "ask, next questions (median)": [res["ask"][n]["seconds"] for n in sizes],
            f"add {ADD_ABSTRACTS} real abstracts to the store": [res["add"][n]["seconds"] for n in sizes],
        },
    )
    update_section("scale", "Scale: `add`, `ask` and `rank` at 1k to 100k abstracts", report(sizes, res, real_rank))


def report(sizes: list[int], res: dict[str, dict[int, dict[str, Any]]], real_rank: dict[str, Any]) -> str:
    def fmt(x: float) -> str:
        return f"{x:.3g}" if x < 100 else f"{x:,.0f}"

    rows = []
    spec = [
        ("fill: store N synthetic abstracts (storage half of add, batches)", "fill", "seconds", "-"),
        (f"add {ADD_ABSTRACTS} real abstracts into the store of N (real models), s per abstract", "add", "per_doc",
         "<= 0.2 (>= 5/s)"),
        ("ask, first question (opens the store, loads the vectors)", "ask", "first", "-"),
        ("ask, next questions (median of 5)", "ask", "seconds", "-"),
        ("rank N abstracts (stand-in encoder)", "rank", "seconds", "-"),
    ]  # fmt: skip
    for label, op, key, target in spec:
        secs = [res[op][n][key] for n in sizes]
        rss = [res[op][n]["peak_mb"] for n in sizes]
        slope = exponent(sizes, secs) if len(sizes) > 1 else float("nan")
        rows.append([label, *(fmt(s) for s in secs), *(f"{r:,.0f}" for r in rss), f"**{slope:.2f}**", target])
    heads = ["operation", *(f"s @ {n:,}" for n in sizes), *(f"peak MB @ {n:,}" for n in sizes), "exponent",
             "target"]  # fmt: skip
    table = markdown_table(heads, rows)
    store_mb = ", ".join(f"{res['fill'][n]['store_mb']:,.0f} MB @ {n:,}" for n in sizes)
    n0 = sizes[0]
    real = real_rank["seconds"]
    stand_in = res["rank"][n0]["seconds"]
    encoder_per_doc = (real - stand_in) / n0
    base = ", ".join(f"{op} {res[op][sizes[-1]]['before_mb']:,.0f}" for op in ("add", "ask", "rank"))
    return (
        header(f"python benchmarks/scale.py --sizes {','.join(map(str, sizes))} --write") + f"\n{table}\n\n"
        "What is real: `add` runs the real models on real arXiv abstracts; `ask` runs the real question "
        "encoder, BM25 and answer ranker. What is synthetic: the stored abstracts (real titles and real "
        "CSAbstruct sentences, recombined) and their vectors (random unit vectors, written through "
        "`SQLiteStore.add_many`, as `add` writes), and `rank`'s encoder (a stand-in returning random vectors). "
        f"With the real encoder, rank of {n0:,} abstracts took {real:.1f} s ({n0 / real:.0f} abstracts/s), "
        f"so the encoder costs {encoder_per_doc * 1000:.0f} ms per abstract on top of the stand-in row, "
        f"linearly: rank of 100,000 with the real encoder ≈ {fmt(100_000 * encoder_per_doc)} s more.\n\n"
        "The add row's exponent is that of the time per abstract (0: a bigger store does not slow adding "
        f"down). Store size on disk: {store_mb}. Peak RSS is the whole process's (Python, torch, models); "
        f"before the operation at {sizes[-1]:,}: {base} MB. "
        f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} (2 cores shared by several jobs). "
        f"Plot: `docs/{PLOT.name}`.\n"
    )


if __name__ == "__main__":
    main()
