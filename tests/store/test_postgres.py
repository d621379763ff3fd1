"""What only the PostgreSQL store has: URLs, connection errors, schema versions, several clients."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sciwire.config import load_config
from sciwire.errors import MissingDependencyError, OutputError
from sciwire.store import is_store_url, open_store, store_path
from sciwire.store.postgres import PostgresStore, redact
from tests.store.test_store import make_doc, vecs


def test_urls_are_recognised_and_passwords_never_shown():
    assert is_store_url("postgresql://u@h/db") and is_store_url("postgres://h/db")
    assert not is_store_url("corpus.sqlite") and not is_store_url(Path("postgresql://h/db"))
    assert (
        redact("postgresql://me:s3cret@db.example.org:5432/corpus") == "postgresql://me:***@db.example.org:5432/corpus"
    )
    cfg = load_config(environ={"SCIWIRE_STORE": "postgresql://me:s3cret@h/db"})
    assert store_path(cfg) == "postgresql://me:***@h/db"


def test_an_unreachable_server_is_a_one_line_error_without_the_password(tmp_path):
    url = f"postgresql://me:s3cret@/db?host={tmp_path}&connect_timeout=2"
    with pytest.raises(OutputError, match=r"^Cannot connect to the corpus store postgresql://me:\*\*\*@") as info:
        open_store(load_config(environ={}), url)
    assert "s3cret" not in str(info.value) and "\n" not in str(info.value)


def test_without_psycopg_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(MissingDependencyError, match=r"sciwire\[postgres\]"):
        PostgresStore("postgresql://h/db")


def test_schema_is_created_once_with_its_version(postgres):
    url = postgres.new_database()
    with PostgresStore(url) as store:
        available = store._conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
        assert store.pgvector == (available is not None), "pgvector when the server has it (Debian 12's has not)"
        store._conn.execute("UPDATE sciwire.meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(OutputError, match="has schema version 99, this sciwire reads version 1"):
        PostgresStore(url)


def test_a_second_client_sees_every_commit(postgres):
    url = postgres.new_database()
    with PostgresStore(url) as reader, PostgresStore(url) as writer:
        assert reader.vectors("m")[1].shape == (0, 0)
        writer.add(make_doc("p1"), vecs(4), "h1", "m")
        assert len(reader.vectors("m")[0]) == 3 and [d.id for d in reader.documents()] == ["p1"]
        writer.remove("p1")
        assert reader.vectors("m")[0] == [] and reader.search_text("mice", 5) == []


def test_ts_rank_cd_ranking(postgres):
    with PostgresStore(postgres.new_database(), ranking="ts_rank_cd") as store:
        store.add(make_doc(), vecs(4), "h1", "m")
        assert store.search_text("number 2 mice", 5)[0].index == 2
    with pytest.raises(ValueError, match="ranking must be one of"):
        PostgresStore(postgres.url(), ranking="tfidf")


KILLER = """
import os, sys
sys.path.insert(0, {root!r})
from tests.store.test_store import make_doc, vecs
from sciwire.store.postgres import PostgresStore

store = PostgresStore({url!r})
real = store._write_vectors


def dies(*args):  # the document and its sentences are written, the vectors not yet
    os._exit(9)


store._write_vectors = dies
store.add(make_doc("half"), vecs(4), "h1", "m")
"""


def test_kill_mid_import_leaves_only_complete_documents(postgres):
    url = postgres.new_database()
    with PostgresStore(url) as store:
        store.add(make_doc("done"), vecs(4), "h0", "m")
    root = str(Path(__file__).resolve().parents[2])
    assert subprocess.run([sys.executable, "-c", KILLER.format(root=root, url=url)]).returncode == 9
    with PostgresStore(url) as store:
        assert [d.id for d in store.documents()] == ["done"]
        assert [k[0] for k in store.vectors("m")[0]] == ["done"] * 3
        assert {h.doc_id for h in store.search_text("mice", 10)} == {"done"}


def test_cli_list_and_remove_take_a_url(postgres):
    from typer.testing import CliRunner

    from sciwire.cli.main import app

    url = postgres.new_database()
    with PostgresStore(url) as store:
        store.add(make_doc("p1"), vecs(4), "h1", "m")
    runner = CliRunner()
    listed = runner.invoke(app, ["list", "--json", "--store", url], catch_exceptions=False)
    assert listed.exit_code == 0, listed.output
    assert [d["id"] for d in json.loads(listed.stdout)] == ["p1"]
    assert runner.invoke(app, ["remove", "p1", "--store", url]).stdout.strip() == "removed 1"
