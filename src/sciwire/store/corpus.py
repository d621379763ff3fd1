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
from sciwire.store.sqlite import SQLiteStore


def store_path(config: Config, path: str | os.PathLike[str] | None = None) -> str:
    """The store file: ``path`` when given, else ``paths.store`` (``$SCIWIRE_STORE``)."""
    return os.fspath(path) if path is not None else config.paths.store


def open_store(config: Config, path: str | os.PathLike[str] | None = None) -> Store:
    """The configured store (``paths.store``), or the one at ``path``.

    Raises:
        OutputError: When the file cannot be created or is not a sciwire store.
    """
    return SQLiteStore(store_path(config, path))


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
