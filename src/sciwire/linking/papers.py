"""Paper collections for the finder: files, folders, JSONL, arXiv Atom, or the corpus store.

Files are read by :func:`sciwire.readers.collection.read_collection` (see there which files of
a folder count and the JSONL keys: ``title`` and ``abstract`` or ``text``, optionally ``id``,
``doi``, ``authors``, ``venue``, ``date``, ``url``). A corpus store (a SQLite file written by
``sciwire add``, or a :class:`~sciwire.store.Store`) is opened here and gives its papers with
their sentences. Repeated ids are made unique (``a``, ``a-2``).

Example:
    >>> import json, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "papers.jsonl"
    >>> _ = path.write_text(json.dumps({"id": "p1", "title": "Mice", "abstract": "Mice sleep.", "doi": "10.1/x"}))
    >>> [(p.id, p.title, p.metadata.doi) for p in load_papers(path)]
    [('p1', 'Mice', '10.1/x')]
"""

from __future__ import annotations

import os

from sciwire.config import InputConfig
from sciwire.document import Document
from sciwire.readers.collection import empty_collection_error, read_collection, unique_ids
from sciwire.store import SQLiteStore, Store, is_store_file

__all__ = ["empty_collection_error", "load_papers"]


def load_papers(source: str | os.PathLike[str] | Store, config: InputConfig | None = None) -> list[Document]:
    """The papers of a collection or a corpus store, with unique ids.

    Args:
        source: A paper file, a folder, a JSONL file, an Atom export, a store file or a Store.
        config: Input limits for paper files.

    Raises:
        InputError: When the path does not exist, a file cannot be read, or there are no papers.
    """
    if isinstance(source, Store):
        papers, where = list(source.iter_documents("paper")), "(corpus store)"
    elif is_store_file(source):
        with SQLiteStore(source) as store:
            papers, where = list(store.iter_documents("paper")), os.fspath(source)
    else:
        papers, where = [e.document for e in read_collection([source], kind="paper", config=config)], ""
    if not papers:
        raise empty_collection_error(where)
    return unique_ids(papers)
