"""Few-shot relations with "none of these" (FewRel protocol) and SciERC relations with gold entities.

Protocol (see docs/relations.md and ``sciwire.relations.evaluate``):
- FewRel: N-way K-shot episodes (5/10-way x 1/5-shot), NOTA rates 0 (FewRel 1.0, always one
  of the N), 0.15 and 0.5 (FewRel 2.0); 1,000 seeded episodes per setting, the same for every
  method; accuracy over queries and a 95% interval over episodes. Sets: ``val_wiki`` (16
  relations, 80 sentences sampled per relation), cross-domain ``val_semeval`` (17) and
  ``val_nyt`` (25; 40 per relation). Every threshold and projection is fitted on the *other*
  two sets with the evaluated set's relations removed (val_wiki: val_semeval + val_nyt minus
  the 8 relations val_nyt shares with it); no relation evaluated was seen in fitting.
- SciERC: every ordered pair of gold entities in a sentence of dev (50 abstracts) is classified
  into 7 relations or none by a logistic head trained on train (350 abstracts; research use,
  never shipped); micro F1 over directed relations; baseline: most frequent relation per
  entity-type pair (where it raises train F1).

Run: ``flock /tmp/sciwire-cpu.lock python benchmarks/relations.py [--episodes 1000] [--write]``
(with ``--from-json FILE`` it formats a saved ``sciwire evaluate relations --scierc --json`` result).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _common import header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.relations.evaluate import METHODS, FewRelSettings, evaluate_fewrel, evaluate_scierc

ANCHORS = {
    ("val_wiki", 5, 1, 0.0): "Proto-CNN ≈ 74.5; BERT-PAIR 85.7",
}
ANCHOR_NOTE = (
    "Anchors (not comparable: bigger encoders fine-tuned on FewRel's 64 training relations, scored on the "
    "whole val_wiki): Proto-CNN 5-way 1-shot ≈ 74.5 (Han et al. 2018), BERT-PAIR 5-way 1-shot 85.7 "
    "(Gao et al. 2019, FewRel 2.0). sciwire's encoder is frozen all-MiniLM-L6-v2 and nothing is fitted on val_wiki."
)
LABELS = {
    "lexical": "TF-IDF prototypes",
    "sentence-mean": "MiniLM sentence mean",
    "prototypes-absolute": "entity prototypes, absolute threshold",
    "prototypes-marked": "entity prototypes, markers",
    "prototypes": "entity prototypes (shipped)",
    "projection": "+ projection (rank 16)",
}


def fewrel_tables(result: dict) -> str:
    rows = result["rows"]
    out = []
    for name in dict.fromkeys(r["set"] for r in rows):
        table = []
        settings = list(dict.fromkeys((r["n_way"], r["k_shot"], r["nota_rate"]) for r in rows if r["set"] == name))
        for n_way, k_shot, rate in settings:
            cells = {r["method"]: r for r in rows if (r["set"], r["n_way"], r["k_shot"], r["nota_rate"]) ==
                     (name, n_way, k_shot, rate)}  # fmt: skip
            line: list[object] = [f"{n_way}-way {k_shot}-shot", rate]
            for method in METHODS:
                r = cells.get(method)
                line.append(f"{100 * r['accuracy']:.1f} ± {100 * r['ci95']:.1f}" if r else "")
            line.append(ANCHORS.get((name, n_way, k_shot, rate), ""))
            table.append(line)
        fitted = result["fitted"].get(name, {}).get("prototypes", {})
        out.append(f"### {name}\n\nThresholds of the shipped method (centred score), fitted on "
                   f"{' + '.join(_fit_sets(name))}: {fitted}\n")  # fmt: skip
        out.append(markdown_table(["setting", "NOTA rate", *(LABELS[m] for m in METHODS), "anchor"], table))
        out.append("")
    return "\n".join(out)


def _fit_sets(name: str) -> list[str]:
    from sciwire.relations.evaluate import FIT_SETS

    return list(FIT_SETS[name])


def scierc_table(result: dict) -> str:
    rows = [
        ["logistic head on MiniLM pair features", result["head"]["precision"], result["head"]["recall"],
         result["head"]["f1"]],
        ["most frequent relation per type pair", result["baseline"]["precision"], result["baseline"]["recall"],
         result["baseline"]["f1"]],
    ]  # fmt: skip
    per = ", ".join(f"{k} {v['f1']}" for k, v in result["per_label"].items())
    return (
        markdown_table(["SciERC dev, gold entities", "P", "R", "F1"], rows)
        + f"\n\n{result['dev_pairs']} candidate pairs, {result['dev_relations']} gold relations; `none` bias "
        f"{result['none_bias']} (chosen on every 5th training abstract). Per relation F1: {per}.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--no-scierc", action="store_true", help="Leave out the SciERC head.")
    parser.add_argument("--from-json", type=Path, help="Format a saved result instead of running.")
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    args = parser.parse_args()
    cfg = load_config()
    started = time.perf_counter()
    if args.from_json:
        result = json.loads(args.from_json.read_text("utf-8"))
    else:
        cache = cfg.paths.cache_dir
        result = evaluate_fewrel(cfg.paths.data_dir, FewRelSettings(episodes=args.episodes), cache)
        if not args.no_scierc:
            result["scierc"] = evaluate_scierc(cfg.paths.data_dir, cfg)[0]
    elapsed = float(result.get("wall_s", time.perf_counter() - started))
    command = "python benchmarks/relations.py" + (f" --from-json {args.from_json.name}" if args.from_json else "")
    body = (
        header(command + (" --write" if args.write else ""))
        + f"- Wall time: {elapsed:.0f} s on a shared 2-core machine (load average well above 2; pair encodings "
        "cached in paths.cache_dir)\n\n"
        + "FewRel accuracy (%) ± 95% interval over 1,000 episodes per row (the same episodes for every column); "
        + "NOTA rate 0 = FewRel 1.0 (no 'none of these' answer).\n\n"
        + fewrel_tables(result)
        + "\n"
        + ANCHOR_NOTE
        + "\n\n"
        + (scierc_table(result["scierc"]) if "scierc" in result else "")
    )
    print(body)
    if args.write:
        update_section("relations", "Relations: few-shot with 'none of these' (FewRel) and SciERC", body)
    saved = Path(cfg.paths.cache_dir) / "relations-benchmark.json"
    saved.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"result saved to {saved}", file=sys.stderr)


if __name__ == "__main__":
    main()
