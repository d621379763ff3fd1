"""The one interface every learning method follows: a scikit-learn classifier over texts.

A method is a :class:`TextClassifier`: ``__init__`` only stores its arguments; ``fit(texts, y)``
learns from texts and their label names and returns ``self``; ``predict_proba(texts)`` gives
one row per text that sums to 1, columns in ``classes_`` order; ``predict(texts)`` gives the
label names. Subclasses write two methods, ``_fit(texts, y)`` (``y``: column indices into
``classes_``) and ``_proba(texts)``, and, to be saved in a model folder, ``_state`` /
``_restore`` (JSON-compatible; extra files may go into the folder).

Methods are registered by name in :data:`sciwire.learn.methods.METHODS`.

Example:
    >>> import numpy as np
    >>> class Majority(TextClassifier):
    ...     def _fit(self, texts, y):
    ...         self.prior_ = np.bincount(y, minlength=len(self.classes_)) / len(y)
    ...     def _proba(self, texts):
    ...         return np.tile(self.prior_, (len(texts), 1))
    >>> m = Majority().fit(["a", "b", "c"], ["yes", "no", "yes"])
    >>> m.classes_.tolist(), m.predict(["d"]).tolist()
    (['no', 'yes'], ['yes'])
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from sciwire.errors import InputError


def one_class_error(classes: Sequence[str]) -> InputError:
    """The one-line error for training on labels of fewer than two classes."""
    found = ", ".join(repr(c) for c in classes) or "no labels"
    return InputError(
        f"Training needs labelled examples of at least 2 classes, got {len(classes)} ({found}); "
        "label some records of another class first (sciwire learn label / learn next)"
    )


def check_texts(texts: Sequence[str] | np.ndarray) -> list[str]:
    """``texts`` as a list of strings.

    Raises:
        InputError: When ``texts`` is a single string or holds something that is not a string.
    """
    if isinstance(texts, str):
        raise InputError("Expected a sequence of texts, got a single string; wrap it in a list")
    out = list(texts)
    bad = next((t for t in out if not isinstance(t, str)), None)
    if bad is not None:
        raise InputError(f"Expected texts (str), got a {type(bad).__name__}: {bad!r:.60}")
    return out


class TextClassifier(ClassifierMixin, BaseEstimator):
    """Base of every method of :mod:`sciwire.learn` (scikit-learn's classifier contract over texts).

    Attributes:
        classes_: The label names, sorted (after :meth:`fit`).
    """

    #: Whether ``fit`` needs labels of two classes or more (zero-shot methods know their labels).
    needs_two_classes = True

    # ---- what subclasses write --------------------------------------------------------
    def _fit(self, texts: list[str], y: np.ndarray) -> None:
        raise NotImplementedError

    def _proba(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _state(self, folder: Path) -> dict[str, Any]:
        """The learned state, JSON-compatible (large arrays may be written into ``folder``)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be saved to a model folder yet")

    def _restore(self, state: dict[str, Any], folder: Path) -> None:
        """Set the learned state from what :meth:`_state` returned (and wrote into ``folder``)."""
        raise NotImplementedError(f"{type(self).__name__} cannot be loaded from a model folder yet")

    def _classes_for(self, labels: list[str]) -> list[str]:
        """The classes of a fit on ``labels`` (zero-shot methods may add the ones they are given)."""
        return sorted(set(labels))

    # ---- the contract -----------------------------------------------------------------
    def fit(self, texts: Sequence[str], y: Sequence[str]) -> Self:
        """Learn from ``texts`` and their label names ``y``; returns ``self``.

        Raises:
            InputError: On mismatched lengths, non-string texts, or labels of one class only.
        """
        docs = check_texts(texts)
        labels = [str(v) for v in y]
        if len(docs) != len(labels):
            raise InputError(f"fit got {len(docs)} texts but {len(labels)} labels; they must match")
        classes = self._classes_for(labels)
        if self.needs_two_classes and len(classes) < 2:
            raise one_class_error(classes)
        self.classes_ = np.array(classes, dtype=object)
        index = {c: i for i, c in enumerate(classes)}
        self._fit(docs, np.array([index[v] for v in labels], dtype=int))
        return self

    def _check_fitted(self) -> None:
        check_is_fitted(
            self,
            "classes_",
            msg=f"This {type(self).__name__} is not fitted yet: call fit(texts, labels) or load a model folder",
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, summing to 1, columns in ``classes_`` order."""
        self._check_fitted()
        docs = check_texts(texts)
        if not docs:
            return np.zeros((0, len(self.classes_)))
        p = np.asarray(self._proba(docs), dtype=np.float64)
        p = np.clip(p, 0.0, None)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The most probable label name of each text."""
        p = self.predict_proba(texts)
        return np.asarray(self.classes_[p.argmax(axis=1)] if len(p) else np.array([], dtype=object))

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy on ``X`` (texts) and ``y`` (label names)."""
        return float(np.mean(self.predict(X) == np.asarray([str(v) for v in y], dtype=object)))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        return tags

    # ---- saving -------------------------------------------------------------------------
    def state_for(self, folder: str | os.PathLike[str]) -> dict[str, Any]:
        """What a model folder keeps of this fitted method: params, classes and learned state."""
        self._check_fitted()
        params = {k: v for k, v in self.get_params(deep=False).items() if _jsonable(v)}
        return {"params": params, "classes": [str(c) for c in self.classes_], "state": self._state(Path(folder))}

    @classmethod
    def from_state(cls, data: dict[str, Any], folder: str | os.PathLike[str]) -> Self:
        """The fitted method :meth:`state_for` describes."""
        model = cls(**data.get("params", {}))
        model.classes_ = np.array(list(data["classes"]), dtype=object)
        model._restore(data.get("state", {}), Path(folder))
        return model


def _jsonable(value: Any) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False
