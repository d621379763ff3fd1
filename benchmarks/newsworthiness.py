"""Newsworthiness under the weak-label protocol: style-only baseline, raw vs style-neutral text, matched pools.

(a) Weak labels (see ``sciwire.newsworthiness.weak_labels``): the 238 CD²CR abstracts (papers
    that news covered) vs PubMedQA, arXiv and CoreSC abstracts, abstract text only. Two pools:
    **all fields** (per zero-shot field as many uncovered as covered papers) and **biomedicine**
    (CD²CR vs PubMedQA abstracts whose zero-shot field is medicine or biology: same field family,
    one source per side). ``--trained-seeds`` balanced draws per pool.
(b) Every model and the **style-cues-only baseline** (logistic regression on all style cues
    together, out-of-fold on the same folds as the models) side by side, on the **raw** text and
    on **style-neutral** text (``neutralise_style``, which every feature and embedding reads in
    ``sciwire rank``): the default model (a-priori weights), Extra Trees and logistic regression
    on embedding + features, Extra Trees on readable features only (trained out-of-fold, 5
    folds, grouped by normalised text). Mean ± sd over draws. The verdict "does the default beat
    the style-only baseline on style-neutral text?" is written to the default model's
    ``style_check.json``, which ``sciwire rank`` and the report read to print a caveat.
    CD²CR is academic-use only: weak-label models are measured, never shipped.
(c) Shortcut check (each cue alone, before and after neutralising), calibration of the forest
    (ECE raw vote share vs calibrated, reliability diagram docs/img/newsworthiness_reliability.svg),
    and the default model over ``--seeds`` all-fields draws.
(d) Speed: ranking ``--throughput`` abstracts (arXiv abstracts with titles, reused; embedding
    cache disabled, so every abstract is embedded), default model, and the forest's
    prediction + explanations on the same features.

``--build-default`` refits the default model's reference statistics (CSAbstruct + CoreSC) and
writes its weights.json, MODEL_CARD.md and receipt.json. ``--part quality`` runs (a)-(c) (and
the AUC per ``embed_words`` unless ``--words ""``); ``--part speed`` runs (d); each part
writes its own section of docs/benchmarks.md. Run them under the CPU lock
(``flock /tmp/sciwire-cpu.lock python ...``): ``benchmarks/newsworthiness.py --part quality
--build-default --write --trees 150 --words ""`` and ``--part speed --write``.
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
from sciwire.fitting import Receipt, data_hash, expected_calibration_error, reliability_svg, write_model_card
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
    biomedicine_mask,
    cross_validated,
    evaluate_scores,
    load_weak_labels,
    shortcut_check,
    style_baseline,
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
    parser.add_argument("--words", default="32,64,128", help="embed_words settings to compare ('' to skip)")
    parser.add_argument("--trees", type=int, default=None, help="trees of the forests (default: the config's)")
    parser.add_argument("--backends", default="torch", help="embedding backends to time (torch, onnx, openvino)")
    args = parser.parse_args()
    cfg = load_config(overrides=[f"newsworthiness.n_estimators={args.trees}"] if args.trees else None)
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


POOLS = ("all fields, field-balanced", "biomedicine: CD²CR vs PubMedQA")
TEXTS = ("raw", "style-neutral")


def pool_samples(data, n: int) -> dict[str, list[np.ndarray]]:
    """Balanced draws of each pool: all fields (field-balanced) and the matched-source biomedicine pool."""
    bio = biomedicine_mask(data)
    return {
        POOLS[0]: [balanced_sample(data, seed) for seed in range(n)],
        POOLS[1]: [balanced_sample(data, seed, within=bio) for seed in range(n)],
    }


def compare(args, nw, data, feats: dict, samples: list[np.ndarray], default: DefaultModel) -> dict:
    """Every model and the style-only baseline on raw and style-neutral text, same draws and folds."""
    out: dict[str, dict[str, dict]] = {}
    for text, features in feats.items():
        neutral = text == "style-neutral"
        row: dict[str, dict] = {}
        cal, _ = style_baseline(data, samples, neutralised=neutral, folds=nw.cv_folds)
        row["style cues only (logistic regression)"] = evaluate_scores(data, samples, cal)
        pred = default.predict(features)
        row["default (a-priori weights)"] = evaluate_scores(data, samples, [pred.score[i] for i in samples])
        for label, kind, emb in MODELS:
            cal, raw = cross_validated(data, features, samples, make(nw, kind), with_embedding=emb, folds=nw.cv_folds)
            row[label] = evaluate_scores(data, samples, cal)
            row[label]["_scores"] = (cal, raw)
        out[text] = row
    return out


MODELS = [
    ("Extra Trees, embedding + features", "extra_trees", True),
    ("logistic regression, embedding + features", "logistic", True),
    ("Extra Trees, readable features only", "extra_trees", False),
]
STYLE = "style cues only (logistic regression)"
DEFAULT = "default (a-priori weights)"


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
    papers = list(data.papers)
    feats = {"raw": Featurizer(embedder, nw.embed_words, neutralise=False).transform(papers),
             "style-neutral": featurizer.transform(papers)}  # fmt: skip
    features = feats["style-neutral"]
    samples = [balanced_sample(data, seed) for seed in range(args.seeds)]
    pred = default.predict(features)
    default_20 = evaluate_scores(data, samples, [pred.score[i] for i in samples])
    signals = {}
    for name in [*WEIGHTS, *(n for n in features.names if n.startswith("topic_"))]:
        col = features.column(name)
        signals[name] = evaluate_scores(data, samples, [col[i] for i in samples])["auc"]["mean"]

    pools = pool_samples(data, args.trained_seeds)
    results = {pool: compare(args, nw, data, feats, draws, default) for pool, draws in pools.items()}
    calibration, reliability = {}, {}
    for label, _kind, _ in MODELS:
        cal, raw = results[POOLS[0]]["style-neutral"][label].pop("_scores")
        y = np.concatenate([data.y[i] for i in pools[POOLS[0]]])
        r, c = np.concatenate(raw), np.concatenate(cal)
        calibration[label] = (expected_calibration_error(r, y, n_bins=10), expected_calibration_error(c, y, n_bins=10))
        if label == MODELS[0][0]:
            reliability = {"raw vote share": (r, y), "calibrated (sigmoid)": (c, y)}
    for pool in results.values():
        for row in pool.values():
            for res in row.values():
                res.pop("_scores", None)
    shortcuts = shortcut_check(data, samples)
    tradeoff = words_auc(cfg, data, samples, settings, make(nw, "logistic")) if settings else {}
    verdict = style_verdict(results)
    # ---- tables -----------------------------------------------------------------------
    bio = biomedicine_mask(data)
    field_rows = []
    for field, n_pos, n_neg in data.field_table():
        srcs = {s: int(((data.fields == field) & (data.sources == s)).sum()) for s in ("pubmedqa", "arxiv", "coresc")}
        used = min(n_pos, n_neg) if min(n_pos, n_neg) >= 5 else 0
        field_rows.append([field, n_pos, n_neg, srcs["pubmedqa"], srcs["arxiv"], srcs["coresc"], used])
    sizes = {pool: sorted({len(s) for s in draws}) for pool, draws in pools.items()}
    bio_pos, bio_neg = int((bio & (data.y == 1)).sum()), int((bio & (data.y == 0)).sum())
    comparison_rows = []
    for pool, by_text in results.items():
        names = list(by_text["raw"])
        for name in names:
            raw, neu = by_text["raw"][name], by_text["style-neutral"][name]
            comparison_rows.append([pool, name, fmt(raw, "auc"), fmt(raw, "p@10"), fmt(neu, "auc"), fmt(neu, "p@10"),
                                    fmt(neu, "auc_style_neutral")])  # fmt: skip
    field_auc_rows = [
        [name, ", ".join(f"{k} {v:.2f}" for k, v in sorted(r["per_field_auc"].items()))]
        for name, r in results[POOLS[0]]["style-neutral"].items()
    ]
    short_rows = [
        [cue, f"{v['share_covered']:.2f}", f"{v['share_not_covered']:.2f}", f"{v['auc']:.3f}",
         f"{v['auc_after_normalising']:.3f}"]
        for cue, v in shortcuts.items() if cue != "field"
    ]  # fmt: skip
    short_rows.append(["field (zero-shot, after balancing)", "", "", f"{shortcuts['field']['auc']:.3f}", ""])
    cal_rows = [[name, f"{a:.3f}", f"{b:.3f}"] for name, (a, b) in calibration.items()]
    signal_rows = [[n, f"{v:.3f}"] for n, v in signals.items()]
    command = "python benchmarks/newsworthiness.py --part quality --write" + (
        " --build-default" if args.build_default else ""
    )
    if args.trees:
        command += f" --trees {args.trees}"
    if not settings:
        command += ' --words ""'
    body = header(command)
    neutral = int(data.style_neutral().sum())
    body += (
        f"\nWeak labels: {int(data.y.sum())} CD²CR abstracts (covered by news) vs {int((data.y == 0).sum())} "
        f"PubMedQA / arXiv / CoreSC abstracts, abstract text only; embedding of at most {nw.embed_words} words. "
        "**Raw** = features and embedding read the abstract as written; **style-neutral** = after "
        "`neutralise_style` (prefix, headings, line breaks, citation markers, copyright lines removed; "
        "'Here we show' / 'In this paper we' -> 'We'), which is what `sciwire rank` uses. The **style-only "
        "baseline** is a logistic regression on all style cues together (length, prefix, headings, line breaks, "
        "'here we', formulaic opener, citation markers, copyright), out-of-fold on the same folds as the models; "
        "on style-neutral text its cues are recomputed on the neutralised text. Pools: **all fields** = per "
        f"zero-shot field as many uncovered as covered papers (draws of {sizes[POOLS[0]]} papers); **biomedicine** = "
        f"CD²CR vs PubMedQA abstracts whose zero-shot field is medicine or biology ({bio_pos} CD²CR and {bio_neg} "
        f"PubMedQA available; draws of {sizes[POOLS[1]]} papers, half per side, balanced per field). Random AUC and "
        f"P@10 = 0.5. {args.trained_seeds} balanced draws per pool, {nw.cv_folds}-fold out-of-fold (grouped by "
        f"normalised text), mean ± sd over draws. 'AUC style-neutral subset' = only the {neutral} papers with "
        "none of the binary cues in the raw text.\n\n"
    )
    body += markdown_table(
        ["pool", "model", "AUC raw", "P@10 raw", "AUC style-neutral", "P@10 style-neutral", "AUC style-neutral subset"],
        comparison_rows,
    )
    body += "\n\n" + verdict["text"] + "\n\nFields (zero-shot; 'used' = per side in each all-fields draw):\n\n"
    body += markdown_table(["field", "covered", "not covered", "PubMedQA", "arXiv", "CoreSC", "used"], field_rows)
    body += "\n\nAUC per field (all-fields pool, style-neutral text):\n\n"
    body += markdown_table(["model", "AUC per field"], field_auc_rows)
    body += (
        f"\n\nDefault model over {args.seeds} all-fields draws (style-neutral text): AUC {fmt(default_20, 'auc')}, "
        f"P@10 {fmt(default_20, 'p@10')}, P@15 {fmt(default_20, 'p@15')}.\n\n"
        "Shortcut check (a cue alone; AUC direction-free, 0.5 = no signal):\n\n"
    )
    body += markdown_table(["cue", "share covered", "share not covered", "AUC", "AUC after neutralising"], short_rows)
    body += "\n\nCalibration (all-fields pool, style-neutral text, out-of-fold; ECE, 10 bins):\n\n"
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
    summary = {"results": results, "default_20_draws": default_20, "shortcuts": shortcuts, "verdict": verdict,
               "calibration": {k: {"ece_raw": a, "ece_calibrated": b} for k, (a, b) in calibration.items()},
               "signals": signals, "words_tradeoff": tradeoff}  # fmt: skip
    print(json.dumps(summary, indent=1, default=float)[:3000], file=sys.stderr)
    if args.write:
        SVG.parent.mkdir(parents=True, exist_ok=True)
        SVG.write_text(reliability_svg(reliability, "Extra Trees on weak labels, out-of-fold", 10), encoding="utf-8")
        update_section("newsworthiness", "Newsworthiness (weak labels, style-only baseline, matched pools)", body)
        write_style_check(verdict, command)
    if args.build_default:
        write_card(cfg, default_20, shortcuts, signals, verdict, command)


def style_verdict(results: dict) -> dict:
    """Does each model beat the style-only baseline on style-neutral text, in each pool? (mean AUC)"""
    rows = {}
    for pool, by_text in results.items():
        neutral = by_text["style-neutral"]
        base = neutral[STYLE]["auc"]["mean"]
        rows[pool] = {
            name: {"auc": r["auc"]["mean"], "style_only_auc": base, "margin": r["auc"]["mean"] - base}
            for name, r in neutral.items()
            if name != STYLE
        }
    default_beats = all(r[DEFAULT]["margin"] > 0 for r in rows.values())
    parts = []
    for pool, r in rows.items():
        d = r[DEFAULT]
        best = max((n for n in r if n != DEFAULT), key=lambda n: r[n]["margin"])
        parts.append(
            f"{pool}: default {d['auc']:.3f} vs style-only {d['style_only_auc']:.3f} "
            f"({d['margin']:+.3f}); best trained ({best}) {r[best]['auc']:.3f} ({r[best]['margin']:+.3f})"
        )
    text = (
        "**Does the model beat the style-only baseline on style-neutral text?** "
        + (
            "Yes for the default model in every pool. "
            if default_beats
            else "**No**, not the default model in every pool. "
        )
        + "; ".join(parts)
        + ". Trained weak-label models are measured only (CD²CR is academic-use), never shipped."
    )
    return {"default_beats_style_only": default_beats, "pools": rows, "text": text}


def write_style_check(verdict: dict, command: str) -> None:
    """The default model's style check, read by DefaultModel.load() to caveat rank and report output."""
    pools = {
        pool: {"default_auc": round(r[DEFAULT]["auc"], 3), "style_only_auc": round(r[DEFAULT]["style_only_auc"], 3)}
        for pool, r in verdict["pools"].items()
    }
    payload = {"beats_style_only": verdict["default_beats_style_only"], "pools": pools, "command": command}
    (default_model_dir() / "style_check.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


def write_card(cfg, res: dict, shortcuts: dict, signals: dict, verdict: dict, command: str) -> None:
    folder = default_model_dir()
    metrics = (
        "Weak-label protocol (docs/newsworthiness.md): CD²CR abstracts (covered by news) vs field-balanced "
        "PubMedQA / arXiv / CoreSC abstracts, abstract text only.\n\n"
        f"- ROC-AUC {fmt(res, 'auc')}, P@10 {fmt(res, 'p@10')}, P@15 {fmt(res, 'p@15')} (random: 0.5)\n"
        f"- AUC on style-neutral abstracts: {fmt(res, 'auc_style_neutral')}\n"
        f"- AUC per field: {res['per_field_auc']}\n"
        f"- Against the style-cues-only baseline on style-neutral text: {verdict['text']}\n"
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
        command=command,
        limits=(
            "News-value signals are similarities to a few sentences, not judgements: an abstract that mentions "
            "patients reads as 'health topic' whatever its news value. Weak labels measure resemblance to papers "
            "that got coverage (which depends on publishers and press offices), not newsworthiness itself. "
            "English abstracts only; computer-science papers are barely covered by the evaluation."
        ),
    )
    data = cfg.paths.data_dir
    Receipt(
        command=command,
        config=cfg.to_dict(),
        data={
            "csabstruct": data_hash([Path(data) / "csabstruct" / f for f in ("train.jsonl", "dev.jsonl")]),
            "coresc": data_hash([Path(data) / "coresc" / "xml"]),
        },
        metrics={"weak_labels": res, "signals": signals},
    ).write(folder)


if __name__ == "__main__":
    main()
