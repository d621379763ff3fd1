"""The configured corpus store: open it, list it, remove from it (``sciwire list`` / ``remove``).

Adding needs the models (sentences, embeddings, discourse roles): see
:func:`sciwire.qa.api.add_papers`, the function behind ``sciwire add``.

Example:
    >>> from sciwire.config import load_config
    >>> with open_store(load_config(), ":memory:") as store:
    ...     len(store)
    0
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from sciwire.config import Config
from sciwire.errors import InputError
from sciwire.store.base import Store, StoredDocument
from sciwire.store.postgres import is_store_url, redact
from sciwire.store.sqlite import SQLiteStore


def store_path(config: Config, path: str | os.PathLike[str] | None = None) -> str:
    """The store: ``path`` when given, else ``paths.store`` (``$SCIWIRE_STORE``); a file or a
    ``postgresql://`` URL (shown without its password)."""
    location = os.fspath(path) if path is not None else config.paths.store
    return redact(location) if is_store_url(location) else location


def open_store(config: Config, path: str | os.PathLike[str] | None = None) -> Store:
    """The configured store (``paths.store``), or the one at ``path``: an SQLite file, or a
    PostgreSQL database given as ``postgresql://user@host/db`` (:class:`~sciwire.store.postgres.PostgresStore`).

    Raises:
        OutputError: When the file cannot be created or is not a sciwire store, or the
            database cannot be reached.
        MissingDependencyError: For a PostgreSQL URL without psycopg installed.
    """
    location = os.fspath(path) if path is not None else config.paths.store
    if is_store_url(location):
        from sciwire.store.postgres import PostgresStore

        return PostgresStore(location)
    return SQLiteStore(location)


def list_documents(config: Config, path: str | os.PathLike[str] | None = None) -> list[StoredDocument]:
    """What the store holds (without texts), oldest first: the function behind ``sciwire list``."""
    with open_store(config, path) as store:
        return store.documents()


def remove_documents(doc_ids: Sequence[str], config: Config, path: str | os.PathLike[str] | None = None) -> int:
    """Remove documents by id: the function behind ``sciwire remove``.

    Returns:
        How many were removed.

    Raises:
        InputError: When an id is not in the store (then nothing is removed).
        OutputError: When the store is read-only or the disk is full (then nothing is removed).
    """
    with open_store(config, path) as store:
        stored = {row.id for row in store.documents()}
        missing = [d for d in doc_ids if d not in stored]
        if missing:
            raise InputError(
                f"Not in the store: {', '.join(missing)}; nothing was removed. See 'sciwire list' for the ids"
            )
        return store.remove_many(doc_ids)
