"""The fitted numbers of answer selection, kept in a model folder (``qa.model``).

- ``bm25_weight``: the linear fusion's weight of the normalised BM25 score
  (``score = cosine + bm25_weight × BM25 / best BM25 of the query``), chosen on half of PubMedQA;
- ``confidence``: a :class:`~sciwire.learn.LogisticScorer` over :data:`CONFIDENCE_FEATURES`
  (the answer's cosine, and 1 when both engines found it), fitted on the same half.

The folder holds ``weights.json`` (both), ``MODEL_CARD.md`` and ``receipt.json``; the shipped
one is ``sciwire/models/qa_default``; ``sciwire train answers`` (:func:`sciwire.qa.train.train_answer_model`) refits it.

Example:
    >>> model = load_answer_model("default")
    >>> model.folder.name, model.bm25_weight
    ('qa_default', 0.3)
    >>> 0 < model.confidence_of(0.8, found_by_both=True) < 1
    True
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciwire.errors import ModelLoadError
from sciwire.learn import LogisticScorer, ModelCard, Receipt, read_json, resolve_model_folder, retrain_hint
from sciwire.learn.folders import WEIGHTS, write_model_folder

CONFIDENCE_FEATURES: tuple[str, ...] = ("cosine", "found_by_both")
DEFAULT_FOLDER = "qa_default"
FORMAT = "sciwire-qa-answer/1"
HINT = retrain_hint("sciwire train answers --data DIR --out FOLDER", "qa.model")


@dataclass(frozen=True)
class AnswerModel:
    """The BM25 fusion weight and the answer-confidence scorer.

    Attributes:
        bm25_weight: Weight of the normalised BM25 score in the linear fusion (>= 0).
        confidence: P(the answer sentence's paper answers the question) from its evidence.
        folder: The model folder it was loaded from (None when built in memory).
    """

    bm25_weight: float
    confidence: LogisticScorer
    folder: Path | None = None

    def confidence_of(self, cosine: float, found_by_both: bool) -> float:
        """The confidence of one answer: its cosine to the question, and whether BM25 and dense both found it."""
        x = self.confidence.features_of([{"cosine": cosine, "found_by_both": float(found_by_both)}])
        return float(self.confidence.probability(x)[0])

    def to_dict(self) -> dict[str, Any]:
        """What ``weights.json`` holds."""
        return {"format": FORMAT, "bm25_weight": self.bm25_weight, "confidence": self.confidence.to_dict()}

    def save(self, folder: str | os.PathLike[str], *, receipt: Receipt, card: ModelCard) -> Path:
        """Write the model folder: ``weights.json``, ``receipt.json`` and ``MODEL_CARD.md``."""
        return write_model_folder(folder, self.to_dict(), receipt, card)

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> AnswerModel:
        """Read a folder written by :meth:`save`.

        Raises:
            ModelLoadError: When the folder or ``weights.json`` is missing or malformed.
        """
        data = read_json(folder, WEIGHTS, keys=("format", "bm25_weight", "confidence"), hint=HINT)
        weight = data["bm25_weight"]
        try:
            if data["format"] != FORMAT:
                raise ModelLoadError(f"{WEIGHTS} has format {data['format']!r}, expected {FORMAT!r}")
            if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
                raise ModelLoadError(f"{WEIGHTS} needs a number >= 0 as bm25_weight, got {weight!r}")
            if not isinstance(data["confidence"], dict):
                raise ModelLoadError(f"{WEIGHTS} needs the confidence scorer as an object")
            confidence = LogisticScorer.from_dict(data["confidence"], where=f"the confidence in {WEIGHTS}")
            if tuple(confidence.feature_names_in_) != CONFIDENCE_FEATURES:
                raise ModelLoadError(
                    f"the confidence in {WEIGHTS} weighs {list(confidence.feature_names_in_)}, expected "
                    f"{list(CONFIDENCE_FEATURES)}"
                )
        except ModelLoadError as exc:
            raise ModelLoadError(f"Cannot load the model in {folder}: {exc}; {HINT}") from exc
        confidence.folder = Path(folder)
        return cls(float(weight), confidence, Path(folder))


def load_answer_model(spec: str | os.PathLike[str] = "default") -> AnswerModel:
    """The answer model in the folder ``spec`` names (``"default"``: the shipped one), loaded once per version.

    Raises:
        ModelLoadError: On a missing folder or a missing or corrupt ``weights.json``.
    """
    folder = resolve_model_folder(spec, DEFAULT_FOLDER, hint=HINT).resolve()
    weights = folder / WEIGHTS
    return _load(str(folder), weights.stat().st_mtime_ns if weights.is_file() else 0)


@functools.lru_cache(maxsize=8)
def _load(folder: str, stamp: int) -> AnswerModel:
    return AnswerModel.load(folder)
