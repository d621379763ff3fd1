"""The corpus store interface: Documents, their sentences and sentence embeddings.

SQLite is the default implementation (:mod:`sciwire.store.sqlite`); PostgreSQL
(:mod:`sciwire.store.postgres`, full-text search and pgvector when the server has it) is the
store for several users and large corpora.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from sciwire.document import Document
from sciwire.errors import InputError


@dataclass(frozen=True)
class StoredDocument:
    """A row of ``sciwire list``: what is in the store, without its text."""

    id: str
    kind: str
    title: str
    source: str | None
    content_hash: str
    sentences: int
    added: str


@dataclass(frozen=True)
class SentenceHit:
    """A sentence found by a search, with the engine's score (higher is better)."""

    doc_id: str
    index: int
    score: float


def check_vector_counts(items: Sequence[tuple[Document, np.ndarray, str]]) -> None:
    """Raise :class:`InputError` when a document has not one vector per sentence."""
    for doc, vectors, _ in items:
        if len(vectors) != len(doc.sentences):
            raise InputError(f"{doc.id}: got {len(vectors)} vectors for {len(doc.sentences)} sentences")


class Store(ABC):
    """Where analysed documents live between runs.

    Implementations must make :meth:`add` atomic: after a crash the store holds only
    complete documents (document row, sentences, vectors and text index together);
    :meth:`add_many` should be one transaction too (``sciwire add`` commits in batches).
    """

    #: ``{model_key: (generation, keys, matrix)}``, filled by :meth:`vectors`; implementations
    #: create it empty in ``__init__`` and clear it when they write.
    _vector_cache: dict[str, tuple[Hashable, list[tuple[str, int]], np.ndarray]]

    def add(self, doc: Document, vectors: np.ndarray, content_hash: str, model_key: str) -> bool:
        """Store ``doc`` (with sentences) and one vector per sentence.

        Returns:
            False when a document with the same ``content_hash`` is already stored (no-op).
        """
        return self.add_many([(doc, vectors, content_hash)], model_key)[0]

    @abstractmethod
    def add_many(self, items: Sequence[tuple[Document, np.ndarray, str]], model_key: str) -> list[bool]:
        """Store ``(doc, vectors, content_hash)`` items in one transaction: all of them or, on any failure, none.

        Returns:
            Per item, False when its content hash was already stored (also earlier in ``items``).

        Raises:
            InputError: When a document's vector count is not its sentence count (nothing is written;
                implementations call :func:`check_vector_counts` first).
        """

    @abstractmethod
    def has_hash(self, content_hash: str) -> str | None:
        """The id of the stored document with this content hash, if any."""

    @abstractmethod
    def has_vectors(self, doc_id: str, model_key: str) -> bool:
        """Whether the document's sentences have vectors from this model."""

    @abstractmethod
    def add_vectors(self, doc_id: str, vectors: np.ndarray, model_key: str) -> None:
        """Store vectors of another model for an already stored document (one per sentence)."""

    @abstractmethod
    def get(self, doc_id: str) -> Document:
        """The stored Document (raises InputError when absent)."""

    @abstractmethod
    def remove(self, doc_id: str) -> bool:
        """Delete a document; False when there was none."""

    def remove_many(self, doc_ids: Sequence[str]) -> int:
        """Delete documents; how many were there. Implementations should make this one transaction."""
        return sum(self.remove(d) for d in dict.fromkeys(doc_ids))

    @abstractmethod
    def documents(self) -> list[StoredDocument]:
        """Every stored document, oldest first."""

    def iter_documents(self, kind: str | None = None) -> Iterator[Document]:
        """Every stored Document (with its sentences and layers), oldest first.

        Args:
            kind: Only documents of this kind (``"paper"`` or ``"news"``); None: all.
        """
        for row in self.documents():
            if kind is None or row.kind == kind:
                yield self.get(row.id)

    @abstractmethod
    def sentence_text(self, doc_id: str, index: int) -> str:
        """The text of one stored sentence."""

    def vectors(self, model_key: str) -> tuple[list[tuple[str, int]], np.ndarray]:
        """All sentence vectors of one model: ``(keys, matrix)`` with keys ``(doc_id, index)``.

        Kept in memory and reread when :meth:`generation` says this or another client wrote since.
        """
        generation = self.generation()
        cached = self._vector_cache.get(model_key)
        if cached is None or cached[0] != generation:
            cached = self._vector_cache[model_key] = (generation, *self._load_vectors(model_key))
        return cached[1], cached[2]

    @abstractmethod
    def _load_vectors(self, model_key: str) -> tuple[list[tuple[str, int]], np.ndarray]:
        """All sentence vectors of one model, read from the store (what :meth:`vectors` caches)."""

    @abstractmethod
    def search_text(self, query: str, limit: int, doc_ids: Sequence[str] | None = None) -> list[SentenceHit]:
        """Lexical (BM25) search over sentences, best first."""

    def search_vectors(
        self, query: np.ndarray, model_key: str, limit: int, exact: bool | None = None
    ) -> list[SentenceHit]:
        """The sentences nearest to ``query`` by cosine, best first (score: the cosine).

        Exact below :data:`sciwire.store.ann.EXACT_BELOW` vectors, else an approximate
        nearest-neighbour index built from :meth:`vectors` (see :mod:`sciwire.store.ann`).

        Args:
            exact: True: always exact; False: always the index; None: by the store's size.
        """
        from sciwire.store.ann import search

        return search(self, query, model_key, limit, exact)

    def generation(self) -> Hashable:
        """A value that changes whenever the store's content does (the vector index is keyed on it)."""
        return len(self.documents())

    def ann_key(self) -> str:
        """What identifies this store in the vector index cache."""
        return f"{type(self).__name__}:{id(self)}"

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return len(self.documents())

    def __iter__(self) -> Iterator[StoredDocument]:
        return iter(self.documents())
