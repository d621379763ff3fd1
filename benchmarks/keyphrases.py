"""Keyphrase extraction: sciwire's methods against YAKE, RaKUn 2.0, pytextrank and KeyBERT.

Protocol (see docs/keyphrases.md):
- Data: Inspec dev (500 abstracts, uncontrolled gold), SemEval-2017 ScienceIE dev (50
  paragraphs), SemEval-2010 train (144 full papers, official stemmed combined reference) and
  ``semeval2010-abstracts``: the title and abstract of the same 144 papers with the same gold
  (author + reader keyphrases of ACM papers, most of them absent from the abstract: the closest
  stand-in here for the KDD / WWW abstract sets). Every method gets the same text.
- SemEval-2010 is cross-validated by document (5 folds, seeded shuffle): anything fitted
  (``paper-ltr-cv``: a logistic regression on the full-paper features) is fitted on 4 folds and
  scored on the 5th; unfitted methods (everything shipped, every peer) are scored on all papers.
  The table shows the out-of-fold macro average and the F1@10 of each fold.
- Evaluation: exact match after lower-casing and Porter stemming (sciwire.keyphrases.evaluate),
  F1@5/10/15 macro-averaged over documents; absent gold phrases count (nobody can find them).
- Speed: documents/second, models loaded beforehand, no embedding cache, each method run alone
  under ``flock /tmp/sciwire-cpu.lock`` on a machine shared with other work (the numbers are
  lower bounds). ``docs/s`` is one document per call (``extract``, as every peer is called);
  ``docs/s batch`` is sciwire's batch API on the whole set, the way ``sciwire keywords`` and a
  user with many documents call it (``extract_many``: spaCy and the encoder run once per 64
  documents). The scores are those of the one-per-call run; ``batch ≠`` counts the documents
  whose batch list differs from it (the encoder's padding can move a vector in its last bits).
  Both timed runs start with sciwire's memories of seen words emptied (chunk tags, stems), so
  neither profits from the other having read the same documents.
  ``docs/s, N processes`` (``--jobs``, default 2; methods without the encoder) is the batch API
  with ``jobs=N`` (``sciwire keywords --jobs``): batches ranked in N processes forked after the
  models are loaded, the same lists (``≠`` counts any that differ from one per call).
  :data:`TARGETS` (issue 17) are printed beside the fastest of these on abstracts.
- ``combined-abstract-mode`` / ``fast-abstract-mode``: the same methods with the paper mode off
  (every text ranked as an abstract, as before the paper mode): the simple baseline in the same run.
- ``combined-ltr`` (opt-in, ``--methods``): weights fitted on the train splits of Inspec and
  SemEval-2017, scored on their dev splits; not shipped (the data licences forbid it).
- KeyBERT embeds every 1-3-gram of a document: on SemEval-2010 it runs on the first
  ``--slow-limit`` papers only, and sciwire's default is also reported on those.

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

import numpy as np
from _common import cpu_encoder, header, markdown_table, update_section
from _keyphrase_peers import PEERS

from sciwire.config import load_config
from sciwire.datasets.keyphrase import KeyphraseDoc, load_keyphrase_split
from sciwire.keyphrases import KeyphraseExtractor
from sciwire.keyphrases.candidates import stem_word
from sciwire.keyphrases.evaluate import evaluate_keyphrases, normalize_phrase
from sciwire.keyphrases.lexicon import forget_chunks
from sciwire.keyphrases.scorers import KeyphraseRanker, mmr_values
from sciwire.keyphrases.scorers.paper import PAPER_WEIGHTS
from sciwire.keyphrases.structure import read_structure
from sciwire.keyphrases.train import training_rows

DATASETS = {
    "semeval2010": ("semeval2010", "train"),
    "semeval2010-abstracts": ("semeval2010", "train"),
    "inspec": ("inspec", "dev"),
    "semeval2017": ("semeval2017", "dev"),
}
OURS = ("combined", "fast", "graph", "statistical", "embedding", "combined-abstract-mode", "fast-abstract-mode",
        "paper-ltr-cv", "combined-ltr")  # fmt: skip
DEFAULT_METHODS = ("combined", "fast", "graph", "embedding", "combined-abstract-mode", "fast-abstract-mode",
                   "paper-ltr-cv", *PEERS)  # fmt: skip
ONLY_ON = {"paper-ltr-cv": {"semeval2010"}, "combined-abstract-mode": {"semeval2010"},
           "fast-abstract-mode": {"semeval2010"}, "combined-ltr": {"inspec", "semeval2017"},
           "graph": {"inspec", "semeval2017", "semeval2010-abstracts"}}  # fmt: skip
SLOW = {"keybert": {"semeval2010"}}
#: sciwire's methods without the encoder: the ones ``extract_many(jobs=...)`` runs in processes.
NO_ENCODER = ("fast", "fast-abstract-mode", "graph")
#: Speed targets on abstracts (docs/s, batch API), issue 17.
TARGETS = {"combined": 30, "fast": 1000}
ABSTRACT_SETS = ("inspec", "semeval2017", "semeval2010-abstracts")
TOP = 15
DATA = "../shared/data"
KS = (5, 10, 15)
FOLDS = 5


def load_docs(data: str, ds: str) -> list[KeyphraseDoc]:
    """The documents of a benchmark data set (``semeval2010-abstracts``: title + abstract of each paper)."""
    name, split = DATASETS[ds]
    docs = load_keyphrase_split(data, name, split)
    if ds != "semeval2010-abstracts":
        return docs
    out = []
    for d in docs:
        s = read_structure(d.text)
        zone = s.zone("abstract")
        if zone is None:
            continue
        body = s.text[zone[0] : zone[1]].split("\n", 1)[1].strip()  # without the "ABSTRACT" heading
        out.append(replace(d, text=f"{s.title}\n{body}"))
    return out


def fold_of(n: int) -> np.ndarray:
    """Document -> fold (seeded shuffle, sizes differ by at most one)."""
    folds = np.empty(n, dtype=int)
    folds[np.random.default_rng(0).permutation(n)] = np.arange(n) % FOLDS
    return folds


def sciwire_extractor(
    method: str, weights_file: str = ""
) -> tuple[Callable[[str, int], list[str]], Callable[[list[str], int], list[list[str]]]]:
    """One document per call (``extract``) and the batch API (``extract_many``) of one extractor."""
    base = method.removesuffix("-abstract-mode").removesuffix("-ltr")
    cfg = replace(load_config().keyphrases, method=base, top=TOP, weights_file=weights_file)
    ex = KeyphraseExtractor(cfg, embedder=cpu_encoder(load_config(), cache=False), min_english_ratio=0)
    ex.paper_mode = not method.endswith("-abstract-mode")
    ex.warm_up()

    def one(text: str, top: int) -> list[str]:
        return [k.text for k in ex.extract(text, top)]

    def many(texts: list[str], top: int, jobs: int = 1) -> list[list[str]]:
        return [[k.text for k in r] for r in ex.extract_many(texts, top, jobs=jobs)]

    return one, many


def fit_ltr(data: str, out: Path) -> str:
    """Weights fitted on the train splits of Inspec and SemEval-2017 (never on what is evaluated)."""
    docs = load_keyphrase_split(data, "inspec", "train") + load_keyphrase_split(data, "semeval2017", "train")
    ex = KeyphraseExtractor(embedder=cpu_encoder(load_config(), cache=False), min_english_ratio=0)
    X, y, _ = training_rows(docs, ex)
    ranker = KeyphraseRanker().fit(X, y)
    print(f"LTR weights (train splits, {len(docs)} docs, {len(y)} rows): {ranker.weights()}", file=sys.stderr)
    return str(ranker.save_weights(out / "weights.json"))


def paper_ltr_cv(docs: list[KeyphraseDoc], folds: np.ndarray) -> dict:
    """A logistic regression on the full-paper features, fitted on 4 folds and scored on the 5th.

    Its coefficients are rescaled to the L1 norm of the hand-set weights, so the diversity of the
    maximal marginal relevance means the same for both.
    """
    from sklearn.linear_model import LogisticRegression

    cfg = replace(load_config().keyphrases, method="combined", top=TOP)
    ex = KeyphraseExtractor(cfg, embedder=cpu_encoder(load_config(), cache=False), min_english_ratio=0)
    ex.warm_up()
    start = time.perf_counter()
    rows = []
    for d in docs:
        cands = ex.candidates(d.text)
        X, indices, vecs = ex.paper_features(cands)
        gold = {v for group in d.gold for v in group}
        surfaces = [cands.candidates[i].surface for i in indices]
        y = np.array([normalize_phrase(s) in gold for s in surfaces], dtype=int)
        rows.append((X, y, vecs, surfaces))
    seconds = time.perf_counter() - start
    l1 = sum(abs(v) for v in PAPER_WEIGHTS.values())
    preds: list[list[str]] = [[] for _ in docs]
    coefs = []
    for k in range(FOLDS):
        train = [r for r, f in zip(rows, folds, strict=True) if f != k]
        model = LogisticRegression(max_iter=2000).fit(np.vstack([r[0] for r in train]),
                                                      np.concatenate([r[1] for r in train]))  # fmt: skip
        w = model.coef_[0] * l1 / np.abs(model.coef_[0]).sum()
        coefs.append(w)
        for i in np.flatnonzero(folds == k):
            X, _, vecs, surfaces = rows[i]
            order, _ = mmr_values(np.round(X @ w, 9), vecs, TOP, cfg.diversity)
            preds[i] = [surfaces[j] for j in order]
    print(f"paper-ltr-cv mean weights: {dict(zip(ex.paper_weights, np.mean(coefs, 0).round(3), strict=True))}",
          file=sys.stderr)  # fmt: skip
    return score(docs, preds, seconds, folds)


def score(docs: list[KeyphraseDoc], preds: list[list[str]], seconds: float, folds: np.ndarray | None) -> dict:
    scores = evaluate_keyphrases(preds, [d.gold for d in docs], KS, gold_stemmed=docs[0].gold_stemmed)
    f1 = {str(k): round(100 * v, 1) for k, v in scores.f1.items()}
    out = {"f1": f1, "docs_per_s": round(len(docs) / seconds, 2), "n": len(docs), "predictions": preds}
    if folds is not None and len(folds) == len(docs):
        out["folds"] = [round(100 * evaluate_keyphrases([preds[i] for i in np.flatnonzero(folds == k)],
                                                        [docs[i].gold for i in np.flatnonzero(folds == k)], (10,),
                                                        gold_stemmed=docs[0].gold_stemmed).f1[10], 1)
                        for k in range(FOLDS)]  # fmt: skip
    return out


def run(
    extractor: Callable[[str, int], list[str]],
    docs: list[KeyphraseDoc],
    folds: np.ndarray | None,
    many: Callable[..., list[list[str]]] | None = None,
    jobs: int = 1,
) -> dict:
    extractor(docs[0].text[:2000], TOP)  # load models outside the timed part
    _forget()
    start = time.perf_counter()
    preds = [extractor(d.text, TOP) for d in docs]
    out = score(docs, preds, time.perf_counter() - start, folds)
    if many is not None:
        _forget()  # the batch run sees the documents as unseen too
        start = time.perf_counter()
        batch = many([d.text for d in docs], TOP)
        out["batch_docs_per_s"] = round(len(docs) / (time.perf_counter() - start), 2)
        out["batch_differs"] = sum(a != b for a, b in zip(preds, batch, strict=True))
        if jobs > 1:
            _forget()
            start = time.perf_counter()
            pooled = many([d.text for d in docs], TOP, jobs=jobs)
            out["jobs"] = jobs
            out["jobs_docs_per_s"] = round(len(docs) / (time.perf_counter() - start), 2)
            out["jobs_differs"] = sum(a != b for a, b in zip(preds, pooled, strict=True))
    return out


def _forget() -> None:
    """Empty sciwire's memories of words seen before (chunk tags, stems): every timed run reads its
    documents as unseen text."""
    forget_chunks()
    stem_word.cache_clear()


def render(results: dict, command: str) -> str:
    parts = [header(command)]
    for ds, (name, split) in DATASETS.items():
        res = results.get(ds, {})
        if not res:
            continue
        cv = any("folds" in r for r in res.values())
        jobs = max((r.get("jobs", 1) for r in res.values()), default=1)
        rows = []
        for method, r in sorted(res.items(), key=lambda kv: -kv[1]["f1"]["10"]):
            label = method if method in OURS else f"{method} (peer)"
            if r["n"] != max(x["n"] for x in res.values()):
                label += f" — first {r['n']} docs"
            row = [f"**sciwire {label}**" if method in OURS else label, *(r["f1"][str(k)] for k in KS), r["docs_per_s"]]
            row += _batch_cells(r, method, ds)
            if jobs > 1:
                row += _jobs_cells(r, method, ds)
            if cv:
                row.append(" / ".join(str(x) for x in r.get("folds", [])) or "—")
            rows.append(row)
        head = ["method", "F1@5", "F1@10", "F1@15", "docs/s", "docs/s batch (target)", "batch ≠"]
        head += [f"docs/s, {jobs} processes (target)", "≠"] if jobs > 1 else []
        head += ["F1@10 per fold"] if cv else []
        title = f"{ds} ({name} {split}, {max(r['n'] for r in res.values())} documents"
        title += f"; {FOLDS}-fold CV by document, out-of-fold scores)" if cv else ")"
        parts.append(f"\n### {title}\n\n" + markdown_table(head, rows))
        parts += _subset_notes(res, ds)
    return "\n".join(parts)


def _batch_cells(r: dict, method: str, ds: str) -> list[str]:
    """The batch speed (with its target on abstracts) and how many batch lists differ."""
    if "batch_docs_per_s" not in r:
        return ["—", "—"]
    target = TARGETS.get(method) if ds in ABSTRACT_SETS else None
    speed = f"{r['batch_docs_per_s']}" + (f" (≥ {target:,})" if target else "")
    return [speed, str(r["batch_differs"])]


def _jobs_cells(r: dict, method: str, ds: str) -> list[str]:
    """The speed with ``jobs`` processes (with its target on abstracts) and how many lists differ."""
    if "jobs_docs_per_s" not in r:
        return ["—", "—"]
    target = TARGETS.get(method) if ds in ABSTRACT_SETS else None
    return [f"{r['jobs_docs_per_s']}" + (f" (≥ {target:,})" if target else ""), str(r["jobs_differs"])]


def _subset_notes(res: dict, ds: str) -> list[str]:
    """sciwire's scores on the documents a slow peer was limited to."""
    notes = []
    full = max((r["n"] for r in res.values()), default=0)
    for peer, r in res.items():
        if r["n"] == full or peer in OURS:
            continue
        docs = load_docs(DATA, ds)[: r["n"]]
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
    parser.add_argument("--methods", default=",".join(DEFAULT_METHODS))
    parser.add_argument("--limit", type=int, default=0, help="Use the first N documents of each set (development).")
    parser.add_argument("--slow-limit", type=int, default=10, help="Papers for KeyBERT on SemEval-2010.")
    parser.add_argument("--results", type=Path, default=Path(tempfile.gettempdir()) / "sciwire-keyphrases-bench.json")
    parser.add_argument("--also", type=Path, nargs="*", default=[], help="More results files to render.")
    parser.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    parser.add_argument("--jobs", type=int, default=2, help="Processes of the extra batch run (methods without the "
                        "encoder; 1: none).")  # fmt: skip
    args = parser.parse_args()
    global DATA
    DATA = args.data
    results = json.loads(args.results.read_text()) if args.results.exists() else {}
    methods = [m for m in args.methods.split(",") if m]
    weights = ""
    if "combined-ltr" in methods:
        weights = fit_ltr(args.data, Path(tempfile.mkdtemp(prefix="sciwire-kp-ltr-")))
    for ds in args.datasets.split(","):
        docs = load_docs(args.data, ds)[: args.limit or None]
        folds = fold_of(len(docs)) if ds == "semeval2010" else None
        for method in methods:
            if ds not in ONLY_ON.get(method, {ds}):
                continue
            subset = docs[: args.slow_limit] if ds in SLOW.get(method, ()) else docs
            if method == "paper-ltr-cv":
                r = paper_ltr_cv(docs, folds if folds is not None else fold_of(len(docs)))
            elif method in OURS:  # only combined-ltr uses the fitted weights; the rest run as shipped
                one, many = sciwire_extractor(method, weights if method == "combined-ltr" else "")
                r = run(one, subset, folds, many, args.jobs if method in NO_ENCODER else 1)
            else:
                r = run(PEERS[method](), subset, folds)
            results.setdefault(ds, {})[method] = r
            batch = (
                f"batch {r['batch_docs_per_s']} docs/s ({r['batch_differs']} differ)" if "batch_docs_per_s" in r else ""
            )
            print(f"{ds:12} {method:14} F1@5/10/15 {r['f1']}  {r['docs_per_s']} docs/s {batch} (n={r['n']}) "
                  f"{r.get('folds', '')}", flush=True)  # fmt: skip
            args.results.write_text(json.dumps(results))
    shown = {ds: dict(v) for ds, v in results.items()}
    for extra in args.also:
        for ds, v in json.loads(extra.read_text()).items():
            shown.setdefault(ds, {}).update(v)
    text = render(shown, " ".join(["python benchmarks/keyphrases.py", *sys.argv[1:]]))
    print(text)
    if args.write:
        update_section("keyphrases", "Keyphrase extraction (Inspec, SemEval-2017, SemEval-2010)", text)


if __name__ == "__main__":
    main()
