"""``sciwire train newsworthiness``: ratings -> calibrated model, metrics, reliability plot, card, receipt.

Protocol: raters are aggregated per paper (mean of the four values, newsworthy = mean >= 3)
and their agreement is reported (Krippendorff's alpha). Extra Trees and the logistic-regression
baseline are scored by stratified, **grouped** cross-validation (``groups`` = paper id, so one
paper is never in train and test; pass your own groups, e.g. a venue or a month, for a harder
split); calibration happens inside each training fold. The model that is written is then
fitted on every rated paper.

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

from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, load_config
from sciwire.errors import InputError
from sciwire.learn import Receipt, TrainResult, data_hash, reliability_svg, write_model_card
from sciwire.newsworthiness.evaluate import out_of_fold, score_metrics
from sciwire.newsworthiness.features import Featurizer
from sciwire.newsworthiness.model import KINDS, NewsworthinessClassifier, TrainedModel
from sciwire.newsworthiness.papers import read_papers
from sciwire.newsworthiness.ratings import aggregate, agreement, read_ratings

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


def train_newsworthiness(
    ratings_path: str | os.PathLike[str],
    papers_path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    kind: str = "extra_trees",
    embedder: Embedder | None = None,
    on_progress: Callable[[int], None] | None = None,
    command: str = "sciwire train newsworthiness",
) -> TrainResult:
    """Train, cross-validate and write a newsworthiness model.

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
        InputError: On bad rows (listed), unknown ids, or too few papers of a class.
    """
    config = config or load_config()
    if kind not in KINDS:
        raise InputError(f"kind must be one of {KINDS}, got {kind!r}")
    papers = read_papers([papers_path], config.input)
    ratings = read_ratings(ratings_path, {p.id for p in papers})
    rated = aggregate(ratings)
    by_id = {p.id: p for p in papers}
    unrated = len(papers) - len(rated)
    if unrated:
        logger.warning("%d papers of %s have no rating and are not used", unrated, Path(papers_path).name)
    y = np.array([int(r.newsworthy) for r in rated])
    n_pos, n_neg = int(y.sum()), int(len(y) - y.sum())
    if min(n_pos, n_neg) < 4:
        raise InputError(
            f"Training needs at least 4 newsworthy (mean rating >= 3) and 4 other papers; the ratings "
            f"give {n_pos} and {n_neg}. Rate more papers."
        )
    embedder = embedder or Embedder.from_config(config)
    featurizer = Featurizer(embedder, config.newsworthiness.embed_words)
    features = featurizer.transform([by_id[r.paper_id] for r in rated], on_progress=on_progress)
    columns = tuple(features.names)
    X = features.matrix(columns, with_embedding=True)
    groups = np.array([r.paper_id for r in rated])
    metrics: dict[str, Any] = {
        "agreement": agreement(ratings),
        "papers": len(rated),
        "newsworthy": n_pos,
        "ratings": len(ratings),
        "raters": len({r.rater_id for r in ratings}),
    }
    curves = {}
    for k in KINDS:
        calibrated, raw = out_of_fold(
            _classifier(config, k), X, y, groups, config.newsworthiness.cv_folds, config.newsworthiness.seed
        )
        metrics[k] = score_metrics(y, calibrated, raw)
        if k == kind:
            curves = {f"{k} raw": (raw, y), f"{k} calibrated": (calibrated, y)}
    final = _classifier(config, kind).fit(X, y)
    metrics["calibration"] = final.method_
    reference = {n: float(features.tabular[:, j].mean()) for j, n in enumerate(columns)}
    model = TrainedModel(
        final, columns, reference, config.newsworthiness.embed_words, embedder.model_key, {"metrics": metrics}
    )
    folder = model.save(out)
    (folder / "reliability.svg").write_text(
        reliability_svg(curves, title="Newsworthiness: out-of-fold reliability", n_bins=10), encoding="utf-8"
    )
    alpha = metrics["agreement"]
    write_model_card(
        folder,
        name=f"newsworthiness ({kind.replace('_', ' ')}, trained on ratings)",
        summary=(
            f"Ranks papers by the probability that raters would call them newsworthy (mean of the four news "
            f"values >= 3), from the abstract's MiniLM embedding and {len(columns)} readable features. "
            f"{final.method_.capitalize()} calibration on {final.cv_} folds maps the raw "
            f"{'vote share' if kind == 'extra_trees' else 'score'} to a probability."
        ),
        data=(
            f"{len(ratings)} ratings by {metrics['raters']} raters of {len(rated)} papers ({n_pos} newsworthy), "
            f"from `{Path(ratings_path).name}` and `{Path(papers_path).name}`. Inter-rater agreement, "
            f"Krippendorff's alpha: mean score (interval) {alpha['alpha_interval_score']:.3f}; "
            + ", ".join(f"{k.removeprefix('alpha_ordinal_')} {v:.3f}" for k, v in alpha.items() if "ordinal" in k)
            + " (ordinal)."
        ),
        licence="the licence of your ratings and papers (sciwire's code is Apache-2.0)",
        metrics_markdown=(
            "Out-of-fold (stratified, grouped by paper, "
            f"{config.newsworthiness.cv_folds} folds; calibration inside each training fold):\n\n"
            + _metrics_table(metrics)
            + "\n\nP@k counts newsworthy papers among the k best out-of-fold scores. See reliability.svg."
        ),
        command=command,
        limits=(
            "Learns what *these* raters found newsworthy, on *these* kinds of papers; with few papers the "
            "calibration is coarse and the AUC has a wide interval. The embedding reads the title and at most "
            f"{config.newsworthiness.embed_words} words of the abstract. Reasons are path attributions "
            "(trees) or weight x value (logistic): they explain the model, not the world."
        ),
    )
    Receipt(
        command=command,
        config=config.to_dict(),
        data={"ratings": data_hash([ratings_path]), "papers": data_hash([papers_path])},
        metrics=metrics,
    ).write(folder)
    return TrainResult(folder, metrics)


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
