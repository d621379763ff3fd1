"""Every learning method by name: what ``sciwire learn train TASK --method NAME`` builds.

Each is a :class:`~sciwire.learn.base.TextClassifier` (``fit(texts, y)``, ``predict_proba``,
``predict``, ``classes_``). To add a method, add one line here (import + entry); nothing
registers itself on import.

Example:
    >>> {"zero-shot", "nli", "logistic", "tfidf", "setfit"} <= set(METHODS)
    True
    >>> make_method("logistic", C=2.0).C
    2.0
"""

from __future__ import annotations

from typing import Any

from sciwire.errors import InputError
from sciwire.learn.base import TextClassifier
from sciwire.learn.fewshot import SetFitClassifier
from sciwire.learn.heads import EmbeddingLogistic, TfidfLogistic
from sciwire.learn.icl import ICLClassifier
from sciwire.learn.pet import PETClassifier
from sciwire.learn.synthetic import SyntheticAugmentedClassifier
from sciwire.learn.zeroshot import EmbeddingZeroShot, NLIZeroShot

#: Method name -> class. Zero-shot methods take ``labels`` and ``descriptions``.
METHODS: dict[str, type[TextClassifier]] = {
    "zero-shot": EmbeddingZeroShot,
    "nli": NLIZeroShot,
    "logistic": EmbeddingLogistic,
    "tfidf": TfidfLogistic,
    "setfit": SetFitClassifier,
    "pet": PETClassifier,
    "icl": ICLClassifier,
    "synthetic": SyntheticAugmentedClassifier,
}
#: Methods that need no labelled examples (they are given the task's labels and descriptions).
ZERO_SHOT: frozenset[str] = frozenset({"zero-shot", "nli"})


def make_method(name: str, **params: Any) -> TextClassifier:
    """A new, unfitted method by name.

    Raises:
        InputError: On an unknown name.
    """
    if name not in METHODS:
        raise InputError(f"Unknown method {name!r}; expected one of {', '.join(sorted(METHODS))}")
    return METHODS[name](**params)
