"""Why a learned model said what it said: the words that point to the label, and the nearest
labelled examples.

Words come from the task's TF-IDF view (a :class:`~sciwire.learn.heads.TfidfLogistic` fitted
on the same labels; the model itself when it is one); neighbours are the labelled records most
similar to the text in MiniLM space, with their labels, whatever the method.

Example:
    >>> from sciwire.learn.task import Record, Task, Labelling
    >>> recs = (Record("a", "sea ice melts", "p1"), Record("b", "flu shots work", "p2"))
    >>> labs = {r.id: Labelling(r.id, (lab,), "me", "", "cli", 1) for r, lab in zip(recs, ["climate", "health"])}
    >>> ex = Explainer(Task("t", ("climate", "health"), records=recs, labellings=labs), neighbours=0)
    >>> ex.explain(["arctic ice melts"], ["climate"])[0]["words"][0][0]
    'ice'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.learn.heads import TfidfLogistic
from sciwire.learn.task import Task
from sciwire.learn.vectors import embed


class Explainer:
    """Explanations of predictions for one task.

    Args:
        task: The task whose labelled records explain (its words and neighbours).
        words: Words per explanation.
        neighbours: Nearest labelled records per explanation (0: none, no embedding).
        embedding: The sentence encoder of the neighbours.
        tfidf: A fitted TF-IDF view to reuse (default: one fitted on the task's labels).
    """

    def __init__(
        self,
        task: Task,
        *,
        words: int = 5,
        neighbours: int = 3,
        embedding: str = DEFAULT_EMBEDDING_MODEL,
        tfidf: TfidfLogistic | None = None,
    ) -> None:
        self.task = task
        self.words = words
        self.neighbours = neighbours
        self.embedding = embedding
        self.texts, self.labels, _ = task.labelled()
        self._tfidf = tfidf
        self._vectors: np.ndarray | None = None

    def _view(self) -> TfidfLogistic | None:
        if self._tfidf is None and len(set(self.labels)) >= 2:
            self._tfidf = TfidfLogistic(stop_words="english").fit(self.texts, self.labels)
        return self._tfidf

    def explain(self, texts: Sequence[str], predicted: Sequence[str]) -> list[dict[str, Any]]:
        """Per text: ``words`` [(word, weight)] towards its predicted label and ``neighbours``
        [(record id, label, cosine)]."""
        view = self._view()
        near: list[list[tuple[str, str, float]]] = [[] for _ in texts]
        if self.neighbours and self.texts:
            if self._vectors is None:
                self._vectors = embed(self.texts, self.embedding)
            sims = embed(list(texts), self.embedding) @ self._vectors.T
            ids = [r.id for r in self.task.records if r.id in self.task.labellings]
            for row, s in enumerate(sims):
                top = np.argsort(-s)[: self.neighbours]
                near[row] = [(ids[j], self.labels[j], round(float(s[j]), 3)) for j in top]
        out = []
        for text, label, nb in zip(texts, predicted, near, strict=True):
            words: list[tuple[str, float]] = []
            if view is not None and label in set(view.classes_.tolist()):
                words = [(w, round(v, 3)) for w, v in view.top_words(text, label, self.words)]
            out.append({"words": words, "neighbours": nb})
        return out
