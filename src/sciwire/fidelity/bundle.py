"""The fidelity models as one bundle: claim strength, certainty, certainty aspects, conclusions.

Shipped under ``sciwire/models/`` (each folder has its MODEL_CARD.md and receipt.json):

- ``fidelity_strength/`` — claim strength 0-3 (:class:`TfidfClassifier`, :class:`TunedClassifier`
  or :class:`StackedClassifier`, whichever won the grouped CV, see its model card; **GPL-3.0**,
  fitted on the claim-strength data);
- ``fidelity_conclusion/`` — does a paper sentence state a conclusion (:class:`TunedClassifier`;
  **GPL-3.0**, fitted on the exaggeration data set's conclusion-detection sentences);
- ``fidelity_certainty/sentence`` and ``fidelity_certainty/aspects`` — certainty 1-6 and six
  aspects (MIT, fitted on Pei & Jurgens 2021).

``fidelity.model_dir`` points to another folder with the same layout (``sciwire train
fidelity --out DIR``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from sciwire.datasets.fidelity import ASPECTS
from sciwire.errors import ModelLoadError
from sciwire.fidelity.model import (
    StackedClassifier,
    TfidfClassifier,
    TunedClassifier,
    TunedMultiClassifier,
    TunedRegressor,
)

logger = logging.getLogger(__name__)
STRENGTH_DIR = "fidelity_strength"
CONCLUSION_DIR = "fidelity_conclusion"
CERTAINTY_DIR = "fidelity_certainty"
#: What the claim-strength folder may hold (``type`` in its ``model.json``).
StrengthModel = TfidfClassifier | TunedClassifier | StackedClassifier
STRENGTH_TYPES: dict[str, type[TfidfClassifier] | type[TunedClassifier] | type[StackedClassifier]] = {
    "TfidfClassifier": TfidfClassifier,
    "TunedClassifier": TunedClassifier,
    "StackedClassifier": StackedClassifier,
}


def load_strength(folder: str | os.PathLike[str]) -> StrengthModel:
    """The claim-strength model in ``folder``, of the type its ``model.json`` names.

    Raises:
        ModelLoadError: When the folder is missing or damaged, or names an unknown type (one line).
    """
    from sciwire.fitting import read_json

    hint = "retrain it with `sciwire train fidelity --out DIR` and set fidelity.model_dir=DIR"
    kind = read_json(folder, "model.json", keys=("type",), hint=hint)["type"]
    if kind not in STRENGTH_TYPES:
        raise ModelLoadError(
            f"Cannot load the model in {folder}: model.json names type {kind!r}, expected one of "
            f"{', '.join(STRENGTH_TYPES)}; {hint}"
        )
    return STRENGTH_TYPES[kind].load(folder)


def bundled_model_dir() -> Path:
    """The folder of the models that ship with sciwire."""
    return Path(str(resources.files("sciwire"))) / "models"


@dataclass
class FidelityModels:
    """Loaded fidelity models; only ``strength`` is required."""

    strength: StrengthModel
    conclusion: TunedClassifier | None = None
    certainty: TunedRegressor | None = None
    aspects: TunedMultiClassifier | None = None

    @classmethod
    def load(cls, folder: str | os.PathLike[str] | None = None) -> FidelityModels:
        """Load from ``folder`` (default: the bundled models).

        Raises:
            ModelLoadError: When the claim-strength model is missing or damaged.
        """
        root = Path(folder) if folder else bundled_model_dir()
        if not (root / STRENGTH_DIR / "model.json").is_file():
            raise ModelLoadError(
                f"No claim-strength model in {root / STRENGTH_DIR}; train one with "
                "`sciwire train fidelity --out DIR` and set fidelity.model_dir=DIR"
            )

        def optional(sub: str, kind: type) -> object | None:
            path = root / sub
            if not (path / "model.json").is_file():
                logger.warning("No fidelity model in %s; that part of the fidelity check is skipped", path)
                return None
            return kind.load(path)  # type: ignore[attr-defined]

        return cls(
            strength=load_strength(root / STRENGTH_DIR),
            conclusion=optional(CONCLUSION_DIR, TunedClassifier),  # type: ignore[arg-type]
            certainty=optional(f"{CERTAINTY_DIR}/sentence", TunedRegressor),  # type: ignore[arg-type]
            aspects=optional(f"{CERTAINTY_DIR}/aspects", TunedMultiClassifier),  # type: ignore[arg-type]
        )

    def strength_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Claim-strength probabilities, shape (n, 4), columns 0-3."""
        probs = self.strength.predict_proba(list(texts))
        out = np.zeros((len(texts), 4))
        out[:, [int(c) for c in self.strength.classes_]] = probs
        return out

    def certainty_scores(self, texts: Sequence[str]) -> np.ndarray | None:
        """Sentence-level certainty (1-6) per text, or None without the model."""
        return None if self.certainty is None else self.certainty.predict(list(texts))

    def aspect_labels(self, texts: Sequence[str]) -> list[dict[str, str]] | None:
        """Per text: aspect -> Certain / Uncertain / NotPresent, or None without the model."""
        if self.aspects is None:
            return None
        return [dict(zip(ASPECTS, map(str, row), strict=True)) for row in self.aspects.predict(list(texts))]

    def conclusion_proba(self, texts: Sequence[str]) -> np.ndarray | None:
        """P(the sentence states a conclusion) per text, or None without the model."""
        if self.conclusion is None:
            return None
        probs = self.conclusion.predict_proba(list(texts))
        return np.asarray(probs[:, list(self.conclusion.classes_).index(1)])
