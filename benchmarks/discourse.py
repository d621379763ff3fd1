"""Discourse roles: CoreSC grouped CV, CSAbstruct train -> dev, calibration, speed.

(a) CoreSC (99 papers, SAPIENTA silver labels): ``--folds``-fold cross-validation grouped by
    paper and stratified by domain (no paper on both sides). Models: majority class, TF-IDF +
    logistic regression, logistic regression on context features (embedding, neighbours'
    embeddings, position, section, cues), and the sequence tagger (BiGRU + lexical part,
    temperature-scaled). Per-class F1 next to SAPIENTA's published figures on ART.
(b) CSAbstruct: every model trained on train (the tagger holds 10% of train out for early
    stopping and temperature), measured on dev. The test split is held back.
(c) Calibration: top-label ECE (15 bins) of the tagger before/after temperature scaling,
    out-of-fold on CoreSC and on CSAbstruct dev; reliability diagram
    docs/img/discourse_reliability.svg.
(d) Speed: the shipped CoreSC model labels 1,000 CoreSC sentences, embedding included (cache
    off), with and without explanations.

Run: ``flock /tmp/sciwire-cpu.lock python benchmarks/discourse.py [--write]``.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
from _common import ROOT, cpu_encoder, header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.discourse.base import DiscourseClassifier
from sciwire.discourse.baselines import ContextLogistic, MajorityClassifier, TfidfLogistic
from sciwire.discourse.data import LabelledData, coresc_data, csabstruct_data
from sciwire.discourse.evaluate import OutOfFold, classification_report, cross_fitted_probs, cross_validate
from sciwire.discourse.labels import ABSTRACT, CORESC
from sciwire.discourse.tagger import SequenceTagger
from sciwire.fitting import reliability_svg

SVG = ROOT / "docs" / "img" / "discourse_reliability.svg"
#: SAPIENTA per-class F1 (%) on the hand-annotated ART corpus as quoted in issue 3 (Liakata et al. 2012);
#: classes without a figure there are left blank rather than guessed.
SAPIENTA_ART = {"Exp": 76, "Bac": 62, "Mod": 53, "Mot": 18}
NAMES = ("majority", "tfidf_logistic", "context_logistic", "sequence_tagger")


def makers(labels: tuple[str, ...], seed: int) -> dict[str, Callable[[], DiscourseClassifier]]:
    return {
        "majority": lambda: MajorityClassifier(labels),
        "tfidf_logistic": lambda: TfidfLogistic(labels),
        "context_logistic": lambda: ContextLogistic(labels),
        "sequence_tagger": lambda: SequenceTagger(labels, random_state=seed),
    }


def run_coresc(data: LabelledData, folds: int, seed: int) -> dict[str, OutOfFold]:
    out = {}
    for name, make in makers(CORESC.codes, seed).items():
        start = time.perf_counter()
        out[name] = cross_validate(make, data.docs, data.labels, CORESC.codes, folds, seed)
        print(f"coresc {name}: {time.perf_counter() - start:.0f} s", flush=True)
    return out


def run_csabstruct(train: LabelledData, dev: LabelledData, seed: int) -> dict[str, OutOfFold]:
    out = {}
    y_dev = np.array([v for doc in dev.labels for v in doc], dtype=object)
    for name, make in makers(ABSTRACT.codes, seed).items():
        start = time.perf_counter()
        model = make().fit(train.docs, train.labels)
        classes = tuple(str(c) for c in model.classes_)
        probs = model.predict_proba(dev.docs)
        raw = model.predict_proba(dev.docs, calibrated=False) if isinstance(model, SequenceTagger) else None
        pred = np.array([classes[i] for i in probs.argmax(axis=1)], dtype=object)
        out[name] = OutOfFold(y_dev, pred, probs, classes, raw)
        print(f"csabstruct {name}: {time.perf_counter() - start:.0f} s", flush=True)
    return out


def speed(data: LabelledData, config_cache_off) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from sciwire.discourse.api import classify_texts
    from sciwire.discourse.model import load_cached

    texts, sections = [], []
    for doc in data.docs:
        texts.extend(doc.texts)
        sections.extend(doc.sections)
        if len(texts) >= 1000:
            break
    texts, sections = texts[:1000], sections[:1000]
    embedder = cpu_encoder(config_cache_off, cache=False)
    embedder.warm_up()
    load_cached("default", "coresc")
    classify_texts(texts[:20], sections[:20], config=config_cache_off, embedder=embedder)  # warm-up
    out = {}
    for explain in (False, True):
        start = time.perf_counter()
        preds = classify_texts(texts, sections, config=config_cache_off, embedder=embedder, explain=explain)
        out["explain" if explain else "plain"] = time.perf_counter() - start
        assert len(preds) == 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    cfg = load_config()
    data_dir = cfg.paths.data_dir  # load_config applies SCIWIRE_DATA
    embedder = cpu_encoder(cfg)
    coresc = coresc_data(os.path.join(data_dir, "coresc"), embedder)
    train, dev = (csabstruct_data(data_dir, s, embedder) for s in ("train", "dev"))
    c_res = run_coresc(coresc, args.folds, args.seed)
    a_res = run_csabstruct(train, dev, args.seed)
    timing = speed(coresc, replace(cfg, runtime=replace(cfg.runtime, embedding_cache=False)))

    c_rep = {n: classification_report(o.y_true, o.y_pred, CORESC.codes, o.probs, o.classes) for n, o in c_res.items()}
    a_rep = {n: classification_report(o.y_true, o.y_pred, ABSTRACT.codes, o.probs, o.classes) for n, o in a_res.items()}
    tag_c, tag_a = c_res["sequence_tagger"], a_res["sequence_tagger"]
    assert tag_c.raw_probs is not None and tag_a.raw_probs is not None
    crossed_c = cross_fitted_probs(tag_c)
    raw_c = classification_report(tag_c.y_true, tag_c.y_pred, CORESC.codes, tag_c.raw_probs, tag_c.classes).ece
    ece = {
        "CoreSC (out-of-fold)": (
            raw_c,
            classification_report(tag_c.y_true, tag_c.y_pred, CORESC.codes, crossed_c, tag_c.classes).ece,
            "on the other folds' out-of-fold predictions (as `sciwire train discourse --cv` ships it)",
        ),
        "CoreSC (out-of-fold), tagger's own temperature": (
            raw_c,
            c_rep["sequence_tagger"].ece,
            "on the tagger's 10% early-stopping split (about 8 papers)",
        ),
        "CSAbstruct dev": (
            classification_report(tag_a.y_true, tag_a.y_pred, ABSTRACT.codes, tag_a.raw_probs, tag_a.classes).ece,
            a_rep["sequence_tagger"].ece,
            "on the tagger's 10% early-stopping split of train (167 abstracts)",
        ),
    }

    main_rows = [
        [
            n,
            f"{c_rep[n].macro_f1:.3f}",
            f"{c_rep[n].accuracy:.3f}",
            f"{a_rep[n].macro_f1:.3f}",
            f"{a_rep[n].accuracy:.3f}",
        ]
        for n in NAMES
    ]
    table = markdown_table(
        ["model", "CoreSC macro-F1 (CV)", "CoreSC accuracy (CV)", "CSAbstruct dev macro-F1", "CSAbstruct dev accuracy"],
        main_rows,
    )
    per_class = markdown_table(
        [
            "CoreSC class",
            "support",
            "TF-IDF + LR F1",
            "context LR F1",
            "tagger P",
            "tagger R",
            "tagger F1",
            "SAPIENTA on ART (F1, published)",
        ],
        [
            [
                f"{CORESC.name(c)} ({c})",
                c_rep["sequence_tagger"].per_class[c]["support"],
                f"{c_rep['tfidf_logistic'].per_class[c]['f1']:.2f}",
                f"{c_rep['context_logistic'].per_class[c]['f1']:.2f}",
                f"{c_rep['sequence_tagger'].per_class[c]['precision']:.2f}",
                f"{c_rep['sequence_tagger'].per_class[c]['recall']:.2f}",
                f"{c_rep['sequence_tagger'].per_class[c]['f1']:.2f}",
                f"{SAPIENTA_ART[c] / 100:.2f}" if c in SAPIENTA_ART else "",
            ]
            for c in CORESC.codes
        ],
    )
    abstract_class = markdown_table(
        ["CSAbstruct class", "support", "TF-IDF + LR F1", "tagger F1"],
        [
            [
                c,
                a_rep["sequence_tagger"].per_class[c]["support"],
                f"{a_rep['tfidf_logistic'].per_class[c]['f1']:.2f}",
                f"{a_rep['sequence_tagger'].per_class[c]['f1']:.2f}",
            ]
            for c in ABSTRACT.codes
        ],
    )
    confusion = markdown_table(
        ["gold \\ predicted", *CORESC.codes],
        [[c, *row] for c, row in zip(CORESC.codes, c_rep["sequence_tagger"].confusion, strict=True)],
    )
    ece_table = markdown_table(
        ["sequence tagger", "ECE before (T = 1)", "ECE after temperature scaling", "temperature fitted"],
        [[k, f"{a:.4f}", f"{b:.4f}", how] for k, (a, b, how) in ece.items()],
    )
    body = (
        header("python benchmarks/discourse.py --write")
        + f"- Data: CoreSC {len(coresc.docs)} papers / {coresc.n_sentences} sentences (silver SAPIENTA labels), "
        f"{args.folds}-fold CV grouped by paper, stratified by domain; CSAbstruct train {len(train.docs)} / dev "
        f"{len(dev.docs)} abstracts (test held back). Macro-F1 over the classes present.\n\n"
        + table
        + "\n\nReference points, not comparable numbers: SAPIENTA reaches ≈50% accuracy against *human* labels on "
        "ART; agreeing with its *silver* labels on CoreSC shows how well we imitate SAPIENTA, not correctness "
        "(see docs/discourse.md). Cohan et al. 2019 report ≈83 macro-F1 on CSAbstruct *test* "
        "with fine-tuned SciBERT.\n\n"
        + per_class
        + "\n\n"
        + abstract_class
        + "\n\nConfusion matrix of the sequence tagger on CoreSC (out-of-fold, rows = SAPIENTA label):\n\n"
        + confusion
        + "\n\nCalibration (top-label ECE, 15 bins; out-of-fold on CoreSC, dev on CSAbstruct):\n\n"
        + ece_table
        + "\n\n![Reliability of the discourse tagger](img/discourse_reliability.svg)\n\n"
        + f"Speed (shipped CoreSC model, 1,000 CoreSC sentences, embedding included, cache off, "
        f"{os.cpu_count()} cores): {timing['plain']:.2f} s; with explanations {timing['explain']:.2f} s "
        "(target < 15 s).\n"
    )
    print(body)
    if args.write:
        SVG.parent.mkdir(parents=True, exist_ok=True)
        curves = {
            "CoreSC, T=1": (tag_c.raw_probs, _index(tag_c)),
            "CoreSC, temperature (other folds)": (crossed_c, _index(tag_c)),
            "CSAbstruct dev, T=1": (tag_a.raw_probs, _index(tag_a)),
            "CSAbstruct dev, temperature": (tag_a.probs, _index(tag_a)),
        }
        SVG.write_text(reliability_svg(curves, "Discourse tagger reliability"), encoding="utf-8")
        update_section("discourse", "Discourse roles (CoreSC, CSAbstruct)", body)


def _index(oof: OutOfFold) -> np.ndarray:
    index = {c: i for i, c in enumerate(oof.classes)}
    return np.array([index.get(v, -1) for v in oof.y_true])


if __name__ == "__main__":
    main()
