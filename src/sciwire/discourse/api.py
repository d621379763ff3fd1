"""Label sentences and files with discourse roles: the functions behind ``sciwire classify``.

:func:`classify_file` adds the ``discourse`` and ``abstract_roles`` layers to a paper;
:func:`sentence_roles` lists them per sentence (what ``sciwire classify`` prints).

Example:
    >>> preds = classify_texts(["We measured X.", "X rose by 5%."])  # doctest: +SKIP
    >>> [p.label for p in preds]                                      # doctest: +SKIP
    ['Met', 'Res']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sciwire.analysis import ABSTRACT_ROLES, DISCOURSE
from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, load_config
from sciwire.discourse.features import SentenceSequence
from sciwire.discourse.labels import ABSTRACT, CORESC
from sciwire.discourse.model import RolePrediction, load_cached
from sciwire.discourse.step import label_document
from sciwire.discourse.train import make_embedder
from sciwire.document import Document
from sciwire.errors import InputError


def classify_texts(
    texts: Sequence[str],
    sections: Sequence[str] | None = None,
    *,
    task: str = "coresc",
    config: Config | None = None,
    embedder: Embedder | None = None,
    explain: bool = False,
) -> list[RolePrediction]:
    """Roles of consecutive sentences of one document (embedding included).

    Args:
        texts: The sentences, in document order.
        sections: Canonical section name per sentence (default ``body``, or ``abstract``
            for ``task="abstract"``).
        task: ``coresc`` (paper sentences) or ``abstract`` (abstract sentences).
        config: Settings (which model, embedding model, cache; default: :func:`~sciwire.config.load_config`).
        embedder: A warm embedder to reuse.
        explain: Whether to compute explanations (slower).

    Raises:
        InputError: When ``texts`` is empty.
    """
    if not texts:
        raise InputError("classify_texts needs at least one sentence, got none")
    config = config or load_config()
    embedder = embedder or make_embedder(config)
    spec = config.discourse.coresc_model if task == "coresc" else config.discourse.abstract_model
    model = load_cached(spec, task)
    default = "abstract" if task == "abstract" else "body"
    seq = SentenceSequence("input", tuple(texts), tuple(sections or [default] * len(texts)), embedder.encode(texts))
    return model.predict(seq, explain, config.discourse.top_features, config.discourse.neighbours)


def classify_file(
    path: str | os.PathLike[str], config: Config | None = None, on_progress: Callable[[int], None] | None = None
) -> Document:
    """Read a paper, split its sentences and add the ``discourse`` and ``abstract_roles`` layers.

    Raises:
        InputError: When the file is unreadable or has no sentences outside the references.
    """
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.nlp import annotate
    from sciwire.readers import read

    config = config or load_config()
    doc = annotate(read(path, config=config.input), load_spacy(config.models.spacy))
    sentences = list(doc.iter_sentences())
    if not sentences:
        raise InputError(f"{path}: no sentences found outside the reference list; nothing to classify")
    vectors = make_embedder(config).encode([doc.span_text(s) for s in sentences], on_progress=on_progress)
    return label_document(doc, sentences, vectors, config)


@dataclass(frozen=True)
class SentenceRole:
    """The roles of one sentence of a classified paper.

    Attributes:
        sentence: The sentence index.
        role: Its CoreSC code (``Res``, ``Met``...); ``name`` gives the words.
        probability: The calibrated probability of ``role``.
        abstract_role: Its rhetorical role in the abstract (``background``...), for abstract sentences.
        abstract_probability: The probability of ``abstract_role``.
        text: The sentence.
        explanation: Why (words, context, similar training sentences), when computed.
    """

    sentence: int
    role: str
    probability: float | None
    abstract_role: str | None
    abstract_probability: float | None
    text: str
    explanation: Mapping[str, Any] | None = None

    @property
    def name(self) -> str:
        """The CoreSC concept in words (``Result``)."""
        return CORESC.name(self.role)

    @property
    def abstract_name(self) -> str | None:
        """The abstract role in words, or None."""
        return ABSTRACT.name(self.abstract_role) if self.abstract_role else None

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """One JSON row (``sciwire classify --json``); the explanation only with ``explain``."""
        row: dict[str, Any] = {
            "sentence": self.sentence,
            "role": self.role,
            "name": self.name,
            "probability": self.probability,
            "abstract_role": self.abstract_role,
            "text": self.text,
        }
        if explain:
            row["explanation"] = self.explanation
        return row


def sentence_roles(doc: Document) -> list[SentenceRole]:
    """The roles of every labelled sentence of a document from :func:`classify_file`, in order."""
    abstract = {span.attrs["sentence"]: span for span in doc.layer(ABSTRACT_ROLES)}
    out = []
    for span in doc.layer(DISCOURSE):
        index = span.attrs["sentence"]
        extra = abstract.get(index)
        out.append(
            SentenceRole(
                sentence=index,
                role=span.label,
                probability=span.score,
                abstract_role=extra.label if extra else None,
                abstract_probability=extra.score if extra else None,
                text=doc.span_text(span),
                explanation=span.attrs.get("explanation"),
            )
        )
    return out
