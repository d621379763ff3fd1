"""The int8 accuracy gate: every shipped model that reads MiniLM, scored with fp32 and with int8 encoder output.

The same shipped model (never refitted) scores the same evaluation data twice in one run:
once with the PyTorch fp32 encoder (``models.embedding_backend = "torch"``, the default) and
once with ONNX Runtime int8 weights (``"onnx-int8"``: dynamic quantization, per channel). For
the fidelity heads the int8 side is the real thing: the layer-3 token states they read come
from the same int8 pass that embeds the sentence (the ONNX export outputs them), exactly as in
``sciwire analyze`` with that backend. A task passes when int8 loses at most 0.5 points
(0.005 on a 0-1 metric) of the metric its card reports.

Parts (``--parts``; each names the data and the split its card uses):

- ``fidelity``: certainty (Pearson r on ``val``), the six certainty aspects (macro-F1 on
  ``val``), conclusion detection (macro-F1 on ``dev``), claim strength on the other-domain
  sentences of ``pet_cls`` (macro-F1, paper and press; the card's grouped CV refits the model,
  which a post-training gate does not), and the verdict on the 100 InSciOut pairs (the strength
  rule and the shipped learned pair model; in-sample for the pair model, it was fitted on them);
- ``discourse``: the abstract tagger on CSAbstruct ``dev`` (its card's split), the CoreSC
  tagger on every ``--coresc-step``-th CoreSC paper (the card's CV refits; the shipped model saw
  these papers, so its fp32 score is optimistic and the gap is an upper bound);
- ``linking``: the aligner (top-1 of the summed match probability), the paper finder (top-1 and
  MRR) and the relevance gate (share of stories whose own paper passes), CD²CR ``dev`` against
  all 238 abstracts, as their cards.

Run: ``python benchmarks/int8_gate.py [--parts fidelity,discourse,linking] [--write]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from _common import ROOT, header, markdown_table, update_section
from sklearn.metrics import f1_score

from sciwire.config import load_config

DATA = Path(os.environ.get("SCIWIRE_DATA", ROOT.parent / "shared" / "data"))
BACKENDS = ("torch", "onnx-int8")
GATE = 0.005  # 0.5 points on a 0-1 metric
CHUNK = 400  # texts per int8 pass whose layer-3 states the heads read at once


def encoders(cache: bool) -> dict[str, Any]:
    """The fp32 and the int8 encoder. ``cache``: reuse the vector cache (vectors only, no states)."""
    from sciwire.backends.embeddings import Embedder

    cfg = load_config()
    out = {}
    for backend in BACKENDS:
        models = replace(cfg.models, embedding_backend=backend)
        runtime = replace(cfg.runtime, device="cpu", embedding_cache=cache)
        out[backend] = Embedder.from_config(replace(cfg, models=models, runtime=runtime))
        out[backend].warm_up()
    return out


def macro_f1(y: Sequence[Any], pred: Sequence[Any]) -> float:
    return float(f1_score(np.asarray(y), np.asarray(pred), average="macro", zero_division=0))


# ---- fidelity: the heads read layer-3 token states --------------------------------------------
def with_states(backend: str, encoder: Any, texts: Sequence[str], predict: Callable[[list[str]], Any]) -> Any:
    """``predict`` over ``texts`` in chunks; for int8 each chunk's layer-3 states come from the int8 pass."""
    from sciwire.backends.layer_states import SHARED_STATES
    from sciwire.fidelity.encoder import frozen_base

    parts = []
    unique = list(dict.fromkeys(texts))
    for i in range(0, len(unique), CHUNK):
        chunk = unique[i : i + CHUNK]
        SHARED_STATES.clear()
        frozen_base().clear()
        if backend != "torch":
            encoder.encode(chunk)  # keeps the states the heads asked for (no vector cache: always computed)
            missing = [t for t in chunk if SHARED_STATES.get(frozen_base().key, 3, t, 128) is None]
            assert not missing, f"{len(missing)} texts have no int8 states"
        parts.append(np.asarray(predict(chunk)))
    SHARED_STATES.clear()
    frozen_base().clear()
    by_text = dict(zip(unique, np.concatenate(parts), strict=True))
    return np.stack([by_text[t] for t in texts])


