"""Collections of papers: which files of a folder count, in what order, and how each is read.

The one place that decides this for ``sciwire add``, ``sciwire link --papers`` and
``sciwire rank`` (the corpus store is read by whoever opens it: readers know no store).

- A **folder** counts every file inside it, recursively, sorted by path, whose extension a
  reader knows (:data:`~sciwire.readers.EXTENSIONS`, and with ``records=True`` also
  ``.jsonl``, ``.ndjson`` and ``.atom``); files and folders whose names start with ``.``
  are skipped.
- A **record file**, JSONL or a JSON list (see :mod:`sciwire.readers.records`), gives one
  paper per record; an **arXiv Atom export** one per entry (:mod:`sciwire.readers.atom`).
- **Any other file** is one Document, read by :func:`sciwire.readers.read`. A file found
  inside a folder that cannot be read is skipped with a warning; a file named directly, a
  record file or an Atom export that cannot be read is an error.

Example:
    >>> import json, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "papers.jsonl").write_text(json.dumps({"id": "p1", "title": "Mice", "abstract": "Mice sleep."}))
    >>> [e.document.id for e in read_collection([folder])]
    ['p1']
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from sciwire.config import InputConfig
from sciwire.document import Document
from sciwire.errors import InputError, SciwireError
from sciwire.readers import EXTENSIONS, read
from sciwire.readers.atom import is_atom_file, read_atom
from sciwire.readers.records import JSONL_SUFFIXES, Entry, is_record_file, read_records

logger = logging.getLogger(__name__)

#: What a collection may hold, for messages.
WHAT = (
    'paper files (PDF, JATS XML, Markdown/text, Document JSON), folders of them, a JSONL file with one {"title": '
    '..., "abstract": ...} object per line, or an arXiv Atom export'
)


def empty_collection_error(where: str) -> InputError:
    """The error for a collection without papers (one message everywhere)."""
    return InputError(f"The paper collection {where} is empty: expected at least one paper: {WHAT}")


def collection_files(paths: Iterable[str | os.PathLike[str]], *, records: bool = True) -> list[Path]:
    """Files given directly, plus the files a reader knows inside given folders (see the module docstring).

    Args:
        paths: Files and folders, in the order wanted.
        records: Also count JSONL and Atom files inside folders (False: one Document per file,
            as the corpus store wants).

    Raises:
        InputError: When a path does not exist.
    """
    suffixes = set(EXTENSIONS) | ({*JSONL_SUFFIXES, ".atom"} if records else set())
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(f for f in _visible_files(path) if f.suffix.lower() in suffixes)
        elif path.exists():
            out.append(path)
        else:
            raise InputError(f"{path} does not exist; give {WHAT}")
    return out


def _visible_files(folder: Path) -> list[Path]:
    """Every file below ``folder``, sorted by path, without hidden files and folders (not even entered)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(root) / f for f in files if not f.startswith("."))
    return sorted(f for f in found if f.is_file())


def read_file_entries(
    path: Path, *, kind: str = "paper", config: InputConfig | None = None, require_id: bool = False
) -> list[Entry]:
    """The papers of one file: its records, its Atom entries, or the one Document it holds.

    Raises:
        InputError: When the file cannot be read (see :func:`sciwire.readers.read`), or a record
            or an entry is bad.
    """
    if is_record_file(path):
        return read_records(path, require_id=require_id, kind=kind)
    if is_atom_file(path):
        return read_atom(path.read_bytes(), path.name, os.fspath(path), kind)
    return [Entry(read(path, kind=kind, config=config))]


def read_collection(
    paths: Sequence[str | os.PathLike[str]],
    *,
    kind: str = "paper",
    config: InputConfig | None = None,
    require_id: bool = False,
) -> list[Entry]:
    """Every paper of the given files and folders, in order (see the module docstring).

    Args:
        paths: Paper files, folders, JSONL files, JSON lists or arXiv Atom exports.
        kind: The kind of every Document.
        config: Input limits for paper files.
        require_id: Every record must carry an ``id`` (paper files get theirs from the file name).

    Returns:
        One :class:`~sciwire.readers.records.Entry` per paper (ids may repeat: see :func:`unique_ids`).

    Raises:
        InputError: When a path does not exist, a file named directly or a record file cannot
            be read, or nothing was found.
    """
    named = {Path(p) for p in paths}
    entries: list[Entry] = []
    for path in collection_files(paths):
        try:
            entries.extend(read_file_entries(path, kind=kind, config=config, require_id=require_id))
        except SciwireError as exc:
            if path in named or is_record_file(path) or is_atom_file(path):
                raise
            logger.warning("Skipping %s: %s", path, exc)
    if not entries:
        raise empty_collection_error(", ".join(map(str, paths)))
    return entries


def unique_ids(docs: Iterable[Document]) -> list[Document]:
    """The documents, a repeated id made unique by a suffix: ``a``, ``a-2``, ``a-3``.

    Example:
        >>> [d.id for d in unique_ids([Document("a", "paper", "", "x"), Document("a", "paper", "", "y")])]
        ['a', 'a-2']
    """
    seen: dict[str, int] = {}
    out = []
    for doc in docs:
        n = seen.get(doc.id, 0)
        seen[doc.id] = n + 1
        out.append(doc if n == 0 else doc.replace(id=f"{doc.id}-{n + 1}"))
    return out
