"""PET, in-context learning and synthetic data with SmolLM2-135M vs the logistic baselines, at the same label budget.

Protocol (small on purpose: the LM is the slow part): per task, ``--k`` labelled sentences per
class drawn from training papers, ``--unlabelled`` more sentences of those papers for PET's
distillation, and ``--test`` sentences of other papers (grouped split by paper / PMID); one seed.
Every method below is fitted on the same labelled sample and scored on the same test sentences.

- ``logistic``: logistic regression on MiniLM vectors (sciwire learn's KISS baseline);
  ``tfidf``: logistic regression on TF-IDF words and bigrams (the stronger baseline at small k);
- ``pet``: 3 patterns x verbalizers scored by SmolLM2-135M (llama-cpp-python, Q4_1), one logistic
  head per pattern on the verbalizer log-probabilities, the weighted ensemble's soft labels
  distilled into a MiniLM logistic student (``pet``) — the teacher is scored too (``pet-teacher``);
- ``icl``: ``--icl-shots`` examples per class in the prompt, a constrained single-label answer;
- ``synthetic`` (reported in its own table): ``--synthetic-per-label`` LLM-written sentences per
  label, deduplicated and filtered by a classifier trained on the real labels, added to the real
  labels (training data only; the test sentences are real).

Times are per record on the shared 2-core machine (``--threads`` llama.cpp threads): PET's LM
scoring (all patterns) and ICL's answer; the load average is printed with them.

Run: ``python benchmarks/pet_icl.py [--k 8] [--test 100] [--write]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import header, markdown_table, update_section

from sciwire.config import LLMConfig, load_config
from sciwire.learn.evaluate import aligned, scores
from sciwire.learn.heads import EmbeddingLogistic, TfidfLogistic
from sciwire.learn.icl import ICLClassifier
from sciwire.learn.pet import PETClassifier, VerbalizerScorer
from sciwire.learn.splits import grouped_split, per_class_sample
from sciwire.learn.synthetic import SyntheticAugmentedClassifier, assert_no_synthetic

logger = logging.getLogger("pet_icl")

CLAIM_WORDS = {"none": "none", "correlational": "association", "conditional causal": "may",
               "direct causal": "causes"}  # fmt: skip


def load_task(name: str, data: str) -> tuple[list[str], list[str], list[str], dict[str, str]]:
    if name == "csabstruct":
        from sciwire.datasets.csabstruct import load_csabstruct

        abstracts = load_csabstruct(data, "train")  # abstract_id is 0 on every line: group by position
        rows = [
            (s, lab, f"a{i}") for i, a in enumerate(abstracts) for s, lab in zip(a.sentences, a.labels, strict=True)
        ]
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], {}
    from sciwire.datasets.fidelity import STRENGTH_LABELS, load_claim_strength

    claims = load_claim_strength(data, "both")
    return [c.text for c in claims], [STRENGTH_LABELS[c.label] for c in claims], [c.group for c in claims], CLAIM_WORDS


def local_backend(config: LLMConfig, threads: int) -> Any:
    """The local SmolLM2 backend with ``threads`` llama.cpp threads (the library takes min(4, cores))."""
    from llama_cpp import Llama

    from sciwire.llm.backends import make_backend

    backend = make_backend(config)
    if threads:  # benchmark only: on oversubscribed cores 1 thread is faster than 2
        backend._llama = Llama(model_path=str(backend.path), n_ctx=config.context_tokens, n_threads=threads,
                               n_batch=1, seed=config.seed, verbose=False)  # fmt: skip  # n_batch: as PET's scorer
    return backend


def run_task(name: str, args: argparse.Namespace, scorer: VerbalizerScorer) -> dict[str, Any]:
    started = time.perf_counter()
    texts, labels, groups, words = load_task(name, args.data)
    train, test = grouped_split(labels, groups, 0.3, args.seed)
    rng = np.random.default_rng(args.seed)
    labelled = per_class_sample(labels, train, args.k, args.seed)
    rest = np.setdiff1d(train, labelled)
    pool = rng.choice(rest, size=min(args.unlabelled, len(rest)), replace=False)
    test = rng.choice(test, size=min(args.test, len(test)), replace=False)
    x, y = [texts[i] for i in labelled], [labels[i] for i in labelled]
    tx, ty = [texts[i] for i in test], [labels[i] for i in test]
    classes = sorted(set(labels))
    truth = np.array([classes.index(v) for v in ty])
    rows: list[dict[str, Any]] = []

    def add(method: str, proba: np.ndarray, model_classes: Any, lm_s: float | None = None, **extra: Any) -> None:
        got = scores(aligned(proba, [str(c) for c in model_classes], classes), truth)
        rows.append({"task": name, "method": method, "labels": len(x), **got, "lm_s_per_record": lm_s, **extra})
        logger.info("%s", rows[-1])
        if args.json_out:  # a stopped run keeps what it measured
            Path(f"{args.json_out}.{name}.rows").write_text(json.dumps(rows, default=str), encoding="utf-8")

    methods = args.methods
    if "logistic" in methods:
        m = EmbeddingLogistic(cache_dir=args.cache_dir).fit(x, y)
        add("logistic (MiniLM)", m.predict_proba(tx), m.classes_)
    if "tfidf" in methods:
        m = TfidfLogistic().fit(x, y)
        add("tfidf", m.predict_proba(tx), m.classes_)
    if "synthetic" in methods:
        config = LLMConfig(max_tokens=args.synthetic_tokens, context_tokens=2048)
        start = time.perf_counter()
        syn = SyntheticAugmentedClassifier(per_label=args.synthetic_per_label, cache_dir=args.cache_dir,
                                           backend=local_backend(config, args.threads)).fit(x, y)  # fmt: skip
        seconds = time.perf_counter() - start
        assert_no_synthetic(tx, syn.synthetic_)  # synthetic records are training data only
        kept = [(r.label, r.text) for r in syn.synthetic_[:6]]
        add("real + synthetic (logistic)", syn.predict_proba(tx), syn.classes_, None, synthetic_seconds=seconds,
            synthetic_report=syn.report_.__dict__, kept_examples=kept)  # fmt: skip
    if "icl" in methods:
        config = LLMConfig(max_tokens=16, context_tokens=2048)
        icl = ICLClassifier(k=args.icl_shots, backend=local_backend(config, args.threads)).fit(x, y)
        proba = icl.predict_proba(tx)
        add(f"icl ({args.icl_shots}-shot)", proba, icl.classes_, icl.seconds_per_record_,
            invalid=icl.invalid_answers_, load=os.getloadavg()[0])  # fmt: skip
    if "pet" in methods:
        pet = PETClassifier(verbalizers=words, scorer=scorer, cache_dir=args.cache_dir)
        pet.fit(x, y, unlabeled=[texts[i] for i in pool])
        add("pet (student)", pet.predict_proba(tx), pet.classes_, None, fit_lm_s_per_record=pet.seconds_per_record_)
        start = time.perf_counter()
        teacher = pet.teacher_proba(tx)
        add("pet-teacher (LM)", teacher, pet.classes_, (time.perf_counter() - start) / len(tx),
            load=os.getloadavg()[0])  # fmt: skip
    return {"task": name, "labels": len(x), "unlabelled": len(pool), "test": len(tx), "rows": rows,
            "minutes": (time.perf_counter() - started) / 60, "load": os.getloadavg()[1],
            "command": "python " + " ".join(["benchmarks/pet_icl.py", *sys.argv[1:]])}  # fmt: skip


def _tables(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    main, synth = [], []
    for res in results:
        for r in res["rows"]:
            lm = f"{r['lm_s_per_record']:.2f} s" if r.get("lm_s_per_record") is not None else "-"
            if r["method"].startswith("pet (student)"):
                lm = f"fit: {r['fit_lm_s_per_record']:.2f} s"
            if "invalid" in r:
                lm += f", {r['invalid']} invalid"
            cells = [
                r["task"],
                r["method"],
                r["labels"],
                f"{r['macro_f1']:.3f}",
                f"{r['accuracy']:.3f}",
                f"{r['ece']:.3f}",
            ]
            if r["method"].startswith("real + synthetic"):
                rep = r["synthetic_report"]
                dups = rep["duplicates"] + rep["near_duplicates"]
                synth.append([*cells, rep["generated"], rep["invalid_answers"], dups, rep["filtered_out"], rep["kept"],
                              f"{r['synthetic_seconds']:.0f} s"])  # fmt: skip
                continue
            main.append([*cells, lm])
    out = markdown_table(["task", "method", "labels", "macro-F1", "accuracy", "ECE", "LM time / record"], main)
    if synth:
        base = [[*row[:6], "", "", "", "", "", ""] for row in main if row[1].startswith("logistic")]
        out += (
            "\n\nSynthetic data (reported apart; training data only, the test sentences are real; "
            f"{args.synthetic_per_label} asked per label):\n\n"
            + markdown_table(
                [
                    "task",
                    "method",
                    "real labels",
                    "macro-F1",
                    "accuracy",
                    "ECE",
                    "generated",
                    "invalid answers",
                    "(near) duplicates",
                    "filtered out",
                    "kept",
                    "LLM time",
                ],
                base + synth,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("SCIWIRE_DATA", str(load_config().paths.data_dir)))
    parser.add_argument("--tasks", default="csabstruct,claims")
    parser.add_argument("--methods", default="logistic,tfidf,pet,icl,synthetic")
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--unlabelled", type=int, default=40)
    parser.add_argument("--test", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--icl-shots", type=int, default=2)
    parser.add_argument("--synthetic-per-label", type=int, default=8)
    parser.add_argument("--synthetic-tokens", type=int, default=400)
    parser.add_argument("--threads", type=int, default=1, help="llama.cpp threads (0: the library's default)")
    parser.add_argument("--cache-dir", default=str(load_config().paths.cache_dir), help="Embedding cache folder.")
    parser.add_argument("--json-out", default="", help="Also write every row as JSON here (after every task).")
    parser.add_argument("--note", default="", help="A sentence to add under the header (e.g. how runs were merged).")
    parser.add_argument("--from-json", default="", help="Comma-separated dumps of --json-out: render, run nothing.")
    parser.add_argument("--write", action="store_true", help="Write the section of docs/benchmarks.md.")
    args = parser.parse_args()
    args.methods = [m for m in args.methods.split(",") if m]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if not (Path(args.data) / "csabstruct").is_dir():
        print(f"skipped: research data not found at {args.data} (set SCIWIRE_DATA)", file=sys.stderr)
        return
    results = []
    if args.from_json:
        for path in args.from_json.split(","):
            results += json.loads(Path(path).read_text(encoding="utf-8"))
    else:
        scorer = VerbalizerScorer(threads=args.threads or None)
        for task in args.tasks.split(","):
            results.append(run_task(task, args, scorer))
            if args.json_out:
                Path(args.json_out).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    sizes = "; ".join(f"{r['task']}: {r['labels']} labelled, {r['unlabelled']} unlabelled, {r['test']} test"
                      for r in results)  # fmt: skip
    commands = list(dict.fromkeys(r["command"] for r in results))
    walls = "; ".join(f"{r['task']} {r['minutes']:.0f} min (load average {r['load']:.1f})" for r in results)
    body = (
        "".join(header(c) for c in commands)
        + f"- Wall time: {walls}, nice'd on 2 shared cores, llama.cpp threads {args.threads or 'default'}, "
        "n_batch 1\n\n"
        + (f"{args.note}\n\n" if args.note else "")
        + f"{args.k} labels per class, seed {args.seed}, one draw ({sizes}); test sentences of held-out papers "
        "(differences of a few points are noise at this size). ECE: top-label, 10 bins, of each method's "
        "probabilities (ICL's are smoothed one-hot votes: they rank, they are not calibrated).\n\n"
        + _tables(results, args)
        + "\n"
    )
    print(body)
    if args.write:
        update_section("pet_icl", "PET, in-context learning and synthetic data with SmolLM2-135M (small sample)", body)


if __name__ == "__main__":
    main()
