"""How fast is ``sciwire analyze``? Cold start and warm analysis of the bundled example.

- cold start: a fresh Python process imports sciwire and loads spaCy + MiniLM (median of 3);
- warm: models loaded, a paper + the 2 example stories analysed end to end (the bundled
  example, and the example padded to >= 6,000 words with repeated paragraphs),
  report rendered, embedding cache **off** (the honest number) and **on** (re-analysis).

Run: ``python benchmarks/analyze.py [--repeats 3] [--write]``.
Targets (issue #2): warm < 5 s on 2 cores, model load < 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.examples import paper_path, story_paths
from sciwire.pipeline import Analyzer, read_inputs
from sciwire.report import render_html, report_dict

COLD = """
import time, os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
t = time.perf_counter()
from sciwire.config import load_config
from sciwire.pipeline import Analyzer
Analyzer(load_config(overrides=["runtime.embedding_cache=false"])).warm_up()
print(time.perf_counter() - t)
"""


def cold_start() -> float:
    out = subprocess.run([sys.executable, "-c", COLD], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


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


def warm(analyzer: Analyzer, repeats: int, paper_file: Path) -> tuple[list[float], dict[str, float], int, int]:
    times, steps = [], {}
    words = sentences = 0
    for _ in range(repeats):
        t = time.perf_counter()
        paper, stories = read_inputs(paper_file, story_paths(), analyzer.config)
        result = analyzer.analyze(paper, stories)
        render_html(result)
        report_dict(result)
        times.append(time.perf_counter() - t)
        steps = result.timings
        words = len(paper.text.split())
        sentences = len(result.paper.sentences) + sum(len(s.sentences) for s in result.stories)
    return times, steps, words, sentences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    colds = [cold_start() for _ in range(args.repeats)]
    rows = [["cold start: import + load spaCy and MiniLM", f"{statistics.median(colds):.2f}", "< 10", ""]]
    with tempfile.TemporaryDirectory() as cache:
        big = padded_paper(cache)
        for label, cache_on, paper_file in (
            ("bundled example, cache off", False, paper_path()),
            ("6,000-word paper, cache off", False, big),
            ("6,000-word paper, cache on (re-analysis)", True, big),
        ):
            cfg = load_config(
                overrides=[f"runtime.embedding_cache={str(cache_on).lower()}", f"paths.cache_dir={cache}"]
            )
            analyzer = Analyzer(cfg)
            analyzer.warm_up()
            if cache_on:
                warm(analyzer, 1, paper_file)  # fill the cache
            times, steps, words, sentences = warm(analyzer, args.repeats, paper_file)
            detail = ", ".join(f"{k} {v:.2f}" for k, v in steps.items() if k != "load_models")
            rows.append(
                [
                    f"warm analyse: {label} ({words} paper words + 2 stories, {sentences} sentences)",
                    f"{statistics.median(times):.2f}",
                    "< 5",
                    detail,
                ]
            )
    table = markdown_table(["measure", "seconds (median)", "target", "steps of last run (s)"], rows)
    print(table)
    if args.write:
        update_section(
            "analyze",
            "`sciwire analyze` speed",
            header(f"python benchmarks/analyze.py --repeats {args.repeats} --write")
            + f"- Repeats: {args.repeats}; warm = read + sentences/entities + embeddings + alignment + render.\n\n"
            + table,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
