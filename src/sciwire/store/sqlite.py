"""The default corpus store: one SQLite file with FTS5 for BM25 and BLOBs for vectors.

Every :meth:`SQLiteStore.add` and :meth:`SQLiteStore.add_many` is one transaction (``BEGIN
IMMEDIATE`` ... ``COMMIT``), so a crash or a kill mid-import leaves only complete documents. WAL mode lets readers work
while a writer imports.

Example:
    >>> import numpy as np
    >>> from sciwire.document import Document, Sentence
    >>> store = SQLiteStore(":memory:")
    >>> doc = Document("d1", "paper", "T", "Mice sleep. Rats eat.", sentences=(Sentence(0, 0, 11), Sentence(1, 12, 21)))
    >>> store.add(doc, np.eye(2, 3, dtype=np.float32), "hash1", "m")
    True
    >>> store.add(doc, np.eye(2, 3, dtype=np.float32), "hash1", "m")  # same content: no-op
    False
    >>> [h.index for h in store.search_text("rats", 5)]
    [1]
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from sciwire.document import Document
from sciwire.errors import InputError, OutputError
from sciwire.store.base import SentenceHit, Store, StoredDocument, check_vector_counts

logger = logging.getLogger(__name__)
SCHEMA_VERSION = "1"
#: Vector rows read per step when the matrix is loaded (bounds the temporary bytes objects).
VECTOR_CHUNK = 20_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT, source TEXT,
    content_hash TEXT NOT NULL UNIQUE, added TEXT NOT NULL, n_sentences INTEGER NOT NULL, doc_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (doc_id, idx)
);
CREATE TABLE IF NOT EXISTS vectors (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, model TEXT NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (doc_id, idx, model)
);
CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5(
    text, doc_id UNINDEXED, idx UNINDEXED, tokenize = 'porter unicode61'
);
"""
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def is_store_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an SQLite database file (what :class:`SQLiteStore` writes), by its header."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def fts_query(text: str) -> str:
    """A safe FTS5 query from free text: every word quoted, OR-ed (BM25 ranks the rest)."""
    words = dict.fromkeys(w.lower() for w in _TOKEN.findall(text) if len(w) > 1 or w.isdigit())
    return " OR ".join(f'"{w}"' for w in words)


def _read_only(file: str) -> bool:
    """Whether to open the store read-only: its file, or the folder SQLite keeps its journal in, is not writable."""
    path = Path(file)
    if path.exists():
        return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)
    parent = next((p for p in path.parents if p.exists()), None)
    if parent is not None and not os.access(parent, os.W_OK):
        raise OutputError(f"Cannot open the corpus store {file}: it does not exist and {parent} is not writable")
    return False


