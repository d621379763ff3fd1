"""``sciwire train newsworthiness``: ratings -> calibrated models of the four news values, metrics, card, receipt.

Protocol: raters are aggregated per paper and their agreement is reported (Krippendorff's
alpha). Each of the four news values (``actuality``, ``controversy`` = surprise,
``relevance_magnitude``, ``relevance_valence``) gets its own classifier of "rated high" (raters'
mean >= 3); the ranking score is the mean of the four calibrated probabilities, scored against
"newsworthy" (mean of the four >= 3). Extra Trees and the logistic-regression baseline are
scored by stratified, **grouped** cross-validation (``groups`` = paper id, so one paper is never
in train and test); calibration happens inside each training fold. A logistic regression on
style cues alone is scored on the same folds; when the model does not beat it, the model
carries a caveat that ``sciwire rank`` and the report print. The models that are written are
then fitted on every rated paper. Needs at least 8 rated papers, 4 rated high and 4 low overall
and on every value.

Example:
    >>> result = train_newsworthiness("ratings.csv", "papers.jsonl", "my-model")  # doctest: +SKIP
    >>> result.metrics["extra_trees"]["auc"]                                     # doctest: +SKIP
    0.71
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, load_config
from sciwire.errors import InputError
from sciwire.fitting import Receipt, TrainResult, data_hash, reliability_svg, write_model_card
from sciwire.newsworthiness.evaluate import out_of_fold, score_metrics
from sciwire.newsworthiness.features import Featurizer
from sciwire.newsworthiness.model import KINDS, NewsworthinessClassifier, TrainedModel
from sciwire.newsworthiness.papers import Paper, normalise_abstract, read_papers
from sciwire.newsworthiness.ratings import VALUE_LABELS, VALUES, aggregate, agreement, read_ratings, training_labels
from sciwire.newsworthiness.style import STYLE_CUES, style_cues

logger = logging.getLogger(__name__)


def _classifier(config: Config, kind: str) -> NewsworthinessClassifier:
    nw = config.newsworthiness
    return NewsworthinessClassifier(
        kind=kind,
        n_estimators=nw.n_estimators,
        isotonic_min=nw.isotonic_min_papers,
        cv=nw.cv_folds,
        random_state=nw.seed,
    )


def _metrics_table(metrics: dict[str, Any]) -> str:
    head = (
        "| model | AUC | P@10 | P@15 | ECE raw | ECE calibrated | Brier raw | Brier calibrated |\n"
        "|---|---|---|---|---|---|---|---|\n"
    )
    rows = [
        f"| {kind} | {m['auc']:.3f} | {m['p@10']:.2f} | {m['p@15']:.2f} | {m['ece_raw']:.3f} | "
        f"{m['ece_calibrated']:.3f} | {m['brier_raw']:.3f} | {m['brier_calibrated']:.3f} |"
        for kind, m in metrics.items()
        if kind in KINDS
    ]
    return head + "\n".join(rows)


def cross_validate_values(
    config: Config, kind: str, X: np.ndarray, labels: dict[str, np.ndarray], groups: np.ndarray
) -> dict[str, Any]:
    """Out-of-fold metrics of one model kind: per news value, and of the combined score.

    The combined calibrated score is the mean of the four values' out-of-fold calibrated
    probabilities (the raw one: of their vote shares), scored against "newsworthy" (mean of the
    four >= 3); its ECE and Brier are the means over the four values (each against its own label).
    """
    nw = config.newsworthiness
    per_value, cal, raw = {}, [], []
    for value in VALUES:
        c, r = out_of_fold(_classifier(config, kind), X, labels[value], groups, nw.cv_folds, nw.seed)
        per_value[value] = score_metrics(labels[value], c, r)
        cal.append(c)
        raw.append(r)
    combined = score_metrics(labels["newsworthy"], np.mean(cal, axis=0))
    combined["auc_raw"] = score_metrics(labels["newsworthy"], np.mean(raw, axis=0))["auc"]
    for key in ("ece_raw", "ece_calibrated", "brier_raw", "brier_calibrated"):
        combined[key] = float(np.mean([m[key] for m in per_value.values()]))
    return {"combined": combined, "values": per_value, "_scores": (np.mean(cal, axis=0), np.mean(raw, axis=0))}


def style_only_metrics(config: Config, papers: list[Paper], y: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    """Out-of-fold AUC and P@k of logistic regression on the style cues alone, raw and style-neutralised."""
    nw = config.newsworthiness
    out = {}
    for name, texts in (
        ("raw", [p.abstract for p in papers]),
        ("style_neutral", [normalise_abstract(p.abstract) for p in papers]),
    ):
        rows = [style_cues(t) for t in texts]
        X = np.array([[np.log1p(r[c]) if c == "raw_words" else r[c] for c in STYLE_CUES] for r in rows])
        cal, _ = out_of_fold(NewsworthinessClassifier("logistic", cv=nw.cv_folds), X, y, groups, nw.cv_folds, nw.seed)
        out[name] = score_metrics(y, cal)
    return out


def train_newsworthiness(
    ratings_path: str | os.PathLike[str],
    papers_path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    kind: str = "extra_trees",
    embedder: Encoder | None = None,
    on_progress: Callable[[int], None] | None = None,
    command: str = "sciwire train newsworthiness",
) -> TrainResult:
    """Train, cross-validate and write a model of the four news values.

    One calibrated classifier per news value (``actuality``, ``controversy`` = surprise,
    ``relevance_magnitude``, ``relevance_valence``; "high" = raters' mean >= 3); the ranking score
    is the mean of their calibrated probabilities. Both kinds are cross-validated, per value and
    combined, next to a style-cues-only baseline; the model is then fitted on every rated paper.

    Args:
        ratings_path: Ratings in the study's schema (see :mod:`.ratings`).
        papers_path: JSONL (or JSON list) of the rated papers: id, title, abstract, metadata.
        out: Folder for ``model.joblib``, ``model.json``, ``MODEL_CARD.md``, ``receipt.json``
            and ``reliability.svg``.
        config: Settings (``newsworthiness.*``).
        kind: The model written: ``"extra_trees"`` or ``"logistic"`` (both are cross-validated).
        embedder: A warm embedder to reuse.
        on_progress: Called with the number of papers embedded.
        command: Recorded in the receipt.

    Raises:
        InputError: On bad rows (listed), unknown ids, fewer than 8 rated papers, or fewer than 4
            papers rated high or low overall or on any value.
    """
    config = config or load_config()
    if kind not in KINDS:
        raise InputError(f"kind must be one of {KINDS}, got {kind!r}")
    papers = read_papers([papers_path], config.input)
    ratings = read_ratings(ratings_path, {p.id for p in papers})
    rated, labels = training_labels(ratings, Path(ratings_path).name)
    by_id = {p.id: p for p in papers}
    unrated = len(papers) - len(rated)
    if unrated:
        logger.warning("%d papers of %s have no rating and are not used", unrated, Path(papers_path).name)
    y = labels["newsworthy"]
    n_pos = int(y.sum())
    embedder = embedder or Embedder.from_config(config)
    featurizer = Featurizer(embedder, config.newsworthiness.embed_words)
    rated_papers = [by_id[r.paper_id] for r in rated]
    features = featurizer.transform(rated_papers, on_progress=on_progress)
    columns = tuple(features.names)
    X = features.matrix(columns, with_embedding=True)
    groups = np.array([r.paper_id for r in rated])
    metrics: dict[str, Any] = {
        "agreement": agreement(ratings),
        "papers": len(rated),
        "newsworthy": n_pos,
        "high_per_value": {v: int(labels[v].sum()) for v in VALUES},
        "ratings": len(ratings),
        "raters": len({r.rater_id for r in ratings}),
        "score": "mean of the four values' calibrated probabilities of a high rating (mean >= 3)",
    }
    curves = {}
    for k in KINDS:
        result = cross_validate_values(config, k, X, labels, groups)
        calibrated, raw = result.pop("_scores")
        metrics[k] = result["combined"]
        metrics["values"] = metrics.get("values", {})
        for value, m in result["values"].items():
            metrics["values"].setdefault(value, {})[k] = m
        if k == kind:
            curves = {f"{k} raw (mean vote)": (raw, y), f"{k} calibrated (mean)": (calibrated, y)}
    metrics["style_only"] = style_only_metrics(config, rated_papers, y, groups)
    style_best = max(m["auc"] for m in metrics["style_only"].values())
    caveat = None
    if not metrics[kind]["auc"] > style_best:
        caveat = (
            f"Caveat: out of fold this model (AUC {metrics[kind]['auc']:.2f}) does not beat a baseline that sees "
            f"only formatting and style cues (AUC {style_best:.2f}) on these ratings. Treat its order as a rough aid."
        )
        logger.warning(caveat)
    classifiers = {v: _classifier(config, kind).fit(X, labels[v]) for v in VALUES}
    metrics["calibration"] = next(iter(classifiers.values())).method_
    reference = {n: float(features.tabular[:, j].mean()) for j, n in enumerate(columns)}
    model = TrainedModel(
        classifiers,
        columns,
        reference,
        config.newsworthiness.embed_words,
        embedder.model_key,
        {"metrics": metrics, "style_caveat": caveat},
    )
    folder = model.save(out)
    (folder / "reliability.svg").write_text(
        reliability_svg(curves, title="Newsworthiness: out-of-fold reliability", n_bins=10), encoding="utf-8"
    )
    write_card(folder, model, metrics, config, ratings_path, papers_path, kind, command)
    Receipt(
        command=command,
        config=config.to_dict(),
        data={"ratings": data_hash([ratings_path]), "papers": data_hash([papers_path])},
        metrics=metrics,
    ).write(folder)
    return TrainResult(folder, metrics)


def write_card(
    folder: Path,
    model: TrainedModel,
    metrics: dict[str, Any],
    config: Config,
    ratings_path: str | os.PathLike[str],
    papers_path: str | os.PathLike[str],
    kind: str,
    command: str,
) -> None:
    """MODEL_CARD.md of a model trained on ratings."""
    alpha = metrics["agreement"]
    first = model.classifier
    style = metrics["style_only"]
    write_model_card(
        folder,
        name=f"newsworthiness ({kind.replace('_', ' ')}, four news values, trained on ratings)",
        summary=(
            "One classifier per news value of Nishal & Diakopoulos (actuality, surprise = controversy, impact "
            "magnitude, impact valence; 'high' = raters' mean >= 3) on the abstract's MiniLM embedding and "
            f"{len(model.columns)} readable features of the style-neutralised text. {first.method_.capitalize()} "
            f"calibration on {first.cv_} folds maps each raw {'vote share' if kind == 'extra_trees' else 'score'} "
            "to a probability; the ranking score is the mean of the four calibrated probabilities. It is a ranking "
            "aid learned from these ratings, not a fact about a paper."
        ),
        data=(
            f"{metrics['ratings']} ratings by {metrics['raters']} raters of {metrics['papers']} papers "
            f"({metrics['newsworthy']} newsworthy; rated high per value: {metrics['high_per_value']}), from "
            f"`{Path(ratings_path).name}` and `{Path(papers_path).name}`. Inter-rater agreement, Krippendorff's "
            f"alpha: mean score (interval) {alpha['alpha_interval_score']:.3f}; "
            + ", ".join(f"{k.removeprefix('alpha_ordinal_')} {v:.3f}" for k, v in alpha.items() if "ordinal" in k)
            + " (ordinal)."
        ),
        licence="the licence of your ratings and papers (sciwire's code is Apache-2.0)",
        metrics_markdown=(
            "Out-of-fold (stratified, grouped by paper, "
            f"{config.newsworthiness.cv_folds} folds; calibration inside each training fold). Combined score "
            "against 'newsworthy' (ECE and Brier: mean over the four values):\n\n"
            + _metrics_table(metrics)
            + "\n\nPer news value (AUC):\n\n"
            + _values_table(metrics)
            + f"\n\nStyle cues only (logistic regression, same folds): AUC {style['raw']['auc']:.3f} on the raw "
            f"text, {style['style_neutral']['auc']:.3f} on style-neutralised text."
            + (f"\n\n**{model.style_caveat}**" if model.style_caveat else "")
            + "\n\nP@k counts newsworthy papers among the k best out-of-fold scores. See reliability.svg."
        ),
        command=command,
        limits=(
            "Learns what *these* raters found newsworthy, on *these* kinds of papers; with few papers the "
            "calibration is coarse and the AUC has a wide interval. The embedding reads the title and at most "
            f"{config.newsworthiness.embed_words} words of the abstract. Reasons are path attributions "
            "(trees) or weight x value (logistic), averaged over the four values: they explain the model, not "
            "the world."
        ),
    )


def _values_table(metrics: dict[str, Any]) -> str:
    head = "| news value | high | " + " | ".join(KINDS) + " |\n|---|---|" + "---|" * len(KINDS) + "\n"
    rows = [
        f"| {VALUE_LABELS[v]} (`{v}`) | {metrics['high_per_value'][v]} | "
        + " | ".join(f"{metrics['values'][v][k]['auc']:.3f}" for k in KINDS)
        + " |"
        for v in VALUES
    ]
    return head + "\n".join(rows)


def evaluate_on_ratings(
    ratings_path: str | os.PathLike[str],
    papers_path: str | os.PathLike[str],
    config: Config | None = None,
    embedder: Embedder | None = None,
) -> dict[str, float]:
    """AUC, P@10, P@15 (and ECE for trained models) of ``config.newsworthiness.model`` on held-out ratings."""
    from sciwire.newsworthiness.ranking import Ranker

    config = config or load_config()
    papers = read_papers([papers_path], config.input)
    rated = aggregate(read_ratings(ratings_path, {p.id for p in papers}))
    by_id = {p.id: p for p in papers}
    ranker = Ranker(config, embedder)
    features = ranker.featurizer.transform([by_id[r.paper_id] for r in rated])
    pred = ranker.model.predict(features)
    y = np.array([int(r.newsworthy) for r in rated])
    raw = pred.vote_share if pred.probability is not None and pred.vote_share is not None else None
    return score_metrics(y, pred.score, raw)
