"""The default model: news-value signals combined with documented, hand-set weights.

No journalist ratings are available to ship a trained model, so the default is transparent:

``log-odds = sum_j w_j * z_j`` and ``score = sigmoid(log-odds)``, where ``z_j`` is feature j
standardised with the mean and standard deviation of a *reference corpus* of abstracts
(CSAbstruct and the CoreSC abstracts: no labels, only their spread) and clipped to +-3, and the weights
below were set **a priori** from the news-values literature, never tuned on any evaluation
set. Topics are pooled: only the paper's strongest topic counts (a paper is rarely about
health *and* space), centred on the reference corpus' mean strongest topic.

=========================  ======  =========================================================
feature                    weight  why
=========================  ======  =========================================================
strongest topic            +0.8    human relevance: health, climate, animals, space, money...
``nv_magnitude``           +0.5    relevance magnitude (affects many people)
``nv_valence``             +0.5    relevance valence (clear good or bad news for people)
``nv_actuality``           +0.4    actuality (a new discovery)
``nv_surprise``            +0.3    controversy / surprise
``jargon_share``           -0.5    jargon puts readers (and editors) off
``flesch_reading_ease``    +0.25   readable abstracts are easier to report
``words``                  -0.15   short abstracts state one clear finding
``code_available``         +0.15   released code (binary, per 1.0)
``data_available``         +0.15   released data (binary, per 1.0)
=========================  ======  =========================================================

The score ranks papers; it is **not** a probability (the model never saw a judgement), so
:class:`DefaultModel` reports no calibrated confidence.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.errors import ModelLoadError
from sciwire.fitting import sigmoid
from sciwire.newsworthiness.features import FeatureSet, Featurizer
from sciwire.newsworthiness.news_values import TOPICS
from sciwire.newsworthiness.prediction import Contributions, Prediction

TOPIC_WEIGHT = 0.8
#: Standardised values are clipped to +-Z_CLIP so that no single signal dominates the sum.
Z_CLIP = 3.0
#: A-priori weights per standard deviation (binary features: per 1.0).
WEIGHTS: dict[str, float] = {
    "nv_magnitude": 0.5,
    "nv_valence": 0.5,
    "nv_actuality": 0.4,
    "nv_surprise": 0.3,
    "jargon_share": -0.5,
    "flesch_reading_ease": 0.25,
    "words": -0.15,
    "code_available": 0.15,
    "data_available": 0.15,
}
BINARY = ("code_available", "data_available")
TOPIC_COLUMNS = tuple(f"topic_{t}" for t in TOPICS)


def default_model_dir() -> Path:
    """The shipped model's folder (``sciwire/models/newsworthiness_default``)."""
    return Path(str(resources.files("sciwire") / "models" / "newsworthiness_default"))


def reference_statistics(features: FeatureSet) -> dict[str, Any]:
    """Means and standard deviations of the weighted features and topics on a reference corpus."""
    columns = [*WEIGHTS, *TOPIC_COLUMNS]
    mean = {c: float(features.column(c).mean()) for c in columns}
    scale = {c: (1.0 if c in BINARY else float(features.column(c).std() or 1.0)) for c in columns}
    topic_z = np.column_stack([(features.column(c) - mean[c]) / scale[c] for c in TOPIC_COLUMNS])
    topic_z = np.clip(topic_z, -Z_CLIP, Z_CLIP)
    all_means = {n: float(features.tabular[:, j].mean()) for j, n in enumerate(features.names)}
    return {
        "mean": mean,
        "scale": scale,
        "top_topic_mean": float(topic_z.max(axis=1).mean()),
        "feature_means": all_means,
        "papers": len(features.ids),
    }


def style_caveat(check: dict[str, Any]) -> str | None:
    """The plain caveat when the benchmark found the model no better than style cues alone, else None."""
    if not check or check.get("beats_style_only", True):
        return None
    pools = check.get("pools", {})
    worst = "; ".join(
        f"{pool}: AUC {p['default_auc']:.2f} vs {p['style_only_auc']:.2f} for style cues alone"
        for pool, p in pools.items()
        if p["default_auc"] <= p["style_only_auc"]
    )
    return (
        "Caveat: on style-neutral text this model does not beat a baseline that sees only formatting and "
        f"style cues (weak-label benchmark; {worst}). Treat its order as a rough aid."
    )


