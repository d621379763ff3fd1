"""Store fixtures: every store test runs against SQLite and against a real PostgreSQL started here."""

from __future__ import annotations

import pytest

from tests.store.pgcluster import Cluster


@pytest.fixture(scope="session")
def postgres():
    """One throw-away PostgreSQL cluster for the session (skips with the reason when it cannot start)."""
    pytest.importorskip("psycopg", reason="the PostgreSQL store tests need psycopg (pip install 'sciwire[postgres]')")
    cluster = Cluster()
    try:
        cluster.start()
    except (RuntimeError, OSError) as exc:
        cluster.stop()
        pytest.skip(f"no PostgreSQL to test against: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def location(request, tmp_path):
    """Where a fresh store lives: an SQLite file, or the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "s.sqlite")
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def store(location):
    """A fresh, empty store (SQLite and PostgreSQL), closed after the test."""
    from sciwire.config import load_config
    from sciwire.store import open_store

    with open_store(load_config(environ={}), location) as opened:
        yield opened
