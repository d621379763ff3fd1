"""In-document coreference: LitBank document cross-validation and GAP validation, beside baselines and anchors.

Protocol (see docs/coref.md):
- LitBank (80 documents): 5-fold cross-validation over documents (seed 0). Per fold, a fresh
  mention ranker is fitted on the other folds' gold mentions (LitBank only, and again with all of
  GAP development added, its snippets pooled 25 to an optimizer step and two passes over LitBank
  alone at the end: the two recipes of
  ``sciwire train coref [--no-gap]``, same folds, same run) and a mention detector on their
  parse candidates; held-out documents are resolved on gold mentions and on predicted mentions.
  Out-of-fold chains are pooled and scored once (MUC, B³, CEAF-e, CoNLL F1 = their mean), with
  singletons (LitBank annotates them) and without. Baselines run on the
  same mentions in the same folds: exact string match, head-lemma match, and head match +
  each pronoun linked to the nearest earlier agreeing mention.
- GAP validation (454 snippets, snippet context): the model fitted on all of LitBank only
  (zero-shot for GAP) and on LitBank + GAP development, beside the
  nearest-name and syntactic-parallelism baselines; F1 of the A/B decisions, masculine,
  feminine and bias F/M.
- Step cost: the ``incoref`` step on the bundled example's two stories, warm, median of 3.
- ``--seeds 0,1,2``: each recipe's gold-mention LitBank CV again for the other ranker seeds
  (same folds): a single run cannot settle differences of 0.01, the spread from seed to seed.

Run: ``nice python benchmarks/coref.py [--folds 5] [--jobs 2] [--seeds 0,1,2] [--write]``. The
frozen-encoder features are cached under ``$SCIWIRE_CACHE/incoref`` (or the temp folder) on the first run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from _common import header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.linking.incoref.bundle import CorefModel
from sciwire.linking.incoref.corpus import read_corpora
from sciwire.linking.incoref.evaluate import MODEL, cross_validate
from sciwire.linking.incoref.gap import evaluate_gap, training_doc
from sciwire.linking.incoref.prepare import MAX_ANTECEDENTS
from sciwire.linking.incoref.train import GAP_STEP_MENTIONS, GAP_TAIL_EPOCHS, fit_model, recipe

LITBANK_ANCHOR = (
    "anchor (not comparable): BERT-base e2e-coref on LitBank (Bamman et al. 2020), 10-fold, predicted mentions"
)
GAP_ANCHOR = "anchor (not comparable): published BERT baselines on GAP"


def step_cost() -> tuple[float, dict[str, list[dict]]]:
    """Median warm seconds of the ``incoref`` step on the bundled example's stories, and what it found."""
    from sciwire.examples import paper_path, story_paths
    from sciwire.linking.incoref.report import story_chains
    from sciwire.linking.incoref.step import CorefStep
    from sciwire.pipeline import Analyzer, read_inputs

    analyzer = Analyzer(load_config(), steps=[CorefStep()])
    analyzer.warm_up()
    paper, stories = read_inputs(paper_path(), story_paths())
    times, analysis = [], None
    for _ in range(4):
        analysis = analyzer.analyze(paper, stories)
        times.append(analysis.timings["incoref"])
    assert analysis is not None
    return round(statistics.median(times[1:]), 3), {s.id: story_chains(s) for s in analysis.stories}


SHIPPED = "the shipped folder (coref_default)"
LITBANK_ONLY = "mention ranker, LitBank only"
WITH_GAP = "mention ranker, LitBank + GAP development"


def _cv_rows(cv: dict, cv_gap: dict | None) -> list[list[object]]:
    rows: list[list[object]] = []
    for setting in ("gold_mentions", "predicted_mentions"):
        systems = {(LITBANK_ONLY if n == MODEL else n): s for n, s in cv[setting].items()}
        if cv_gap is not None:
            systems = {LITBANK_ONLY: systems.pop(LITBANK_ONLY), WITH_GAP: cv_gap[setting][MODEL], **systems}
        for name, s in systems.items():
            bold = name.startswith("mention ranker")
            conll = f"**{s['conll']:.3f}**" if bold else f"{s['conll']:.3f}"
            rows.append([name, setting.split("_")[0], f"{s['muc']:.3f}", f"{s['b3']:.3f}", f"{s['ceafe']:.3f}", conll,
                         f"{s['conll_no_singletons']:.3f}"])  # fmt: skip
    rows.append([LITBANK_ANCHOR, "predicted", "", "", "", "≈ 0.68", ""])
    return rows


def _gap_rows(gap: dict) -> list[list[object]]:
    rows: list[list[object]] = [
        [name, f"{s['f1']:.3f}", f"{s['f1_masculine']:.3f}", f"{s['f1_feminine']:.3f}", f"{s['bias_f_m']:.2f}"]
        for name, s in gap.items()
    ]
    rows.append([GAP_ANCHOR, "≈ 0.8", "", "", ""])
    return rows


def seed_spread(docs: list, inputs: list, extra: list, seeds: list[int], args: argparse.Namespace, cv: dict,
                cv_gap: dict | None) -> dict[str, list[float]]:  # fmt: skip
    """Gold-mention LitBank CV CoNLL F1 of each recipe per ranker seed (the first seed's from the main run)."""
    out = {LITBANK_ONLY: [cv["gold_mentions"][MODEL]["conll"]]}
    if cv_gap is not None:
        out[WITH_GAP] = [cv_gap["gold_mentions"][MODEL]["conll"]]
    for seed in seeds[1:]:
        for name in list(out):
            gap = name == WITH_GAP
            settings = {**recipe(gap), "random_state": seed}
            res = cross_validate(docs, inputs, folds=args.folds, jobs=args.jobs, predicted=False,
                                 extra_train=extra if gap else (), ranker=settings)  # fmt: skip
            out[name].append(res["gold_mentions"][MODEL]["conll"])
    return out