class DefaultModel:
    """The transparent default: fixed weights on standardised signals (see the module docstring).

    Args:
        stats: Reference statistics from :func:`reference_statistics` (:meth:`load` reads the shipped ones).

    Example:
        >>> model = DefaultModel.load()
        >>> model.trained_on_judgements
        False
    """

    name = "default (not trained on judgements)"
    trained_on_judgements = False

    def __init__(self, stats: dict[str, Any], style_check: dict[str, Any] | None = None) -> None:
        self.stats = stats
        #: The benchmark's comparison with the style-cues-only baseline (``style_check.json``), if any.
        self.style_check = style_check or {}
        self.style_caveat: str | None = style_caveat(self.style_check)
        self.columns: tuple[str, ...] = (*WEIGHTS, *TOPIC_COLUMNS)
        self.reference: dict[str, float] = dict(stats["feature_means"])
        #: Words embedded when the reference statistics were computed (ranking uses the same).
        self.embed_words = int(stats.get("embed_words", 64))

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> DefaultModel:
        """Load ``weights.json`` from a folder (default: the shipped model).

        Raises:
            ModelLoadError: When the file is missing or does not hold reference statistics.
        """
        try:
            folder = Path(path) if path is not None else default_model_dir()
            text = (folder / "weights.json").read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelLoadError(
                f"Cannot load the default newsworthiness model ({path or default_model_dir()}): {exc}"
            ) from exc
        if data.get("weights") != WEIGHTS or data.get("topic_weight") != TOPIC_WEIGHT:
            raise ModelLoadError(
                "The default model's weights.json does not match the documented weights; rebuild it "
                "with `python benchmarks/newsworthiness.py --build-default`"
            )
        check_path = folder / "style_check.json"
        try:
            check = json.loads(check_path.read_text(encoding="utf-8")) if check_path.is_file() else None
        except (OSError, json.JSONDecodeError) as exc:
            raise ModelLoadError(f"Cannot read {check_path}: {exc}") from exc
        return cls(data["reference"], check)

    def to_json(self) -> str:
        """The weights and reference statistics as JSON (``weights.json``)."""
        return json.dumps({"weights": WEIGHTS, "topic_weight": TOPIC_WEIGHT, "reference": self.stats}, indent=2) + "\n"

    def explain(self, features: FeatureSet) -> Contributions:
        """Exact log-odds terms ``w_j * z_j`` per signal (only the strongest topic is non-zero)."""
        mean, scale = self.stats["mean"], self.stats["scale"]
        names = [*WEIGHTS, *TOPIC_COLUMNS]
        contrib = np.zeros((len(features.ids), len(names)))
        for j, c in enumerate(WEIGHTS):
            contrib[:, j] = WEIGHTS[c] * np.clip((features.column(c) - mean[c]) / scale[c], -Z_CLIP, Z_CLIP)
        topic_z = np.column_stack([(features.column(c) - mean[c]) / scale[c] for c in TOPIC_COLUMNS])
        topic_z = np.clip(topic_z, -Z_CLIP, Z_CLIP)
        top = topic_z.argmax(axis=1)
        rows = np.arange(len(top))
        contrib[rows, len(WEIGHTS) + top] = TOPIC_WEIGHT * (topic_z[rows, top] - self.stats["top_topic_mean"])
        return Contributions(contrib, tuple(names), "log-odds")

    def predict(self, features: FeatureSet) -> Prediction:
        """Scores: the sigmoid of the weighted sum (not a probability)."""
        logit = self.explain(features).values.sum(axis=1)
        return Prediction(sigmoid(logit), None, None)


def build_default_model(data_dir: str | os.PathLike[str], featurizer: Featurizer) -> DefaultModel:
    """Fit the reference statistics on CSAbstruct (train + dev) and the CoreSC abstracts.

    Only means and standard deviations are taken from these abstracts (no labels); the
    weights stay the documented a-priori ones.
    """
    from sciwire.newsworthiness.corpora import abstract_only, coresc_papers, csabstruct_papers

    papers = abstract_only([*csabstruct_papers(data_dir), *coresc_papers(data_dir)])
    stats = reference_statistics(featurizer.transform(papers))
    stats["embed_words"] = featurizer.embed_words
    stats["corpus"] = "CSAbstruct train+dev (Apache-2.0) + CoreSC abstracts (CC-BY 4.0), abstracts only"
    return DefaultModel(stats)
