"""What the discourse models read: one :class:`SentenceSequence` per document, and its features.

Per sentence:

- the sentence embedding (MiniLM, from the shared :class:`~sciwire.backends.embeddings.Embedder`)
  and, for the non-sequential models, the embeddings of the previous and next sentence;
- its position: in the document, in its section, first/last of its section, which section
  (by order) it is in;
- its section's canonical name (one-hot over :data:`~sciwire.document.SECTION_NAMES`);
- cheap lexical cues (:mod:`sciwire.discourse.cues`).

The words themselves (TF-IDF) are added by the models, which learn the vocabulary.

Example:
    >>> import numpy as np
    >>> seq = SentenceSequence("d1", ("We aim to X.", "We found Y."), ("abstract", "abstract"), np.eye(2, 4))
    >>> context_features(seq).shape == (2, len(CONTEXT_NAMES))
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from sciwire.discourse.cues import CUE_NAMES, cue_matrix
from sciwire.document import SECTION_NAMES, Document, Sentence
from sciwire.errors import InputError

POSITION_NAMES: tuple[str, ...] = (
    "position_in_document",
    "position_in_section",
    "first_in_section",
    "last_in_section",
    "section_order",
)
SECTION_FEATURES: tuple[str, ...] = tuple(f"section={name}" for name in SECTION_NAMES)
#: Names of the columns of :func:`context_features`, in order.
CONTEXT_NAMES: tuple[str, ...] = (*POSITION_NAMES, *SECTION_FEATURES, *(f"cue:{c}" for c in CUE_NAMES))


@dataclass(frozen=True, eq=False)
class SentenceSequence:
    """The sentences of one document, in order, with their sections and embeddings.

    Args:
        doc_id: The document's id (used in messages and as the group of grouped CV).
        texts: Sentence texts, in order.
        sections: The canonical section name of each sentence ("body" when unknown).
        embeddings: ``(len(texts), dim)`` sentence embeddings, L2-normalised.
        group: A stratum for cross-validation (e.g. the CoreSC domain); optional.

    Raises:
        InputError: When lengths disagree or a section name is not canonical.
    """

    doc_id: str
    texts: tuple[str, ...]
    sections: tuple[str, ...]
    embeddings: np.ndarray
    group: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "texts", tuple(self.texts))
        object.__setattr__(self, "sections", tuple(self.sections))
        emb = np.asarray(self.embeddings, dtype=np.float32)
        if emb.ndim != 2 or len(emb) != len(self.texts) or len(self.sections) != len(self.texts):
            raise InputError(
                f"Document {self.doc_id!r}: {len(self.texts)} sentences, {len(self.sections)} section names and "
                f"embeddings of shape {emb.shape}; expected one section name and one embedding row per sentence"
            )
        unknown = sorted(set(self.sections) - set(SECTION_NAMES))
        if unknown:
            raise InputError(f"Document {self.doc_id!r}: unknown section names {unknown}; use one of {SECTION_NAMES}")
        object.__setattr__(self, "embeddings", emb)

    def __len__(self) -> int:
        return len(self.texts)


def check_sequences(X: Sequence[SentenceSequence], *, min_sentences: int = 1) -> list[SentenceSequence]:
    """``X`` as a list, or an InputError naming the first bad document.

    Raises:
        InputError: When ``X`` is empty, holds something else than SentenceSequence, or a
            document has fewer than ``min_sentences`` sentences.
    """
    docs = list(X)
    if not docs:
        raise InputError("Expected at least one document (a list of SentenceSequence), got none")
    for doc in docs:
        if not isinstance(doc, SentenceSequence):
            raise InputError(f"Expected SentenceSequence documents, got {type(doc).__name__}")
        if len(doc) == 0:
            raise InputError(f"Document {doc.doc_id!r} has no sentences; the discourse models need at least one")
        if len(doc) < min_sentences:
            raise InputError(
                f"Document {doc.doc_id!r} has {len(doc)} sentence; training a sequence model needs at least "
                f"{min_sentences} sentences per document (merge or drop one-sentence documents)"
            )
    return docs


def context_features(seq: SentenceSequence) -> np.ndarray:
    """Position, section and cue features, shape ``(len(seq), len(CONTEXT_NAMES))``."""
    n = len(seq)
    out = np.zeros((n, len(CONTEXT_NAMES)), dtype=np.float32)
    if n == 0:
        return out
    out[:, 0] = np.arange(n) / max(n - 1, 1)
    # runs of equal section names are sections
    run_start = [0] + [i for i in range(1, n) if seq.sections[i] != seq.sections[i - 1]]
    bounds = [*run_start, n]
    for k, (a, b) in enumerate(pairwise(bounds)):
        length = b - a
        out[a:b, 1] = np.arange(length) / max(length - 1, 1)
        out[a, 2] = 1.0
        out[b - 1, 3] = 1.0
        out[a:b, 4] = k / max(len(run_start) - 1, 1)
    offset = len(POSITION_NAMES)
    for i, name in enumerate(seq.sections):
        out[i, offset + SECTION_NAMES.index(name)] = 1.0
    out[:, offset + len(SECTION_NAMES) :] = cue_matrix(seq.texts)
    return out


def neighbour_embeddings(seq: SentenceSequence) -> np.ndarray:
    """``[previous, next]`` sentence embeddings per sentence (zeros at the edges)."""
    emb = seq.embeddings
    prev = np.vstack([np.zeros_like(emb[:1]), emb[:-1]]) if len(emb) else emb
    nxt = np.vstack([emb[1:], np.zeros_like(emb[:1])]) if len(emb) else emb
    return np.hstack([prev, nxt])


def dense_features(seq: SentenceSequence, *, neighbours: bool) -> np.ndarray:
    """``[embedding, (previous, next,) context features]`` per sentence (float32)."""
    parts = [seq.embeddings]
    if neighbours:
        parts.append(neighbour_embeddings(seq))
    parts.append(context_features(seq))
    return np.hstack(parts).astype(np.float32)


def document_sequence(
    doc: Document, sentences: Sequence[Sentence], embeddings: np.ndarray, group: str = ""
) -> SentenceSequence:
    """A :class:`SentenceSequence` for some sentences of a sciwire Document (e.g. all but references)."""
    sections = tuple(sec.name if (sec := doc.section_of(s)) is not None else "body" for s in sentences)
    return SentenceSequence(doc.id, tuple(doc.span_text(s) for s in sentences), sections, embeddings, group)
