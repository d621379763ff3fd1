"""What a newsworthiness model returns for a batch of papers, and the protocol every model follows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from sciwire.newsworthiness.explain import Reason, reasons
from sciwire.newsworthiness.features import FeatureSet


@dataclass(frozen=True)
class DimensionScores:
    """One news value's outputs for some papers (trained models only).

    Attributes:
        probability: Calibrated probability that raters would rate the value high (mean >= 3).
        vote_share: Raw share of trees voting "high" (forests; the raw score for logistic regression).
    """

    probability: np.ndarray
    vote_share: np.ndarray


@dataclass(frozen=True)
class Prediction:
    """Scores of some papers.

    Attributes:
        score: The ranking score in [0, 1] (higher = more newsworthy).
        vote_share: Raw share of trees voting "newsworthy" (forests only; for a model of the four
            values, the mean of their vote shares): not a probability.
        probability: Calibrated probability (trained models only; for a model of the four values,
            the mean of their calibrated probabilities = the expected share of values rated high).
        dimensions: Per news value (``actuality``, ``controversy``, ...), when the model has them.
    """

    score: np.ndarray
    vote_share: np.ndarray | None
    probability: np.ndarray | None
    dimensions: Mapping[str, DimensionScores] = field(default_factory=dict)


@dataclass(frozen=True)
class Contributions:
    """Per-feature contributions to the scores of some papers.

    Attributes:
        values: Shape ``(papers, len(names))``.
        names: Feature names of the columns (the embedding grouped into one).
        unit: Unit of the contributions ("log-odds" or "vote share").
    """

    values: np.ndarray
    names: tuple[str, ...]
    unit: str


class NewsworthinessModel(Protocol):
    """A model that scores a :class:`FeatureSet` (the shipped default or a trained one)."""

    #: Short name shown in tables and reports.
    name: str
    #: Whether the model learnt from journalists' (or other raters') judgements.
    trained_on_judgements: bool
    #: Tabular feature columns the model reads.
    columns: tuple[str, ...]
    #: Reference value of each feature (used to phrase reasons).
    reference: dict[str, float]
    #: Abstract words embedded when the model was built (ranking must use the same).
    embed_words: int
    #: A caveat to print next to every ranking (e.g. "does not beat the style-only baseline"), or None.
    style_caveat: str | None

    def predict(self, features: FeatureSet) -> Prediction: ...

    def explain(self, features: FeatureSet) -> Contributions: ...


def explain_rows(
    model: NewsworthinessModel, features: FeatureSet, k: int, dimension: str | None = None
) -> list[list[Reason]]:
    """The ``k`` strongest reasons of every paper (explain only the rows you show: trees are costly).

    ``dimension`` names one news value of a model trained on the four (its own reasons).
    """
    contributions = model.explain(features) if dimension is None else model.explain(features, dimension)  # type: ignore[call-arg]
    out = []
    for i in range(len(features.ids)):
        values = {n: float(features.tabular[i, j]) for j, n in enumerate(features.names)}
        out.append(reasons(contributions.values[i], contributions.names, values, model.reference, k))
    return out
