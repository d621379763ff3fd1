"""The two term typers and their model folders.

- :class:`ZeroShotTyper` (the shipped default, ``sciwire/models/terms_default``): the MiniLM
  vector of a term, mixed with a little of its sentence, against the vectors of short type
  descriptions written by hand; the most similar type wins, and a term whose best cosine is
  below a hand-set threshold is ``other``. Nothing in it is fitted on data.
- :class:`SpanTyper`: a logistic regression on ``[vector of the span, vector of its sentence]``
  (scikit-learn's estimator contract), trained by ``sciwire train entities --method typer`` on SciERC-shaped
  data. Its classes may include ``"none"`` (a candidate that is not a term), so the same typer
  also filters the noun-phrase candidates. It does not ship: SciERC is research-use only.

Example:
    >>> typer = load_zero_shot("default")
    >>> sorted(typer.descriptions)
    ['material', 'measure', 'method', 'task']
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from sciwire.analysis import Encoder
from sciwire.errors import ModelLoadError
from sciwire.fitting.folders import WEIGHTS, read_json, require_keys, resolve_model_folder

#: The types of the term layer; ``other`` is what no description fits well enough.
TERM_TYPES: tuple[str, ...] = ("method", "task", "material", "measure", "other")
#: A candidate the trained typer rejects.
NONE = "none"
DEFAULT_FOLDER = "terms_default"
ZERO_SHOT_FORMAT = "sciwire-terms-zero-shot/1"
SPAN_TYPER_FORMAT = "sciwire-terms-span-typer/1"
ZERO_SHOT_HINT = (
    "rewrite it with `sciwire train terms --out FOLDER` (the shipped one: src/sciwire/models/terms_default)"
)
SPAN_TYPER_HINT = "retrain it with `sciwire train entities --method typer --data DIR --out FOLDER`"


def span_vectors(embedder: Encoder, spans: Sequence[str], contexts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's vectors of the span texts and of their sentences (repeated sentences encoded once)."""
    unique = list(dict.fromkeys(contexts))
    index = {c: i for i, c in enumerate(unique)}
    context_vectors = embedder.encode(unique)
    rows = [index[c] for c in contexts]
    return embedder.encode(list(spans)), context_vectors[rows] if rows else context_vectors[:0]


def _as_list(examples: str | Sequence[str]) -> list[str]:
    return [examples] if isinstance(examples, str) else list(examples)


