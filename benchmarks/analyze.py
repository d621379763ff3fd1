"""How fast is ``sciwire analyze``? Cold start, warm analysis, a real PDF, and what each lever gave.

Every measurement runs in a fresh Python process (peak RSS is that process's ``ru_maxrss``):

- cold start: import sciwire and load every model ``analyze`` uses (spaCy, MiniLM, the
  aligner and each step's models), then the whole ``sciwire analyze`` command on the
  bundled example (what a user waits for: import, load, analyse, write the report);
- warm: models loaded, a paper + the 2 example stories analysed end to end and the report
  rendered, for the bundled example and the example padded to >= 6,000 words, embedding
  cache **off** (the honest number; in-process text caches are cleared before every
  repeat, so a repeat cannot reuse the previous one's work) and **on** (re-analysis);
- a real PDF: ``sciwire analyze`` on the 10-page ACL paper in ``../shared/data/real/papers``
  with two real news pages (our data has no 21-page PDF; the padded paper covers length).

``--int8`` also measures the runtime levers on the bundled example's sentences: PyTorch fp32
(the default), ONNX Runtime fp32 and ONNX Runtime with int8 weights (``onnx-int8``: dynamic, per
channel), CPU seconds of one embedding pass (through :class:`Embedder`) and the cosine of each
vector to PyTorch's. The warm rows include the bundled example with ``onnx-int8`` (its accuracy
gate: ``benchmarks/int8_gate.py``).

``--baseline SRC`` runs the same warm measurement with the code in ``SRC`` (e.g. a
``git worktree`` of an older commit) in the same run, so each step's change is measured on
the same machine at the same time: that is the "levers" table (before, after with the default
PyTorch encoder, and after with ``onnx-int8``). The cold rows (load, the whole command, the real
PDF) are then measured for both codes too, the two taking turns.

Run: ``python benchmarks/analyze.py [--repeats 3] [--int8] [--baseline /tmp/base/src] [--write]``.
Targets (issue #17): warm <= 3 s, cold start <= 4 s, real PDF + 2 stories <= 15 s and <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _common import ROOT, header, markdown_table, update_section

from sciwire.examples import paper_path, story_paths

DATA = Path(os.environ.get("SCIWIRE_DATA", ROOT.parent / "shared" / "data"))
REAL_PDF = DATA / "real" / "papers" / "P14-1059.pdf"
REAL_NEWS = [DATA / "real" / "news" / "phys.org.tool.html", DATA / "real" / "news" / "nature.com.telescope.html"]

LOAD = """
import json, os, resource, time
os.environ.setdefault("HF_HUB_OFFLINE", "1")
t = time.perf_counter()
from sciwire.config import load_config
from sciwire.pipeline import Analyzer
Analyzer(load_config(overrides=["runtime.embedding_cache=false"])).warm_up()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - t, "rss_mb": rss}))
"""

WARM = """
import json, os, resource, sys, time
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from sciwire.config import load_config
from sciwire.examples import story_paths
from sciwire.pipeline import Analyzer, read_inputs
from sciwire.report import render_html, report_dict

paper_file, cache, cache_on, repeats = sys.argv[1], sys.argv[2], sys.argv[3] == "on", int(sys.argv[4])
overrides = [f"runtime.embedding_cache={str(cache_on).lower()}", f"paths.cache_dir={cache}"]
if len(sys.argv) > 5:  # another encoder runtime (models.embedding_backend)
    overrides.append(f"models.embedding_backend={sys.argv[5]}")
analyzer = Analyzer(load_config(overrides=overrides))
analyzer.warm_up()


def forget():
    # in-process text caches: the fidelity base's states, the shared layer states, linking's memos
    # (through private names: --baseline runs older code, which has no clear() methods for them)
    try:
        from sciwire.backends.layer_states import SHARED_STATES
        SHARED_STATES.clear()
    except ImportError:
        pass
    from sciwire.fidelity.encoder import frozen_base
    frozen_base()._cache.clear()
    for step in analyzer.steps:
        linker = getattr(step, "linker_", None)
        for memo in ("_memo", "_parsed"):
            getattr(linker, memo, {}).clear()


