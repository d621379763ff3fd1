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
(d) Within one paper (what ``ask --paper`` and ``analyze --question`` do): each question against
    the sentences of its own abstract (``own``), of its abstract with the long answer appended
    (``own_long_answer``), and of that joined with the most similar other abstract and 3 random
    ones, each with its long answer (``pooled``: results and conclusions that do not answer).
    Answer-carrying sentences: those of RESULTS/CONCLUSIONS contexts of the own abstract (and
    its long answer). BM25, dense, the
    hybrid that shipped before and the answer ranker, 5-fold cross-validation grouped by question
    (:func:`sciwire.qa.train.cross_validate_answers`): MRR, share of top-1 sentences from
    RESULTS/CONCLUSIONS, from BACKGROUND/OBJECTIVE and from the other paper; the confidence's ECE
    and how often "the paper does not say" is said for the own vs the most similar other abstract.

Run: ``python benchmarks/qa.py [--only corpus|within] [--finetune] [--write]``.
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
from sciwire.fitting import expected_calibration_error
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


def within(items: list[PubMedQAItem], embedder: Embedder) -> str:
    """(d): the within-paper comparison, as Markdown."""
    from sciwire.discourse.model import load_cached
    from sciwire.qa.abstracts import within_abstract
    from sciwire.qa.model import load_answer_model
    from sciwire.qa.train import cross_validate_answers

    cfg = load_config()
    nlp = load_spacy(cfg.models.spacy)
    coresc = load_cached(cfg.discourse.coresc_model, "coresc")
    shipped = load_answer_model(cfg.qa.model)
    t = time.perf_counter()
    sets = within_abstract(items, embedder, nlp, coresc, cfg.qa, shipped)
    built = time.perf_counter() - t
    cv = cross_validate_answers(shipped.bm25_weight, shipped.confidence, sets)
    pools = {
        "own": "own abstract (contexts only)",
        "own_long_answer": "own abstract + long answer",
        "pooled": "own + most similar + 3 random other abstracts (with long answers)",
    }
    rows = [
        [pools[pool], system, f"{m['mrr']:.3f}", f"{m['top1_answer']:.3f}", f"{m['top1_background']:.3f}",
         f"{m['top1_other_paper']:.3f}", int(m["n"])]
        for pool in pools
        for system, m in cv["systems"][pool].items()
    ]  # fmt: skip
    table = markdown_table(
        ["candidates", "system", "MRR", "top-1 Results/Conclusions", "top-1 Background/Objective",
         "top-1 other paper", "questions"],
        rows,
    )  # fmt: skip
    conf, abstain = cv["confidence"], cv["abstain"]
    reliability = ", ".join(f"{c:.2f}→{a:.2f} (n={n})" for c, a, n in conf["reliability"])
    share = {k: sum(kind == k for c in sets["own"] for kind in c.kinds) for k in ("answer", "background", "other")}
    total = sum(share.values())
    print(table)
    print("confidence:", {k: v for k, v in conf.items() if k != "reliability"}, "abstain:", abstain)
    return (
        f"- Data: PubMedQA PQA-L, {len(items)} questions; {total} abstract sentences, of which "
        f"{share['answer'] / total:.1%} from RESULTS/CONCLUSIONS contexts and {share['background'] / total:.1%} from "
        "BACKGROUND/OBJECTIVE ones. Within one paper: BM25 statistics and normalisation are those of the paper, as "
        "in `ask --paper`. The ranker is fitted on the `pooled` candidates of the training folds; 5 folds, "
        f"shuffled, seed 13, grouped by question; the same folds for every system (building the candidates took "
        f"{built:.0f} s).\n\n"
        + table
        + f"\n\nConfidence of the top answer (held out; the pooled candidates and the most similar other abstract "
        f"alone, label: the sentence carries the answer): top-label ECE {conf['ece']:.3f} (15 bins); mean "
        f"confidence {conf['mean_confidence']:.3f} vs rate {conf['top_answer_rate']:.3f}. Reliability (mean "
        f"confidence→accuracy): {reliability}.\n\n"
        f"'The paper does not say' (P(the paper answers) < 0.5): own abstract answered {abstain['own_answered']:.1%}, "
        f"most similar other abstract declined {abstain['mismatched_declined']:.1%}."
    )


