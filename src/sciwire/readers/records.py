"""Paper records (JSONL, JSON lists) -> Documents, with line-numbered errors.

A record is one JSON object per paper:

- ``id`` (text or number): required where a caller needs stable ids (``sciwire rank``,
  ``sciwire train newsworthiness``); otherwise the DOI, else ``paper-LINE``;
- ``title`` and ``abstract`` (or ``summary``): at least one of the two, or ``text``;
- ``text``: more of the paper (e.g. its data availability statement); it is the body when
  there is no abstract;
- ``doi``, ``url``, ``venue``, ``date``; ``authors`` (a list, or ``"A; B"``);
- ``categories`` (or ``terms``): subject categories, a list or ``"cs.CL cs.LG"``.

The Document's text is the title, the abstract and the rest, separated by blank lines, with
a ``title``, an ``abstract`` and a ``body`` section. Categories and any other keys, which a
Document has no place for, travel next to it in an :class:`Entry`.

Example:
    >>> entry = entry_from_record({"id": "p1", "title": "Mice", "abstract": "Mice sleep.", "terms": "q-bio"}, "x:1")
    >>> entry.document.text, [s.name for s in entry.document.sections], entry.categories
    ('Mice\\n\\nMice sleep.', ['title', 'abstract'], ('q-bio',))
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sciwire.document import Document, Metadata, Section
from sciwire.errors import InputError

#: Suffixes of files with one record per line.
JSONL_SUFFIXES = (".jsonl", ".ndjson")
#: The record keys that fill a Document or an Entry; any other key goes to ``Entry.extra``.
KNOWN_KEYS = frozenset(
    {"id", "title", "abstract", "summary", "text", "doi", "url", "venue", "date", "authors", "categories", "terms"}
)
_EXAMPLE = '{"id": "p1", "title": "...", "abstract": "..."}'


@dataclass(frozen=True)
class Entry:
    """One document of a collection, with what a Document has no place for.

    Attributes:
        document: The Document.
        categories: Subject categories (a record's ``categories``, an Atom entry's
            ``<category>`` terms); empty for paper files.
        extra: A record's keys beyond :data:`KNOWN_KEYS`; empty otherwise.
    """

    document: Document
    categories: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


def paper_document(
    doc_id: str,
    parts: Sequence[tuple[str, str]],
    metadata: Metadata,
    *,
    title: str = "",
    kind: str = "paper",
) -> Document:
    """A Document from named parts of text, e.g. ``[("title", ...), ("abstract", ...)]``.

    Empty parts are left out; the others are joined with blank lines, each its own section.
    """
    kept = [(name, text) for name, text in parts if text]
    text = "\n\n".join(t for _, t in kept)
    sections, pos = [], 0
    for name, part in kept:
        sections.append(Section(name, pos, pos + len(part)))
        pos += len(part) + 2
    return Document(doc_id, kind, title, text, metadata=metadata, sections=tuple(sections))


def _text(record: Mapping[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    raise InputError(f'{where}: "{key}" must be text or a number, got {type(value).__name__}; fix that record')


def _list(record: Mapping[str, Any], key: str, where: str, split: str) -> tuple[str, ...]:
    value = record.get(key)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(p for p in (p.strip() for p in re.split(split, value)) if p)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return tuple(str(v).strip() for v in value if str(v).strip())
    raise InputError(f'{where}: "{key}" must be a list of texts or one text, got {value!r:.60}; fix that record')


def entry_from_record(
    record: Any, where: str, *, default_id: str = "", require_id: bool = False, kind: str = "paper"
) -> Entry:
    """The :class:`Entry` of one paper record (see the module docstring for the keys).

    Args:
        record: The parsed JSON value.
        where: The record's place for messages and ``metadata.source``, e.g. ``papers.jsonl:3``.
        default_id: The id when the record has neither ``id`` nor ``doi``.
        require_id: Refuse a record without ``id``.
        kind: The Document's kind.

    Raises:
        InputError: When the record is not an object, lacks an id where one is required, has
            nothing to read, or a field has the wrong type.
    """
    if not isinstance(record, Mapping):
        raise InputError(f"{where}: expected a JSON object such as {_EXAMPLE}, got {type(record).__name__}")
    doc_id = _text(record, "id", where)
    if require_id and not doc_id:
        raise InputError(f"{where}: a paper needs an 'id'; got the keys {sorted(record)}. Add an id to every record")
    title = _text(record, "title", where)
    abstract = _text(record, "abstract", where) or _text(record, "summary", where)
    rest = _text(record, "text", where)
    if not abstract:
        abstract, rest = rest, ""
    if not title and not abstract:
        raise InputError(
            f'{where}: a paper needs "title" or "abstract" (or "text"), got the keys {sorted(record)}; '
            f"expected a record such as {_EXAMPLE}"
        )
    doi = _text(record, "doi", where)
    metadata = Metadata(
        doi=doi or None,
        url=_text(record, "url", where) or None,
        authors=_list(record, "authors", where, r";"),
        date=_text(record, "date", where) or None,
        venue=_text(record, "venue", where) or None,
        source=where,
    )
    parts = [("title", title), ("abstract", abstract), ("body", rest)]
    doc = paper_document(doc_id or doi or default_id, parts, metadata, title=title, kind=kind)
    categories = _list(record, "categories", where, r"[\s,;]+") or _list(record, "terms", where, r"[\s,;]+")
    extra = {k: v for k, v in record.items() if k not in KNOWN_KEYS}
    return Entry(doc, categories, extra)


def is_record_file(path: Path) -> bool:
    """A JSONL file (by suffix) or a ``.json`` file that holds a list (its first character is ``[``)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return True
    if suffix != ".json":
        return False
    with path.open("rb") as fh:
        return fh.read(256).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


def read_records(path: str | os.PathLike[str], *, require_id: bool = False, kind: str = "paper") -> list[Entry]:
    """Every record of a JSONL file (one object per line, blank lines skipped) or a JSON list.

    Raises:
        InputError: On a line (or file) that is not valid JSON, or a bad record (see
            :func:`entry_from_record`); the message names the file and the line.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text ({exc.reason}); save the records as UTF-8 JSON") from exc
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror or exc}; check the path and its permissions") from exc
    items: list[tuple[str, str, Any]]  # (where, default id, parsed record)
    if path.suffix.lower() not in JSONL_SUFFIXES and raw.lstrip().startswith("["):
        rows = _loads(raw, path, 1, "a JSON list of paper objects")
        items = [(f"{path}[{i}]", f"paper-{i + 1}", row) for i, row in enumerate(rows)]
    else:  # split on newlines only: JSON strings may hold U+2028, which str.splitlines() would cut at
        expected = f"one paper object per line, such as {_EXAMPLE}"
        lines = enumerate(raw.split("\n"), start=1)
        items = [(f"{path}:{n}", f"paper-{n}", _loads(line, path, n, expected)) for n, line in lines if line.strip()]
    return [entry_from_record(row, where, default_id=d, require_id=require_id, kind=kind) for where, d, row in items]


def _loads(text: str, path: Path, first_line: int, expected: str) -> Any:
    """``json.loads``, with an error naming the file and the line (``text`` starts at line ``first_line``)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"{path}:{first_line + exc.lineno - 1}"
        raise InputError(f"{where} is not valid JSON ({exc.msg}); expected {expected}") from exc
