"""Learning from little data: learning curves of sciwire.learn's methods, and active vs random sampling.

Two tasks, one protocol:

- CSAbstruct roles (5 labels, Apache-2.0): sentences of the train abstracts form the labelling
  pool (whole abstracts drawn at random), sentences of dev abstracts the evaluation set, so
  no abstract is on both sides.
- Claim strength (4 labels, GPL-3.0): paper and press-release sentences, one grouped,
  stratified split by paper (PMID for press sentences), the held-out papers for evaluation.

For every size k in ``--sizes`` labels per class and every seed, k records per class are drawn
from the pool (nested: the 16-sample holds the 8-sample of its seed); every method is fitted on
that sample and scored on the same evaluation set: macro-F1 and top-label ECE (10 bins) of its
raw probabilities. Zero-shot uses no labels (one row). ``all`` fits the logistic head on the
whole pool (the ceiling of this pool). SetFit is costly on 2 cores: it runs on ``--setfit-sizes``
and ``--setfit-seeds`` only (said in the table).

Active vs random: the logistic head starts from 2 random labels per class and asks for
``--batch`` more per round, chosen by margin uncertainty with the k-means diversity step, by
margin alone, or at random, up to ``--budget`` labels; the area under the macro-F1 curve
(mean over the budgets) compares them at equal cost.

    python benchmarks/limited_data.py --write                # ~20 min nice'd on 2 busy cores
    python benchmarks/limited_data.py --methods zero-shot,logistic --seeds 2 --sizes 8,16   # quick
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, markdown_table, update_section

from sciwire.config import DEFAULT_EMBEDDING_MODEL, load_config
from sciwire.learn.active import select
from sciwire.learn.evaluate import aligned, scores
from sciwire.learn.methods import METHODS, ZERO_SHOT, make_method
from sciwire.learn.splits import grouped_split, per_class_sample
from sciwire.learn.vectors import embed, embedder_for

logger = logging.getLogger("limited_data")

ROLE_DESCRIPTIONS = {
    "background": "background: what is already known and why the problem matters",
    "objective": "the goal of this paper: we aim to, we propose, this paper studies",
    "method": "how it was done: the method, model, data and experiments",
    "result": "the results and findings: we find that it improves, outperforms, shows",
    "other": "other text: acknowledgements, links, notes",
}
STRENGTH_DESCRIPTIONS = {
    "none": "no claim about a relationship between two things",
    "correlational": "two things are associated or correlated with each other",
    "conditional causal": "one thing may cause, might affect or could lead to another",
    "direct causal": "one thing causes, increases, reduces or improves another",
}


@dataclass
class Data:
    name: str
    pool_texts: list[str]
    pool_labels: list[str]
    test_texts: list[str]
    test_labels: list[str]
    classes: list[str]
    descriptions: dict[str, str]


def _subsample_groups(
    groups: Sequence[str], target: int, seed: int, labels: Sequence[str] = (), min_per_class: int = 0
) -> np.ndarray:
    """Indices of whole groups, drawn at random until about ``target`` records (and, when ``labels``
    are given, until every label has ``min_per_class`` records, where the data allow)."""
    rng = np.random.default_rng(seed)
    order = list(dict.fromkeys(groups))
    rng.shuffle(order)
    keep: set[str] = set()
    count = 0
    sizes: dict[str, int] = {}
    for g in groups:
        sizes[g] = sizes.get(g, 0) + 1
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    per_class: dict[str, int] = dict.fromkeys(labels, 0)
    for g in order:
        if count >= target and all(v >= min_per_class for v in per_class.values()):
            break
        keep.add(g)
        count += sizes[g]
        for i in members[g] if labels else []:
            per_class[labels[i]] += 1
    return np.array([i for i, g in enumerate(groups) if g in keep], dtype=int)


def csabstruct(data_dir: str, pool: int, n_test: int, k_max: int = 64) -> Data:
    from sciwire.datasets.csabstruct import CSABSTRUCT_LABELS, load_csabstruct

    def flat(split: str) -> tuple[list[str], list[str], list[str]]:
        abstracts = load_csabstruct(data_dir, split)  # grouped by position: abstract_id is 0 on every line
        rows = [
            (s, lab, f"{split}-{n}")
            for n, a in enumerate(abstracts)
            for s, lab in zip(a.sentences, a.labels, strict=True)
        ]
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]

    tx, ty, tg = flat("train")
    dx, dy, dg = flat("dev")
    p = _subsample_groups(tg, pool, 0, ty, k_max)
    t = _subsample_groups(dg, n_test, 1)
    return Data("CSAbstruct roles", [tx[i] for i in p], [ty[i] for i in p], [dx[i] for i in t], [dy[i] for i in t],
                list(CSABSTRUCT_LABELS), ROLE_DESCRIPTIONS)  # fmt: skip


def claim_strength(data_dir: str, pool: int, n_test: int, k_max: int = 64) -> Data:
    from sciwire.datasets.fidelity import STRENGTH_LABELS, load_claim_strength

    items = load_claim_strength(data_dir)
    texts = [s.text for s in items]
    labels = [STRENGTH_LABELS[s.label] for s in items]
    groups = [s.group for s in items]
    train, test = grouped_split(labels, groups, test_share=0.3, seed=0)
    rng = np.random.default_rng(0)
    train_groups = [groups[i] for i in train]
    p = train[_subsample_groups(train_groups, pool, 0, [labels[i] for i in train], k_max)]
    t = rng.permutation(test)[:n_test]
    return Data("Claim strength", [texts[i] for i in p], [labels[i] for i in p], [texts[i] for i in t],
                [labels[i] for i in t], list(STRENGTH_LABELS), STRENGTH_DESCRIPTIONS)  # fmt: skip


def evaluate(model: Any, data: Data) -> dict[str, float]:
    proba = aligned(model.predict_proba(data.test_texts), [str(c) for c in model.classes_], data.classes)
    index = {c: i for i, c in enumerate(data.classes)}
    return scores(proba, np.array([index[v] for v in data.test_labels]))


def params_for(name: str, data: Data, args: argparse.Namespace, seed: int) -> dict[str, Any]:
    cache = {"cache_dir": args.cache_dir} if name in ("zero-shot", "logistic") else {}
    if name in ZERO_SHOT:
        return {"labels": data.classes, "descriptions": data.descriptions, **cache}
    if name == "setfit":
        return {"num_iterations": args.setfit_iterations, "max_steps": args.setfit_max_steps, "seed": seed}
    return cache


def learning_curves(data: Data, args: argparse.Namespace, save: Any = None) -> list[dict[str, Any]]:
    """Every method's rows (``save(rows)`` is called after each one, so a stopped run keeps them)."""
    rows: list[dict[str, Any]] = []
    for name in args.methods:
        if name in ZERO_SHOT:
            t0 = time.perf_counter()
            model = make_method(name, **params_for(name, data, args, 0)).fit([], [])
            rows.append({"method": name, "k": 0, "seed": 0, **evaluate(model, data), "s": time.perf_counter() - t0})
            logger.info("%s %s: %s", data.name, name, rows[-1])
    orders = {}  # per seed: the pool in a random order; the k-sample is its first k per class (nested)
    for seed in range(args.seeds):
        order = per_class_sample(data.pool_labels, range(len(data.pool_labels)), max(args.sizes), seed)
        orders[seed] = np.random.default_rng(seed).permutation(order)
    done = {(r["method"], str(r["k"]), r["seed"]): r for r in args.resumed.get(data.name, [])}
    for k in args.sizes:  # k by k: a stopped run has every seed of the small sizes
        for seed in range(args.seeds):
            idx = _first_k_per_class(orders[seed], data.pool_labels, k)
            texts, labels = [data.pool_texts[i] for i in idx], [data.pool_labels[i] for i in idx]
            for name in args.methods:
                if name in ZERO_SHOT:
                    continue
                if name == "setfit" and (k not in args.setfit_sizes or seed >= args.setfit_seeds):
                    continue
                if (name, str(k), seed) in done:  # measured by the run --resume names
                    rows.append(done[(name, str(k), seed)])
                    continue
                t0 = time.perf_counter()
                try:
                    model = make_method(name, **params_for(name, data, args, seed)).fit(texts, labels)
                    result = evaluate(model, data)
                except Exception as exc:  # a method of another engineer may fail here: report, go on
                    logger.warning("%s %s k=%d seed=%d failed: %s", data.name, name, k, seed, exc)
                    continue
                rows.append({"method": name, "k": k, "seed": seed, **result, "s": time.perf_counter() - t0})
                logger.info("%s: %s", data.name, rows[-1])
                if save is not None:
                    save(rows)
    t0 = time.perf_counter()
    full = make_method("logistic", cache_dir=args.cache_dir).fit(data.pool_texts, data.pool_labels)
    rows.append({"method": "logistic", "k": "all", "seed": 0, **evaluate(full, data), "s": time.perf_counter() - t0})
    return rows


