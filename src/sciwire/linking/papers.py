"""Paper collections for the finder: a folder of papers, a JSONL file, or the corpus store.

- **Folder**: every paper file inside (PDF, JATS XML, Markdown/text, Document JSON), read
  by :func:`sciwire.readers.read` as papers.
- **JSONL**: one JSON object per line with ``title`` and ``abstract`` (or ``text``) and
  optionally ``id``, ``doi``, ``authors`` (list or "A; B"), ``venue``, ``date``, ``url``.
- **Corpus store**: a SQLite file written by ``sciwire add`` (or a :class:`Store` object);
  its papers come with their sentences.

Example:
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "papers.jsonl"
    >>> _ = path.write_text(json.dumps({"id": "p1", "title": "Mice", "abstract": "Mice sleep.", "doi": "10.1/x"}))
    >>> [(p.id, p.title, p.metadata.doi) for p in load_papers(path)]
    [('p1', 'Mice', '10.1/x')]
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from sciwire.config import InputConfig
from sciwire.document import Document, Metadata, Section
from sciwire.errors import InputError, SciwireError
from sciwire.store.base import Store

logger = logging.getLogger(__name__)


def empty_collection_error(where: str) -> InputError:
    """The error for a collection without papers (one message everywhere)."""
    return InputError(
        f"The paper collection {where} is empty: expected at least one paper (a folder of paper files, "
        'a JSONL file with one {"title": ..., "abstract": ...} object per line, or a corpus store filled '
        "with 'sciwire add')"
    )


def paper_from_record(record: dict[str, Any], line: int = 0) -> Document:
    """A paper Document (title + abstract, metadata) from one JSONL record.

    Raises:
        InputError: When the record is not an object or has neither abstract nor text.
    """
    if not isinstance(record, dict):
        raise InputError(f"JSONL line {line}: expected a JSON object, got {type(record).__name__}")
    title = str(record.get("title") or "").strip()
    body = str(record.get("abstract") or record.get("text") or "").strip()
    if not body and not title:
        raise InputError(
            f'JSONL line {line}: a paper needs "title" or "abstract" (or "text"), got keys {sorted(record)}'
        )
    authors = record.get("authors") or ()
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";") if a.strip()]
    text = f"{title}\n\n{body}" if title and body else title or body
    sections = []
    if title:
        sections.append(Section("title", 0, len(title)))
    if body:
        sections.append(Section("abstract", len(text) - len(body), len(text)))
    meta = Metadata(
        doi=record.get("doi") or None,
        url=record.get("url") or None,
        authors=tuple(str(a) for a in authors),
        date=str(record["date"]) if record.get("date") else None,
        venue=record.get("venue") or None,
    )
    doc_id = str(record.get("id") or record.get("doi") or f"paper-{line}")
    return Document(doc_id, "paper", title, text, metadata=meta, sections=tuple(sections))


def _read_jsonl(path: Path) -> list[Document]:
    papers = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{path}:{n} is not valid JSON ({exc.msg}); expected one paper object per line"
                ) from exc
            papers.append(paper_from_record(record, n))
    return papers


def _read_folder(path: Path, config: InputConfig | None) -> list[Document]:
    from sciwire.readers import read
    from sciwire.store.ingest import collect_files

    papers = []
    for file in collect_files([path]):
        try:
            papers.append(read(file, kind="paper", config=config))
        except SciwireError as exc:
            logger.warning("Skipping %s: %s", file, exc)
    return papers


def _read_store(store: Store) -> list[Document]:
    return [store.get(row.id) for row in store.documents() if row.kind == "paper"]


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def load_papers(source: str | os.PathLike[str] | Store, config: InputConfig | None = None) -> list[Document]:
    """The papers of a folder, a JSONL file or a corpus store, with unique ids.

    Raises:
        InputError: When the path does not exist, the format is unknown, or there are no papers.
    """
    if isinstance(source, Store):
        papers, where = _read_store(source), "(corpus store)"
    else:
        path = Path(source).expanduser()
        where = str(path)
        if not path.exists():
            raise InputError(f"{path} does not exist; give a folder of papers, a JSONL file or a corpus store")
        if path.is_dir():
            papers = _read_folder(path, config)
        elif path.suffix.lower() in (".jsonl", ".ndjson"):
            papers = _read_jsonl(path)
        elif _is_sqlite(path):
            from sciwire.store import SQLiteStore

            with SQLiteStore(path) as store:
                papers = _read_store(store)
        else:
            raise InputError(
                f"{path} is not a folder, a .jsonl file or a sciwire corpus store; "
                "give one of those as the paper collection"
            )
    if not papers:
        raise empty_collection_error(where)
    seen: dict[str, int] = {}
    unique = []
    for p in papers:
        n = seen.get(p.id, 0)
        seen[p.id] = n + 1
        unique.append(p if n == 0 else p.replace(id=f"{p.id}-{n + 1}"))
    return unique
