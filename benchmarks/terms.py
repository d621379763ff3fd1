"""Scientific terms: abbreviations on our own written set, entity spans on SciERC dev and SemEval-2017 dev.

Protocol (see docs/terms.md):
- Abbreviations: ``benchmarks/data/abbreviations.jsonl`` (28 sentences written for sciwire, 27
  definitions and 3 sentences whose brackets define nothing); a definition counts when
  short and long form match exactly; the glossary is off (only definitions in the text count).
- SciERC dev (50 abstracts), exact span match: typed F1 (span and type) and detection
  P/R/F1 (span only) of four systems in one run: the term tagger and the span typer trained on
  SciERC train (``sciwire train entities [--method typer]``; research use, never shipped;
  settings as the command's defaults, chosen before dev was scored), the shipped zero-shot default,
  and spaCy noun chunks typed with SciERC train's majority type. ``gold_span_typing``: the
  accuracy of the typing alone, given the gold spans.
- SemEval-2017 ScienceIE dev (50 paragraphs): the zero-shot default, Process/Task/Material
  mapped to method/task/material; only those three predicted types count.
- Step cost: the ``terms`` step on the bundled example, warm (models loaded, embedding cache
  warm), median of 3 runs.

Run: ``flock /tmp/sciwire-cpu.lock python benchmarks/terms.py [--model FOLDER] [--tagger FOLDER] [--write]``
(without ``--model`` / ``--tagger`` it trains the typer / tagger into ``--model-out`` / ``--tagger-out``
first; the tagger took 19 minutes on a busy 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from _common import ROOT, header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.terms.abbreviations import find_abbreviations
from sciwire.terms.data import load_scierc
from sciwire.terms.evaluate import evaluate_entities, scores
from sciwire.terms.tagger import load_tagger
from sciwire.terms.train import train_entities

ANCHOR = "DyGIE++ (Wadden et al. 2019), SciERC entity F1 ≈ 0.65-0.69, a fine-tuned SciBERT-size model"


def abbreviation_scores(path: Path) -> dict[str, float]:
    tp = fp = fn = 0
    cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    for case in cases:
        gold = {tuple(g) for g in case["gold"]}
        pred = {(a.short, a.long) for a in find_abbreviations(case["text"], glossary=False)}
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"cases": len(cases), "definitions": tp + fn, "p": round(p, 3), "r": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}  # fmt: skip


def step_cost() -> float:
    from sciwire.examples import paper_path
    from sciwire.pipeline import Analyzer, read_inputs
    from sciwire.terms.step import TermStep

    analyzer = Analyzer(load_config(), steps=[TermStep()])
    analyzer.warm_up()
    paper, stories = read_inputs(paper_path(), [])
    times = [analyzer.analyze(paper, stories).timings["terms"] for _ in range(4)][1:]
    return round(statistics.median(times), 3)


def _row(name: str, m: dict) -> list[object]:
    t, d = m["typed"], m["detection"]
    return [name, t["p"], t["r"], f"**{t['f1']}**", d["p"], d["r"], d["f1"], m.get("gold_span_typing", "")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="A folder from `sciwire train entities` (else trained now).")
    parser.add_argument("--model-out", type=Path, default=Path("/tmp/sciwire-entity-typer"))
    parser.add_argument(
        "--tagger", type=Path, help="A folder from `sciwire train entities` (tagger; else trained now)."
    )
    parser.add_argument("--tagger-out", type=Path, default=Path("/tmp/sciwire-entity-tagger"))
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--write", action="store_true", help="Write the terms section of docs/benchmarks.md.")
    args = parser.parse_args()
    cfg = load_config()
    data = args.data or Path(cfg.paths.data_dir)
    model = args.model
    if model is None:
        model = args.model_out
        train_entities(data, model, cfg, method="typer",
                       command=f"sciwire train entities --method typer --data {data} --out {model}")  # fmt: skip
    tagger = args.tagger
    tagger_s = None
    if tagger is None:
        tagger = args.tagger_out
        start = time.perf_counter()
        train_entities(data, tagger, cfg, command=f"sciwire train entities --data {data} --out {tagger}")
        tagger_s = time.perf_counter() - start
    abbreviations = abbreviation_scores(ROOT / "benchmarks" / "data" / "abbreviations.jsonl")
    metrics = evaluate_entities(data, cfg, model=model)
    dev = load_scierc(data, "dev")  # the tagger on the same documents (the baselines above are not rerun)
    metrics["scierc"]["tagger"] = scores(dev, load_tagger(tagger).predict([d.text for d in dev]))
    cost = step_cost()
    scierc, semeval = metrics["scierc"], metrics["semeval2017"]
    heads = ["system", "typed P", "typed R", "typed F1", "detection P", "detection R", "detection F1",
             "typing accuracy on gold spans"]  # fmt: skip
    parts = [
        header(
            "flock /tmp/sciwire-cpu.lock python benchmarks/terms.py"
            + (f" --tagger {args.tagger}" if args.tagger else "")
            + (f" --model {args.model}" if args.model else "")
            + " --write"
        ),
        f"**Abbreviations** (our written set, {abbreviations['cases']} sentences, {abbreviations['definitions']} "
        "definitions, glossary off):\n\n"
        + markdown_table(["P", "R", "F1"], [[abbreviations["p"], abbreviations["r"], abbreviations["f1"]]]),
        f"**SciERC dev** ({scierc['documents']} abstracts, {scierc['gold_spans']} gold spans; exact match; noun-chunk "
        f"candidates cover {scierc['candidate_recall']} of the gold spans):\n\n"
        + markdown_table(
            heads,
            [
                _row("term tagger trained on SciERC train (not shipped)", scierc["tagger"]),
                _row("span typer trained on SciERC train (not shipped)", scierc["trained"]),
                _row("zero-shot default (shipped)", scierc["zero_shot"]),
                _row(f"noun chunks, all {scierc['majority_type']}", scierc["noun_chunks_majority"]),
                [f"anchor: {ANCHOR}", "", "", "0.65-0.69", "", "", "", ""],
            ],
        ),
        "The tagger is the bundled MiniLM fine-tuned with a tag layer (`sciwire train entities`, 5 epochs)"
        + (f"; training took {tagger_s:.0f} s on this machine" if tagger_s is not None else "")
        + "; the typer types noun chunks (`--method typer`).",
        f"**SemEval-2017 ScienceIE dev** ({semeval['documents']} paragraphs, {semeval['gold_spans']} gold spans, "
        "Process/Task/Material as method/task/material):\n\n"
        + markdown_table(
            heads,
            [
                _row("zero-shot default (shipped)", semeval["zero_shot"]),
                _row(f"noun chunks, all {semeval['majority_type']}", semeval["noun_chunks_majority"]),
            ],
        ),
        f"**Step cost**: the `terms` step takes {cost} s on the bundled example (warm, median of 3; the machine "
        "is shared, so this is an upper bound), over the 0.5 s budget of a default step: it stays opt-in "
        "(`--steps ...,terms`).",
    ]
    text = "\n\n".join(parts)
    print(text)
    print(json.dumps({"abbreviations": abbreviations, **metrics, "step_cost_s": cost}, indent=1), file=sys.stderr)
    if args.write:
        update_section("terms", "Scientific terms and abbreviations (SciERC, SemEval-2017, our set)", text)


if __name__ == "__main__":
    main()
