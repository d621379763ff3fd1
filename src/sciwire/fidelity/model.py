"""Scikit-learn estimators over the tuned encoder: classifier, regressor, multi-label classifier.

``X`` is a sequence of sentences. ``fit`` trains adapters and head (see
:mod:`sciwire.fidelity.encoder`) and returns ``self``; learned state ends in ``_``; calling
``predict`` first raises ``NotFittedError``. ``clone`` and ``cross_val_predict`` work, as
every parameter is a plain number. Models save to a folder (``weights.safetensors`` +
``model.json``, no pickle) and load back, checking the base encoder and the weights' hash.

Example:
    >>> clf = TunedClassifier(epochs=1)
    >>> clf.get_params()["layers"]
    3
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from sciwire.errors import InputError, ModelLoadError
from sciwire.fidelity.encoder import (
    N_BASE_LAYERS,
    EncoderSettings,
    build_head,
    forward_all,
    frozen_base,
    trainable_state,
)
from sciwire.fidelity.encoder import train_encoder as _train
from sciwire.learn import read_json, read_safetensors, retrain_hint, softmax

logger = logging.getLogger(__name__)
WEIGHTS = "weights.safetensors"
META = "model.json"
HINT = retrain_hint("sciwire train fidelity --out DIR", "fidelity.model_dir")


def _probs(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature-scaled softmax of head outputs, in float64."""
    return softmax(np.asarray(logits, dtype=np.float64), temperature)


def _texts(X: Any) -> list[str]:
    texts = [X] if isinstance(X, str) else list(X)
    if not all(isinstance(t, str) for t in texts):
        raise InputError("X must be a sequence of sentences (str)")
    return texts