import contextlib
import sciwire.pipeline as pipeline_module

cpu = {}
wall_timed = pipeline_module._timed


@contextlib.contextmanager
def timed_too(timings, name):  # the pipeline's own step timer, plus process CPU time per step
    start = time.process_time()
    with wall_timed(timings, name):
        yield
    cpu[name] = round(time.process_time() - start, 3)


pipeline_module._timed = timed_too


def once():
    forget()
    cpu.clear()
    t, c = time.perf_counter(), time.process_time()
    paper, stories = read_inputs(paper_file, story_paths(), analyzer.config)
    result = analyzer.analyze(paper, stories)
    render_html(result)
    report_dict(result)
    sentences = len(result.paper.sentences) + sum(len(s.sentences) for s in result.stories)
    steps_cpu = {**cpu, "**whole analysis**": time.process_time() - c}
    return time.perf_counter() - t, result.timings, len(paper.text.split()), sentences, steps_cpu


if cache_on:
    once()  # fill the cache
runs = [once() for _ in range(repeats)]
print(json.dumps({"times": [r[0] for r in runs], "steps": [r[1] for r in runs], "words": runs[0][2],
                  "sentences": runs[0][3], "cpu": [r[4] for r in runs],
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(code: str, args: list[str], src: str | None = None) -> dict:
    """Run ``code`` in a fresh interpreter (with ``src`` first on the path, when given); its JSON line."""
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    if src:
        env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def command(args: list[str], src: str | None = None) -> dict:
    """Time a whole ``sciwire`` command in a fresh process (``src`` first on its path); its peak RSS."""
    code = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t,"
        " 'rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    exe = str(Path(sys.executable).with_name("sciwire"))
    return child(code, [exe, *args], src=src)


def in_turns(repeats: int, baseline: str | None, run: Callable[[str | None], dict]) -> tuple[list[dict], list[dict]]:
    """``run(src)`` ``repeats`` times with this checkout's code and, with a baseline, as often with the
    baseline's, the two taking turns (order flipped every round): (this code's runs, the baseline's)."""
    now: list[dict] = []
    before: list[dict] = []
    for k in range(repeats):
        turns: list[tuple[list[dict], str | None]] = [(now, None), *([(before, baseline)] if baseline else [])]
        for runs, src in reversed(turns) if k % 2 else turns:
            runs.append(run(src))
    return now, before


INT8 = """
import json, os, sys, tempfile, time
os.environ.setdefault("HF_HUB_OFFLINE", "1")
from sciwire.backends.embeddings import Embedder
from sciwire.config import load_config
from sciwire.pipeline import read_inputs
from sciwire.examples import paper_path, story_paths
from sciwire.nlp import annotate_many
from sciwire.backends.spacy_nlp import load_spacy

config = load_config()
paper, stories = read_inputs(paper_path(), story_paths(), config)
docs = annotate_many([paper, *stories], load_spacy(config.models.spacy))
texts = [t for d in docs for t in d.sentence_texts()]
names = {"torch": "PyTorch fp32 (default)", "onnx": "ONNX Runtime fp32",
         "onnx-int8": "ONNX Runtime int8 (`onnx-int8`: dynamic, per channel)"}
out, ref = {}, None
with tempfile.TemporaryDirectory() as tmp:
    for backend, name in names.items():
        enc = Embedder(config.models.embedding, cache_dir=None, max_tokens=config.models.max_tokens,
                       backend=backend, export_dir=tmp)
        vecs = enc.encode(texts)  # warm: loads, exports, quantizes
        ref = vecs if ref is None else ref
        times = []
        for _ in range(3):
            t = time.process_time()
            vecs = enc.encode(texts)
            times.append(time.process_time() - t)
        cos = (ref * vecs).sum(axis=1)
        out[name] = {"cpu_s": sorted(times)[1], "cos_mean": float(cos.mean()), "cos_min": float(cos.min())}
print(json.dumps({"sentences": len(texts), "runs": out}))
"""


def news_args(paths: list[Path]) -> list[str]:
    return [arg for p in paths for arg in ("--news", str(p))]


def padded_paper(folder: str, min_words: int = 6200) -> Path:
    """The example paper plus repeated body paragraphs under a supplementary heading, >= min_words."""
    text = paper_path().read_text("utf-8")
    paragraphs = [p for p in text.split("\n\n") if len(p.split()) > 40]
    extra, i = ["## Supplementary discussion"], 0
    while len((text + " ".join(extra)).split()) < min_words:
        extra.append(paragraphs[i % len(paragraphs)])
        i += 1
    path = Path(folder) / "paper-6000.md"
    path.write_text(text.rstrip() + "\n\n" + "\n\n".join(extra) + "\n", encoding="utf-8")
    return path


def seconds_and_peak(runs: list[dict], target: str) -> list[str]:
    return [
        f"{statistics.median(x['seconds'] for x in runs):.2f}",
        target,
        f"peak {max(x['rss_mb'] for x in runs):.0f} MB",
    ]


def steps_text(steps: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in steps.items() if k != "load_models")


def median_steps(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r.get(k, 0.0) for r in runs) for k in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--int8", action="store_true", help="measure ONNX Runtime fp32/int8 against PyTorch")
    parser.add_argument("--baseline", help="a source folder (src/) of older code, measured warm in the same run")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    rows = []
    loads, loads_before = in_turns(args.repeats, args.baseline, lambda src: child(LOAD, [], src=src))
    rows.append(["cold: import sciwire + load every model analyze uses", *seconds_and_peak(loads, "")])
    if loads_before:
        rows.append(["cold: the same, code of `--baseline`", *seconds_and_peak(loads_before, "")])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        example = ["analyze", str(paper_path()), *news_args(story_paths()), "--out", str(out),
                   "-s", "runtime.embedding_cache=false"]  # fmt: skip
        cold, cold_before = in_turns(args.repeats, args.baseline, lambda src: command(example, src))
        rows.append(["cold: the whole `sciwire analyze` command, bundled example", *seconds_and_peak(cold, "<= 4")])
        if cold_before:
            rows.append(["cold: the same command, code of `--baseline`", *seconds_and_peak(cold_before, "<= 4")])
        big = padded_paper(tmp)
        warm_rows: dict[str, dict] = {}
        for label, cache_on, paper_file, backend in (
            ("bundled example, cache off", False, paper_path(), []),
            ("bundled example, cache off, `onnx-int8` encoder", False, paper_path(), ["onnx-int8"]),
            ("6,000-word paper, cache off", False, big, []),
            ("6,000-word paper, cache on (re-analysis)", True, big, []),
        ):
            cache = Path(tmp) / f"cache-{len(warm_rows)}"
            got = child(WARM, [str(paper_file), str(cache), "on" if cache_on else "off", str(args.repeats), *backend])
            warm_rows[label] = got
            rows.append(
                [f"warm analyse: {label} ({got['words']} paper words + 2 stories, {got['sentences']} sentences)",
                 f"{statistics.median(got['times']):.2f}", "<= 3", steps_text(median_steps(got["steps"]))]
            )  # fmt: skip
        if REAL_PDF.exists() and all(p.exists() for p in REAL_NEWS):
            pdf = ["analyze", str(REAL_PDF), *news_args(REAL_NEWS), "--out", str(out),
                   "-s", "runtime.embedding_cache=false"]  # fmt: skip
            real, real_before = in_turns(args.repeats, args.baseline, lambda src: command(pdf, src))
            for label, runs in (("", real), (", code of `--baseline`", real_before)):
                if runs:
                    rows.append(
                        [f"cold: `sciwire analyze` real 10-page PDF ({REAL_PDF.name}) + 2 real news pages{label}",
                         *seconds_and_peak(runs, "<= 15 s, <= 1 GB")]
                    )  # fmt: skip
        else:
            print(f"skipped the real PDF: {REAL_PDF} or the news pages are missing", file=sys.stderr)
        lever_table = ""
        if args.baseline:
            # the old and the new code take turns (one fresh process each), so a slow spell of a shared
            # machine falls on both; every process gets its own cache folder
            def warm(src: str | None) -> dict:
                cache = tempfile.mkdtemp(dir=tmp, prefix="cache-turn-")
                return child(WARM, [str(paper_path()), cache, "off", str(args.repeats)], src=src)

            now_runs, before_runs = in_turns(args.repeats, args.baseline, warm)
            int8 = warm_rows["bundled example, cache off, `onnx-int8` encoder"]
            # process CPU seconds (both cores counted): far steadier than wall time on a shared machine
            before = median_steps([cpu for got in before_runs for cpu in got["cpu"]])
            after = median_steps([cpu for got in now_runs for cpu in got["cpu"]])
            after8 = median_steps(int8["cpu"])
            lever_rows = [
                [
                    step,
                    f"{before.get(step, 0):.2f}",
                    f"{after.get(step, 0):.2f}",
                    f"{before.get(step, 0) - after.get(step, 0):+.2f}",
                    f"{after8.get(step, 0):.2f}",
                    f"{after.get(step, 0) - after8.get(step, 0):+.2f}",
                ]
                for step in dict.fromkeys([*before, *after])
                if step != "load_models"
            ]
            heads = ["step (bundled example, warm, cache off; process CPU s)", "before", "after, torch", "saved",
                     "after, `onnx-int8`", "int8 saves"]  # fmt: skip
            lever_table = markdown_table(heads, lever_rows)
    int8_table = ""
    if args.int8:
        got = child(INT8, [])
        torch_s = got["runs"]["PyTorch fp32 (default)"]["cpu_s"]
        int8_rows = [
            [name, f"{r['cpu_s']:.2f}", f"{torch_s / r['cpu_s']:.2f}x", f"{r['cos_mean']:.4f}", f"{r['cos_min']:.4f}"]
            for name, r in got["runs"].items()
        ]
        heads = [f"encoder runtime ({got['sentences']} sentences, one pass)", "CPU s (median of 3)", "speed-up",
                 "cosine to PyTorch, mean", "min"]  # fmt: skip
        int8_table = markdown_table(heads, int8_rows)
    table = markdown_table(["measure", "seconds (median)", "target", "detail"], rows)
    print(table)
    for extra in (lever_table, int8_table):
        if extra:
            print()
            print(extra)
    if args.write:
        baseline = (" --int8" if args.int8 else "") + (f" --baseline {args.baseline}" if args.baseline else "")
        body = (
            header(f"python benchmarks/analyze.py --repeats {args.repeats}{baseline} --write")
            + f"- Repeats: {args.repeats}, each in a fresh process; warm = read + every step + report rendered; "
            "in-process text caches cleared before every repeat.\n\n" + table
        )
        if int8_table:
            body += (
                "\n\nRuntime levers on the same sentences (`--int8`), CPU time of one embedding pass:\n\n" + int8_table
            )
        if lever_table:
            body += (
                "\n\nThe same warm measurement with the code before the speed work (`--baseline`), same run, in "
                f"process CPU seconds (both cores counted): old and new code took turns, {args.repeats} fresh "
                f"processes each, {args.repeats} analyses in each, median of all; the `onnx-int8` column is the "
                "warm row's process above:\n\n"
            )
            body += lever_table
        update_section("analyze", "`sciwire analyze` speed", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
