"""The approximate nearest-neighbour index: recall against exact search, updates, the size threshold."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.store import ann
from sciwire.store.ann import AnnIndex, exact_search
from tests.store.test_store import make_doc

pytest.importorskip("usearch")


def unit(n: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_index_finds_what_exact_search_finds():
    matrix, keys = unit(2000), [(f"d{i // 10}", i % 10) for i in range(2000)]
    index = AnnIndex(keys, matrix)
    queries = unit(50, seed=1)
    recall = np.mean(
        [
            len({k for k, _ in index.search(q, 10)} & {k for k, _ in exact_search(keys, matrix, q, 10)}) / 10
            for q in queries
        ]
    )
    assert recall >= 0.95
    (key, cos), *_ = index.search(matrix[17], 3)
    assert key == keys[17] and cos == pytest.approx(1.0, abs=1e-5)


def test_update_adds_removes_and_replaces_rows():
    matrix, keys = unit(300), [("a", i) for i in range(300)]
    index = AnnIndex(keys, matrix)
    more = unit(20, seed=2)
    changed = matrix.copy()
    changed[5] = more[0]
    keys2 = [k for k in keys if k != ("a", 0)] + [("b", i) for i in range(1, 20)]
    matrix2 = np.vstack([changed[1:], more[1:]])
    assert index.update(keys2, matrix2) == "updated" and len(index) == len(keys2)
    assert index.search(more[3], 1)[0][0] == ("b", 3)
    assert index.search(more[0], 1)[0][0] == ("a", 5), "a replaced vector is found by its new value"
    assert all(k != ("a", 0) for k, _ in index.search(matrix[0], 5))
    assert index.update(keys2[:10], matrix2[:10]) == "rebuilt", "most of the store changed"


def test_store_search_is_exact_below_the_threshold_and_indexed_above(store, monkeypatch):
    rows = unit(4 * 6, dim=8, seed=3)
    for i in range(6):
        store.add(make_doc(f"p{i}"), rows[4 * i : 4 * i + 4], f"h{i}", "m")
    query = rows[9]  # p2's sentence 1
    exact = store.search_vectors(query, "m", 3)
    assert (exact[0].doc_id, exact[0].index) == ("p2", 1) and exact[0].score == pytest.approx(1.0, abs=1e-5)
    monkeypatch.setattr(ann, "EXACT_BELOW", 10)
    indexed = store.search_vectors(query, "m", 3)
    assert [(h.doc_id, h.index) for h in indexed] == [(h.doc_id, h.index) for h in exact]
    store.remove("p2")
    store.add(make_doc("q"), rows[:4], "hq", "m")
    after = store.search_vectors(query, "m", 3)
    assert "p2" not in {h.doc_id for h in after}, "the index follows removals"
    assert store.search_vectors(rows[1], "m", 2)[0].doc_id in {"p0", "q"}, "and additions"
