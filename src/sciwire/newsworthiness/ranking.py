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
from sciwire.newsworthiness.features import Featurizer
from sciwire.newsworthiness.model import TrainedModel
from sciwire.newsworthiness.papers import Paper, read_papers
from sciwire.newsworthiness.prediction import NewsworthinessModel, explain_rows

logger = logging.getLogger(__name__)
__all__ = ["RankedPaper", "Ranker", "Ranking", "load_model", "read_papers"]


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
    """

    rank: int
    paper: Paper
    score: float
    probability: float | None
    vote_share: float | None
    reasons: tuple[Reason, ...]

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
        }


@dataclass(frozen=True)
class Ranking:
    """Ranked papers and what ranked them."""

    papers: tuple[RankedPaper, ...]
    model_name: str
    trained_on_judgements: bool
    total: int

    @property
    def note(self) -> str:
        """What the numbers mean, for tables and pages."""
        if self.trained_on_judgements:
            return (
                "probability = calibrated chance that raters would call the paper newsworthy; "
                "vote share = raw share of trees voting so (not a probability)."
            )
        return (
            "The default model is NOT trained on journalists' judgements: its score ranks papers by "
            "news-value signals with documented weights and is not a probability."
        )


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
        why = explain_rows(model, features.subset(keep), self.config.newsworthiness.top_reasons)
        rows = tuple(
            RankedPaper(
                rank=r + 1,
                paper=papers[i],
                score=float(pred.score[i]),
                probability=None if pred.probability is None else float(pred.probability[i]),
                vote_share=None if pred.vote_share is None else float(pred.vote_share[i]),
                reasons=tuple(why[r]),
            )
            for r, i in enumerate(keep)
        )
        return Ranking(rows, model.name, model.trained_on_judgements, len(papers))
