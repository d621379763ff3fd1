"""Approximate nearest neighbours over a store's sentence vectors (usearch HNSW, cosine).

Exact search (one matrix product) stays the default below :data:`EXACT_BELOW` vectors: there it
takes milliseconds and finds the true top k. Above it, :func:`search` answers from an HNSW
index built from the stored vectors, cached per store and model and brought up to date when the
store changed (added rows are inserted, removed ones deleted, changed ones replaced; a store
that changed by more than half is rebuilt). ``benchmarks/ann.py`` measures its recall@10
against exact search and both latencies.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> m = rng.normal(size=(500, 16)).astype(np.float32)
    >>> m /= np.linalg.norm(m, axis=1, keepdims=True)
    >>> index = AnnIndex([("d", i) for i in range(500)], m)
    >>> index.search(m[7], 1)[0][0]
    ('d', 7)
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.errors import MissingDependencyError

if TYPE_CHECKING:
    from sciwire.store.base import SentenceHit, Store

logger = logging.getLogger(__name__)
#: Below this many vectors, search is exact (a matrix product).
EXACT_BELOW = 20_000
#: Indexes kept in memory (per store and model key), least recently used dropped first.
CACHE_SIZE = 4
_CACHE: OrderedDict[tuple[str, str], tuple[Hashable, AnnIndex]] = OrderedDict()

Key = tuple[str, int]


def _usearch() -> Any:
    try:
        from usearch import index
    except ImportError as exc:
        raise MissingDependencyError("usearch", "The approximate nearest-neighbour index", "postgres") from exc
    return index


class AnnIndex:
    """An HNSW index (usearch, cosine) over ``(doc_id, index)`` keyed vectors.

    Args:
        keys: One key per row of ``matrix``.
        matrix: Float32 vectors (normalised or not: cosine).
        connectivity: HNSW links per node (usearch's M).
        expansion_add: Candidates kept while inserting (efConstruction).
        expansion_search: Candidates kept while searching (ef): recall against speed.
    """

    def __init__(
        self,
        keys: Sequence[Key],
        matrix: np.ndarray,
        connectivity: int = 16,
        expansion_add: int = 128,
        expansion_search: int = 64,
    ) -> None:
        self.ndim = int(matrix.shape[1]) if matrix.size else 0
        self._params = {
            "connectivity": connectivity,
            "expansion_add": expansion_add,
            "expansion_search": expansion_search,
        }
        self._index = _usearch().Index(ndim=max(self.ndim, 1), metric="cos", dtype="f32", **self._params)
        self._label: dict[Key, int] = {}
        self._key: dict[int, Key] = {}
        self._next = 0
        self._matrix = np.zeros((0, self.ndim), dtype=np.float32)
        self._rows: dict[Key, int] = {}
        self._insert(list(keys), np.asarray(matrix, dtype=np.float32))
        self._remember(list(keys), matrix)

    def __len__(self) -> int:
        return len(self._label)

    def _insert(self, keys: list[Key], matrix: np.ndarray) -> None:
        if not keys:
            return
        labels = np.arange(self._next, self._next + len(keys), dtype=np.uint64)
        self._next += len(keys)
        self._index.add(labels, np.ascontiguousarray(matrix, dtype=np.float32), threads=0)
        for key, label in zip(keys, labels.tolist(), strict=True):
            self._label[key] = label
            self._key[label] = key

    def _delete(self, keys: list[Key]) -> None:
        if not keys:
            return
        labels = [self._label.pop(k) for k in keys]
        for label in labels:
            del self._key[label]
        self._index.remove(np.asarray(labels, dtype=np.uint64))

    def _remember(self, keys: list[Key], matrix: np.ndarray) -> None:
        self._matrix, self._rows = matrix, {k: i for i, k in enumerate(keys)}

    def update(self, keys: Sequence[Key], matrix: np.ndarray) -> str:
        """Bring the index to the store's current vectors; says what it did (``updated`` or ``rebuilt``)."""
        keys = list(keys)
        current = set(keys)
        gone = [k for k in self._label if k not in current]
        new_rows = [i for i, k in enumerate(keys) if k not in self._label]
        kept = [i for i, k in enumerate(keys) if k in self._label]
        if kept:  # vectors replaced in place (another model's add_vectors, a re-embedding)
            old = self._matrix[[self._rows[keys[i]] for i in kept]]
            changed = np.flatnonzero(np.any(old != matrix[kept], axis=1))
            if len(changed):
                moved = [keys[kept[j]] for j in changed]
                self._delete(moved)
                new_rows += [kept[j] for j in changed]
        if len(gone) + len(new_rows) > max(len(keys), 1) // 2:
            self.__init__(keys, matrix, **self._params)  # type: ignore[misc]
            return "rebuilt"
        self._delete(gone)
        self._insert([keys[i] for i in new_rows], matrix[new_rows])
        self._remember(keys, matrix)
        return "updated"

    def search(self, query: np.ndarray, k: int) -> list[tuple[Key, float]]:
        """The ``k`` approximate nearest keys with their cosine similarity, best first."""
        if not self._label or k <= 0:
            return []
        matches = self._index.search(np.asarray(query, dtype=np.float32).ravel(), min(k, len(self._label)))
        return [
            (self._key[int(label)], 1.0 - float(d)) for label, d in zip(matches.keys, matches.distances, strict=True)
        ]


def exact_search(keys: Sequence[Key], matrix: np.ndarray, query: np.ndarray, k: int) -> list[tuple[Key, float]]:
    """The ``k`` nearest keys by cosine (``matrix`` rows unit length, as the store keeps them), best first."""
    if not len(keys) or k <= 0:
        return []
    cos = matrix @ np.asarray(query, dtype=np.float32).ravel()
    k = min(k, len(keys))
    top = np.argpartition(-cos, k - 1)[:k]
    top = top[np.lexsort((top, -cos[top]))]
    return [(keys[i], float(cos[i])) for i in top]


def index_for(store: Store, model_key: str) -> AnnIndex:
    """The cached index of a store's vectors of one model, up to date with the store."""
    generation = store.generation()
    cache_key = (store.ann_key(), model_key)
    cached = _CACHE.get(cache_key)
    if cached is not None and cached[0] == generation:
        _CACHE.move_to_end(cache_key)
        return cached[1]
    keys, matrix = store.vectors(model_key)
    if cached is None:
        index = AnnIndex(keys, matrix)
        logger.info("built the vector index of %s (%s): %d vectors", store.ann_key(), model_key, len(keys))
    else:
        index = cached[1]
        logger.info("%s the vector index of %s (%s)", index.update(keys, matrix), store.ann_key(), model_key)
    _CACHE[cache_key] = (generation, index)
    _CACHE.move_to_end(cache_key)
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return index


def search(store: Store, query: np.ndarray, model_key: str, limit: int, exact: bool | None = None) -> list[SentenceHit]:
    """Nearest stored sentences to ``query`` by cosine: exact below :data:`EXACT_BELOW` vectors, else the index.

    Args:
        exact: True: always exact; False: always the index; None: by size.
    """
    from sciwire.store.base import SentenceHit

    keys, matrix = store.vectors(model_key)
    if exact is None:
        exact = len(keys) < EXACT_BELOW
    found = exact_search(keys, matrix, query, limit) if exact else index_for(store, model_key).search(query, limit)
    return [SentenceHit(doc_id, index, score) for (doc_id, index), score in found]
