"""Rank papers by newsworthiness: features -> model -> score, confidence and reasons.

Example:
    >>> from sciwire.config import load_config
    >>> ranker = Ranker(load_config())                     # cheap: models load on first use
    >>> ranking = ranker.rank(read_papers(["papers.jsonl"]), top=10)   # doctest: +SKIP
    >>> print(ranking.papers[0].reasons[0])                             # doctest: +SKIP
    + health topic
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.backends.embeddings import Embedder
from sciwire.config import Config
from sciwire.errors import ModelLoadError
from sciwire.newsworthiness.default_model import DefaultModel
from sciwire.newsworthiness.explain import Reason
from sciwire.newsworthiness.features import FeatureSet, Featurizer
from sciwire.newsworthiness.model import TrainedModel
from sciwire.newsworthiness.papers import Paper, read_papers
from sciwire.newsworthiness.prediction import NewsworthinessModel, Prediction, explain_rows
from sciwire.newsworthiness.ratings import VALUE_LABELS

logger = logging.getLogger(__name__)
__all__ = ["WHAT_IT_IS", "DimensionResult", "RankedPaper", "Ranker", "Ranking", "load_model", "read_papers"]


#: What every ranking says newsworthiness is and is not (rank output, CSV/HTML pages, report panel).
WHAT_IT_IS = (
    "Newsworthiness here is a ranking aid learned from ratings (or, for the default model, a-priori weights), "
    "not a fact about the paper."
)


@dataclass(frozen=True)
class DimensionResult:
    """One news value of one paper (models trained on the four values).

    Attributes:
        name: The ratings column (``actuality``, ``controversy``, ``relevance_magnitude``, ``relevance_valence``).
        label: How it is shown (``surprise`` for ``controversy``, ``impact magnitude`` ...).
        probability: Calibrated probability that raters would rate it high (mean >= 3).
        vote_share: Raw share of trees voting "high" (not a probability).
        reason: The strongest reason of this value's model, if any.
    """

    name: str
    label: str
    probability: float
    vote_share: float
    reason: Reason | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible summary."""
        return {
            "label": self.label,
            "probability": round(self.probability, 4),
            "vote_share": round(self.vote_share, 4),
            "reason": None if self.reason is None else self.reason.to_dict(),
        }


