"""The corpus store: analysed documents and sentence embeddings kept between runs (SQLite)."""

from sciwire.store.base import SentenceHit, Store, StoredDocument
from sciwire.store.ingest import AddResult, add_files, collect_files, open_store
from sciwire.store.sqlite import SQLiteStore

__all__ = [
    "AddResult",
    "SQLiteStore",
    "SentenceHit",
    "Store",
    "StoredDocument",
    "add_files",
    "collect_files",
    "open_store",
]
