"""A learned model: a fitted method plus its temperature, saved as a model folder.

The folder holds ``weights.json`` (format, method name, task, classes, the method's parameters
and learned state, the temperature), any files the method adds (SetFit's tuned body as a
sentence-transformers folder), ``receipt.json`` and ``MODEL_CARD.md``. Nothing is pickled.

Example:
    >>> from sciwire.learn.heads import TfidfLogistic
    >>> clf = TfidfLogistic().fit(["ice melts", "flu shot"], ["climate", "health"])
    >>> LearnedModel("tfidf", clf, temperature=2.0).predict(["sea ice"]).tolist()
    ['climate']
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.errors import ModelLoadError
from sciwire.fitting import ModelCard, Receipt, softmax
from sciwire.fitting.folders import WEIGHTS, read_json
from sciwire.learn.base import TextClassifier

FORMAT = "sciwire-learn/1"
HINT = "retrain with `sciwire learn train TASK --method NAME`"


def calibrated(proba: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log(proba) / temperature)``: temperature scaling of probabilities."""
    p = np.asarray(proba, dtype=np.float64)
    if temperature == 1.0 or not len(p):
        return p
    return softmax(np.log(np.clip(p, 1e-12, 1.0)), temperature)


class LearnedModel:
    """A fitted method of a task and the temperature that calibrates it.

    Args:
        method: The method's name in :data:`~sciwire.learn.methods.METHODS`.
        classifier: The fitted method.
        temperature: Divides the log-probabilities (fitted on held-out predictions; 1 = none).
        task: The task it was trained for.
    """

    folder: Path | None = None

    def __init__(self, method: str, classifier: TextClassifier, temperature: float = 1.0, task: str = "") -> None:
        self.method = method
        self.classifier = classifier
        self.temperature = temperature
        self.task = task

    @property
    def classes_(self) -> np.ndarray:
        return self.classifier.classes_

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` order."""
        return calibrated(self.classifier.predict_proba(texts), self.temperature)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The most probable label of each text."""
        p = self.predict_proba(texts)
        return np.asarray(self.classes_[p.argmax(axis=1)]) if len(p) else np.array([], dtype=object)

    def save(self, folder: str | os.PathLike[str], *, receipt: Receipt, card: ModelCard) -> Path:
        """Write the model folder (``weights.json``, the method's files, receipt and card)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        state = self.classifier.state_for(out)
        data = {"format": FORMAT, "method": self.method, "task": self.task, "temperature": self.temperature, **state}
        (out / WEIGHTS).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        receipt.write(out)
        card.write(out)
        self.folder = out
        return out

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> LearnedModel:
        """The model a folder written by :meth:`save` holds.

        Raises:
            ModelLoadError: On a missing folder or file, another format, or an unknown method.
        """
        from sciwire.learn.methods import METHODS

        data = read_json(folder, WEIGHTS, keys=("format", "method", "classes", "state"), hint=HINT)
        if data["format"] != FORMAT:
            raise ModelLoadError(
                f"Cannot load the model in {folder}: {WEIGHTS} has format {data['format']!r}, "
                f"expected {FORMAT!r}; {HINT}"
            )
        kind = METHODS.get(str(data["method"]))
        if kind is None:
            raise ModelLoadError(
                f"Cannot load the model in {folder}: unknown method {data['method']!r} "
                f"(known: {', '.join(sorted(METHODS))}); {HINT}"
            )
        temperature = float(data.get("temperature", 1.0))
        if not (math.isfinite(temperature) and temperature > 0):
            raise ModelLoadError(
                f"Cannot load the model in {folder}: temperature {temperature} is not positive; {HINT}"
            )
        try:
            clf = kind.from_state(data, folder)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(
                f"Cannot load the model in {folder}: {WEIGHTS} is malformed ({exc!r}); {HINT}"
            ) from exc
        model = cls(str(data["method"]), clf, temperature, str(data.get("task", "")))
        model.folder = Path(folder)
        return model

    def describe(self) -> dict[str, Any]:
        """Method, task, classes and temperature (for ``--json`` output)."""
        return {
            "method": self.method,
            "task": self.task,
            "classes": [str(c) for c in self.classes_],
            "temperature": self.temperature,
            "folder": str(self.folder) if self.folder else None,
        }