@dataclass(frozen=True)
class RankedPaper:
    """One row of a ranking.

    Attributes:
        rank: 1 = most newsworthy.
        paper: The paper.
        score: Ranking score in [0, 1].
        probability: Calibrated probability of "newsworthy" (trained models), else None.
        vote_share: Raw share of trees voting "newsworthy" (Extra Trees), else None.
        reasons: The strongest feature contributions, in words.
        dimensions: The four news values (models trained on them), else empty.
    """

    rank: int
    paper: Paper
    score: float
    probability: float | None
    vote_share: float | None
    reasons: tuple[Reason, ...]
    dimensions: tuple[DimensionResult, ...] = ()

    def reasons_text(self) -> str:
        """Reasons joined for a table cell: "+ health topic; − jargon-heavy abstract"."""
        return "; ".join(str(r) for r in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible summary (used by report.json and the CSV)."""
        return {
            "rank": self.rank,
            "id": self.paper.id,
            "title": self.paper.title,
            "score": round(self.score, 4),
            "probability": None if self.probability is None else round(self.probability, 4),
            "vote_share": None if self.vote_share is None else round(self.vote_share, 4),
            "reasons": [r.to_dict() for r in self.reasons],
            "dimensions": {d.name: d.to_dict() for d in self.dimensions},
        }


@dataclass(frozen=True)
class Ranking:
    """Ranked papers and what ranked them."""

    papers: tuple[RankedPaper, ...]
    model_name: str
    trained_on_judgements: bool
    total: int
    caveat: str | None = None

    @property
    def note(self) -> str:
        """What newsworthiness is and is not, what the numbers mean, and the style caveat when it applies."""
        if self.trained_on_judgements and any(p.dimensions for p in self.papers):
            means = (
                "probability = mean of the four news values' calibrated probabilities of a high rating "
                "(actuality, surprise, impact magnitude, impact valence); vote share = mean share of trees "
                "voting so (not a probability)."
            )
        elif self.trained_on_judgements:
            means = (
                "probability = calibrated chance that raters would call the paper newsworthy; "
                "vote share = raw share of trees voting so (not a probability)."
            )
        else:
            means = (
                "The default model is NOT trained on journalists' judgements: its score ranks papers by "
                "news-value signals with documented weights and is not a probability."
            )
        return " ".join(part for part in (WHAT_IT_IS, means, self.caveat) if part)


def load_model(spec: str) -> NewsworthinessModel:
    """``"default"`` (the shipped transparent model) or the folder of a trained model.

    Raises:
        ModelLoadError: When the folder is not a newsworthiness model.
    """
    if spec == "default":
        return DefaultModel.load()
    path = Path(spec).expanduser()
    if not path.is_dir():
        raise ModelLoadError(f"newsworthiness.model must be 'default' or a model folder; {spec!r} is neither")
    return TrainedModel.load(path)


class Ranker:
    """Loads the model and the embedder once; ranks any number of papers.

    Args:
        config: The resolved configuration (``newsworthiness.*``, models, runtime, paths).
        embedder: A shared, warm embedder (the pipeline passes its own); built from config otherwise.
        model: A model object; by default loaded from ``config.newsworthiness.model``.
    """

    def __init__(
        self, config: Config, embedder: Encoder | None = None, model: NewsworthinessModel | None = None
    ) -> None:
        self.config = config
        self.embedder = embedder or Embedder.from_config(config)
        self._model = model
        self._featurizer: Featurizer | None = None

    @property
    def model(self) -> NewsworthinessModel:
        """The model (loaded on first use)."""
        if self._model is None:
            self._model = load_model(self.config.newsworthiness.model)
        return self._model

    @property
    def featurizer(self) -> Featurizer:
        """The featurizer, with the ``embed_words`` the model was built with.

        Raises:
            ModelLoadError: When a trained model needs an embedding model or features this setup lacks.
        """
        if self._featurizer is None:
            model = self.model
            if isinstance(model, TrainedModel) and model.embedding_model != self.embedder.model_key:
                raise ModelLoadError(
                    f"The newsworthiness model was trained on {model.embedding_model} embeddings, but "
                    f"models.embedding is {self.embedder.model_key}; set models.embedding to match"
                )
            feat = Featurizer(self.embedder, model.embed_words)
            missing = [c for c in model.columns if c not in feat.names()]
            if missing:
                raise ModelLoadError(
                    f"The newsworthiness model needs features {missing} that this installation "
                    "cannot compute (claim_strength needs sciwire.fidelity)"
                )
            self._featurizer = feat
        return self._featurizer

    def rank(
        self, papers: Sequence[Paper], top: int | None = None, on_progress: Callable[[int], None] | None = None
    ) -> Ranking:
        """Score every paper, sort by score (ties: raw score, then input order), keep ``top``."""
        model = self.model
        features = self.featurizer.transform(papers, on_progress=on_progress)
        pred = model.predict(features)
        tiebreak = pred.vote_share if pred.vote_share is not None else pred.score
        order = np.lexsort((np.arange(len(papers)), -tiebreak, -pred.score))
        keep = order[:top] if top else order
        shown = features.subset(keep)
        why = explain_rows(model, shown, self.config.newsworthiness.top_reasons)
        dims = self._dimensions(model, shown, pred, keep)
        rows = tuple(
            RankedPaper(
                rank=r + 1,
                paper=papers[i],
                score=float(pred.score[i]),
                probability=None if pred.probability is None else float(pred.probability[i]),
                vote_share=None if pred.vote_share is None else float(pred.vote_share[i]),
                reasons=tuple(why[r]),
                dimensions=dims[r],
            )
            for r, i in enumerate(keep)
        )
        caveat = getattr(model, "style_caveat", None)
        return Ranking(rows, model.name, model.trained_on_judgements, len(papers), caveat)

    @staticmethod
    def _dimensions(
        model: NewsworthinessModel, shown: FeatureSet, pred: Prediction, keep: np.ndarray
    ) -> list[tuple[DimensionResult, ...]]:
        """Per shown paper: each news value's probability, vote share and strongest reason."""
        if not pred.dimensions or not isinstance(model, TrainedModel):
            return [() for _ in keep]
        reasons_by_value = {name: explain_rows(model, shown, 1, dimension=name) for name in pred.dimensions}
        return [
            tuple(
                DimensionResult(
                    name,
                    VALUE_LABELS.get(name, name),
                    float(scores.probability[i]),
                    float(scores.vote_share[i]),
                    next(iter(reasons_by_value[name][r]), None),
                )
                for name, scores in pred.dimensions.items()
            )
            for r, i in enumerate(keep)
        ]
