"""Why a sentence got its role: lexical contributions and nearest training sentences.

The tagger's logit for a label is ``context part + lexical part`` (see
:mod:`sciwire.discourse.tagger`). For the predicted label ``c`` of a sentence:

- **lexical**: each lexical input j (a word or bigram of the vocabulary, a cue, the
  position, the section) contributes ``x_j * (W[j, c] - mean_k W[j, k])``: exact, in logits,
  relative to the average label. Positive values pushed the sentence *towards* ``c``;
- **context**: the context part's logit for ``c`` minus its mean over labels (one number:
  the embedding and the neighbours read by the GRU);
- **nearest training sentences**: the training sentences (a stored sample, see
  ``prototypes``) whose embeddings are closest by cosine, with their labels: what the
  embedding part is likely to have "recognised".

Example:
    >>> e = Explanation("Res", 0.8, (("we found", 0.9),), 1.2, (Neighbour("p#3", "Res", 0.71),))
    >>> e.summary(names={"Res": "Result"})
    'Result p=0.80; words: we found (+0.90); context +1.20; similar: Result 0.71'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.discourse.features import SentenceSequence
from sciwire.discourse.tagger import SequenceTagger, softmax


@dataclass(frozen=True)
class Neighbour:
    """A training sentence close to the explained one: source id (``doc#index``), label, cosine."""

    source: str
    label: str
    similarity: float


@dataclass(frozen=True)
class Explanation:
    """What pushed one sentence to ``label`` (see the module docstring)."""

    label: str
    probability: float
    lexical: tuple[tuple[str, float], ...]
    context: float
    neighbours: tuple[Neighbour, ...]

    def summary(self, names: Mapping[str, str] | None = None) -> str:
        """One line for a tooltip."""
        name = (names or {}).get(self.label, self.label)
        words = ", ".join(f"{w} ({c:+.2f})" for w, c in self.lexical) or "none"
        similar = ", ".join(f"{(names or {}).get(n.label, n.label)} {n.similarity:.2f}" for n in self.neighbours)
        return f"{name} p={self.probability:.2f}; words: {words}; context {self.context:+.2f}; similar: {similar}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (rounded), as stored in span attributes."""
        return {
            "label": self.label,
            "probability": round(self.probability, 4),
            "lexical": [[w, round(c, 3)] for w, c in self.lexical],
            "context": round(self.context, 3),
            "neighbours": [[n.source, n.label, round(n.similarity, 3)] for n in self.neighbours],
        }


def explain_document(
    tagger: SequenceTagger, doc: SentenceSequence, top: int = 5, neighbours: int = 5
) -> list[Explanation]:
    """An :class:`Explanation` per sentence of ``doc`` for its predicted label.

    Args:
        tagger: A fitted :class:`SequenceTagger`.
        doc: The document.
        top: Lexical inputs to keep (those with the largest positive contributions).
        neighbours: Nearest training sentences to keep.
    """
    ctx, lex, wide = tagger.decision_parts(doc)
    probs = softmax((ctx + lex) / tagger.temperature_)
    pred = probs.argmax(axis=1)
    weights = tagger.net_.wide.detach().numpy()
    relative = weights - weights.mean(axis=1, keepdims=True)
    names = tagger.wide_names
    protos = tagger.prototype_embeddings_.astype(np.float32)
    sims = doc.embeddings @ protos.T if len(protos) else np.zeros((len(doc), 0))
    out = []
    for i, c in enumerate(pred):
        row = wide.getrow(i)
        contrib = row.data * relative[row.indices, c]
        order = np.argsort(-contrib)[:top]
        lexical = tuple((names[row.indices[j]], float(contrib[j])) for j in order if contrib[j] > 0)
        nearest = np.argsort(-sims[i])[:neighbours]
        out.append(
            Explanation(
                label=str(tagger.classes_[c]),
                probability=float(probs[i, c]),
                lexical=lexical,
                context=float(ctx[i, c] - ctx[i].mean()),
                neighbours=tuple(
                    Neighbour(
                        tagger.prototype_ids_[j], str(tagger.classes_[tagger.prototype_labels_[j]]), float(sims[i, j])
                    )
                    for j in nearest
                ),
            )
        )
    return out


def top_features(tagger: SequenceTagger, label: str, n: int = 10) -> list[tuple[str, float]]:
    """The lexical inputs with the largest weight towards ``label`` (relative to the average label)."""
    c = list(tagger.classes_).index(label)
    weights = tagger.net_.wide.detach().numpy()
    relative = weights[:, c] - weights.mean(axis=1)
    order = np.argsort(-relative)[:n]
    return [(tagger.wide_names[j], float(relative[j])) for j in order]