class ZeroShotTyper:
    """Types terms by cosine to hand-written type descriptions; nothing is fitted.

    Args:
        descriptions: ``{type: description or example phrases}`` for types of :data:`TERM_TYPES`
            except ``other``; a type's vector is the mean of its phrases' vectors.
        threshold: Below this best cosine a term is ``other``.
        context_weight: How much of the sentence vector is mixed into the term's vector.
        folder: Where it was loaded from (for receipts).

    Example:
        >>> typer = ZeroShotTyper({"method": "a method", "other": "a thing"}, threshold=0.2)
        >>> typer.threshold
        0.2
    """

    def __init__(
        self,
        descriptions: dict[str, str | list[str]],
        threshold: float,
        context_weight: float = 0.3,
        folder: Path | None = None,
    ) -> None:
        self.descriptions = dict(descriptions)
        self.threshold = threshold
        self.context_weight = context_weight
        self.folder = folder
        self._vectors: dict[str, np.ndarray] = {}

    def _description_vectors(self, embedder: Encoder) -> np.ndarray:
        """One unit vector per type: the mean of the vectors of its example phrases."""
        key = embedder.model_key
        if key not in self._vectors:
            rows = []
            for examples in self.descriptions.values():
                mean = embedder.encode(_as_list(examples)).mean(axis=0)
                rows.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
            self._vectors[key] = np.vstack(rows)
        return self._vectors[key]

    def scores(self, span_vecs: np.ndarray, context_vecs: np.ndarray, embedder: Encoder) -> np.ndarray:
        """Cosine of every term (mixed with its sentence) to every description, in ``descriptions`` order."""
        mixed = span_vecs + self.context_weight * context_vecs
        mixed = mixed / np.maximum(np.linalg.norm(mixed, axis=1, keepdims=True), 1e-12)
        return mixed @ self._description_vectors(embedder).T

    def predict(
        self, embedder: Encoder, spans: Sequence[str], contexts: Sequence[str], types: Sequence[str] | None = None
    ) -> tuple[list[str], np.ndarray]:
        """The type of every span in its sentence and the best cosine.

        Args:
            embedder: The sentence encoder.
            spans: The term texts.
            contexts: The sentence of each term.
            types: Choose among these types only, with no ``other`` (for data sets that annotate
                fewer types); default: every type, ``other`` below the threshold.
        """
        if not spans:
            return [], np.zeros(0, dtype=np.float32)
        span_vecs, context_vecs = span_vectors(embedder, spans, contexts)
        sims = self.scores(span_vecs, context_vecs, embedder)
        names = list(self.descriptions)
        columns = [names.index(t) for t in types] if types else list(range(len(names)))
        best = np.asarray(columns)[sims[:, columns].argmax(axis=1)]
        top = sims[np.arange(len(best)), best]
        threshold = -np.inf if types else self.threshold
        labels = [names[b] if t >= threshold else "other" for b, t in zip(best, top, strict=True)]
        return labels, top

    def to_weights(self) -> dict[str, Any]:
        """What ``weights.json`` holds."""
        return {
            "format": ZERO_SHOT_FORMAT,
            "descriptions": self.descriptions,
            "threshold": self.threshold,
            "context_weight": self.context_weight,
        }


def load_zero_shot(spec: str | os.PathLike[str] = "default") -> ZeroShotTyper:
    """The zero-shot typer of the folder ``spec`` names (``"default"``: the shipped one).

    Raises:
        ModelLoadError: One line naming the folder, the bad file and how to rewrite it.
    """
    folder = resolve_model_folder(spec, DEFAULT_FOLDER, hint=ZERO_SHOT_HINT)
    data = read_json(folder, WEIGHTS, keys=("format", "descriptions", "threshold"), hint=ZERO_SHOT_HINT)
    descriptions = data["descriptions"]
    if data["format"] != ZERO_SHOT_FORMAT or not isinstance(descriptions, dict):
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {WEIGHTS} is not a {ZERO_SHOT_FORMAT} file; {ZERO_SHOT_HINT}"
        )
    unknown = sorted(set(descriptions) - set(TERM_TYPES))
    if (
        unknown
        or not descriptions
        or not all(
            _as_list(v) and all(isinstance(x, str) and x.strip() for x in _as_list(v)) for v in descriptions.values()
        )
    ):
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {WEIGHTS} has types {unknown or 'with empty descriptions'}, expected "
            f"non-empty descriptions of {', '.join(TERM_TYPES)}; {ZERO_SHOT_HINT}"
        )
    try:
        threshold = float(data["threshold"])
        context_weight = float(data.get("context_weight", 0.3))
    except (TypeError, ValueError) as exc:
        raise ModelLoadError(
            f"Cannot load the model in {folder}: {WEIGHTS} has a non-numeric threshold; {ZERO_SHOT_HINT}"
        ) from exc
    return ZeroShotTyper(descriptions, threshold, context_weight, folder=folder)


