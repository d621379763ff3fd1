"""Ask the papers: retrieval and answer matching on PubMedQA PQA-L (500 questions).

(a) Retrieval: each question against the sentences of all 500 abstracts (CONTEXTS) in one
    store; a paper's rank is the rank of its best sentence. MRR@10, top-1, top-5 for BM25
    (SQLite FTS5), dense (MiniLM) and hybrid (RRF and linear). The linear fusion's BM25 weight
    is chosen on the even-indexed questions (:func:`sciwire.qa.train.choose_bm25_weight`) and
    the answer confidence (logistic on the answer's cosine and whether both engines found it)
    is fitted on them (:func:`sciwire.qa.train.fit_confidence`); ECE is measured on the odd
    ones. "Shipped" is the model folder ``qa.model`` names (default ``sciwire/models/qa_default``).
(b) Answer match (``--finetune``): question vs the 500 long answers (conclusions); match rate
    = own conclusion ranked first. Before/after fine-tuning MiniLM on a train split of the
    question <-> conclusion pairs (MultipleNegativesRankingLoss, and triplet loss with mined
    negatives), measured on held-out pairs (split by PMID, seed 13, 60/40).
(c) Speed: answering over a 1,000-paper corpus (the 500 abstracts + 500 synthetic variants),
    and adding 100 abstracts to a fresh store.

Run: ``python benchmarks/qa.py [--finetune] [--write]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import header, markdown_table, update_section

from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import QAConfig, load_config
from sciwire.datasets.pubmedqa import PubMedQAItem, load_pubmedqa
from sciwire.learn import expected_calibration_error
from sciwire.qa import Retriever
from sciwire.qa.evaluate import paper_ranking
from sciwire.qa.model import AnswerModel
from sciwire.qa.train import choose_bm25_weight, fit_confidence, pubmedqa_store
from sciwire.store import SQLiteStore


def build_store(items: list[PubMedQAItem], embedder: Embedder, path: str = ":memory:", suffix: str = "") -> SQLiteStore:
    return pubmedqa_store(items, embedder, load_spacy(load_config().models.spacy), path, suffix)


def retrieval(items: list[PubMedQAItem], retriever: Retriever) -> tuple[list[list[object]], dict[str, float]]:
    rows = []
    feats, labels = [], []
    base, shipped = retriever.config, retriever.model
    engines = (
        ("BM25 (SQLite FTS5)", "bm25", base),
        ("dense (MiniLM cosine)", "dense", base),
        (f"hybrid, RRF k={base.rrf_k}", "hybrid", dataclasses.replace(base, fusion="rrf")),
        (
            f"hybrid, linear bm25_weight={shipped.bm25_weight} (shipped)",
            "hybrid",
            dataclasses.replace(base, fusion="linear"),
        ),
    )
    for name, mode, qa_cfg in engines:
        engine = Retriever(retriever.store, retriever.embedder, qa_cfg, shipped)
        rr, top1, top5 = [], [], []
        for it in items:
            docs, ranked = paper_ranking(engine, it.question, mode)
            rank = docs.index(it.pmid) + 1 if it.pmid in docs else None
            rr.append(1.0 / rank if rank and rank <= 10 else 0.0)
            top1.append(rank == 1)
            top5.append(bool(rank and rank <= 5))
            if mode == "hybrid" and qa_cfg.fusion == base.fusion:
                best = ranked[0]
                feats.append((best.cosine, float(best.bm25_rank is not None and best.dense_rank is not None)))
                labels.append(int(best.key[0] == it.pmid))
        odd = rr[1::2]
        rows.append([name, f"{np.mean(rr):.4f}", f"{np.mean(odd):.4f}", f"{np.mean(top1):.3f}", f"{np.mean(top5):.3f}"])
    x, y = np.array(feats), np.array(labels)
    fit, held = np.arange(len(y)) % 2 == 0, np.arange(len(y)) % 2 == 1
    confidence = fit_confidence(x[fit], y[fit]).rounded(3)
    w_cos, w_both = confidence.weights()["cosine"], confidence.weights()["found_by_both"]
    bias = float(confidence.intercept_[0])
    fitted = AnswerModel(shipped.bm25_weight, confidence)

    def probs(model: AnswerModel) -> np.ndarray:
        scorer = Retriever(retriever.store, retriever.embedder, base, model)
        return np.array([scorer.confidence(c, 1 if both else None, 1) for c, both in x[held]])

    calib = {
        "conf_bias": bias,
        "conf_w_cosine": w_cos,
        "conf_w_both": w_both,
        "ece_fitted": expected_calibration_error(probs(fitted), y[held]),
        "ece_shipped": expected_calibration_error(probs(shipped), y[held]),
        "top1_rate": float(y.mean()),
    }
    return rows, calib


def speed(items: list[PubMedQAItem], embedder: Embedder, retriever_cfg: QAConfig) -> list[list[object]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        # adding 100 abstracts from files, the way `sciwire add` does (reading included)
        from sciwire.store import add_files

        folder = Path(tmp) / "abstracts"
        folder.mkdir()
        for it in items[:100]:
            (folder / f"{it.pmid}.txt").write_text("\n\n".join(it.contexts), encoding="utf-8")
        cold_embedder = Embedder(cache_dir=None)
        cold_embedder.warm_up()
        store = SQLiteStore(Path(tmp) / "add.sqlite")
        t = time.perf_counter()
        results = add_files(store, [folder], load_config(), cold_embedder)
        took = time.perf_counter() - t
        added = sum(r.status == "added" for r in results)
        rows.append(["add 100 abstracts (read, split, embed, store)", f"{took:.1f}", "< 60", f"{added} added"])
        store.close()
        # a 1,000-paper corpus: the 500 abstracts twice (second copy under other ids)
        big = build_store(items, embedder, str(Path(tmp) / "big.sqlite"))
        extra = build_store(items, embedder, ":memory:", suffix="-copy")
        keys, matrix = extra.vectors(embedder.model_key)
        for doc_id in dict.fromkeys(k[0] for k in keys):
            doc = extra.get(doc_id)
            rows_ = [i for i, k in enumerate(keys) if k[0] == doc_id]
            big.add(doc, matrix[rows_], f"{doc_id}-hash", embedder.model_key)
        retriever = Retriever(big, embedder, retriever_cfg)
        retriever.ask(items[0].question)  # warm: loads the vector matrix once
        times = []
        for it in items[1:21]:
            t = time.perf_counter()
            retriever.ask(it.question)
            times.append(time.perf_counter() - t)
        n_docs = len(big.documents())
        rows.append([f"answer a question over {n_docs} papers (warm, median of 20)", f"{statistics.median(times):.3f}",
                     "< 1", f"{len(keys) * 2} sentences"])  # fmt: skip
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="data folder (default: SCIWIRE_DATA or paths.data_dir)")
    parser.add_argument("--finetune", action="store_true", help="also run (b): fine-tuning before/after")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"paths.data_dir={args.data}"] if args.data else None)
    items = load_pubmedqa(cfg.paths.data_dir)
    embedder = Embedder(cfg.models.embedding, cfg.runtime.device, cfg.runtime.batch_size, cfg.paths.cache_dir)
    t0 = time.perf_counter()
    store = build_store(items, embedder)
    retriever = Retriever(store, embedder, cfg.qa)
    even = [(it.question, it.pmid) for it in items[0::2]]
    chosen, mrr_by_weight = choose_bm25_weight(store, embedder, even, cfg.qa)
    print(
        "bm25_weight chosen on the even-indexed questions:", chosen, {w: round(v, 4) for w, v in mrr_by_weight.items()}
    )
    rows, calib = retrieval(items, retriever)
    folder = retriever.model.folder.name if retriever.model.folder else cfg.qa.model
    table = markdown_table(
        ["engine", "MRR@10", "MRR@10 odd questions (held out for bm25_weight)", "top-1", "top-5"], rows
    )
    print(table)
    print("confidence fit (even questions) / ECE (odd questions):", calib)
    speed_rows = speed(items, embedder, cfg.qa)
    speed_table = markdown_table(["measure", "seconds", "target", "note"], speed_rows)
    print(speed_table)
    body = (
        header("python benchmarks/qa.py" + (" --finetune" if args.finetune else "") + " --write")
        + f"- Data: PubMedQA PQA-L, {len(items)} questions; every question searches the sentences of all "
        f"{len(items)} abstracts (CONTEXTS, conclusions excluded); a paper's rank = rank of its best sentence. "
        f"The BM25 weight of the linear fusion was chosen on the even-indexed questions (grid 0-1 in steps of 0.1: "
        f"{chosen}; shipped: {retriever.model.bm25_weight}, model folder `{folder}`); "
        "the odd-indexed column is held out from that choice.\n\n"
        + table
        + f"\n\nAnswer confidence (logistic on cosine + found-by-both, fitted on the even-indexed questions): "
        f"bias {calib['conf_bias']}, w_cosine {calib['conf_w_cosine']}, w_both {calib['conf_w_both']}; "
        f"ECE on the odd-indexed questions {calib['ece_fitted']:.3f} (shipped model: {calib['ece_shipped']:.3f}); "
        f"hybrid top-1 sentence from the right paper in {calib['top1_rate']:.1%} of questions.\n\n" + speed_table
    )
    if args.finetune:
        from finetune_qa import finetune_table  # benchmarks/finetune_qa.py

        body += "\n\n" + finetune_table(items, cfg)
    print(f"total {time.perf_counter() - t0:.1f}s")
    if args.write:
        update_section("qa", "Ask the papers (PubMedQA)", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
