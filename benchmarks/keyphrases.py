"""Keyphrase extraction: sciwire's methods against YAKE, RaKUn 2.0, pytextrank and KeyBERT.

Protocol (see docs/keyphrases.md):
- Data: Inspec dev (500 abstracts, uncontrolled gold), SemEval-2017 ScienceIE dev (50
  paragraphs), SemEval-2010 train (144 full papers, official stemmed combined reference:
  held out, nothing is tuned on it). Every method gets the same text.
- Evaluation: exact match after lower-casing and Porter stemming (sciwire.keyphrases.evaluate),
  F1@5/10/15 macro-averaged over documents; absent gold phrases count (nobody can find them).
- Speed: documents/second, one document per call, models loaded beforehand, no embedding
  cache, each method run alone under ``flock /tmp/sciwire-cpu.lock``.
- ``combined-ltr``: the combined ranker with weights fitted (``sciwire train keyphrases``) on
  the train splits of Inspec and SemEval-2017; not shipped (the data licences forbid it).
- KeyBERT embeds every 1-3-gram of a document: on SemEval-2010 it runs on the first
  ``--slow-limit`` papers only, and sciwire's best method is also reported on those.

Run: ``flock /tmp/sciwire-cpu.lock python benchmarks/keyphrases.py [--write]``. Results are kept
per (data set, method) in ``--results`` so a run can be split (``--methods``, ``--datasets``);
``--write`` renders everything kept into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from _common import cpu_encoder, header, markdown_table, update_section
from _keyphrase_peers import PEERS

from sciwire.config import load_config
from sciwire.datasets.keyphrase import KeyphraseDoc, load_keyphrase_split
from sciwire.keyphrases import KeyphraseExtractor
from sciwire.keyphrases.evaluate import evaluate_keyphrases
from sciwire.keyphrases.scorers import KeyphraseRanker
from sciwire.keyphrases.train import training_rows

DATASETS = {"inspec": "dev", "semeval2017": "dev", "semeval2010": "train"}
OURS = ("combined", "fast", "graph", "statistical", "embedding", "combined-ltr")
SLOW = {"keybert": {"semeval2010"}}
TOP = 15
DATA = "../shared/data"
KS = (5, 10, 15)


def sciwire_extractor(method: str, weights_file: str = "") -> Callable[[str, int], list[str]]:
    base = "combined" if method == "combined-ltr" else method
    cfg = replace(load_config().keyphrases, method=base, top=TOP, weights_file=weights_file)
    ex = KeyphraseExtractor(cfg, embedder=cpu_encoder(load_config(), cache=False), min_english_ratio=0)
    ex.warm_up()
    return lambda text, top: [k.text for k in ex.extract(text, top)]


def fit_ltr(data: str, out: Path) -> str:
    """Weights fitted on the train splits of Inspec and SemEval-2017 (never on what is evaluated)."""
    docs = load_keyphrase_split(data, "inspec", "train") + load_keyphrase_split(data, "semeval2017", "train")
    ex = KeyphraseExtractor(embedder=cpu_encoder(load_config(), cache=False), min_english_ratio=0)
    X, y, _ = training_rows(docs, ex)
    ranker = KeyphraseRanker().fit(X, y)
    print(f"LTR weights (train splits, {len(docs)} docs, {len(y)} rows): {ranker.weights()}", file=sys.stderr)
    return str(ranker.save_weights(out / "weights.json"))


def run(name: str, extractor: Callable[[str, int], list[str]], docs: list[KeyphraseDoc]) -> dict:
    extractor(docs[0].text[:2000], TOP)  # warm caches outside the timed part
    start = time.perf_counter()
    preds = [extractor(d.text, TOP) for d in docs]
    seconds = time.perf_counter() - start
    scores = evaluate_keyphrases(preds, [d.gold for d in docs], KS, gold_stemmed=docs[0].gold_stemmed)
    f1 = {str(k): round(100 * v, 1) for k, v in scores.f1.items()}
    return {"f1": f1, "docs_per_s": round(len(docs) / seconds, 2), "n": len(docs), "predictions": preds}


def render(results: dict, command: str) -> str:
    parts = [header(command)]
    for ds, split in DATASETS.items():
        rows = []
        for method, r in sorted(results.get(ds, {}).items(), key=lambda kv: -kv[1]["f1"]["10"]):
            label = method if method in OURS else f"{method} (peer)"
            if r["n"] != max(x["n"] for x in results[ds].values()):
                label += f" — first {r['n']} docs"
            rows.append([f"**sciwire {label}**" if method in OURS else label, *(r["f1"][str(k)] for k in KS),
                         r["docs_per_s"]])  # fmt: skip
        if rows:
            parts.append(
                f"\n### {ds} ({split})\n\n" + markdown_table(["method", "F1@5", "F1@10", "F1@15", "docs/s"], rows)
            )
        parts += _subset_notes(results.get(ds, {}), ds)
    return "\n".join(parts)


def _subset_notes(res: dict, ds: str) -> list[str]:
    """sciwire's scores on the documents a slow peer was limited to."""
    notes = []
    full = max((r["n"] for r in res.values()), default=0)
    for peer, r in res.items():
        if r["n"] == full or peer in OURS:
            continue
        docs = load_keyphrase_split(DATA, ds, DATASETS[ds])[: r["n"]]
        for ours in ("combined", "fast"):
            if ours in res:
                sub = evaluate_keyphrases(res[ours]["predictions"][: r["n"]], [d.gold for d in docs], KS,
                                          gold_stemmed=docs[0].gold_stemmed)  # fmt: skip
                f1 = " / ".join(f"{100 * sub.f1[k]:.1f}" for k in KS)
                notes.append(f"\nOn the first {r['n']} documents ({peer}'s subset), sciwire {ours}: F1@5/10/15 = {f1}.")
    return notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=load_config().paths.data_dir)
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--methods", default=",".join([*OURS, *PEERS]))
    parser.add_argument("--slow-limit", type=int, default=20, help="Papers for KeyBERT on SemEval-2010.")
    parser.add_argument("--results", type=Path, default=Path(tempfile.gettempdir()) / "sciwire-keyphrases-bench.json")
    parser.add_argument("--also", type=Path, nargs="*", default=[], help="More results files to render.")
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    args = parser.parse_args()
    global DATA
    DATA = args.data
    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    methods = [m for m in args.methods.split(",") if m]
    weights = ""
    if "combined-ltr" in methods:
        weights = fit_ltr(args.data, Path(tempfile.mkdtemp(prefix="sciwire-kp-ltr-")))
    for ds in args.datasets.split(","):
        docs = load_keyphrase_split(args.data, ds, DATASETS[ds])
        for method in methods:
            subset = docs[: args.slow_limit] if ds in SLOW.get(method, ()) else docs
            if method in OURS:  # only combined-ltr uses the fitted weights; the rest run as shipped
                extractor = sciwire_extractor(method, weights if method == "combined-ltr" else "")
            else:
                extractor = PEERS[method]()
            r = run(method, extractor, subset)
            results.setdefault(ds, {})[method] = r
            print(f"{ds:12} {method:14} F1@5/10/15 {r['f1']}  {r['docs_per_s']} docs/s  (n={r['n']})", flush=True)
            args.results.write_text(json.dumps(results))
    shown = {ds: dict(v) for ds, v in results.items()}
    for extra in args.also:
        for ds, v in json.loads(extra.read_text()).items():
            shown.setdefault(ds, {}).update(v)
    text = render(shown, "flock /tmp/sciwire-cpu.lock python benchmarks/keyphrases.py --write")
    print(text)
    if args.write:
        update_section("keyphrases", "Keyphrase extraction (Inspec, SemEval-2017, SemEval-2010)", text)


if __name__ == "__main__":
    main()
