"""What a long input costs: time and peak memory of reading + sentence analysis, by size.

A text file of one single line (the bundled example paper and stories, whitespace folded,
repeated to the size) is read and annotated (sentences + entities, what ``sciwire read
--sentences`` does) in a fresh process per run; peak RSS is the child's ``ru_maxrss``.
Two settings in the same run on the same files:

- ``bounded`` (the library): paragraphs cut into chunks of at most 5,000 characters at
  sentence ends, spaCy batches of about 100,000 characters;
- ``before``: the previous settings (20,000-character chunks cut at a space, 64 chunks per
  batch whatever their size), reproduced by setting the two module constants.

Run: ``python benchmarks/long_input.py [--mb 0.2 1 2] [--write]``. ``--mb 20`` states the
20 MB case (about 8 minutes for ``bounded``; ``before`` is skipped above 2 MB: it needs
several GB). The default limit ``input.max_chars`` (2,000,000) refuses texts above that
size with a one-line error; the benchmark raises it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import header, markdown_table, update_section

from sciwire.examples import paper_path, story_paths

CHILD = """
import importlib, resource, sys, time
from sciwire.config import InputConfig, load_config
from sciwire.backends.spacy_nlp import load_spacy
annotate_module = importlib.import_module("sciwire.nlp.annotate")
from sciwire.readers import read
if sys.argv[2] == "before":
    annotate_module.MAX_CHUNK_CHARS = 20_000
    annotate_module.BATCH_CHARS = 10**12
    annotate_module._SENTENCE_END = annotate_module.re.compile(r"(?!)")  # cut at a space only
cfg = load_config()
nlp = load_spacy(cfg.models.spacy)
t = time.perf_counter()
doc = read(sys.argv[1], config=InputConfig(max_mb=1000, max_chars=10**9))
doc = annotate_module.annotate(doc, nlp)
seconds = time.perf_counter() - t
print(seconds, len(doc.text), len(doc.sentences), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def example_text() -> str:
    parts = [paper_path().read_text(encoding="utf-8")]
    parts += [re.sub(r"<[^>]+>", " ", p.read_text(encoding="utf-8")) for p in story_paths()]
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def run(path: Path, mode: str) -> tuple[float, int, int, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{mode} on {path.name} failed:\n{out.stderr[-2000:]}")
    seconds, chars, sentences, rss_kb = out.stdout.split()
    return float(seconds), int(chars), int(sentences), int(rss_kb) / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[0.2, 1.0, 2.0], help="input sizes in MB")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    base = example_text() + " "
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.mb:
            size = int(mb * 1_000_000)
            path = Path(tmp) / f"long_{mb:g}mb.txt"
            path.write_text((base * (size // len(base) + 1))[:size], encoding="utf-8")
            for mode in ("bounded", "before"):
                if mode == "before" and mb > 2:
                    rows.append([f"{mb:g}", mode, "skipped (needs several GB)", "", "", ""])
                    continue
                seconds, chars, sentences, gb = run(path, mode)
                rows.append([f"{mb:g}", mode, f"{seconds:.1f}", f"{seconds / chars * 1e6:.1f}", f"{gb:.2f}", sentences])
                print(rows[-1], file=sys.stderr)
    table = markdown_table(
        ["MB (one line)", "settings", "seconds", "s per million chars", "peak GB", "sentences"], rows
    )
    print(table)
    if args.write:
        command = "python benchmarks/long_input.py " + " ".join(sys.argv[1:])
        body = (
            header(command.strip())
            + "\nRead + sentences + entities of a single-line text file in a fresh process (model load not "
            "timed; peak RSS includes it). `bounded` is the library; `before` the previous chunking, in the "
            "same run.\n\n"
            + table
            + "\n\nThe default `input.max_chars` = 2,000,000 keeps one input under about a minute; a long "
            "paper has about 100,000 characters.\n"
        )
        update_section("long_input", "Long inputs: time and memory of sentence analysis", body)


if __name__ == "__main__":
    main()
