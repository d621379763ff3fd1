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
from sciwire.fitting import read_json, read_safetensors, retrain_hint, softmax

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
        base.request(N_BASE_LAYERS - model.layers)
        head = build_head(base, model.layers, model.rank, int(meta["n_outputs"]), share_base=True)
        try:
            state = {k: torch.from_numpy(np.array(v)) for k, v in arrays.items()}
            missing, unexpected = head.load_state_dict(state, strict=False)
        except RuntimeError as exc:
            raise ModelLoadError(
                f"Cannot load the model in {path}: {WEIGHTS} does not fit the architecture in {META}; {HINT}"
            ) from exc
        trained = {n for n, p in head.named_parameters() if p.requires_grad and ".base." not in n}
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

    ``temperature_`` is 1 after ``fit``; set it from held-out logits with :func:`sciwire.fitting.fit_temperature`.
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


# ---- the lexical model: TF-IDF + logistic regression ------------------------------------------
TFIDF_WEIGHTS = "tfidf.safetensors"


class TfidfClassifier(ClassifierMixin, BaseEstimator):
    """Word 1-2 gram TF-IDF + class-balanced multinomial logistic regression, C tuned by inner CV.

    ``fit(X, y, groups=None)`` picks ``C`` from ``Cs`` by grouped ``inner_folds``-fold CV
    macro-F1 on the data it is given (``groups`` default: the normalised text), unless ``C``
    is set. It stores the vocabulary, idf and coefficients (``vocabulary_``, ``idf_``,
    ``coef_``, ``intercept_``, ``C_``); ``save`` writes them as safetensors + JSON, no pickle.
    Probabilities are the logistic regression's softmax, temperature-scaled
    (``temperature_`` is 1 after ``fit``; set it from held-out logits).

    Example:
        >>> TfidfClassifier(C=3.0).get_params()["C"]
        3.0
    """

    folder: Path | None = None

    def __init__(
        self,
        C: float | None = None,
        Cs: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0),
        inner_folds: int = 3,
        min_df: int = 2,
        seed: int = 0,
    ) -> None:
        self.C = C
        self.Cs = Cs
        self.inner_folds = inner_folds
        self.min_df = min_df
        self.seed = seed

    def _pipeline(self, C: float) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        return make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True),
            LogisticRegression(C=C, max_iter=3000, class_weight="balanced"),
        )

    def _tune(self, texts: list[str], y: np.ndarray, groups: np.ndarray) -> float:
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedGroupKFold

        splits = list(
            StratifiedGroupKFold(self.inner_folds, shuffle=True, random_state=self.seed).split(texts, y, groups)
        )
        scores = []
        for C in self.Cs:
            pred = np.empty_like(y)
            for train, test in splits:
                model = self._pipeline(C).fit([texts[i] for i in train], y[train])
                pred[test] = model.predict([texts[i] for i in test])
            scores.append(f1_score(y, pred, average="macro"))
        logger.info("TF-IDF C by inner CV: %s", dict(zip(self.Cs, np.round(scores, 3), strict=True)))
        return float(self.Cs[int(np.argmax(scores))])

    def fit(self, X: Sequence[str], y: ArrayLike, groups: ArrayLike | None = None) -> TfidfClassifier:
        from sciwire.datasets.fidelity import normalise

        texts, y_arr = _texts(X), np.asarray(y)
        if len(texts) != len(y_arr) or len(texts) < 2:
            raise InputError(f"fit needs as many labels as sentences (at least 2); got {len(texts)} and {len(y_arr)}")
        if self.C is None:
            g = np.asarray(groups) if groups is not None else np.array([normalise(t) for t in texts])
            self.C_ = self._tune(texts, y_arr, g)
        else:
            self.C_ = float(self.C)
        pipe = self._pipeline(self.C_)
        pipe.fit(texts, y_arr)
        vec, lr = pipe.steps[0][1], pipe.steps[1][1]
        self.vocabulary_ = [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
        self.idf_ = np.asarray(vec.idf_, dtype=np.float64)
        self.classes_ = np.asarray(lr.classes_)
        coef, intercept = np.asarray(lr.coef_, dtype=np.float64), np.asarray(lr.intercept_, dtype=np.float64)
        if len(self.classes_) == 2:  # binary LR has one row: make it two softmax logits
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.r_[-intercept / 2, intercept / 2]
        self.coef_, self.intercept_ = coef, intercept
        self.temperature_ = 1.0
        self._vectorizer = None
        return self

    def _vectorize(self, texts: list[str]) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vec: Any = getattr(self, "_vectorizer", None)
        if vec is None:  # built once from the stored vocabulary and idf
            vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, vocabulary=self.vocabulary_)
            vec.idf_ = self.idf_
            self._vectorizer = vec
        return vec.transform(texts)

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Logits, one column per class of ``classes_``."""
        check_is_fitted(self, "coef_")
        return np.asarray(self._vectorize(_texts(X)) @ self.coef_.T + self.intercept_)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities (rows sum to 1, columns in ``classes_`` order)."""
        return _probs(self.decision_function(X), self.temperature_)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        logits = self.decision_function(X)  # checks fitted first
        return np.asarray(self.classes_[logits.argmax(axis=1)])

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``tfidf.safetensors`` (idf, coef, intercept) and ``model.json`` (vocabulary, classes, C)."""
        from safetensors.numpy import save_file

        check_is_fitted(self, "coef_")
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        arrays = {"idf": self.idf_, "coef": self.coef_, "intercept": self.intercept_}
        save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(out / TFIDF_WEIGHTS))
        meta = {
            "type": type(self).__name__,
            "params": {**self.get_params(), "Cs": list(self.Cs)},
            "C_": self.C_,
            "classes": self.classes_.tolist(),
            "temperature": self.temperature_,
            "weights_sha256": hashlib.sha256((out / TFIDF_WEIGHTS).read_bytes()).hexdigest(),
            "vocabulary": self.vocabulary_,
        }
        (out / META).write_text(json.dumps(meta) + "\n", encoding="utf-8")
        return out

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> TfidfClassifier:
        """Rebuild a saved model.

        Raises:
            ModelLoadError: On a missing, truncated or altered file, or shapes that do not fit (one line).
        """
        path = Path(folder)
        keys = ("type", "params", "C_", "classes", "temperature", "weights_sha256", "vocabulary")
        meta = read_json(path, META, keys=keys, hint=HINT)
        if meta["type"] != cls.__name__:
            raise ModelLoadError(
                f"Cannot load the model in {path}: it holds a {meta['type']}, not a {cls.__name__}; {HINT}"
            )
        arrays = read_safetensors(path, TFIDF_WEIGHTS, keys=("idf", "coef", "intercept"),
                                  sha256=str(meta["weights_sha256"]), hint=HINT)  # fmt: skip
        try:
            params = dict(meta["params"])
            params["Cs"] = tuple(float(c) for c in params["Cs"])
            model = cls(**params)
            model.vocabulary_ = [str(t) for t in meta["vocabulary"]]
            model.classes_ = np.asarray(meta["classes"])
            model.C_, model.temperature_ = float(meta["C_"]), float(meta["temperature"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"Cannot load the model in {path}: {META} lacks or garbles {exc}; {HINT}") from exc
        model.idf_, model.coef_, model.intercept_ = arrays["idf"], arrays["coef"], arrays["intercept"]
        n_terms, n_classes = len(model.vocabulary_), len(model.classes_)
        if (
            model.idf_.shape != (n_terms,)
            or model.coef_.shape != (n_classes, n_terms)
            or model.intercept_.shape != (n_classes,)
        ):
            raise ModelLoadError(
                f"Cannot load the model in {path}: {TFIDF_WEIGHTS} does not fit the {n_terms} terms and "
                f"{n_classes} classes in {META}; {HINT}"
            )
        model._vectorizer = None
        model.folder = path
        return model


# ---- the stack: TF-IDF + tuned encoder -> logistic regression ---------------------------------
def _log_probs(logits: np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    return np.asarray(z - np.log(np.exp(z).sum(axis=1, keepdims=True)))


class StackedClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF + LR and the LoRA-tuned MiniLM, combined by a logistic regression on their log-probabilities.

    ``fit`` fits TF-IDF + LR on everything (C by inner CV), holds out a grouped 20% of the
    data, fits both base models on the other 80% (TF-IDF with that C) and the combiner
    (class-balanced multinomial LR, ``C``) on their scores of the held-out part; then it fits
    the encoder on everything. The same nested hold-out is what the CV measured. The encoder's
    parameters are those of :class:`TunedClassifier`. ``save`` writes ``tfidf/``, ``encoder/``
    and the combiner's weights in ``model.json``.

    Example:
        >>> StackedClassifier(C=0.5).get_params()["C"]
        0.5
    """

    folder: Path | None = None

    def __init__(
        self,
        C: float = 1.0,
        layers: int = 3,
        rank: int = 8,
        epochs: int = 5,
        learning_rate: float = 5e-4,
        batch_size: int = 32,
        seed: int = 0,
    ) -> None:
        self.C = C
        self.layers = layers
        self.rank = rank
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.seed = seed

    def _encoder(self) -> TunedClassifier:
        return TunedClassifier(self.layers, self.rank, self.epochs, self.learning_rate, self.batch_size, self.seed)

    def _features(self, tfidf: TfidfClassifier, encoder: TunedClassifier, texts: list[str]) -> np.ndarray:
        return np.hstack([_log_probs(tfidf.decision_function(texts)), _log_probs(encoder.decision_function(texts))])

    def fit(self, X: Sequence[str], y: ArrayLike, groups: ArrayLike | None = None) -> StackedClassifier:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedGroupKFold

        from sciwire.datasets.fidelity import normalise

        texts, y_arr = _texts(X), np.asarray(y)
        g = np.asarray(groups) if groups is not None else np.array([normalise(t) for t in texts])
        self.tfidf_ = TfidfClassifier(seed=self.seed).fit(texts, y_arr, groups=g)  # C by inner CV on everything
        fit_idx, held = next(StratifiedGroupKFold(5, shuffle=True, random_state=self.seed).split(texts, y_arr, g))
        pick = lambda idx: [texts[i] for i in idx]  # noqa: E731
        tfidf = TfidfClassifier(C=self.tfidf_.C_, seed=self.seed).fit(pick(fit_idx), y_arr[fit_idx])
        encoder = self._encoder().fit(pick(fit_idx), y_arr[fit_idx])
        if set(y_arr[held]) != set(y_arr):
            raise InputError(
                f"the held-out 20% for the combiner has classes {sorted(set(y_arr[held].tolist()))} of "
                f"{sorted(set(y_arr.tolist()))}; give more sentences (or groups) per class"
            )
        meta = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced")
        meta.fit(self._features(tfidf, encoder, pick(held)), y_arr[held])
        self.encoder_ = self._encoder().fit(texts, y_arr)
        self.classes_ = np.asarray(meta.classes_)
        self.coef_, self.intercept_ = np.asarray(meta.coef_, float), np.asarray(meta.intercept_, float)
        self.temperature_ = 1.0
        return self

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """The combiner's logits, one column per class of ``classes_``."""
        check_is_fitted(self, "coef_")
        return np.asarray(self._features(self.tfidf_, self.encoder_, _texts(X)) @ self.coef_.T + self.intercept_)

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated class probabilities (rows sum to 1, columns in ``classes_`` order)."""
        return _probs(self.decision_function(X), self.temperature_)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        logits = self.decision_function(X)  # checks fitted first
        return np.asarray(self.classes_[logits.argmax(axis=1)])

    def save(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``tfidf/``, ``encoder/`` and ``model.json`` (the combiner's weights, classes, temperature)."""
        check_is_fitted(self, "coef_")
        out = Path(folder)
        self.tfidf_.save(out / "tfidf")
        self.encoder_.save(out / "encoder")
        meta = {"type": type(self).__name__, "params": self.get_params(), "classes": self.classes_.tolist(),
                "coef": self.coef_.tolist(), "intercept": self.intercept_.tolist(),
                "temperature": self.temperature_}  # fmt: skip
        (out / META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        return out

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> StackedClassifier:
        """Rebuild a saved stack (its base models from ``tfidf/`` and ``encoder/``).

        Raises:
            ModelLoadError: On a missing or damaged file in the folder or its subfolders (one line).
        """
        path = Path(folder)
        meta = read_json(path, META, keys=("type", "params", "classes", "coef", "intercept", "temperature"), hint=HINT)
        if meta["type"] != cls.__name__:
            raise ModelLoadError(
                f"Cannot load the model in {path}: it holds a {meta['type']}, not a {cls.__name__}; {HINT}"
            )
        try:
            model = cls(**meta["params"])
            model.classes_ = np.asarray(meta["classes"])
            model.coef_ = np.asarray(meta["coef"], dtype=float)
            model.intercept_ = np.asarray(meta["intercept"], dtype=float)
            if model.coef_.shape != (len(model.classes_), 8) or model.intercept_.shape != (len(model.classes_),):
                raise ValueError(f"combiner weights of shape {model.coef_.shape}")
            model.temperature_ = float(meta["temperature"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"Cannot load the model in {path}: {META} lacks or garbles {exc}; {HINT}") from exc
        model.tfidf_ = TfidfClassifier.load(path / "tfidf")
        model.encoder_ = TunedClassifier.load(path / "encoder")
        model.folder = path
        return model
