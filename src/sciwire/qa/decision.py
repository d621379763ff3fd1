"""Yes / no / maybe from a question and the sentence(s) that answer it (PubMedQA's decision task).

:class:`DecisionClassifier` is a scikit-learn estimator over ``(question, answer)`` pairs: a
logistic regression on the MiniLM embeddings of both (the answer, the element-wise product
and the absolute difference), plus counts of negation and hedge cues in the answer, which
sentence embeddings see poorly ("did not reduce", "may", "further studies are needed").
It is what ``benchmarks/qa_decision.py`` compares with the majority class and TF-IDF; it
answers a closed question *given* its answer sentence, it does not find the answer.

Example:
    >>> decision_cues("Treatment did not reduce mortality; further studies are needed.")
    [1.0, 1.0]
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from sciwire.backends.embeddings import Embedder
from sciwire.config import DEFAULT_EMBEDDING_MODEL, load_config
from sciwire.errors import InputError

NEGATION = re.compile(
    r"\b(?:not?|none|neither|nor|without|fail(?:s|ed)?|lack(?:s|ed)?|unrelated|independent(?:ly)? of|"
    r"did not|does not|do not|cannot|no (?:significant|difference|effect|association|evidence))\b",
    re.IGNORECASE,
)
HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|perhaps|suggests?|unclear|uncertain|inconclusive|limited|"
    r"further (?:studies|research|investigation)|remains? to be|warrant(?:s|ed)?|potential(?:ly)?)\b",
    re.IGNORECASE,
)


def decision_cues(answer: str) -> list[float]:
    """``[negations, hedges]`` in ``answer``, each capped at 3."""
    return [float(min(3, len(NEGATION.findall(answer)))), float(min(3, len(HEDGE.findall(answer))))]


@functools.lru_cache(maxsize=4)
def _embedder(model: str, cache_dir: str | None) -> Embedder:
    """The configured encoder (device, backend, token limit) with this estimator's model and cache."""
    settings = [
        f"models.embedding={json.dumps(model)}",
        f"runtime.embedding_cache={str(cache_dir is not None).lower()}",
    ]
    if cache_dir is not None:
        settings.append(f"paths.cache_dir={json.dumps(cache_dir)}")
    return Embedder.from_config(load_config(overrides=settings))


class DecisionClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on question/answer embeddings and cue counts.

    Args:
        embedding_model: Sentence encoder name or folder (the bundled MiniLM by default); the
            encoder is loaded once per process and shared by clones (grid search).
        cache_dir: Embedding cache folder (``None``: no cache).
        C: Inverse regularisation strength of the logistic regression.
        class_weight: ``None`` or ``"balanced"`` (the minority "maybe" class is ~11 %).
        cues: Add the negation/hedge counts.
    """

    def __init__(
        self,
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
        cache_dir: str | None = None,
        C: float = 1.0,
        class_weight: str | None = None,
        cues: bool = True,
    ) -> None:
        self.embedding_model = embedding_model
        self.cache_dir = cache_dir
        self.C = C
        self.class_weight = class_weight
        self.cues = cues

    def _features(self, X: Sequence[tuple[str, str]]) -> np.ndarray:
        pairs = list(X)
        if not pairs:
            raise InputError("DecisionClassifier needs at least one (question, answer) pair")
        if any(not q.strip() or not a.strip() for q, a in pairs):
            raise InputError("Every (question, answer) pair needs a non-empty question and answer")
        embedder = _embedder(self.embedding_model, self.cache_dir)
        q = embedder.encode([p[0] for p in pairs])
        a = embedder.encode([p[1] for p in pairs], full_length=True)
        parts = [a, q * a, np.abs(q - a)]
        if self.cues:
            parts.append(np.array([decision_cues(p[1]) for p in pairs], dtype=np.float32))
        return np.hstack(parts)

    def fit(self, X: Sequence[tuple[str, str]], y: Sequence[str]) -> DecisionClassifier:
        """Fit on pairs and their decisions (e.g. ``"yes"``, ``"no"``, ``"maybe"``)."""
        y = list(y)
        if len(set(y)) < 2:
            raise InputError(f"DecisionClassifier needs at least two different labels, got {sorted(set(y))}")
        self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)
        self.model_.fit(self._features(X), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities, columns in ``classes_`` order."""
        return self.model_.predict_proba(self._features(X))

    def predict(self, X: Sequence[tuple[str, str]]) -> np.ndarray:
        """The most probable decision per pair."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
