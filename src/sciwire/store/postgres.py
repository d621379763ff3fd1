"""The corpus store on PostgreSQL (psycopg 3): several users, large corpora, the same interface as SQLite.

Open it with a URL: ``sciwire add --store postgresql://user@host/db`` (or ``paths.store`` /
``$SCIWIRE_STORE``). The tables live in the PostgreSQL schema ``sciwire`` of that database and
are created on the first connect, with a schema version in ``sciwire.meta``.

- Documents, sentences and vectors (``bytea``, float32) as in :class:`~sciwire.store.SQLiteStore`;
  every :meth:`PostgresStore.add_many` and :meth:`PostgresStore.remove_many` is one transaction.
- Lexical search is PostgreSQL full-text search (``to_tsvector('english', ...)``, a GIN index)
  ranked by **BM25 computed from the tsvector statistics** (term frequencies from the sentence's
  tsvector, document frequencies counted through the GIN index, sentence count and mean length
  kept in ``sciwire.stats``; k1 = 1.2, b = 0.75, as SQLite's FTS5), so scores mean what FTS5's
  BM25 means; ``ranking="ts_rank_cd"`` ranks by PostgreSQL's cover density instead (no IDF).
- Vector search: with the pgvector extension on the server (detected at connect time:
  ``pg_available_extensions``) an ``emb vector`` column is kept beside the bytes and searched
  with ``<=>`` (cosine distance); without it, :meth:`Store.search_vectors` (exact below
  :data:`~sciwire.store.ann.EXACT_BELOW` vectors, else a usearch index built from the stored vectors).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from sciwire.document import Document
from sciwire.errors import InputError, MissingDependencyError, OutputError
from sciwire.store.base import SentenceHit, Store, StoredDocument, check_vector_counts

logger = logging.getLogger(__name__)
SCHEMA_VERSION = "1"
#: Vector rows read per step when the matrix is loaded.
VECTOR_CHUNK = 20_000
RANKINGS = ("bm25", "ts_rank_cd")
K1, B = 1.2, 0.75
_SCHEMA = """
CREATE SCHEMA IF NOT EXISTS sciwire;
CREATE TABLE IF NOT EXISTS sciwire.meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sciwire.stats (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO sciwire.stats VALUES ('sentences', 0), ('tokens', 0), ('generation', 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS sciwire.documents (
    seq BIGSERIAL UNIQUE, id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT, source TEXT,
    content_hash TEXT NOT NULL UNIQUE, added TEXT NOT NULL, n_sentences INTEGER NOT NULL, doc_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sciwire.sentences (
    doc_id TEXT NOT NULL REFERENCES sciwire.documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, text TEXT NOT NULL, tsv TSVECTOR, n_tokens INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc_id, idx)
);
CREATE INDEX IF NOT EXISTS sentences_tsv ON sciwire.sentences USING GIN (tsv);
CREATE TABLE IF NOT EXISTS sciwire.vectors (
    doc_id TEXT NOT NULL REFERENCES sciwire.documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, model TEXT NOT NULL, vec BYTEA NOT NULL, PRIMARY KEY (doc_id, idx, model)
);
"""
_INSERT_SENTENCES = """
INSERT INTO sciwire.sentences (doc_id, idx, text, tsv, n_tokens)
SELECT s.doc_id, s.idx, s.text, v.tsv, COALESCE((SELECT SUM(array_length(positions, 1)) FROM unnest(v.tsv)), 0)
FROM unnest(%(doc)s::text[], %(idx)s::int[], %(text)s::text[], %(searchable)s::bool[])
     AS s(doc_id, idx, text, searchable)
CROSS JOIN LATERAL (SELECT CASE WHEN s.searchable THEN to_tsvector('english', s.text) END AS tsv) AS v
"""
_BM25 = f"""
WITH terms AS (SELECT * FROM unnest(%(terms)s::text[], %(dfs)s::bigint[]) AS t(lexeme, df)),
hits AS (
    SELECT doc_id, idx, tsv, n_tokens FROM sciwire.sentences
    WHERE tsv @@ %(query)s::tsquery AND (%(ids)s::text[] IS NULL OR doc_id = ANY(%(ids)s::text[]))
)
SELECT h.doc_id, h.idx, SUM(
    ln(1 + (%(n)s - t.df + 0.5) / (t.df + 0.5))
    * array_length(u.positions, 1) * {K1 + 1}
    / (array_length(u.positions, 1) + {K1} * (1 - {B} + {B} * h.n_tokens / %(avgdl)s))
) AS score
FROM hits AS h CROSS JOIN LATERAL unnest(h.tsv) AS u JOIN terms AS t ON t.lexeme = u.lexeme
GROUP BY h.doc_id, h.idx ORDER BY score DESC, h.doc_id, h.idx LIMIT %(limit)s
"""
_TS_RANK = """
SELECT doc_id, idx, ts_rank_cd(tsv, %(query)s::tsquery) AS score FROM sciwire.sentences
WHERE tsv @@ %(query)s::tsquery AND (%(ids)s::text[] IS NULL OR doc_id = ANY(%(ids)s::text[]))
ORDER BY score DESC, doc_id, idx LIMIT %(limit)s
"""


@dataclass
class _Batch:
    """Rows of one add_many, written together by PostgresStore._flush; hashes and ids already taken."""

    hashes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    documents: list[tuple[Any, ...]] = field(default_factory=list)
    sentences: list[tuple[str, int, str, bool]] = field(default_factory=list)
    vectors: list[tuple[str, int, np.ndarray]] = field(default_factory=list)


def is_store_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL store (``postgresql://`` or ``postgres://``)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise MissingDependencyError("psycopg", "The PostgreSQL corpus store", "postgres") from exc
    return psycopg


class PostgresStore(Store):
    """A corpus store in a PostgreSQL database (schema ``sciwire``), created on first connect.

    Args:
        url: ``postgresql://user[:password]@host[:port]/database`` (libpq's URL form, so
            ``?host=/socket/dir`` works too).
        ranking: ``"bm25"`` (default: BM25 from the tsvector statistics, like SQLite's FTS5) or
            ``"ts_rank_cd"`` (PostgreSQL's cover density).

    Raises:
        MissingDependencyError: When psycopg is not installed.
        OutputError: When the server cannot be reached, refuses the login, or holds a sciwire
            schema of another version; on a write, when the server refuses it (nothing of that
            write is kept).

    Example:
        >>> store = PostgresStore("postgresql://sciwire@db.example.org/corpus")  # doctest: +SKIP
        >>> store.search_text("sleep in mice", 10)  # doctest: +SKIP
        [SentenceHit(doc_id='p1', index=3, score=4.2)]
    """

    def __init__(self, url: str, ranking: str = "bm25") -> None:
        if ranking not in RANKINGS:
            raise InputError(f"ranking must be one of {RANKINGS}, got {ranking!r}")
        psycopg = _psycopg()
        self.path = redact(url)
        self.ranking = ranking
        self._errors = psycopg.Error
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise OutputError(f"Cannot connect to the corpus store {self.path}: {first}") from exc
        try:
            self.pgvector = self._create_schema()
        except psycopg.Error as exc:
            self._conn.close()
            raise OutputError(f"Cannot create the corpus store's tables in {self.path}: {exc}") from exc
        self._vector_cache = {}
        self._batch = _Batch()

    def _create_schema(self) -> bool:
        """Tables, indexes and the schema version (once, under a lock); whether pgvector is in use."""
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(hashtext('sciwire.schema'))")
            self._conn.execute(_SCHEMA)
            row = self._conn.execute("SELECT value FROM sciwire.meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self._conn.execute("INSERT INTO sciwire.meta VALUES ('schema_version', %s)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise OutputError(
                    f"The corpus store {self.path} has schema version {row[0]}, this sciwire reads version "
                    f"{SCHEMA_VERSION}; use a sciwire of that version or another database"
                )
            available = self._conn.execute(
                "SELECT installed_version FROM pg_available_extensions WHERE name = 'vector'"
            ).fetchone()
        if available is None:
            logger.info("pgvector is not available on %s: vector search uses the usearch index", self.path)
            return False
        try:
            with self._conn.transaction():
                if available[0] is None:
                    self._conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
                self._conn.execute("ALTER TABLE sciwire.vectors ADD COLUMN IF NOT EXISTS emb public.vector")
        except self._errors as exc:  # e.g. no right to create the extension
            logger.warning(
                "pgvector is available on %s but cannot be used (%s): using the usearch index", self.path, exc
            )
            return False
        return True

    # ---- writing ------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction that bumps the store's generation; the server's errors become OutputError."""
        try:
            with self._conn.transaction():
                yield
                self._conn.execute("UPDATE sciwire.stats SET value = value + 1 WHERE key = 'generation'")
        except self._errors as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise OutputError(
                f"Cannot write to the corpus store {self.path}: {first}; nothing of this change was written"
            ) from exc

    def add_many(self, items: Sequence[tuple[Document, np.ndarray, str]], model_key: str) -> list[bool]:
        """Store several documents in one transaction: all of them or, on any failure, none.

        Returns:
            Per item, False when its content hash was already stored (also earlier in ``items``).

        Raises:
            InputError: When a document's vector count is not its sentence count (nothing is written).
        """
        check_vector_counts(items)
        with self._transaction():
            hashes = [content_hash for *_, content_hash in items]
            ids = [doc.id for doc, *_ in items] + [
                f"{doc.id}-{h[:8]}" for (doc, *_), h in zip(items, hashes, strict=True)
            ]
            self._batch = _Batch(
                hashes={r[0] for r in self._conn.execute(
                    "SELECT content_hash FROM sciwire.documents WHERE content_hash = ANY(%s)", (hashes,))},
                ids={r[0] for r in self._conn.execute("SELECT id FROM sciwire.documents WHERE id = ANY(%s)", (ids,))},
            )  # fmt: skip
            stored = [self._insert(doc, vectors, content_hash, model_key) for doc, vectors, content_hash in items]
            self._flush(model_key)
            self._count([d for d in stored if d is not None], +1)
        for doc_id in filter(None, stored):
            logger.info("stored %s", doc_id)
        return [doc_id is not None for doc_id in stored]

    def _insert(self, doc: Document, vectors: np.ndarray, content_hash: str, model_key: str) -> str | None:
        """Queue one document's rows for :meth:`_flush` (inside add_many's transaction); its id, or None."""
        batch = self._batch
        if content_hash in batch.hashes:
            return None
        doc_id = doc.id if doc.id not in batch.ids else f"{doc.id}-{content_hash[:8]}"
        doc = doc.replace(id=doc_id) if doc_id != doc.id else doc
        batch.hashes.add(content_hash)
        batch.ids.add(doc_id)
        texts = doc.sentence_texts()
        searchable = {s.index for s in doc.iter_sentences()}  # the reference list is not searched
        added = datetime.now(UTC).isoformat(timespec="seconds")
        batch.documents.append(
            (doc_id, doc.kind, doc.title, doc.metadata.source, content_hash, added, len(texts), doc.to_json())
        )
        batch.sentences.extend((doc_id, i, t, i in searchable) for i, t in enumerate(texts))
        matrix = np.asarray(vectors, dtype=np.float32)
        batch.vectors.extend((doc_id, i, matrix[i]) for i in sorted(searchable))
        return doc_id

    def _flush(self, model_key: str) -> None:
        """Write the queued rows: one statement per table for the whole batch (arrays the server unnests)."""
        batch = self._batch
        if batch.documents:
            columns = list(zip(*batch.documents, strict=True))
            self._conn.execute(
                "INSERT INTO sciwire.documents (id, kind, title, source, content_hash, added, n_sentences, doc_json) "
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
                "%s::int[], %s::text[])",
                [list(c) for c in columns],
            )
            doc_ids, idxs, texts, searchable = (list(c) for c in zip(*batch.sentences, strict=True))
            self._conn.execute(
                _INSERT_SENTENCES, {"doc": doc_ids, "idx": idxs, "text": texts, "searchable": searchable}
            )
            self._write_vectors(
                [d for d, _, _ in batch.vectors],
                [i for _, i, _ in batch.vectors],
                [v for *_, v in batch.vectors],
                model_key,
            )
        self._batch = _Batch()

    def _write_vectors(self, doc_ids: list[str], rows: list[int], vectors: list[np.ndarray], model_key: str) -> None:
        """One statement for many vectors (arrays unnested by the server)."""
        if not rows:
            return
        blobs = [v.tobytes() for v in vectors]
        if self.pgvector:
            self._conn.execute(
                "INSERT INTO sciwire.vectors (doc_id, idx, model, vec, emb) "
                "SELECT r.doc_id, r.idx, %s, r.vec, r.emb::vector "
                "FROM unnest(%s::text[], %s::int[], %s::bytea[], %s::text[]) AS r(doc_id, idx, vec, emb)",
                (model_key, doc_ids, rows, blobs, [_vector_text(v) for v in vectors]),
            )
        else:
            self._conn.execute(
                "INSERT INTO sciwire.vectors (doc_id, idx, model, vec) "
                "SELECT r.doc_id, r.idx, %s, r.vec "
                "FROM unnest(%s::text[], %s::int[], %s::bytea[]) AS r(doc_id, idx, vec)",
                (model_key, doc_ids, rows, blobs),
            )

    def _count(self, doc_ids: list[str], sign: int) -> None:
        """Keep the sentence count and token total BM25 reads (inside the writing transaction)."""
        if not doc_ids:
            return
        n, tokens = self._conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(n_tokens), 0) FROM sciwire.sentences "
            "WHERE doc_id = ANY(%s) AND tsv IS NOT NULL",
            (doc_ids,),
        ).fetchone()
        self._conn.execute(
            "UPDATE sciwire.stats SET value = value + CASE key WHEN 'sentences' THEN %s ELSE %s END "
            "WHERE key IN ('sentences', 'tokens')",
            (sign * n, sign * tokens),
        )

    def add_vectors(self, doc_id: str, vectors: np.ndarray, model_key: str) -> None:
        doc = self.get(doc_id)
        if len(vectors) != len(doc.sentences):
            raise InputError(f"{doc_id}: got {len(vectors)} vectors for {len(doc.sentences)} sentences")
        rows = [s.index for s in doc.iter_sentences()]
        matrix = np.asarray(vectors, dtype=np.float32)
        with self._transaction():
            self._conn.execute("DELETE FROM sciwire.vectors WHERE doc_id = %s AND model = %s", (doc_id, model_key))
            self._write_vectors([doc_id] * len(rows), rows, [matrix[i] for i in rows], model_key)

    def remove(self, doc_id: str) -> bool:
        return self.remove_many([doc_id]) == 1

    def remove_many(self, doc_ids: Sequence[str]) -> int:
        """Delete documents in one transaction: all of them or, on any failure, none."""
        ids = list(dict.fromkeys(doc_ids))
        with self._transaction():
            self._count(ids, -1)
            deleted = self._conn.execute("DELETE FROM sciwire.documents WHERE id = ANY(%s)", (ids,)).rowcount
        return int(deleted)

    # ---- reading ------------------------------------------------------------------------
    def generation(self) -> int:
        """A number that changes with every committed write (by any client): caches key on it."""
        row = self._conn.execute("SELECT value FROM sciwire.stats WHERE key = 'generation'").fetchone()
        return int(row[0])

    def has_hash(self, content_hash: str) -> str | None:
        row = self._conn.execute("SELECT id FROM sciwire.documents WHERE content_hash = %s", (content_hash,)).fetchone()
        return str(row[0]) if row else None

    def has_vectors(self, doc_id: str, model_key: str) -> bool:
        sql = "SELECT 1 FROM sciwire.vectors WHERE doc_id = %s AND model = %s LIMIT 1"
        return self._conn.execute(sql, (doc_id, model_key)).fetchone() is not None

    def get(self, doc_id: str) -> Document:
        row = self._conn.execute("SELECT doc_json FROM sciwire.documents WHERE id = %s", (doc_id,)).fetchone()
        if row is None:
            raise InputError(f"No document {doc_id!r} in the store {self.path}; see 'sciwire list'")
        return Document.from_json(row[0])

    def documents(self) -> list[StoredDocument]:
        rows = self._conn.execute(
            "SELECT id, kind, title, source, content_hash, n_sentences, added FROM sciwire.documents "
            "ORDER BY added, seq"
        ).fetchall()
        return [StoredDocument(r[0], r[1], r[2] or "", r[3], r[4], r[5], r[6]) for r in rows]

    def sentence_text(self, doc_id: str, index: int) -> str:
        sql = "SELECT text FROM sciwire.sentences WHERE doc_id = %s AND idx = %s"
        row = self._conn.execute(sql, (doc_id, index)).fetchone()
        if row is None:
            raise InputError(f"No sentence {index} of {doc_id!r} in the store")
        return str(row[0])

    def _load_vectors(self, model_key: str) -> tuple[list[tuple[str, int]], np.ndarray]:
        """All vectors of a model, ordered by (doc_id bytes, index)."""
        keys: list[tuple[str, int]] = []
        chunks: list[np.ndarray] = []
        with self._conn.transaction(), self._conn.cursor(name="sciwire_vectors") as cur:
            cur.execute(
                'SELECT doc_id, idx, vec FROM sciwire.vectors WHERE model = %s ORDER BY doc_id COLLATE "C", idx',
                (model_key,),
            )
            while rows := cur.fetchmany(VECTOR_CHUNK):
                chunks.append(
                    np.frombuffer(b"".join(bytes(r[2]) for r in rows), dtype=np.float32).reshape(len(rows), -1)
                )
                keys.extend((r[0], int(r[1])) for r in rows)
        if not keys:
            return keys, np.zeros((0, 0), dtype=np.float32)
        return keys, np.concatenate(chunks) if len(chunks) > 1 else chunks[0].copy()

    def search_vectors(
        self, query: np.ndarray, model_key: str, limit: int, exact: bool | None = None
    ) -> list[SentenceHit]:
        """Nearest sentences by cosine: with pgvector, the server's HNSW index (``exact=True``: a scan);
        without, :meth:`Store.search_vectors` (exact below a size, else the usearch index)."""
        if not self.pgvector:
            return super().search_vectors(query, model_key, limit, exact)
        from psycopg import sql

        dim = int(np.asarray(query).size)
        emb = sql.SQL("emb::public.vector({})").format(sql.Literal(dim))
        if not exact:
            self._hnsw_index(model_key, dim, emb)
        rows = self._conn.execute(
            sql.SQL(
                "SELECT doc_id, idx, 1 - ({emb} <=> %s::public.vector) FROM sciwire.vectors WHERE model = %s "
                "ORDER BY {emb} <=> %s::public.vector LIMIT %s"
            ).format(emb=emb),
            (_vector_text(query), model_key, _vector_text(query), limit),
        ).fetchall()
        return [SentenceHit(r[0], int(r[1]), float(r[2])) for r in rows]

    def _hnsw_index(self, model_key: str, dim: int, emb: Any) -> None:
        """pgvector's HNSW index over one model's vectors (a partial expression index; made once)."""
        import hashlib

        from psycopg import sql

        name = "vectors_hnsw_" + hashlib.sha1(f"{model_key}/{dim}".encode()).hexdigest()[:12]
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (name,))
            self._conn.execute(
                sql.SQL(
                    "CREATE INDEX IF NOT EXISTS {name} ON sciwire.vectors USING hnsw (({emb}) vector_cosine_ops) "
                    "WHERE model = {model}"
                ).format(name=sql.Identifier(name), emb=emb, model=sql.Literal(model_key))
            )

    def search_text(self, query: str, limit: int, doc_ids: Sequence[str] | None = None) -> list[SentenceHit]:
        """Full-text search (English stemming and stop words), ranked by BM25 or ``ts_rank_cd``; any text is safe."""
        terms = [
            (r[0], int(r[1]))
            for r in self._conn.execute(
                "SELECT lexeme, (SELECT COUNT(*) FROM sciwire.sentences WHERE tsv @@ quote_literal(lexeme)::tsquery) "
                "FROM unnest(tsvector_to_array(to_tsvector('english', %s))) AS lexeme",
                (query,),
            )
        ]
        terms = [(t, df) for t, df in terms if df > 0]
        if not terms or limit <= 0:
            return []
        params: dict[str, Any] = {
            "query": " | ".join(_quote_lexeme(t) for t, _ in terms),
            "ids": list(doc_ids) if doc_ids is not None else None,
            "limit": limit,
        }
        if self.ranking == "ts_rank_cd":
            rows = self._conn.execute(_TS_RANK, params).fetchall()
        else:
            n, tokens = (
                int(v)
                for (v,) in self._conn.execute(
                    "SELECT value FROM sciwire.stats WHERE key IN ('sentences', 'tokens') ORDER BY key"
                ).fetchall()
            )
            params.update(
                terms=[t for t, _ in terms], dfs=[df for _, df in terms], n=n, avgdl=max(tokens / max(n, 1), 1.0)
            )
            rows = self._conn.execute(_BM25, params).fetchall()
        return [SentenceHit(r[0], int(r[1]), float(r[2])) for r in rows]

    def ann_key(self) -> str:
        return f"postgres:{self.path}"

    def close(self) -> None:
        self._conn.close()


def _quote_lexeme(lexeme: str) -> str:
    """A lexeme as a tsquery operand (quoted: any character is literal)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector_text(vector: np.ndarray) -> str:
    """pgvector's text form: ``[0.1,0.2,...]``."""
    return "[" + ",".join(f"{x:.8g}" for x in np.asarray(vector, dtype=np.float32).ravel()) + "]"
