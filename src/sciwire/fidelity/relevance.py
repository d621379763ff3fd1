"""The relevance gate: is a story about the paper at all? No verdicts on unrelated stories.

A story gets fidelity verdicts only when it appears to report the paper. The evidence is the
paper finder's content evidence for one (story, paper) pair (:class:`sciwire.linking.finder.PaperFinder`
with the paper as its whole collection, as ``sciwire analyze`` links a story):

- ``bm25``: BM25 of the story against the paper, as a share of the story's score against
  itself (IDF from the paper's sentences);
- ``cosine``: cosine of the embeddings of the story's and the paper's leads;
- ``align``: mean over story sentences of the best sentence-alignment probability.

``P(reports) = sigmoid(b + w · [bm25, cosine, align])`` is a :class:`~sciwire.fitting.LogisticScorer`
in the model folder ``fidelity.relevance_model`` (shipped: ``sciwire/models/fidelity_relevance``),
fitted by ``sciwire train relevance`` on CD²CR train: each news summary against its own
abstract (positive) and against mismatched abstracts, the most similar ones and random
ones (negatives). Below ``fidelity.relevance_threshold`` (the value in the model card) the
story is "unrelated": it gets a ``relevance`` span saying so and no verdicts.

Example:
    >>> gate = load_relevance_model("default")
    >>> list(gate.weights())
    ['bm25', 'cosine', 'align']
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sciwire.document import Document, Span
from sciwire.fitting import LogisticScorer, load_scorer, retrain_hint

#: The gate's evidence, in weight order (the paper finder's content evidence).
RELEVANCE_FEATURES: tuple[str, ...] = ("bm25", "cosine", "align")
RELEVANCE_FOLDER = "fidelity_relevance"
RELEVANCE_HINT = retrain_hint("sciwire train relevance --data DIR --out FOLDER", "fidelity.relevance_model")
REPORTS, UNRELATED = "reports", "unrelated"


def load_relevance_model(spec: str | os.PathLike[str] = "default") -> LogisticScorer:
    """The gate's scorer from the folder ``spec`` names (``"default"``: the shipped one).

    Raises:
        ModelLoadError: On a missing folder, a missing or corrupt ``weights.json`` or other features.
    """
    return load_scorer(spec, RELEVANCE_FOLDER, features=RELEVANCE_FEATURES, hint=RELEVANCE_HINT)


@dataclass(frozen=True)
class Relevance:
    """Whether one story reports the paper: the probability, the threshold and the evidence."""

    paper_id: str
    probability: float
    threshold: float
    evidence: dict[str, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """``"reports"`` at or above the threshold, else ``"unrelated"``."""
        return REPORTS if self.probability >= self.threshold else UNRELATED

    @property
    def related(self) -> bool:
        """True when the story gets verdicts."""
        return self.label == REPORTS

    def message(self) -> str:
        """What a reader is told about an unrelated story."""
        return (
            f"This story does not appear to report this paper (p={self.probability:.3f}, "
            f"threshold {self.threshold:.2f}); no claims were checked."
        )

    def span(self, story: Document) -> Span:
        """The story's ``relevance`` span: the whole text, label, score and attributes."""
        return Span(
            0,
            len(story.text),
            self.label,
            score=round(self.probability, 4),
            attrs={
                "paper_id": self.paper_id,
                "probability": round(self.probability, 4),
                "threshold": self.threshold,
                "evidence": {k: round(v, 4) for k, v in self.evidence.items()},
            },
        )


def relevance_of(evidence: Mapping[str, float], model: LogisticScorer, threshold: float, paper_id: str) -> Relevance:
    """The gate's decision for one (story, paper) pair from the finder's evidence."""
    content = {name: float(evidence.get(name, 0.0)) for name in RELEVANCE_FEATURES}
    probability = float(model.probability(model.features_of([content]))[0])
    return Relevance(paper_id, probability, threshold, content)


def story_relevance(
    paper: Document,
    stories: list[Document],
    model: LogisticScorer,
    threshold: float,
    finder: Any,
    story_vectors: list[Any] | None = None,
) -> list[Relevance]:
    """The gate's decision for every story against ``paper``.

    Args:
        paper: The paper (already indexed in ``finder``).
        stories: The stories, with sentences.
        model: The gate's scorer (:func:`load_relevance_model`).
        threshold: ``fidelity.relevance_threshold``.
        finder: A :class:`~sciwire.linking.finder.PaperFinder` indexed with ``[paper]`` only.
        story_vectors: One embedding per story sentence, per story (recomputed when None).
    """
    out = []
    for k, story in enumerate(stories):
        if not story.sentences:
            out.append(Relevance(paper.id, 0.0, threshold, {}))
            continue
        vectors = None if story_vectors is None else story_vectors[k]
        out.append(relevance_of(finder.evidence(story, vectors)[0], model, threshold, paper.id))
    return out