class SQLiteStore(Store):
    """A corpus store in one SQLite file (``":memory:"`` for a temporary one).

    A store whose file or folder is not writable is opened read-only (``read_only``): it can be
    listed and searched, and every write raises :class:`~sciwire.errors.OutputError`.

    Args:
        path: The database file; its folder is created when needed.

    Raises:
        OutputError: When the file cannot be created or is not a sciwire store; on a write, when
            the disk is full or the store is read-only (nothing of that write is kept).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        file = os.path.expanduser(self.path)
        self.read_only = self.path != ":memory:" and _read_only(file)
        try:
            if self.read_only:  # list and ask still work; writes say the store is read-only
                # a folder nobody may write to cannot have changed under us, nor take SQLite's WAL index
                folder_writable = os.access(Path(file).parent, os.W_OK)
                uri = Path(file).resolve().as_uri() + ("?mode=ro" if folder_writable else "?immutable=1")
                self._conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None, check_same_thread=False)
                self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            else:
                if self.path != ":memory:":
                    Path(file).parent.mkdir(parents=True, exist_ok=True)
                self._conn = sqlite3.connect(file, timeout=30, isolation_level=None, check_same_thread=False)
                self._conn.execute("PRAGMA foreign_keys = ON")
                if self.path != ":memory:":
                    self._conn.execute("PRAGMA journal_mode = WAL")
                self._conn.executescript(_SCHEMA)
                self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
                self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise OutputError(f"Cannot open the corpus store {self.path}: {exc}; is it a sciwire store?") from exc
        self._writes = 0
        self._vector_cache = {}

    # ---- writing ------------------------------------------------------------------------
    def add_many(self, items: Sequence[tuple[Document, np.ndarray, str]], model_key: str) -> list[bool]:
        """Store several documents in one transaction: all of them or, on any failure, none.

        Returns:
            Per item, False when its content hash was already stored (also earlier in ``items``).

        Raises:
            InputError: When a document's vector count is not its sentence count (nothing is written).
        """
        check_vector_counts(items)
        with self._transaction():  # the checks see the rows this transaction wrote
            stored = [self._insert(doc, vectors, content_hash, model_key) for doc, vectors, content_hash in items]
        self._vector_cache.clear()
        for doc_id in filter(None, stored):
            logger.info("stored %s", doc_id)
        return [doc_id is not None for doc_id in stored]

    def _insert(self, doc: Document, vectors: np.ndarray, content_hash: str, model_key: str) -> str | None:
        """Write one document's rows (inside a transaction); its id, or None when its content is stored."""
        if self.has_hash(content_hash):
            return None
        doc_id = doc.id
        if self._conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
            doc_id = f"{doc.id}-{content_hash[:8]}"
            doc = doc.replace(id=doc_id)
        texts = doc.sentence_texts()
        searchable = [s.index for s in doc.iter_sentences()]  # the reference list is not searched
        matrix = np.asarray(vectors, dtype=np.float32)
        conn = self._conn
        conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, doc.kind, doc.title, doc.metadata.source, content_hash,
             datetime.now(UTC).isoformat(timespec="seconds"), len(texts), doc.to_json()),
        )  # fmt: skip
        conn.executemany("INSERT INTO sentences VALUES (?, ?, ?)", [(doc_id, i, t) for i, t in enumerate(texts)])
        conn.executemany(
            "INSERT INTO sentences_fts (text, doc_id, idx) VALUES (?, ?, ?)",
            [(texts[i], doc_id, i) for i in searchable],
        )
        conn.executemany(
            "INSERT INTO vectors VALUES (?, ?, ?, ?)",
            [(doc_id, i, model_key, matrix[i].tobytes()) for i in searchable],
        )
        return doc_id

    def add_vectors(self, doc_id: str, vectors: np.ndarray, model_key: str) -> None:
        doc = self.get(doc_id)
        if len(vectors) != len(doc.sentences):
            raise InputError(f"{doc_id}: got {len(vectors)} vectors for {len(doc.sentences)} sentences")
        rows = [
            (doc_id, s.index, model_key, np.asarray(vectors[s.index], np.float32).tobytes())
            for s in doc.iter_sentences()
        ]
        with self._transaction():
            self._conn.execute("DELETE FROM vectors WHERE doc_id = ? AND model = ?", (doc_id, model_key))
            self._conn.executemany("INSERT INTO vectors VALUES (?, ?, ?, ?)", rows)
        self._vector_cache.clear()

    def has_vectors(self, doc_id: str, model_key: str) -> bool:
        sql = "SELECT 1 FROM vectors WHERE doc_id = ? AND model = ? LIMIT 1"
        return self._conn.execute(sql, (doc_id, model_key)).fetchone() is not None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; SQLite's write errors (disk full, read-only) become OutputError."""
        if self.read_only:
            raise OutputError(self._read_only_message())
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
                self._conn.execute("COMMIT")
                self._writes += 1
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            if "readonly" in str(exc):
                raise OutputError(self._read_only_message()) from exc
            raise OutputError(
                f"Cannot write to the corpus store {self.path}: {exc}; nothing of this change was written. "
                "Free some disk space (or check the disk) and try again"
            ) from exc

    def _read_only_message(self) -> str:
        return (
            f"The corpus store {self.path} is read-only: it can be listed and asked, but not changed. "
            "Make it (and its folder) writable, or use another store with --store"
        )

    def remove(self, doc_id: str) -> bool:
        return self.remove_many([doc_id]) == 1

    def remove_many(self, doc_ids: Sequence[str]) -> int:
        """Delete documents in one transaction: all of them or, on any failure, none.

        Returns:
            How many were deleted (ids not in the store are skipped).
        """
        deleted = 0
        with self._transaction():
            for doc_id in dict.fromkeys(doc_ids):
                deleted += self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,)).rowcount
                self._conn.execute("DELETE FROM sentences_fts WHERE doc_id = ?", (doc_id,))
        self._vector_cache.clear()
        return deleted

    # ---- reading ------------------------------------------------------------------------
    def has_hash(self, content_hash: str) -> str | None:
        row = self._conn.execute("SELECT id FROM documents WHERE content_hash = ?", (content_hash,)).fetchone()
        return row[0] if row else None

    def get(self, doc_id: str) -> Document:
        row = self._conn.execute("SELECT doc_json FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise InputError(f"No document {doc_id!r} in the store {self.path}; see 'sciwire list'")
        return Document.from_json(row[0])

    def documents(self) -> list[StoredDocument]:
        rows = self._conn.execute(
            "SELECT id, kind, title, source, content_hash, n_sentences, added FROM documents ORDER BY added, rowid"
        )
        return [StoredDocument(r[0], r[1], r[2] or "", r[3], r[4], r[5], r[6]) for r in rows]

    def sentence_text(self, doc_id: str, index: int) -> str:
        row = self._conn.execute("SELECT text FROM sentences WHERE doc_id = ? AND idx = ?", (doc_id, index)).fetchone()
        if row is None:
            raise InputError(f"No sentence {index} of {doc_id!r} in the store")
        return str(row[0])

    def generation(self) -> Hashable:
        """Changes with every committed write, by any process (``meta.generation``; stores made
        before it existed count SQLite's ``data_version`` and this connection's writes)."""
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        if row is not None:
            return int(row[0])
        (version,) = self._conn.execute("PRAGMA data_version").fetchone()
        return ("data_version", version, self._writes)

    def ann_key(self) -> str:
        if self.path == ":memory:":
            return super().ann_key()
        return "sqlite:" + str(Path(os.path.expanduser(self.path)).resolve())

    def _load_vectors(self, model_key: str) -> tuple[list[tuple[str, int]], np.ndarray]:
        """Read one model's vectors in chunks straight into one matrix (one copy of the vectors in memory)."""
        (count,) = self._conn.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (model_key,)).fetchone()
        keys: list[tuple[str, int]] = []
        matrix = np.zeros((0, 0), dtype=np.float32)
        cursor = self._conn.execute(
            "SELECT doc_id, idx, vec FROM vectors WHERE model = ? ORDER BY doc_id, idx", (model_key,)
        )
        while rows := cursor.fetchmany(VECTOR_CHUNK):
            chunk = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
            if not keys:
                matrix = np.empty((max(count, len(rows)), chunk.shape[1]), dtype=np.float32)
            if len(keys) + len(rows) > len(matrix):  # a writer added rows since the count
                matrix = np.concatenate([matrix, np.empty((len(rows), chunk.shape[1]), dtype=np.float32)])
            matrix[len(keys) : len(keys) + len(rows)] = chunk
            keys.extend((r[0], int(r[1])) for r in rows)
        return keys, matrix[: len(keys)] if keys else matrix

    def search_text(self, query: str, limit: int, doc_ids: Sequence[str] | None = None) -> list[SentenceHit]:
        match = fts_query(query)
        if not match:
            return []
        sql = "SELECT doc_id, idx, bm25(sentences_fts) AS s FROM sentences_fts WHERE sentences_fts MATCH ?"
        params: list[object] = [match]
        if doc_ids is not None:
            sql += f" AND doc_id IN ({','.join('?' * len(doc_ids))})"
            params.extend(doc_ids)
        sql += " ORDER BY s LIMIT ?"
        params.append(limit)
        return [SentenceHit(r[0], int(r[1]), -float(r[2])) for r in self._conn.execute(sql, params)]

    def close(self) -> None:
        self._conn.close()