def _first_k_per_class(order: np.ndarray, labels: Sequence[str], k: int) -> list[int]:
    taken: dict[str, int] = {}
    out = []
    for i in order:
        if taken.get(labels[i], 0) < k:
            taken[labels[i]] = taken.get(labels[i], 0) + 1
            out.append(int(i))
    return out


def active_vs_random(data: Data, args: argparse.Namespace) -> dict[str, Any]:
    vectors = embed(data.pool_texts, DEFAULT_EMBEDDING_MODEL, args.cache_dir)
    budgets: list[int] = []
    curves: dict[str, list[list[float]]] = {"margin+diversity": [], "margin": [], "random": []}
    for seed in range(args.active_seeds):
        start = per_class_sample(data.pool_labels, range(len(data.pool_labels)), 2, 100 + seed).tolist()
        for strategy in ("random", "margin", "margin+diversity"):
            labelled = list(start)
            f1s = []
            while len(labelled) < args.budget:
                rest = np.setdiff1d(np.arange(len(data.pool_texts)), labelled)
                model = make_method("logistic", cache_dir=args.cache_dir).fit([data.pool_texts[i] for i in labelled],
                                                    [data.pool_labels[i] for i in labelled])  # fmt: skip
                proba = model.predict_proba([data.pool_texts[i] for i in rest])
                how = "random" if strategy == "random" else "margin"
                vec = vectors[rest] if strategy == "margin+diversity" else None
                picked = select(proba, vec, args.batch, how, seed=seed * 1000 + len(labelled))
                labelled += rest[picked].tolist()
                if seed == 0 and strategy == "random":
                    budgets.append(len(labelled))
                final = make_method("logistic", cache_dir=args.cache_dir).fit([data.pool_texts[i] for i in labelled],
                                                    [data.pool_labels[i] for i in labelled])  # fmt: skip
                f1s.append(evaluate(final, data)["macro_f1"])
            curves[strategy].append(f1s)
            logger.info("%s active %s seed %d: %s", data.name, strategy, seed, f1s)
    return {
        "budgets": budgets,
        "curves": {s: np.mean(np.array(c), axis=0).round(3).tolist() for s, c in curves.items()},
        "auc": {s: round(float(np.mean(c)), 3) for s, c in curves.items()},
    }