def _spread_rows(spread: dict[str, list[float]]) -> list[list[object]]:
    return [[name, " / ".join(f"{v:.3f}" for v in values), f"{statistics.mean(values):.3f}",
             f"{max(values) - min(values):.3f}"] for name, values in spread.items()]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1, help="Folds fitted at once (forked processes).")
    parser.add_argument("--write", action="store_true", help="Write the coref section of docs/benchmarks.md.")
    parser.add_argument("--no-gap-cv", action="store_true",
                        help="Cross-validate the LitBank-only recipe only (halves the time).")  # fmt: skip
    parser.add_argument("--seeds", default="0",
                        help="Ranker seeds, comma-separated: seeds after the first add a gold-mention LitBank CV of "
                             "each recipe (the spread from seed to seed).")  # fmt: skip
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    cfg = load_config()
    data = args.data or Path(cfg.paths.data_dir)
    t0 = time.perf_counter()
    docs, inputs, gaps = read_corpora(data, cfg, gap_splits=("development", "validation"))
    read_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = {"random_state": seeds[0]}
    cv = cross_validate(docs, inputs, folds=args.folds, jobs=args.jobs, ranker={**recipe(False), **first})
    cv_gap = None
    extra = [training_doc(g, MAX_ANTECEDENTS) for g in gaps["development"]]
    if not args.no_gap_cv:
        cv_gap = cross_validate(docs, inputs, folds=args.folds, jobs=args.jobs, extra_train=extra,
                                ranker={**recipe(True), **first})  # fmt: skip
    spread = seed_spread(docs, inputs, extra, seeds, args, cv, cv_gap)
    cv_s = time.perf_counter() - t0
    litbank_only = fit_model(docs, inputs, [])
    with_gap = fit_model(docs, inputs, gaps["development"])
    gap = evaluate_gap(gaps["validation"], {SHIPPED: CorefModel.load("default"),
                                            f"{LITBANK_ONLY} (zero-shot on GAP), refit now": litbank_only,
                                            f"{WITH_GAP}, refit now": with_gap})  # fmt: skip
    cost, example = step_cost()
    det = cv["mention_detection"]
    parts = [
        header(
            f"nice python benchmarks/coref.py --folds {args.folds} --jobs {args.jobs}"
            f"{' --no-gap-cv' if args.no_gap_cv else ''}{f' --seeds {args.seeds}' if len(seeds) > 1 else ''} --write"
        )
        + "- Timings come from a 2-core machine shared with other work: upper bounds.\n",
        f"**LitBank**, {cv['folds']}-fold document cross-validation ({cv['documents']} documents, {cv['mentions']} "
        "gold mentions; out-of-fold chains pooled; MiniLM frozen, heads refitted per fold; GAP development, when "
        f"added, only trains, its snippets pooled {GAP_STEP_MENTIONS} labelled pronouns to an optimizer step, then "
        f"{GAP_TAIL_EPOCHS} passes over LitBank alone):\n\n"
        + markdown_table(
            ["system", "mentions", "MUC F1", "B³ F1", "CEAF-e F1", "CoNLL F1", "CoNLL F1 w/o singletons"],
            _cv_rows(cv, cv_gap),
        ),
        (
            f"**Seed to seed** (ranker seeds {args.seeds}, same folds, gold mentions, LitBank CV CoNLL F1):\n\n"
            + markdown_table(["recipe", "per seed", "mean", "range"], _spread_rows(spread))
            if len(seeds) > 1
            else ""
        ),
        f"Predicted mentions: the detector keeps {det['precision']:.3f} precision at {det['recall']:.3f} recall "
        f"(F1 {det['f1']:.3f}) of LitBank's gold mentions.",
        f"**GAP validation** ({len(gaps['validation'])} snippets, snippet context; F1 of the A/B decisions; the "
        "recipes refitted on all their data in this run; such refits are not bit-for-bit repeatable and differ "
        "from run to run):\n\n"
        + markdown_table(["system", "F1", "F1 masculine", "F1 feminine", "bias F/M"], _gap_rows(gap)),
        f"**Step cost**: the `incoref` step takes {cost} s on the bundled example's two stories (warm, median of 3): "
        f"{'under' if cost < 0.3 else 'over'} the 0.3 s budget, so it is "
        f"{'cheap enough for the defaults but left opt-in' if cost < 0.3 else 'opt-in'} (`--steps ...,incoref`).",
        "**What it resolves in the bundled example** (chains of two or more mentions):\n\n"
        + "\n".join(
            f"- {sid}: " + "; ".join(f"{c['name']} ← {', '.join(c['mentions'][1:])}" for c in chains)
            for sid, chains in example.items()
        ),
        f"Reading LitBank + GAP (parse and encode, cached after the first run) took {read_s:.0f} s; the "
        f"cross-validation {cv_s:.0f} s.",
    ]
    text = "\n\n".join(p for p in parts if p)
    print(text)
    print(json.dumps({"litbank_cv": cv, "litbank_cv_with_gap": cv_gap, "gap_validation": gap, "step_cost_s": cost,
                      "example": example, "seed_spread": spread}, indent=1),
          file=sys.stderr)  # fmt: skip
    if args.write:
        update_section("coref", "In-document coreference (LitBank cross-validation, GAP validation)", text)


if __name__ == "__main__":
    main()