class SpanTyper(ClassifierMixin, BaseEstimator):
    """Logistic regression over ``[span vector, sentence vector]`` rows (scikit-learn contract).

    Args:
        C: Inverse regularisation strength.
        max_iter: Iterations of the solver.
        class_weight: ``None`` or ``"balanced"``.

    Example:
        >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [0.1, 0.9], [0.9, 0.1]])
        >>> SpanTyper().fit(X, ["Task", "Method", "Task", "Method"]).predict(X[:1]).tolist()
        ['Task']
    """

    def __init__(self, C: float = 1.0, max_iter: int = 2000, class_weight: str | None = None) -> None:
        self.C = C
        self.max_iter = max_iter
        self.class_weight = class_weight

    def fit(self, X: np.ndarray, y: Sequence[str]) -> SpanTyper:
        """Fit on feature rows ``X`` and their labels ``y``; returns ``self``."""
        model = LogisticRegression(C=self.C, max_iter=self.max_iter, class_weight=self.class_weight)
        model.fit(np.asarray(X, dtype=np.float64), np.asarray(y))
        self.classes_ = model.classes_
        self.coef_ = model.coef_
        self.intercept_ = model.intercept_
        self.n_features_in_ = model.coef_.shape[1]
        return self

    def _check(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("This SpanTyper is not fitted yet; call fit(X, y) or load a folder first")

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, rows summing to 1, columns in ``classes_`` order."""
        self._check()
        logits = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        if logits.shape[1] == 1:  # two classes: one column of logits for classes_[1]
            logits = np.hstack([np.zeros_like(logits), logits])
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of every row."""
        proba = self.predict_proba(X)
        return np.asarray(self.classes_[proba.argmax(axis=1)])

    def to_weights(self) -> dict[str, Any]:
        """What ``weights.json`` holds (rounded to 6 decimals)."""
        self._check()
        return {
            "format": SPAN_TYPER_FORMAT,
            "classes": [str(c) for c in self.classes_],
            "coef": np.round(self.coef_, 6).tolist(),
            "intercept": np.round(self.intercept_, 6).tolist(),
            "params": self.get_params(),
        }


def load_span_typer(folder: str | os.PathLike[str]) -> SpanTyper:
    """A :class:`SpanTyper` from a folder written by ``sciwire train entities --method typer``.

    Raises:
        ModelLoadError: One line naming the folder, the bad file and the retrain command.
    """
    path = resolve_model_folder(folder, DEFAULT_FOLDER, hint=SPAN_TYPER_HINT)
    data = read_json(path, WEIGHTS, keys=("format",), hint=SPAN_TYPER_HINT)
    if data["format"] != SPAN_TYPER_FORMAT:
        raise ModelLoadError(
            f"Cannot load the model in {path}: {WEIGHTS} is a {data['format']!r} file, expected {SPAN_TYPER_FORMAT} "
            f"(the shipped terms_default is zero-shot; a SciERC typer is trained by you); {SPAN_TYPER_HINT}"
        )
    require_keys(path, WEIGHTS, data, ("classes", "coef", "intercept"), SPAN_TYPER_HINT)
    try:
        coef = np.asarray(data["coef"], dtype=np.float64)
        intercept = np.asarray(data["intercept"], dtype=np.float64)
        classes = np.asarray([str(c) for c in data["classes"]])
        if coef.ndim != 2 or coef.shape[0] != intercept.shape[0]:
            raise ValueError(f"coef {coef.shape} and intercept {intercept.shape} do not fit")
    except (TypeError, ValueError) as exc:
        raise ModelLoadError(
            f"Cannot load the model in {path}: {WEIGHTS} is damaged ({exc}); {SPAN_TYPER_HINT}"
        ) from exc
    typer = SpanTyper(
        **{k: v for k, v in dict(data.get("params", {})).items() if k in ("C", "max_iter", "class_weight")}
    )
    typer.classes_, typer.coef_, typer.intercept_ = classes, coef, intercept
    typer.n_features_in_ = coef.shape[1]
    typer.none_threshold_ = float(data.get("none_threshold", 0.5))
    typer.folder_ = path
    return typer


def write_weights(folder: str | os.PathLike[str], weights: dict[str, Any]) -> Path:
    """Write ``weights.json`` into ``folder`` (made when missing)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / WEIGHTS).write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    return out / WEIGHTS
