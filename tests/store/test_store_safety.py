"""Honest store operations: all-or-nothing remove, disk full and read-only stores."""

from __future__ import annotations

import os
import sqlite3

import pytest

from sciwire.config import load_config
from sciwire.errors import InputError, OutputError
from sciwire.store import SQLiteStore, list_documents, open_store, remove_documents
from sciwire.store import sqlite as sqlite_module
from tests.store.test_store import make_doc, vecs


def filled(path, *ids):
    with open_store(load_config(environ={}), path) as store:
        for i, doc_id in enumerate(ids):
            store.add(make_doc(doc_id), vecs(4), f"h{i}", "m")
    return path


def test_remove_with_a_missing_id_removes_nothing(location):
    path = filled(location, "a", "b")
    with pytest.raises(InputError, match=r"Not in the store: missing-id, gone; nothing was removed"):
        remove_documents(["a", "missing-id", "gone"], load_config(environ={}), path)
    assert [d.id for d in list_documents(load_config(environ={}), path)] == ["a", "b"]


def test_remove_many_is_one_transaction(location):
    path = filled(location, "a", "b", "c")
    with open_store(load_config(environ={}), path) as store:
        assert store.remove_many(["a", "b"]) == 2
        assert [d.id for d in store.documents()] == ["c"]
        assert store.search_text("mice", 10) and {h.doc_id for h in store.search_text("mice", 10)} == {"c"}


class FullDisk:
    """A connection whose writes fail as SQLite's do when the disk is full."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith(("INSERT", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, *args)

    def executemany(self, sql, *args):
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_disk_full_is_a_one_line_output_error(tmp_path, monkeypatch):
    path = filled(tmp_path / "s.sqlite", "a")
    store = SQLiteStore(path)
    monkeypatch.setattr(store, "_conn", FullDisk(store._conn))
    with pytest.raises(OutputError, match=r"^Cannot write to the corpus store .*s\.sqlite: database or disk is full"):
        store.add(make_doc("b"), vecs(4), "hb", "m")
    with pytest.raises(OutputError, match="database or disk is full"):
        store.remove("a")
    monkeypatch.undo()
    assert [d.id for d in store.documents()] == ["a"], "nothing half-written"
    store.close()


def see_read_only(monkeypatch):
    """Make the store module see files as not writable (tests may run as root, who may write anyway)."""
    real = os.access
    monkeypatch.setattr(sqlite_module.os, "access", lambda p, mode: False if mode & os.W_OK else real(p, mode))


def test_read_only_store_opens_for_reading(tmp_path, monkeypatch):
    path = filled(tmp_path / "s.sqlite", "a")
    os.chmod(path, 0o444)
    see_read_only(monkeypatch)
    with SQLiteStore(path) as store:
        assert [d.id for d in store.documents()] == ["a"]
        assert store.search_text("mice", 3)
        with pytest.raises(OutputError, match=r"^The corpus store .*s\.sqlite is read-only"):
            store.add(make_doc("b"), vecs(4), "hb", "m")


def test_store_in_read_only_folder_opens_for_reading(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = filled(folder / "s.sqlite", "a")
    os.chmod(folder, 0o555)
    see_read_only(monkeypatch)
    try:
        assert [d.id for d in list_documents(load_config(environ={}), path)] == ["a"]
        assert sorted(p.name for p in folder.iterdir()) == ["s.sqlite"]
    finally:
        os.chmod(folder, 0o755)


def test_missing_store_in_read_only_folder_is_a_one_line_error(tmp_path, monkeypatch):
    see_read_only(monkeypatch)
    with pytest.raises(OutputError, match="Cannot open the corpus store"):
        SQLiteStore(tmp_path / "missing" / "s.sqlite")


def test_disk_full_mid_batch_writes_nothing_of_the_batch(tmp_path, monkeypatch):
    path = filled(tmp_path / "s.sqlite", "a")
    store = SQLiteStore(path)
    real_insert = store._insert

    def insert(doc, *args):
        if doc.id == "c":
            raise sqlite3.OperationalError("database or disk is full")
        return real_insert(doc, *args)

    monkeypatch.setattr(store, "_insert", insert)
    batch = [(make_doc("b"), vecs(4), "hb"), (make_doc("c"), vecs(4), "hc")]
    with pytest.raises(OutputError, match=r"^Cannot write to the corpus store .*database or disk is full"):
        store.add_many(batch, "m")
    assert [d.id for d in store.documents()] == ["a"], "b was written in the same transaction: rolled back"
    store.close()


def test_a_failure_mid_batch_writes_nothing_of_the_batch(location, monkeypatch):
    """Both stores: a write that fails on the second document of a batch rolls back the first."""
    path = filled(location, "a")
    with open_store(load_config(environ={}), path) as store:
        real_write = store._insert

        def insert(doc, *args):
            if doc.id == "c":  # the server (or SQLite) refuses the second document of the batch
                store._conn.execute("SELECT * FROM no_such_table")
            return real_write(doc, *args)

        monkeypatch.setattr(store, "_insert", insert)
        batch = [(make_doc("b"), vecs(4), "hb"), (make_doc("c"), vecs(4), "hc")]
        with pytest.raises(OutputError, match=r"^Cannot write to the corpus store .*no_such_table"):
            store.add_many(batch, "m")
        monkeypatch.undo()
        assert [d.id for d in store.documents()] == ["a"], "b was written in the same transaction: rolled back"
        assert {h.doc_id for h in store.search_text("mice", 10)} == {"a"}
        assert store.add_many(batch, "m") == [True, True], "the store is usable after the failure"
