"""Add files to a store: read, split sentences, embed, store — one transaction per batch.

Files are cut into batches before they are read (:data:`BATCH_DOCS` files or :data:`BATCH_CHARS`
bytes of file, whichever comes first; :func:`file_batches`, the same cut for every executor, so a
local and a Ray run encode the same batches and store the same vectors): spaCy and the sentence
encoder see a batch at once, and the store writes it in one transaction. Abstracts thus share the
encoder's forward passes and a commit; a full paper is larger than :data:`BATCH_CHARS`, so it
is a batch of its own and committed as soon as it is ready. A batch is committed as a unit:
on Ctrl-C, the papers of the batches committed before it are reported, the others were not
written.

Which files of a folder count is decided by :func:`sciwire.readers.collection.collection_files`
(one Document per file: no JSONL or Atom). Re-adding a file whose bytes are unchanged is a
no-op (SHA-256 content hash), checked before the file is even parsed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import Config, load_config
from sciwire.errors import InputError, SciwireError
from sciwire.nlp import annotate_many
from sciwire.readers import read
from sciwire.readers.collection import collection_files
from sciwire.store.base import Store

if TYPE_CHECKING:
    from spacy.language import Language

    from sciwire.document import Document

logger = logging.getLogger(__name__)
#: Where batches are read, split and embedded (``add_files(executor=...)``, ``sciwire add --executor``).
EXECUTORS = ("local", "ray")
#: A batch closes when it holds this many documents ...
BATCH_DOCS = 32
#: ... or this many bytes of file (about a short paper: a larger file is a batch of its own).
BATCH_CHARS = 30_000


def file_batches(todo: Sequence[tuple[int, Path, str]]) -> list[list[tuple[int, Path, str]]]:
    """``(position, path, content hash)`` items cut into batches of at most :data:`BATCH_DOCS` files
    or about :data:`BATCH_CHARS` bytes (a larger file alone), in order.

    Both executors cut here, before reading, so a batch holds the same documents wherever it is
    encoded (batched encoding pads to the batch, so another cut can move vectors in the last bits).
    """
    out: list[list[tuple[int, Path, str]]] = []
    batch: list[tuple[int, Path, str]] = []
    size = 0
    for item in todo:
        batch.append(item)
        with contextlib.suppress(OSError):  # reading it will say why
            size += item[1].stat().st_size
        if len(batch) >= BATCH_DOCS or size >= BATCH_CHARS:
            out.append(batch)
            batch, size = [], 0
    if batch:
        out.append(batch)
    return out


@dataclass(frozen=True)
class AddResult:
    """What happened to one file: ``added``, ``unchanged`` (already stored), ``embedded`` (stored,
    vectors of the current model added) or ``failed``."""

    path: str
    status: str
    doc_id: str | None = None
    message: str = ""


class AddInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`add_files`, saying which papers were committed before it.

    Attributes:
        added: The files that were stored (``added`` or ``embedded``), in order.
        total: How many files were to be added.
    """

    def __init__(self, added: list[AddResult], total: int) -> None:
        self.added = added
        self.total = total
        if added:
            ids = ", ".join(r.doc_id or r.path for r in added)
            message = f"Interrupted after {len(added)} of {total} papers were added: {ids}; nothing else was written."
        else:
            message = f"Interrupted before any of the {total} papers was added; nothing was written."
        super().__init__(message)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def add_files(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    config: Config | None = None,
    embedder: Embedder | None = None,
    on_progress: Callable[[int], None] | None = None,
    enrich: Callable[[Document, np.ndarray], Document] | None = None,
    executor: str | None = None,
    address: str | None = None,
) -> list[AddResult]:
    """Read, analyse and store files; a bad file is reported and skipped, the rest go in.

    Args:
        store: Where to add.
        paths: Files or folders.
        config: Models and input limits (default: :func:`~sciwire.config.load_config`).
        embedder: A warm embedder to reuse (else one is made from the config).
        on_progress: Called with 1 after each file.
        enrich: Adds layers to a read, annotated document given its sentence vectors (e.g.
            discourse roles, so answers carry them); called before the document is stored.
        executor: ``"local"`` (this process) or ``"ray"``: batches are read, split, embedded
            and enriched in Ray actors (:mod:`sciwire.store.distributed`), and written here, one
            transaction per batch, in the order of the files. None: ``executor.kind``.
        address: The Ray cluster (``ray://head:10001``, ``auto``); None: ``executor.address``;
            empty: Ray already running in this process, else a local instance for this call.

    Returns:
        One :class:`AddResult` per file, in order.

    Raises:
        AddInterrupted: On Ctrl-C, with the papers committed before it (each batch is one
            transaction: the papers of a batch being stored when Ctrl-C came are all complete
            or all absent).
        InputError: On an unknown executor (before anything is read).
        ExecutorError: When the Ray cluster cannot be reached or a worker fails (the batches
            committed before stay).
    """
    config = config or load_config()
    executor = executor or config.executor.kind
    address = address if address is not None else config.executor.address
    if executor not in EXECUTORS:
        raise InputError(f"executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    embedder = embedder or Embedder.from_config(config)
    files = collection_files(paths, records=False)
    results: dict[int, AddResult] = {}
    hashes: dict[int, str] = {}  # of the files not stored before
    try:
        _add_all(store, files, config, embedder, results, hashes, on_progress, enrich, (executor, address))
    except KeyboardInterrupt:
        for i, digest in hashes.items():  # the store says what was committed, also just before Ctrl-C
            doc_id = store.has_hash(digest) if digest else None
            if i not in results and doc_id:
                results[i] = AddResult(str(files[i]), "added", doc_id)
        written = {r.doc_id: r for i, r in sorted(results.items()) if r.status in ("added", "embedded")}
        raise AddInterrupted(list(written.values()), len(files)) from None
    return [results[i] for i in range(len(files))]


def _add_all(
    store: Store,
    files: list[Path],
    config: Config,
    embedder: Embedder,
    results: dict[int, AddResult],
    hashes: dict[int, str],
    on_progress: Callable[[int], None] | None,
    enrich: Callable[[Document, np.ndarray], Document] | None,
    executor: tuple[str, str | None] = ("local", None),
) -> None:
    """The body of :func:`add_files`: fills ``results`` (and ``hashes``) file by file."""
    todo: list[tuple[int, Path, str]] = []
    for i, path in enumerate(files):
        try:
            digest = _hash(path) if path.is_file() else ""
        except OSError as exc:
            results[i] = AddResult(str(path), "failed", message=f"cannot read {path}: {exc.strerror or exc}")
            continue
        known = store.has_hash(digest) if digest else None
        if known and not store.has_vectors(known, embedder.model_key):  # stored, but not for this model
            (vectors,) = sentence_vectors([store.get(known)], embedder)
            store.add_vectors(known, vectors, embedder.model_key)
            results[i] = AddResult(str(path), "embedded", known, f"vectors added for {embedder.model_key}")
        elif known:
            results[i] = AddResult(str(path), "unchanged", known)
        if known:
            if on_progress:
                on_progress(1)
        else:
            todo.append((i, path, digest))
            hashes[i] = digest
    if todo and executor[0] == "ray":
        from sciwire.store.distributed import prepare_on_ray

        for prepared in prepare_on_ray(todo, config, embedder, enrich, executor[1] or None):
            _commit(store, prepared, embedder.model_key, results, on_progress)
        return
    nlp = load_spacy(config.models.spacy) if todo else None
    for group in file_batches(todo):
        batch: list[tuple[int, Path, str, Document]] = []
        for i, path, digest in group:
            try:
                doc = read(path, config=config.input)
            except SciwireError as exc:
                results[i] = AddResult(str(path), "failed", message=str(exc))
                if on_progress:
                    on_progress(1)
                continue
            batch.append((i, path, digest, doc))
        if batch:
            assert nlp is not None
            _add_batch(store, batch, nlp, embedder, results, on_progress, enrich)


def sentence_vectors(docs: Sequence[Document], embedder: Embedder) -> list[np.ndarray]:
    """One vector per sentence of each document, from one encoder call over the batch.

    Only the searchable sentences (outside the reference list, as the store keeps them) are
    embedded; reference-list rows are zeros, which nothing reads (the store does not keep them,
    the role taggers do not see them). That is 10-25% of a full paper's sentences.
    """
    keep = [[s.index for s in doc.iter_sentences()] for doc in docs]
    texts = [doc.sentence_texts() for doc in docs]
    flat = embedder.encode([texts[d][i] for d, rows in enumerate(keep) for i in rows])
    out, pos = [], 0
    for doc, rows in zip(docs, keep, strict=True):
        vectors = np.zeros((len(doc.sentences), flat.shape[1]), dtype=np.float32)
        vectors[rows] = flat[pos : pos + len(rows)]
        out.append(vectors)
        pos += len(rows)
    return out


@dataclass(frozen=True)
class Prepared:
    """A file made ready to store (``doc`` and ``vectors``), or why it cannot be (``message``)."""

    i: int
    path: Path
    digest: str
    doc: Document | None = None
    vectors: np.ndarray | None = None
    message: str = ""


def prepare_batch(
    batch: list[tuple[int, Path, str, Document]],
    nlp: Language,
    embedder: Embedder,
    enrich: Callable[[Document, np.ndarray], Document] | None,
) -> list[Prepared]:
    """Sentences, vectors (one encoder call) and ``enrich`` of a batch of read documents: what to store."""
    docs = annotate_many([doc for *_, doc in batch], nlp)
    out = []
    for (i, path, digest, _), doc, vectors in zip(batch, docs, sentence_vectors(docs, embedder), strict=True):
        if not doc.sentences:
            out.append(Prepared(i, path, digest, message=f"{path.name}: no sentences found"))
        else:
            out.append(Prepared(i, path, digest, enrich(doc, vectors) if enrich is not None else doc, vectors))
    return out


def _commit(
    store: Store,
    prepared: list[Prepared],
    model_key: str,
    results: dict[int, AddResult],
    on_progress: Callable[[int], None] | None,
) -> None:
    """Store a prepared batch in one transaction; a result per file."""
    ready = [p for p in prepared if p.doc is not None and p.vectors is not None]
    for p in prepared:
        if p.doc is None:
            results[p.i] = AddResult(str(p.path), "failed", message=p.message)
    added = store.add_many([(p.doc, p.vectors, p.digest) for p in ready], model_key) if ready else []  # type: ignore[misc]
    for p, was_added in zip(ready, added, strict=True):
        doc_id = store.has_hash(p.digest)
        results[p.i] = AddResult(str(p.path), "added" if was_added else "unchanged", doc_id)
        if was_added:
            logger.info("added %s (%s)", doc_id, p.path, extra={"sciwire_added": doc_id})
    if on_progress:
        on_progress(len(prepared))


def _add_batch(
    store: Store,
    batch: list[tuple[int, Path, str, Document]],
    nlp: Language,
    embedder: Embedder,
    results: dict[int, AddResult],
    on_progress: Callable[[int], None] | None,
    enrich: Callable[[Document, np.ndarray], Document] | None,
) -> None:
    """Sentences, vectors (one encoder call) and roles of a batch of read documents; one transaction."""
    _commit(store, prepare_batch(batch, nlp, embedder, enrich), embedder.model_key, results, on_progress)
