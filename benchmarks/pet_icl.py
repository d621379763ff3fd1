"""PET and in-context learning with SmolLM2-135M vs the logistic baseline, at the same label budget.

Protocol (small on purpose: the LM is the slow part): per task, ``--k`` labelled sentences per
class drawn from training papers, ``--unlabelled`` more sentences of those papers for PET's
distillation, and ``--test`` sentences of other papers (grouped split by paper / PMID); one seed.

- ``logistic``: logistic regression on MiniLM vectors (sciwire learn's KISS baseline);
- ``pet``: 3 patterns x verbalizers scored by SmolLM2-135M (llama-cpp-python, Q4_1), one logistic
  head per pattern on the verbalizer log-probabilities, the weighted ensemble's soft labels
  distilled into a MiniLM logistic student (``pet``) — the teacher is scored too (``pet-teacher``);
- ``icl``: 2 examples per class in the prompt, a constrained single-label answer (``samples=1``).

Times are per record on a shared 2-core machine: PET's LM scoring (all patterns) and ICL's answer.

Run: ``python benchmarks/pet_icl.py [--k 8] [--test 60] [--write]``
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np
from _common import header, markdown_table, update_section
from sklearn.metrics import f1_score

from sciwire.config import LLMConfig, load_config
from sciwire.learn.heads import EmbeddingLogistic
from sciwire.learn.icl import ICLClassifier
from sciwire.learn.pet import PETClassifier, VerbalizerScorer
from sciwire.learn.splits import grouped_split, per_class_sample

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


def run_task(name: str, args: argparse.Namespace, scorer: VerbalizerScorer) -> list[list[Any]]:
    texts, labels, groups, words = load_task(name, args.data)
    train, test = grouped_split(labels, groups, 0.3, args.seed)
    rng = np.random.default_rng(args.seed)
    labelled = per_class_sample(labels, train, args.k, args.seed)
    rest = np.setdiff1d(train, labelled)
    pool = rng.choice(rest, size=min(args.unlabelled, len(rest)), replace=False)
    test = rng.choice(test, size=min(args.test, len(test)), replace=False)
    x, y = [texts[i] for i in labelled], [labels[i] for i in labelled]
    tx, ty = [texts[i] for i in test], [labels[i] for i in test]

    def row(method: str, pred: np.ndarray, seconds: float | str) -> list[Any]:
        f1 = f1_score(ty, pred, average="macro", zero_division=0)
        acc = float(np.mean(np.asarray(pred) == np.asarray(ty, dtype=object)))
        return [name, method, len(x), f"{f1:.3f}", f"{acc:.3f}", seconds]

    out = [row("logistic", EmbeddingLogistic().fit(x, y).predict(tx), "-")]
    pet = PETClassifier(verbalizers=words, scorer=scorer).fit(x, y, unlabeled=[texts[i] for i in pool])
    out.append(row("pet (student)", pet.predict(tx), "-"))
    start = time.perf_counter()
    teacher = pet.classes_[pet.teacher_proba(tx).argmax(axis=1)]
    out.append(row("pet-teacher (LM)", teacher, f"{(time.perf_counter() - start) / len(tx):.2f} s"))
    icl = ICLClassifier(k=2, llm=LLMConfig(max_tokens=16, context_tokens=2048)).fit(x, y)
    pred = icl.predict(tx)
    out.append(row(f"icl (2-shot, {icl.invalid_answers_} invalid)", pred, f"{icl.seconds_per_record_:.2f} s"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("SCIWIRE_DATA", str(load_config().paths.data_dir)))
    parser.add_argument("--tasks", default="csabstruct,claims")
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--unlabelled", type=int, default=40)
    parser.add_argument("--test", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="Write the section of docs/benchmarks.md.")
    args = parser.parse_args()
    scorer = VerbalizerScorer(threads=2)
    rows = [r for task in args.tasks.split(",") for r in run_task(task, args, scorer)]
    table = markdown_table(["task", "method", "labels", "macro-F1", "accuracy", "LM time / record"], rows)
    body = (
        header(f"python benchmarks/pet_icl.py --k {args.k} --test {args.test} --write")
        + f"\n{args.k} labels per class, {args.unlabelled} unlabelled sentences for PET, {args.test} test sentences "
        "of held-out papers, seed 0 (one draw: differences of a few points are noise). Shared 2-core machine.\n\n"
        + table
        + "\n"
    )
    print(body)
    if args.write:
        update_section("pet_icl", "PET and in-context learning with SmolLM2-135M (small sample)", body)


if __name__ == "__main__":
    main()