def finetune_within(items: list[PubMedQAItem], embedder: Embedder, fold: int = 0, epochs: int = 1) -> str:
    """(e): MiniLM fine-tuned as a bi-encoder for answer sentences, triplet vs MNRL loss, on one of the 5 folds.

    Training items: the other 4 folds. Per question, positives are its long answer and one random
    RESULTS/CONCLUSIONS sentence; each positive's hard negative is a random BACKGROUND/OBJECTIVE
    sentence of the same abstract (another non-answer sentence when it has none). Scored: the
    fine-tuned cosine alone on the held-out fold's own abstracts, beside the other systems there.
    """
    import random

    from sklearn.model_selection import KFold

    from sciwire.discourse.model import load_cached
    from sciwire.qa.abstracts import within_abstract
    from sciwire.qa.evaluate import within_metrics
    from sciwire.qa.model import load_answer_model
    from sciwire.qa.train import FinetuneConfig, finetune, fit_answer_ranker

    cfg = load_config()
    shipped = load_answer_model(cfg.qa.model)
    sets = within_abstract(
        items, embedder, load_spacy(cfg.models.spacy), load_cached(cfg.discourse.coresc_model, "coresc"), cfg.qa,
        shipped, pools=("own", "own_long_answer", "pooled", "mismatched"),
    )  # fmt: skip
    train, test = list(KFold(5, shuffle=True, random_state=13).split(np.arange(len(items))))[fold]
    rng = random.Random(13)
    pairs, negatives = [], []
    for i in train:
        c = sets["own_long_answer"][i]
        answers = [t for t, k, la in zip(c.texts, c.kinds, c.long_answer, strict=True) if k == "answer" and not la]
        back = [t for t, k in zip(c.texts, c.kinds, strict=True) if k == "background"]
        rest = back or [t for t, k in zip(c.texts, c.kinds, strict=True) if k != "answer"]
        positives = [items[i].long_answer] + ([rng.choice(answers)] if answers else [])
        for p in positives:
            if rest:
                pairs.append((items[i].question, p))
                negatives.append(rng.choice(rest))
    own = [sets["own"][i] for i in test]
    model = fit_answer_ranker(
        shipped.bm25_weight,
        shipped.confidence,
        *([sets[k][i] for i in train] for k in ("own_long_answer", "pooled", "mismatched")),
    )
    assert model.ranker is not None
    systems = {
        "BM25": [c.bm25 for c in own],
        "dense, MiniLM": [c.cosine for c in own],
        "hybrid (shipped before)": [c.hybrid for c in own],
        "answer ranker": [model.ranker.decision_function(c.X) for c in own],
    }
    took = {}
    for loss in ("triplet", "mnrl"):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            config = FinetuneConfig(loss=loss, epochs=epochs)
            folder = finetune(pairs, tmp, cfg.models.embedding, config, negatives=negatives).folder
            took[loss] = time.perf_counter() - t
            tuned = Embedder(str(folder), cache_dir=None)
            name = (
                f"dense, MiniLM fine-tuned ({'TripletLoss' if loss == 'triplet' else 'MultipleNegativesRankingLoss'})"
            )
            systems[name] = [tuned.encode(list(c.texts)) @ tuned.encode([c.question])[0] for c in own]
    rows = []
    for name, scores in systems.items():
        m = within_metrics(own, scores)
        rows.append([name, f"{m['mrr']:.3f}", f"{m['top1_answer']:.3f}", f"{m['top1_background']:.3f}", int(m["n"])])
    table = markdown_table(
        ["system", "MRR", "top-1 Results/Conclusions", "top-1 Background/Objective", "questions"], rows
    )
    print(table)
    return (
        f"Fine-tuning MiniLM as a bi-encoder (one fold of the same 5: trained on {len(train)} questions, "
        f"{len(pairs)} (question, answer sentence, background sentence) triplets, {epochs} epoch, batch 16, lr 3e-5, "
        f"seed 13; {took['triplet']:.0f} s triplet, {took['mnrl']:.0f} s MNRL on the CPU); held-out fold: "
        f"{len(test)} questions against their own abstracts (contexts only).\n\n" + table
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", help="data folder (default: SCIWIRE_DATA or paths.data_dir)")
    parser.add_argument("--finetune", action="store_true", help="also run (b): fine-tuning before/after")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--only", choices=("corpus", "within"), help="run one part: (a)-(c) or (d)")
    parser.add_argument("--finetune-within", action="store_true", help="with (d): also (e), fine-tuning on one fold")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"paths.data_dir={args.data}"] if args.data else None)
    items = load_pubmedqa(cfg.paths.data_dir)
    embedder = Embedder(cfg.models.embedding, cfg.runtime.device, cfg.runtime.batch_size, cfg.paths.cache_dir)
    t0 = time.perf_counter()
    if args.only != "corpus":
        body = within(items, embedder)
        if args.finetune_within:
            body += "\n\n" + finetune_within(items, embedder)
        if args.write:
            command = "python benchmarks/qa.py --only within" + (" --finetune-within" if args.finetune_within else "")
            command += " --write"
            update_section("qa_within", "Answer selection within one paper (PubMedQA)", header(command) + body)
        if args.only == "within":
            print(f"total {time.perf_counter() - t0:.1f}s")
            return 0
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