def _mean_sd(values: list[float], expected: int = 0) -> str:
    """Mean ± s.d.; ``(n=N)`` when a cell has other than the ``expected`` number of seeds."""
    out = f"{np.mean(values):.3f} ± {np.std(values):.3f}" if len(values) > 1 else f"{values[0]:.3f}"
    return out + (f" (n={len(values)})" if expected and len(values) != expected else "")


def curve_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    sizes = ["0", *map(str, args.sizes), "all"]
    methods = list(dict.fromkeys(r["method"] for r in rows))
    out_rows = []
    for name in methods:
        for metric in ("macro_f1", "ece"):
            cells = []
            for k in sizes:
                vals = [r[metric] for r in rows if r["method"] == name and str(r["k"]) == k]
                cells.append(_mean_sd(vals, args.seeds if k not in ("0", "all") else 0) if vals else "")
            if any(cells):
                out_rows.append([name, "macro-F1" if metric == "macro_f1" else "ECE", *cells])
    return markdown_table(["method", "metric", *[f"k={k}" for k in sizes]], out_rows)


def _paired_lines(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    """SetFit minus each other method on the same sample (same k, same seed): mean difference and wins."""
    if "setfit" not in args.methods:
        return ""
    lines = []
    by = {(r["method"], str(r["k"]), r["seed"]): r["macro_f1"] for r in rows}
    for other in [m for m in args.methods if m not in ZERO_SHOT and m != "setfit"]:
        cells = []
        for k in args.setfit_sizes:
            pairs = [(v, by[(other, str(k), s)]) for (m, kk, s), v in by.items()
                     if m == "setfit" and kk == str(k) and (other, str(k), s) in by]  # fmt: skip
            if pairs:
                diff = np.mean([a - b for a, b in pairs])
                wins = sum(a > b for a, b in pairs)
                cells.append(f"k={k}: {diff:+.3f} ({wins}/{len(pairs)} seeds better)")
        if cells:
            lines.append(f"- SetFit minus {other}, macro-F1 on the same samples: " + "; ".join(cells))
    return ("\n".join(lines) + "\n\n") if lines else ""


def _active_table(active: dict[str, Any], args: argparse.Namespace) -> str:
    return (
        "Active vs random (logistic head, macro-F1 by labels used; area = mean over the budgets, "
        f"{args.active_seeds} seeds):\n\n"
        + markdown_table(
            ["strategy", *[str(b) for b in active["budgets"]], "area"],
            [[s, *c, active["auc"][s]] for s, c in active["curves"].items()],
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--methods", default="zero-shot,tfidf,logistic,setfit",
                        help=f"Comma-separated, from: {', '.join(sorted(METHODS))}")  # fmt: skip
    parser.add_argument("--sizes", default="8,16,32,64")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--setfit-sizes", default="8")
    parser.add_argument("--setfit-seeds", type=int, default=2)
    parser.add_argument("--setfit-iterations", type=int, default=5)
    parser.add_argument("--setfit-max-steps", type=int, default=10)
    parser.add_argument("--torch-threads", type=int, default=0,
                        help="torch threads (0: torch's default); on oversubscribed cores 1 beats 2")  # fmt: skip
    parser.add_argument("--pool", type=int, default=1500, help="Records in each labelling pool (whole papers).")
    parser.add_argument("--test", type=int, default=400, help="Records in each evaluation set.")
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--budget", type=int, default=100)
    parser.add_argument("--active-seeds", type=int, default=3)
    parser.add_argument("--tasks", default="csabstruct,claims")
    parser.add_argument("--data", default=os.environ.get("SCIWIRE_DATA", str(load_config().paths.data_dir)))
    parser.add_argument("--cache-dir", default=str(load_config().paths.cache_dir), help="Embedding cache folder.")
    parser.add_argument("--json-out", default="", help="Also write every row as JSON here (after each fit).")
    parser.add_argument("--resume", default="", help="A --json-out dump: its rows are kept, not measured again.")
    parser.add_argument("--from-json", default="", help="Comma-separated dumps of --json-out: render, measure nothing.")
    parser.add_argument("--write", action="store_true", help="Write the section of docs/benchmarks.md.")
    args = parser.parse_args()
    args.methods = [m for m in args.methods.split(",") if m]
    args.sizes = [int(k) for k in args.sizes.split(",")]
    args.setfit_sizes = [int(k) for k in args.setfit_sizes.split(",")]
    resumed = json.loads(Path(args.resume).read_text(encoding="utf-8")) if args.resume else {}
    args.resumed = {e["name"]: e["rows"] for e in resumed.values()}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    unknown = [m for m in args.methods if m not in METHODS]
    if unknown:
        parser.error(f"unknown methods {unknown}; known: {sorted(METHODS)}")
    if not (Path(args.data) / "csabstruct").is_dir():
        print(f"skipped: research data not found at {args.data} (set SCIWIRE_DATA)", file=sys.stderr)
        return
    if args.from_json:
        dump: dict[str, Any] = {}
        for path in args.from_json.split(","):
            for key, entry in json.loads(Path(path).read_text(encoding="utf-8")).items():
                dump[key] = merge(dump[key], entry) if key in dump else {**entry, "headers": [entry["header"]]}
    else:
        dump = measure(args)
    body = render(dump)
    print(body)
    if args.write:
        update_section("limited-data", "Learning from little data (sciwire learn)", body)


SETTINGS = ("seeds", "sizes", "methods", "setfit_sizes", "setfit_seeds", "setfit_iterations", "setfit_max_steps",
            "active_seeds", "torch_threads")  # fmt: skip


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run every task; the dump holds the rows, the active-learning curves and the settings of each."""
    loaders = {"csabstruct": csabstruct, "claims": claim_strength}
    command = "python " + " ".join(["benchmarks/limited_data.py", *sys.argv[1:]])
    dump: dict[str, Any] = {}

    def write() -> None:
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(dump, indent=1, default=str), encoding="utf-8")

    with embedder_for(DEFAULT_EMBEDDING_MODEL, args.cache_dir).memo():
        for key in args.tasks.split(","):
            started = time.perf_counter()
            data = loaders[key](args.data, args.pool, args.test, max(args.sizes))
            logger.info("%s: pool %d, test %d", data.name, len(data.pool_texts), len(data.test_texts))
            embed(data.pool_texts + data.test_texts, DEFAULT_EMBEDDING_MODEL, args.cache_dir)  # once, for all
            entry: dict[str, Any] = {
                "name": data.name, "pool": len(data.pool_texts), "test": len(data.test_texts),
                "classes": len(data.classes), "command": command, "header": header(command),
                "settings": {k: getattr(args, k) for k in SETTINGS}, "rows": [], "active": {},
            }  # fmt: skip
            dump[key] = entry

            def save(rows: list[dict[str, Any]], entry: dict[str, Any] = entry) -> None:
                entry["rows"] = rows
                write()

            entry["rows"] = learning_curves(data, args, save)
            entry["active"] = active_vs_random(data, args) if args.active_seeds else {}
            entry["minutes"] = (time.perf_counter() - started) / 60
            entry["load"] = os.getloadavg()[1]
            write()
    return dump


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Two runs of one task on the same samples (rows keyed by method, k and seed; ``new`` wins a tie).

    E.g. SetFit rows from a long run that was stopped, the other methods' rows from a complete run.
    """
    rows = {(r["method"], str(r["k"]), r["seed"]): r for r in old["rows"] + new["rows"]}
    settings = dict(old["settings"])
    if any(r["method"] == "setfit" for r in new["rows"]):
        settings.update({k: v for k, v in new["settings"].items() if k.startswith(("setfit", "torch"))})
    settings["seeds"] = max(old["settings"]["seeds"], new["settings"]["seeds"])
    settings["methods"] = list(dict.fromkeys(old["settings"]["methods"] + new["settings"]["methods"]))
    assert (old["pool"], old["test"]) == (new["pool"], new["test"]), "runs on different samples"
    merged = {**old, "rows": list(rows.values()), "settings": settings, "active": new["active"] or old["active"]}
    merged["headers"] = [*old["headers"], new["header"]]
    merged["minutes"] = None  # two runs: no single wall time
    return merged


def render(dump: dict[str, Any]) -> str:
    """The section of docs/benchmarks.md from a dump (one run, or several runs' dumps merged by task)."""
    sections, headers = [], []
    for entry in dump.values():
        args = argparse.Namespace(**entry["settings"])
        rows = entry["rows"]
        for one in entry.get("headers", [entry["header"]]):
            if one not in headers:
                headers.append(one)
        setfit_rows = [r for r in rows if r["method"] == "setfit"]
        setfit_note = (
            f" SetFit: seeds {sorted({r['seed'] for r in setfit_rows})} (the same samples as the others) at k in "
            f"{sorted({r['k'] for r in setfit_rows})}, {args.setfit_iterations} pairs per example, at most "
            f"{args.setfit_max_steps} steps of 16 pairs, torch threads {args.torch_threads or 'default'}."
            if setfit_rows
            else ""
        )
        methods = list(dict.fromkeys(r["method"] for r in rows))
        secs = {m: round(float(np.mean([r["s"] for r in rows if r["method"] == m])), 1) for m in methods}
        done = (
            f"{entry['minutes']:.0f} min, load average {entry['load']:.1f}"
            if entry.get("minutes")
            else ("runs merged" if len(entry.get("headers", [])) > 1 else "stopped before the end")
        )
        sections.append(
            f"### {entry['name']}\n\nPool {entry['pool']} sentences, evaluation {entry['test']} sentences of other "
            f"papers; {entry['classes']} labels. Mean ± s.d. over {args.seeds} seeds.{setfit_note} ECE of the raw "
            "probabilities.\n\n"
            + curve_table(rows, args)
            + f"\n\nSeconds per fit + evaluation (mean, nice'd on shared cores; {done}): "
            + ", ".join(f"{m} {s}" for m, s in secs.items())
            + ".\n\n"
            + _paired_lines(rows, args)
            + (_active_table(entry["active"], args) if entry["active"] else "")
        )
    return "\n".join(headers) + "\n" + "\n\n".join(sections)


if __name__ == "__main__":
    main()