def fidelity_rows(enc: dict[str, Any]) -> list[tuple[str, str, dict[str, float]]]:
    from sciwire.datasets.fidelity import ASPECTS, VERDICT_LABELS, load_exaggeration_pairs, load_strength_pet
    from sciwire.fidelity.bundle import FidelityModels
    from sciwire.fidelity.evaluate import certainty_split, conclusion_split, verdict_evaluation
    from sciwire.fidelity.pairs import load_pair_model

    models = FidelityModels.load()
    assert models.certainty is not None and models.aspects is not None and models.conclusion is not None
    pair_model = load_pair_model()
    _, cert_val = certainty_split(DATA, "sentence")
    _, aspect_val = certainty_split(DATA, "aspect")
    _, concl_dev = conclusion_split(DATA)
    pet = load_strength_pet(DATA)
    pairs = load_exaggeration_pairs(DATA)
    y_pairs = np.array([VERDICT_LABELS.index(p.label) for p in pairs])
    rows: dict[str, dict[str, float]] = {}
    for backend in BACKENDS:
        e = enc[backend]
        t = time.perf_counter()
        pred = with_states(backend, e, [x.text for x in cert_val], models.certainty.predict)
        r = float(np.corrcoef(pred, [x.score for x in cert_val])[0, 1])
        rows.setdefault("fidelity_certainty/sentence|Pearson r (val)", {})[backend] = r
        aspects = with_states(backend, e, [x.text for x in aspect_val], models.aspects.predict)
        for j, a in enumerate(ASPECTS):
            score = macro_f1([x.aspect(a) for x in aspect_val], aspects[:, j])
            rows.setdefault(f"fidelity_certainty/aspects {a}|macro-F1 (val)", {})[backend] = score
        probs = with_states(backend, e, [x.text for x in concl_dev], models.conclusion_proba)
        rows.setdefault("fidelity_conclusion|macro-F1 (dev)", {})[backend] = macro_f1(
            [x.label for x in concl_dev], (probs >= 0.5).astype(int)
        )
        strength = with_states(backend, e, [x.text for x in pet], models.strength_proba).argmax(1)
        for src in ("paper", "press"):
            keep = [x.source == src for x in pet]
            score = macro_f1([x.label for x in pet if x.source == src], strength[keep])
            rows.setdefault(f"fidelity_strength|macro-F1, other-domain {src} (pet_cls)", {})[backend] = score
        texts = [p.paper for p in pairs] + [p.story for p in pairs]
        both = with_states(backend, e, texts, models.strength_proba)
        paper_p, story_p = both[: len(pairs)], both[len(pairs) :]
        ev = verdict_evaluation(pairs, paper_p, story_p)
        rows.setdefault("fidelity_strength|verdict macro-F1, strength rule (InSciOut 100)", {})[backend] = float(
            ev["strength rule"]
        )
        learned = pair_model.verdict_proba(paper_p, story_p).argmax(1)
        rows.setdefault("fidelity_pairs|macro-F1 (InSciOut 100, in-sample)", {})[backend] = macro_f1(y_pairs, learned)
        print(f"fidelity {backend}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return [(*name.split("|"), scores) for name, scores in rows.items()]  # type: ignore[misc]


# ---- discourse: sentence vectors -------------------------------------------------------------
def discourse_rows(enc: dict[str, Any], coresc_step: int) -> list[tuple[str, str, dict[str, float]]]:
    from sciwire.datasets.coresc import load_coresc_folder
    from sciwire.datasets.csabstruct import load_csabstruct
    from sciwire.discourse.data import embed_documents
    from sciwire.discourse.model import load_cached

    cfg = load_config()
    abstracts = load_csabstruct(DATA, "dev")
    papers = load_coresc_folder(DATA / "coresc")[::coresc_step]
    tasks = {
        "abstract": (
            cfg.discourse.abstract_model,
            [(a.id, a.sentences, ("abstract",) * len(a.sentences), "") for a in abstracts],
            [list(a.labels) for a in abstracts],
            "discourse_abstract|macro-F1 (CSAbstruct dev)",
        ),
        "coresc": (
            cfg.discourse.coresc_model,
            [(p.paper_id, p.sentences, p.sections, p.domain) for p in papers],
            [list(p.labels) for p in papers],
            f"discourse_coresc|macro-F1 ({len(papers)} CoreSC papers, seen in training)",
        ),
    }
    out = []
    for task, (spec, docs, labels, name) in tasks.items():
        model = load_cached(spec, task)
        scores = {}
        for backend in BACKENDS:
            t = time.perf_counter()
            seqs = embed_documents(docs, enc[backend])
            pred = [model.classes[int(i)] for s in seqs for i in model.tagger.predict_proba([s]).argmax(1)]
            scores[backend] = macro_f1([x for ls in labels for x in ls], pred)
            print(f"discourse {task} {backend}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
        out.append((*name.split("|"), scores))
    return out  # type: ignore[return-value]


# ---- alignment, paper finder, relevance gate: sentence and lead vectors on CD²CR dev ----------
def linking_rows(enc: dict[str, Any]) -> list[tuple[str, str, dict[str, float]]]:
    from alignment import topk  # benchmarks/alignment.py: the card's ranking

    from sciwire.align.model import load_align_model
    from sciwire.align.train import load_align_data
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.datasets.cdcr import load_papers, load_split, news_with_papers
    from sciwire.fidelity.relevance import load_relevance_model, relevance_of
    from sciwire.linking.finder import PaperFinder
    from sciwire.linking.model import load_finder_model
    from sciwire.linking.train import cdcr_papers, finder_evidence, rank_metrics, scorer_logit

    cfg = load_config()
    align, finder_model, gate = load_align_model("default"), load_finder_model("default"), load_relevance_model()
    papers = cdcr_papers(load_papers(DATA))
    pairs = news_with_papers(load_split(DATA, "dev"))
    rows: dict[str, dict[str, float]] = {}
    for backend in BACKENDS:
        t = time.perf_counter()
        prepared = load_align_data(DATA, enc[backend], load_spacy(cfg.models.spacy), ("dev",))
        top1, _ = topk(prepared.features["dev"], prepared.pairs["dev"], align, cfg.align.threshold, "probability")
        rows.setdefault("align_default|top-1, summed match probability (CD²CR dev vs 238)", {})[backend] = top1
        config = replace(cfg, models=replace(cfg.models, embedding_backend=backend))
        finder = PaperFinder(config, enc[backend], finder_model, align).index(papers)
        items = finder_evidence(finder, pairs, [p.id for p in papers])
        f1, _, mrr = rank_metrics(items, scorer_logit(finder_model))
        rows.setdefault("link_finder_default|top-1 (CD²CR dev vs 238)", {})[backend] = f1
        rows.setdefault("link_finder_default|MRR (CD²CR dev vs 238)", {})[backend] = mrr
        own = [relevance_of(evs[gold], gate, cfg.fidelity.relevance_threshold, "p").related for evs, gold in items]
        rows.setdefault("fidelity_relevance|own paper let through (CD²CR dev)", {})[backend] = float(np.mean(own))
        print(f"linking {backend}: {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return [(*name.split("|"), scores) for name, scores in rows.items()]  # type: ignore[misc]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="fidelity,discourse,linking")
    parser.add_argument("--coresc-step", type=int, default=5, help="score every n-th CoreSC paper")
    parser.add_argument("--json-out", help="also write the rows as JSON here")
    parser.add_argument("--from-json", help="comma-separated --json-out files of earlier part runs: table only")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if not DATA.is_dir():
        print(f"skipped: no data folder at {DATA}", file=sys.stderr)
        return 0
    parts = args.parts.split(",")
    rows: list[tuple[str, str, dict[str, float]]] = []
    for saved in args.from_json.split(",") if args.from_json else []:
        rows += [(r.pop("model"), r.pop("metric"), r) for r in json.loads(Path(saved).read_text())]
    if args.from_json:
        parts = []
    if "fidelity" in parts:
        rows += fidelity_rows(encoders(cache=False))  # the heads need the states of a real pass
    if "discourse" in parts:
        rows += discourse_rows(encoders(cache=True), args.coresc_step)
    if "linking" in parts:
        rows += linking_rows(encoders(cache=True))
    table_rows = []
    for model, metric, s in rows:
        loss = s["torch"] - s["onnx-int8"]
        table_rows.append(
            [model, metric, f"{s['torch']:.3f}", f"{s['onnx-int8']:.3f}", f"{100 * loss:+.2f}",
             "yes" if loss <= GATE else "**no**"]
        )  # fmt: skip
    heads = ["model", "metric (data)", "fp32", "int8", "loss (points)", "pass (<= 0.5)"]
    table = markdown_table(heads, table_rows)
    print(table)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps([{"model": m, "metric": k, **s} for m, k, s in rows], indent=1))
    if args.write:
        cmd = f"python benchmarks/int8_gate.py --parts {args.parts} --coresc-step {args.coresc_step} --write"
        if args.from_json:
            cmd = "python benchmarks/int8_gate.py --parts P --json-out P.json (per part), then --from-json ... --write"
        body = header(cmd) + (
            "- The same shipped models (never refitted) on the same data, fp32 (PyTorch) vs int8 (ONNX Runtime, "
            "dynamic, per channel); the fidelity heads read layer-3 states of the int8 pass.\n\n" + table
        )
        update_section("int8-gate", "int8 accuracy gate", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
