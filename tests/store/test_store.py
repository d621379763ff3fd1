from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.document import Document, Section, Sentence
from sciwire.errors import InputError, OutputError
from sciwire.store import SQLiteStore, is_store_file, list_documents, open_store, remove_documents, store_path
from sciwire.store.sqlite import fts_query

# Tests taking the ``store`` or ``location`` fixture (tests/store/conftest.py) run against SQLite
# and against a real PostgreSQL; the others test what only SQLite has (files, FTS5 queries).


def make_doc(doc_id: str = "p1", n: int = 3) -> Document:
    sents = [f"Sentence {i} about mice and sleep number {i}." for i in range(n)]
    text = " ".join(sents) + "\n\n[1] Ref about mice."
    spans, pos = [], 0
    for i, s in enumerate(sents):
        spans.append(Sentence(i, pos, pos + len(s), 0))
        pos += len(s) + 1
    ref_start = text.index("[1]")
    spans.append(Sentence(n, ref_start, len(text), 1))
    sections = (Section("body", 0, ref_start), Section("references", ref_start, len(text)))
    return Document(doc_id, "paper", f"Title {doc_id}", text, sections=sections, sentences=tuple(spans))


def vecs(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(n, 8)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_round_trip_list_remove(location):
    cfg = load_config(environ={})
    doc = make_doc()
    with open_store(cfg, location) as store:
        assert store.add(doc, vecs(4), "h1", "m")
    with open_store(cfg, location) as store:
        assert store.get("p1") == doc
        (row,) = store.documents()
        assert (row.id, row.kind, row.sentences, row.content_hash) == ("p1", "paper", 4, "h1")
        keys, matrix = store.vectors("m")
        assert keys == [("p1", 0), ("p1", 1), ("p1", 2)], "the reference list is not searchable"
        assert matrix.shape == (3, 8)
        assert store.sentence_text("p1", 1).startswith("Sentence 1")
        assert store.remove("p1") and not store.remove("p1")
        assert store.documents() == [] and store.search_text("mice", 5) == []
        with pytest.raises(InputError, match="No document 'p1' in the store"):
            store.get("p1")


def test_re_adding_same_content_is_a_no_op_and_same_id_gets_suffix(store):
    assert store.add(make_doc(), vecs(4), "h1", "m")
    assert not store.add(make_doc(), vecs(4), "h1", "m")
    assert store.add(make_doc(), vecs(4), "h2", "m"), "same id, new content"
    assert [d.id for d in store.documents()] == ["p1", "p1-h2"]


def test_fts_query_quotes_every_word():
    assert fts_query('NEAR("x" AND) OR * -"y"') == '"near" OR "and" OR "or"'


def test_bm25_search_is_safe_for_any_query_text(store):
    store.add(make_doc(), vecs(4), "h1", "m")
    store.add(make_doc("p2", n=1).replace(text=make_doc("p2", n=1).text.replace("mice", "rats")), vecs(2), "h2", "m")
    assert store.search_text('number 2 AND "mice" OR (*', 5)[0].index == 2
    assert store.search_text("???", 5) == [] and store.search_text("'; DROP TABLE x; --", 5) == []
    assert store.search_text("mice", 5, doc_ids=["other"]) == []
    hits = store.search_text("rats sleep", 5)
    assert hits[0].doc_id == "p2" and hits[0].score > 0, "the rarer word (rats) weighs more: BM25's IDF"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert store.search_text("mice", 1, doc_ids=["p2"]) == [], "p2 speaks of rats"


def test_vector_count_must_match(store):
    with pytest.raises(InputError, match="got 2 vectors for 4 sentences"):
        store.add(make_doc(), vecs(2), "h", "m")
    assert len(store) == 0


def test_not_a_store(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"definitely not sqlite" * 50)
    with pytest.raises(OutputError, match="Cannot open the corpus store"):
        SQLiteStore(bad)


KILLER = """
import os, sys
sys.path.insert(0, {here!r})
from test_store import make_doc, vecs
from sciwire.store import SQLiteStore


class DiesMidImport:
    # Forwards to the real connection; kills the process once the text index is written.
    def __init__(self, conn):
        self.conn = conn

    def __getattr__(self, name):
        return getattr(self.conn, name)

    def executemany(self, sql, rows):
        self.conn.executemany(sql, rows)
        if "sentences_fts" in sql:  # document and sentences written, vectors not yet
            os._exit(9)


store = SQLiteStore({path!r})
store._conn = DiesMidImport(store._conn)
store.add(make_doc("half"), vecs(4), "h1", "m")
"""


def test_kill_mid_import_leaves_only_complete_documents(tmp_path):
    """A process killed inside add() (after some rows were written) must not leave partial documents."""
    path = tmp_path / "s.sqlite"
    with SQLiteStore(path) as store:
        store.add(make_doc("done"), vecs(4), "h0", "m")
    script = KILLER.format(here=str(Path(__file__).parent), path=str(path))
    result = subprocess.run([sys.executable, "-c", script])
    assert result.returncode == 9
    with SQLiteStore(path) as store:
        assert [d.id for d in store.documents()] == ["done"]
        assert [k[0] for k in store.vectors("m")[0]] == ["done"] * 3
        assert {h.doc_id for h in store.search_text("mice", 10)} == {"done"}


def test_vectors_of_a_second_model_are_added_not_duplicated(store):
    store.add(make_doc(), vecs(4), "h1", "model-a")
    assert store.has_vectors("p1", "model-a") and not store.has_vectors("p1", "model-b")
    store.add_vectors("p1", vecs(4) * -1, "model-b")
    store.add_vectors("p1", vecs(4), "model-b")  # replacing, not appending
    keys, matrix = store.vectors("model-b")
    assert len(keys) == 3 and np.allclose(matrix, vecs(4)[:3])
    with pytest.raises(InputError, match="got 1 vectors for 4 sentences"):
        store.add_vectors("p1", vecs(1), "model-c")


def test_iter_documents_yields_stored_documents_by_kind(store):
    store.add(make_doc("p1"), vecs(4), "h1", "m")
    store.add(make_doc("p2").replace(kind="news"), vecs(4), "h2", "m")
    assert [d.id for d in store.iter_documents()] == ["p1", "p2"]
    (paper,) = store.iter_documents("paper")
    assert paper == make_doc("p1") and len(paper.sentences) == 4


def test_store_files_are_recognised_by_their_header(tmp_path):
    path = tmp_path / "s.sqlite"
    SQLiteStore(path).close()
    assert is_store_file(path)
    (tmp_path / "x.jsonl").write_text('{"title": "T"}')
    assert not is_store_file(tmp_path / "x.jsonl") and not is_store_file(tmp_path / "missing")


def test_list_and_remove_the_configured_store(location):
    cfg = load_config(environ={"SCIWIRE_STORE": location})
    assert store_path(cfg) == location and store_path(cfg, "other.sqlite") == "other.sqlite"
    with open_store(cfg) as store:
        store.add(make_doc("p1"), vecs(4), "h1", "m")
        store.add(make_doc("p2"), vecs(4), "h2", "m")
    assert [d.id for d in list_documents(cfg)] == ["p1", "p2"]
    with pytest.raises(InputError, match=r"Not in the store: nope; nothing was removed"):
        remove_documents(["p1", "nope"], cfg)
    assert [d.id for d in list_documents(cfg)] == ["p1", "p2"], "nothing is removed when an id is missing"
    assert remove_documents(["p1", "p1"], cfg) == 1
    assert [d.id for d in list_documents(cfg)] == ["p2"]


def test_add_many_is_one_transaction_and_skips_stored_content(store):
    store.add(make_doc("p0"), vecs(4), "h0", "m")
    items = [(make_doc("p1"), vecs(4), "h1"), (make_doc("p0"), vecs(4), "h0"), (make_doc("p1"), vecs(4), "h2")]
    assert store.add_many(items, "m") == [True, False, True], "h0 was stored; the second p1 gets a suffix"
    assert [d.id for d in store.documents()] == ["p0", "p1", "p1-h2"]
    assert store.add_many([(make_doc("p3"), vecs(4), "h3"), (make_doc("p3"), vecs(4), "h3")], "m") == [True, False]
    with pytest.raises(InputError, match="p5: got 2 vectors for 4 sentences"):
        store.add_many([(make_doc("p4"), vecs(4), "h4"), (make_doc("p5"), vecs(2), "h5")], "m")
    assert "p4" not in {d.id for d in store.documents()}, "nothing of a rejected batch is written"
    keys, matrix = store.vectors("m")
    assert len(keys) == 4 * 3 and matrix.shape == (12, 8) and matrix.flags.writeable


def test_vectors_are_read_in_chunks(monkeypatch):
    from sciwire.store import sqlite as sqlite_module

    monkeypatch.setattr(sqlite_module, "VECTOR_CHUNK", 2)
    store = SQLiteStore(":memory:")
    store.add(make_doc("p1"), vecs(4), "h1", "m")
    store.add(make_doc("p2"), vecs(4) * 2, "h2", "m")
    keys, matrix = store.vectors("m")
    assert keys == [("p1", 0), ("p1", 1), ("p1", 2), ("p2", 0), ("p2", 1), ("p2", 2)]
    assert np.allclose(matrix, np.vstack([vecs(4)[:3], 2 * vecs(4)[:3]]))
    assert store.vectors("other")[1].shape == (0, 0)
