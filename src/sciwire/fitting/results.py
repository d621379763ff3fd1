"""What every ``train_*`` function returns: the model folder and what was measured."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TrainResult:
    """The outcome of training one model (or one bundle of models).

    Attributes:
        folder: The model folder that was written (weights, ``MODEL_CARD.md``, ``receipt.json``).
        metrics: What training measured (also in the receipt), JSON-compatible.
        cv: The out-of-fold results of a cross-validation, when the trainer keeps them for
            further analysis (e.g. fidelity's claim-strength logits); else None.

    Example:
        >>> TrainResult(Path("model"), {"f1": 0.5}).metrics["f1"]
        0.5
    """

    folder: Path
    metrics: dict[str, Any] = field(default_factory=dict)
    cv: Any = None
