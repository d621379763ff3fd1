"""The corpus store: analysed documents and sentence embeddings kept between runs (SQLite or PostgreSQL)."""

from sciwire.store.base import SentenceHit, Store, StoredDocument
from sciwire.store.corpus import list_documents, open_store, remove_documents, store_path
from sciwire.store.ingest import AddInterrupted, AddResult, add_files
from sciwire.store.postgres import is_store_url
from sciwire.store.sqlite import SQLiteStore, is_store_file

__all__ = [
    "AddInterrupted",
    "AddResult",
    "SQLiteStore",
    "SentenceHit",
    "Store",
    "StoredDocument",
    "add_files",
    "is_store_file",
    "is_store_url",
    "list_documents",
    "open_store",
    "remove_documents",
    "store_path",
]