class _Tuned(BaseEstimator):
    """Shared parameters, state computation and persistence."""

    #: The model folder the model was loaded from (None when fitted in memory).
    folder: Path | None = None

    def __init__(
        self,
        layers: int = 3,
        rank: int = 8,
        epochs: int = 5,
        learning_rate: float = 5e-4,
        batch_size: int = 32,
        seed: int = 0,
    ) -> None:
        self.layers = layers
        self.rank = rank
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.seed = seed

    def _settings(self) -> EncoderSettings:
        return EncoderSettings(self.layers, self.rank, self.epochs, self.learning_rate, self.batch_size, seed=self.seed)

    def _states(self, texts: Sequence[str]) -> list[Any]:
        return frozen_base().hidden_states(texts, N_BASE_LAYERS - self.layers)

    def _train(self, texts: list[str], n_outputs: int, loss_fn: Any) -> None:
        settings = self._settings()
        if len(texts) < 2:
            raise InputError(f"fit needs at least 2 sentences, got {len(texts)}")
        self.head_ = _train(self._states(texts), loss_fn, n_outputs, frozen_base(), settings)
        self.n_outputs_ = n_outputs

    def outputs(self, X: Sequence[str]) -> np.ndarray:
        """Raw head outputs (logits, or standardised values for the regressor), one row per sentence."""
        check_is_fitted(self, "head_")
        return forward_all(self.head_, self._states(_texts(X)))

    # ---- persistence --------------------------------------------------------------------
    def _extra(self) -> dict[str, Any]:
        return {}

    def _restore(self, extra: dict[str, Any]) -> None:
        pass

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``weights.safetensors`` and ``model.json`` (parameters, labels, base and hashes)."""
        from safetensors.torch import save_file

        check_is_fitted(self, "head_")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        save_file(trainable_state(self.head_), str(out / WEIGHTS))
        meta = {
            "type": type(self).__name__,
            "params": self.get_params(),
            "n_outputs": self.n_outputs_,
            "base": frozen_base().key,
            "base_fingerprint": frozen_base().fingerprint(),
            "weights_sha256": hashlib.sha256((out / WEIGHTS).read_bytes()).hexdigest(),
            **self._extra(),
        }
        (out / META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        return out

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> Any:
        """Rebuild a saved model (its ``folder`` attribute is ``folder``).

        Raises:
            ModelLoadError: On a missing or truncated file, a hash or architecture mismatch (one line
                naming the folder, the file and what to do).
        """
        import torch

        path = Path(folder)
        meta = read_json(path, META, keys=("type", "params", "n_outputs", "weights_sha256"), hint=HINT)
        if meta.get("type") != cls.__name__:
            raise ModelLoadError(
                f"Cannot load the model in {path}: it holds a {meta.get('type')}, not a {cls.__name__}; {HINT}"
            )
        arrays = read_safetensors(path, WEIGHTS, sha256=str(meta["weights_sha256"]), hint=HINT)
        base = frozen_base()
        if meta.get("base_fingerprint") != base.fingerprint():
            logger.warning("%s was trained on another version of the base encoder; predictions may be off", path)
        model = cls(**meta["params"])
        head = build_head(base, model.layers, model.rank, int(meta["n_outputs"]))
        try:
            state = {k: torch.from_numpy(np.array(v)) for k, v in arrays.items()}
            missing, unexpected = head.load_state_dict(state, strict=False)
        except RuntimeError as exc:
            raise ModelLoadError(
                f"Cannot load the model in {path}: {WEIGHTS} does not fit the architecture in {META}; {HINT}"
            ) from exc
        trained = {n for n, p in head.named_parameters() if p.requires_grad}
        if unexpected or trained & set(missing):
            raise ModelLoadError(
                f"Cannot load the model in {path}: {WEIGHTS} does not fit the architecture in {META}; {HINT}"
            )
        head.eval()
        model.head_, model.n_outputs_ = head, int(meta["n_outputs"])
        model.folder = path
        try:
            model._restore(meta)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelLoadError(f"Cannot load the model in {path}: {META} lacks or garbles {exc}; {HINT}") from exc
        return model


class TunedClassifier(ClassifierMixin, _Tuned):
    """Sentence classifier: class-weighted cross-entropy; probabilities temperature-scaled.

    ``temperature_`` is 1 after ``fit``; set it from held-out logits with :func:`sciwire.learn.fit_temperature`.
    """

    def fit(self, X: Sequence[str], y: ArrayLike) -> TunedClassifier:
        import torch

        texts, y_arr = _texts(X), np.asarray(y)
        self.classes_, codes = np.unique(y_arr, return_inverse=True)
        counts = np.bincount(codes, minlength=len(self.classes_))
        weight = torch.tensor(len(codes) / (len(counts) * np.maximum(counts, 1)), dtype=torch.float32)
        target = torch.tensor(codes)
        self._train(
            texts,
            len(self.classes_),
            lambda out, rows: torch.nn.functional.cross_entropy(out, target[rows], weight=weight),
        )
        self.temperature_ = 1.0
        return self

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Logits, one column per class of ``classes_``."""
        return self.outputs(X)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities (rows sum to 1, columns in ``classes_`` order)."""
        return _probs(self.outputs(X), self.temperature_)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        logits = self.outputs(X)
        return np.asarray(self.classes_[logits.argmax(axis=1)])

    def _extra(self) -> dict[str, Any]:
        return {"classes": self.classes_.tolist(), "temperature": self.temperature_}

    def _restore(self, extra: dict[str, Any]) -> None:
        self.classes_ = np.asarray(extra["classes"])
        self.temperature_ = float(extra["temperature"])


class TunedRegressor(RegressorMixin, _Tuned):
    """Sentence regressor (mean squared error on standardised targets), clipped to the training range."""

    def fit(self, X: Sequence[str], y: ArrayLike) -> TunedRegressor:
        import torch

        texts, y_arr = _texts(X), np.asarray(y, dtype=np.float64)
        self.mean_, self.scale_ = float(y_arr.mean()), float(y_arr.std() or 1.0)
        self.range_ = (float(y_arr.min()), float(y_arr.max()))
        target = torch.tensor((y_arr - self.mean_) / self.scale_, dtype=torch.float32)
        self._train(texts, 1, lambda out, rows: torch.nn.functional.mse_loss(out[:, 0], target[rows]))
        return self

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return np.clip(self.outputs(X)[:, 0] * self.scale_ + self.mean_, *self.range_)

    def _extra(self) -> dict[str, Any]:
        return {"mean": self.mean_, "scale": self.scale_, "range": list(self.range_)}

    def _restore(self, extra: dict[str, Any]) -> None:
        self.mean_, self.scale_ = float(extra["mean"]), float(extra["scale"])
        self.range_ = (float(extra["range"][0]), float(extra["range"][1]))


class TunedMultiClassifier(_Tuned):
    """Several categorical targets (columns of ``Y``) sharing one encoder: one softmax per column."""

    def fit(self, X: Sequence[str], Y: ArrayLike) -> TunedMultiClassifier:
        import torch

        texts, Y_arr = _texts(X), np.asarray(Y)
        if Y_arr.ndim != 2 or len(Y_arr) != len(texts):
            raise InputError(f"Y must have shape (n_sentences, n_targets); got {Y_arr.shape} for {len(texts)}")
        self.classes_ = [np.unique(Y_arr[:, j]) for j in range(Y_arr.shape[1])]
        codes = [torch.tensor(np.searchsorted(c, Y_arr[:, j])) for j, c in enumerate(self.classes_)]
        weights = []
        for j, c in enumerate(self.classes_):
            counts = np.bincount(codes[j].numpy(), minlength=len(c))
            weights.append(torch.tensor(len(texts) / (len(c) * np.maximum(counts, 1)), dtype=torch.float32))
        cuts = np.cumsum([0] + [len(c) for c in self.classes_])

        def loss(out: Any, rows: np.ndarray) -> Any:
            parts = [
                torch.nn.functional.cross_entropy(out[:, cuts[j] : cuts[j + 1]], codes[j][rows], weight=weights[j])
                for j in range(len(self.classes_))
            ]
            return torch.stack(parts).mean()

        self._train(texts, int(cuts[-1]), loss)
        self.temperatures_ = [1.0] * len(self.classes_)
        return self

    def _split(self, out: np.ndarray) -> list[np.ndarray]:
        cuts = np.cumsum([0] + [len(c) for c in self.classes_])
        return [out[:, cuts[j] : cuts[j + 1]] for j in range(len(self.classes_))]

    def decision_function(self, X: Sequence[str]) -> list[np.ndarray]:
        """Logits per target column."""
        return self._split(self.outputs(X))

    def predict_proba(self, X: Sequence[str]) -> list[np.ndarray]:
        """Calibrated probabilities per target column."""
        return [_probs(z, t) for z, t in zip(self.decision_function(X), self.temperatures_, strict=True)]

    def predict(self, X: Sequence[str]) -> np.ndarray:
        logits = self.decision_function(X)  # checks fitted first
        return np.stack([c[z.argmax(axis=1)] for c, z in zip(self.classes_, logits, strict=True)], axis=1)

    def _extra(self) -> dict[str, Any]:
        return {"classes": [c.tolist() for c in self.classes_], "temperatures": self.temperatures_}

    def _restore(self, extra: dict[str, Any]) -> None:
        self.classes_ = [np.asarray(c) for c in extra["classes"]]
        self.temperatures_ = [float(t) for t in extra["temperatures"]]
