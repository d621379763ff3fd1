"""Newsworthiness under the weak-label protocol, the shortcut check, calibration and ranking speed.

(a) Weak labels (see ``sciwire.newsworthiness.weak_labels``): the 238 CD²CR abstracts (papers
    that news covered) vs PubMedQA, arXiv and CoreSC abstracts, field-balanced by a zero-shot
    field classifier, abstract text only, over ``--seeds`` random balanced draws. The default
    model (a-priori weights) is scored on every draw; Extra Trees and logistic regression are
    trained and scored out-of-fold (5 folds, grouped by normalised text) on ``--trained-seeds``
    draws. CD²CR is academic-use only: those weak-label models are measured, never shipped.
(b) Shortcut check: AUC of publisher/formatting cues alone, before and after normalising the
    text, and every model's AUC on the style-neutral subset.
(c) Calibration: ECE of the forest's raw vote share vs the calibrated probability (out-of-fold),
    and a reliability diagram (docs/img/newsworthiness_reliability.svg).
(d) Speed: ranking ``--throughput`` abstracts (arXiv abstracts with titles, reused; embedding
    cache disabled, so every abstract is embedded), default model, and the forest's
    prediction + explanations on the same features.

``--build-default`` refits the default model's reference statistics (CSAbstruct + CoreSC) and
writes its weights.json, MODEL_CARD.md and receipt.json. ``--part quality`` runs (a)-(c) and
the AUC per ``embed_words``; ``--part speed`` runs (d) (run it under the CPU lock); each part
writes its own section of docs/benchmarks.md.

Run: ``python benchmarks/newsworthiness.py --part quality --build-default --write`` and
``flock /tmp/sciwire-cpu.lock python benchmarks/newsworthiness.py --part speed --write``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from _common import ROOT, cpu_encoder, header, markdown_table, update_section

from sciwire.config import load_config
from sciwire.learn import Receipt, data_hash, expected_calibration_error, reliability_svg, write_model_card
from sciwire.newsworthiness.corpora import arxiv_papers
from sciwire.newsworthiness.default_model import (
    TOPIC_WEIGHT,
    WEIGHTS,
    DefaultModel,
    build_default_model,
    default_model_dir,
)
from sciwire.newsworthiness.features import Featurizer
from sciwire.newsworthiness.model import NewsworthinessClassifier, TrainedModel
from sciwire.newsworthiness.prediction import explain_rows
from sciwire.newsworthiness.ranking import Ranker
from sciwire.newsworthiness.weak_labels import (
    balanced_sample,
    cross_validated,
    evaluate_scores,
    load_weak_labels,
    shortcut_check,
)

SVG = ROOT / "docs" / "img" / "newsworthiness_reliability.svg"


def fmt(res: dict, key: str) -> str:
    return f"{res[key]['mean']:.3f} ± {res[key]['sd']:.3f}"


def throughput(cfg, n: int, model: TrainedModel | None, backend: str = "torch") -> dict[str, float]:
    base = arxiv_papers(cfg.paths.data_dir)
    papers = [replace(base[i % len(base)], id=f"synthetic-{i}") for i in range(n)]
    embedder = cpu_encoder(cfg, cache=False, backend=backend)
    embedder.warm_up()
    ranker = Ranker(cfg, embedder)
    start = time.perf_counter()
    feats = ranker.featurizer.transform(papers)
    t_features = time.perf_counter() - start
    start = time.perf_counter()
    ranker.model.predict(feats)
    explain_rows(ranker.model, feats, cfg.newsworthiness.top_reasons)
    t_default = time.perf_counter() - start
    out = {"papers": n, "features_s": t_features, "default_model_s": t_default, "load": os.getloadavg()[0]}
    if model is not None:
        start = time.perf_counter()
        model.predict(feats)
        explain_rows(model, feats, cfg.newsworthiness.top_reasons)
        out["extra_trees_s"] = time.perf_counter() - start
    return out


def words_auc(cfg, data, samples, settings: list[int], make_lr) -> dict[int, dict[str, float]]:
    """Weak-label AUC of the default model and of logistic regression for several ``embed_words``."""
    warm = cpu_encoder(cfg)
    out = {}
    for words in settings:
        feats = Featurizer(warm, words).transform(list(data.papers))
        pred = DefaultModel.load().predict(feats)
        default_auc = evaluate_scores(data, samples, [pred.score[i] for i in samples])["auc"]["mean"]
        cal, _ = cross_validated(data, feats, samples[:1], make_lr)
        lr_auc = evaluate_scores(data, samples[:1], cal)["auc"]["mean"]
        out[words] = {"default_auc": default_auc, "logistic_auc": lr_auc}
    return out


def words_speed(cfg, settings: list[int]) -> dict[int, float]:
    """Abstracts per second (features incl. embedding, cache off) on 1,000 arXiv abstracts with titles."""
    base = arxiv_papers(cfg.paths.data_dir)[:1000]
    cold = cpu_encoder(cfg, cache=False, backend="torch")
    cold.warm_up()
    out = {}
    for words in settings:
        start = time.perf_counter()
        Featurizer(cold, words).transform(base)
        out[words] = len(base) / (time.perf_counter() - start)
    return out


def make(nw, kind: str):
    return lambda: NewsworthinessClassifier(kind, nw.n_estimators, "auto", nw.isotonic_min_papers, nw.cv_folds, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("quality", "speed", "all"), default="all")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md and the SVG")
    parser.add_argument("--build-default", action="store_true", help="refit and write the default model")
    parser.add_argument("--seeds", type=int, default=20, help="balanced draws for the default model")
    parser.add_argument("--trained-seeds", type=int, default=3, help="balanced draws for the trained models")
    parser.add_argument("--throughput", type=int, default=10000, help="abstracts to rank in the speed part")
    parser.add_argument("--words", default="32,64,128", help="embed_words settings to compare")
    parser.add_argument("--backends", default="torch", help="embedding backends to time (torch, onnx, openvino)")
    args = parser.parse_args()
    cfg = load_config()
    settings = [int(w) for w in args.words.split(",") if w]
    if args.part in ("quality", "all"):
        quality(args, cfg, settings)
    if args.part in ("speed", "all"):
        speed_part(args, cfg, settings)


def speed_part(args, cfg, settings: list[int]) -> None:
    nw = cfg.newsworthiness
    embedder = cpu_encoder(cfg)
    data = load_weak_labels(cfg.paths.data_dir, embedder)
    features = Featurizer(embedder, nw.embed_words).transform(list(data.papers))
    idx = balanced_sample(data, 0)
    X = features.matrix(features.names, with_embedding=True)
    clf = make(nw, "extra_trees")().fit(X[idx], data.y[idx])
    reference = {n: float(features.tabular[idx, j].mean()) for j, n in enumerate(features.names)}
    et_model = TrainedModel(clf, features.names, reference, nw.embed_words, embedder.model_key)
    per_s = words_speed(cfg, settings)
    command = "python benchmarks/newsworthiness.py --part speed --write"
    if args.backends != "torch":
        command += f" --backends {args.backends}"
    body = header(command)
    for backend in args.backends.split(","):
        speed = throughput(cfg, args.throughput, et_model, backend)
        total = speed["features_s"] + speed["default_model_s"]
        body += (
            f"\n**Embedding backend `{backend}`**: ranking {speed['papers']:,} arXiv abstracts with titles "
            f"(reused; embedding cache off, so every abstract is embedded), {os.cpu_count()} cores, embed_words = "
            f"{nw.embed_words}: features incl. embedding {speed['features_s']:.1f} s, default model + reasons "
            f"{speed['default_model_s']:.1f} s: **{total:.1f} s total, {speed['papers'] / total:.0f} abstracts/s** "
            f"(target: 10,000 in < 180 s). Extra Trees ({nw.n_estimators} trees) + calibration + path explanations "
            f"of every paper on the same features: {speed['extra_trees_s']:.1f} s more. Load average (1 min) after "
            f"the run: {speed['load']:.1f}.\n"
        )
    body += "\nFeatures incl. embedding per setting (1,000 arXiv abstracts with titles, cache off, PyTorch):\n\n"
    body += markdown_table(["embed_words", "abstracts/s"], [[w, f"{v:.0f}"] for w, v in per_s.items()])
    print(body)
    if args.write:
        update_section("newsworthiness-speed", "Newsworthiness ranking speed", body)


def quality(args, cfg, settings: list[int]) -> None:
    nw = cfg.newsworthiness
    embedder = cpu_encoder(cfg)
    featurizer = Featurizer(embedder, nw.embed_words)
    if args.build_default:
        built = build_default_model(cfg.paths.data_dir, featurizer)
        default_model_dir().mkdir(parents=True, exist_ok=True)
        (default_model_dir() / "weights.json").write_text(built.to_json(), encoding="utf-8")
    default = DefaultModel.load()

    data = load_weak_labels(cfg.paths.data_dir, embedder)
    features = featurizer.transform(list(data.papers))
    samples = [balanced_sample(data, seed) for seed in range(args.seeds)]
    sample_sizes = sorted({len(s) for s in samples})
    pred = default.predict(features)
    results = {"default (a-priori weights)": evaluate_scores(data, samples, [pred.score[i] for i in samples])}
    # each signal alone (higher = covered), to see what the default's weights lean on
    signals = {}
    for name in [*WEIGHTS, *(n for n in features.names if n.startswith("topic_"))]:
        col = features.column(name)
        signals[name] = evaluate_scores(data, samples, [col[i] for i in samples])["auc"]["mean"]

    trained = samples[: args.trained_seeds]
    calibration = {}
    reliability = {}

    for label, kind, emb in [
        ("Extra Trees, embedding + features (weak labels)", "extra_trees", True),
        ("logistic regression, embedding + features (weak labels)", "logistic", True),
        ("Extra Trees, readable features only (weak labels)", "extra_trees", False),
    ]:
        cal, raw = cross_validated(data, features, trained, make(nw, kind), with_embedding=emb, folds=nw.cv_folds)
        results[label] = evaluate_scores(data, trained, cal)
        y = np.concatenate([data.y[i] for i in trained])
        r, c = np.concatenate(raw), np.concatenate(cal)
        calibration[label] = (
            expected_calibration_error(r, y, n_bins=10),
            expected_calibration_error(c, y, n_bins=10),
        )
        if kind == "extra_trees" and emb:
            reliability = {"raw vote share": (r, y), "calibrated (sigmoid)": (c, y)}
    shortcuts = shortcut_check(data, samples)
    tradeoff = words_auc(cfg, data, samples, settings, make(nw, "logistic"))
    # ---- tables -----------------------------------------------------------------------
    field_rows = []
    for field, n_pos, n_neg in data.field_table():
        srcs = {s: int(((data.fields == field) & (data.sources == s)).sum()) for s in ("pubmedqa", "arxiv", "coresc")}
        used = min(n_pos, n_neg) if min(n_pos, n_neg) >= 5 else 0
        field_rows.append([field, n_pos, n_neg, srcs["pubmedqa"], srcs["arxiv"], srcs["coresc"], used])
    model_rows = [
        [name, fmt(r, "auc"), fmt(r, "p@10"), fmt(r, "p@15"), fmt(r, "auc_style_neutral"),
         ", ".join(f"{k} {v:.2f}" for k, v in sorted(r["per_field_auc"].items()))]
        for name, r in results.items()
    ]  # fmt: skip
    short_rows = [
        [cue, f"{v['share_covered']:.2f}", f"{v['share_not_covered']:.2f}", f"{v['auc']:.3f}",
         f"{v['auc_after_normalising']:.3f}"]
        for cue, v in shortcuts.items() if cue != "field"
    ]  # fmt: skip
    short_rows.append(["field (zero-shot, after balancing)", "", "", f"{shortcuts['field']['auc']:.3f}", ""])
    cal_rows = [[name, f"{a:.3f}", f"{b:.3f}"] for name, (a, b) in calibration.items()]
    signal_rows = [[n, f"{v:.3f}"] for n, v in signals.items()]
    body = header("python benchmarks/newsworthiness.py --part quality --build-default --write")
    neutral = int(data.style_neutral().sum())
    body += (
        f"\nWeak labels: {int(data.y.sum())} CD²CR abstracts (covered by news) vs {int((data.y == 0).sum())} "
        f"PubMedQA / arXiv / CoreSC abstracts, abstract text only, normalised; embedding of at most "
        f"{nw.embed_words} words. Balanced draws of {sample_sizes} papers (50 % covered, so random P@k = 0.5 "
        f"and random AUC = 0.5); default model over {args.seeds} draws, trained models out-of-fold "
        f"({nw.cv_folds} folds, grouped) over {args.trained_seeds} draws; mean ± sd over draws. "
        f"Style-neutral subset: {neutral} papers without headings, prefix, line breaks, 'here we' or "
        "citation markers.\n\nFields (zero-shot; 'used' = per side in each balanced draw; fields with < 5 "
        "on either side are dropped):\n\n"
    )
    body += markdown_table(["field", "covered", "not covered", "PubMedQA", "arXiv", "CoreSC", "used"], field_rows)
    body += "\n\n" + markdown_table(["model", "AUC", "P@10", "P@15", "AUC style-neutral", "AUC per field"], model_rows)
    body += "\n\nShortcut check (a cue alone; AUC direction-free, 0.5 = no signal):\n\n"
    body += markdown_table(["cue", "share covered", "share not covered", "AUC", "AUC after normalising"], short_rows)
    body += "\n\nCalibration (out-of-fold; ECE, 10 bins):\n\n"
    body += markdown_table(["model", "ECE raw", "ECE calibrated"], cal_rows)
    body += "\n\n![reliability](img/newsworthiness_reliability.svg)\n\nEach default-model signal alone (AUC):\n\n"
    body += markdown_table(["signal", "AUC"], signal_rows)
    if tradeoff:
        body += "\n\nHow many words to embed (weak-label AUC; speed in the next section):\n\n"
        body += markdown_table(
            ["embed_words", "default AUC", "logistic (weak labels) AUC, 1 draw"],
            [[w, f"{r['default_auc']:.3f}", f"{r['logistic_auc']:.3f}"] for w, r in tradeoff.items()],
        )
    print(body)
    summary = {
        "results": results,
        "shortcuts": shortcuts,
        "calibration": {k: {"ece_raw": a, "ece_calibrated": b} for k, (a, b) in calibration.items()},
        "signals": signals,
        "words_tradeoff": tradeoff,
    }
    print(json.dumps(summary, indent=1, default=float)[:2000], file=sys.stderr)
    if args.write:
        SVG.parent.mkdir(parents=True, exist_ok=True)
        SVG.write_text(reliability_svg(reliability, "Extra Trees on weak labels, out-of-fold", 10), encoding="utf-8")
        update_section("newsworthiness", "Newsworthiness (weak labels, shortcut check, calibration)", body)
    if args.build_default:
        write_card(cfg, results["default (a-priori weights)"], shortcuts, signals)


def write_card(cfg, res: dict, shortcuts: dict, signals: dict) -> None:
    folder = default_model_dir()
    metrics = (
        "Weak-label protocol (docs/newsworthiness.md): CD²CR abstracts (covered by news) vs field-balanced "
        "PubMedQA / arXiv / CoreSC abstracts, abstract text only.\n\n"
        f"- ROC-AUC {fmt(res, 'auc')}, P@10 {fmt(res, 'p@10')}, P@15 {fmt(res, 'p@15')} (random: 0.5)\n"
        f"- AUC on style-neutral abstracts: {fmt(res, 'auc_style_neutral')}\n"
        f"- AUC per field: {res['per_field_auc']}\n"
        f"- Length of the abstract alone: AUC {shortcuts['raw_words']['auc']:.3f} (direction-free)\n"
    )
    write_model_card(
        folder,
        name="newsworthiness default (transparent, NOT trained on journalist judgements)",
        summary=(
            "Ranks papers by news-value signals: similarity of the abstract's MiniLM embedding to short "
            "descriptions of actuality, surprise, magnitude, valence and ten topics of human relevance, plus "
            "jargon, readability, length and code/data availability, standardised (clipped to ±3) and combined "
            f"with documented a-priori weights per standard deviation ({json.dumps(WEIGHTS)}; strongest topic "
            f"{TOPIC_WEIGHT}). "
            "It is **not trained on journalists' judgements** and its score is not a probability. Train your own "
            "model from ratings with `sciwire train newsworthiness`."
        ),
        data=(
            "No labels. Means and standard deviations of the features come from CSAbstruct train + dev "
            "(Apache-2.0) and the 99 CoreSC abstracts (CC-BY 4.0). The weights were set by hand before any "
            "evaluation and never tuned; CD²CR (academic use only) was used to evaluate, not to fit."
        ),
        licence="Apache-2.0 (reference statistics from Apache-2.0 and CC-BY 4.0 abstracts)",
        metrics_markdown=metrics,
        command="python benchmarks/newsworthiness.py --part quality --build-default --write",
        limits=(
            "News-value signals are similarities to a few sentences, not judgements: an abstract that mentions "
            "patients reads as 'health topic' whatever its news value. Weak labels measure resemblance to papers "
            "that got coverage (which depends on publishers and press offices), not newsworthiness itself. "
            "English abstracts only; computer-science papers are barely covered by the evaluation."
        ),
    )
    data = cfg.paths.data_dir
    Receipt(
        command="python benchmarks/newsworthiness.py --part quality --build-default --write",
        config=cfg.to_dict(),
        data={
            "csabstruct": data_hash([Path(data) / "csabstruct" / f for f in ("train.jsonl", "dev.jsonl")]),
            "coresc": data_hash([Path(data) / "coresc" / "xml"]),
        },
        metrics={"weak_labels": res, "signals": signals},
    ).write(folder)


if __name__ == "__main__":
    main()
