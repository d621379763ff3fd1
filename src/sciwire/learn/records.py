"""Records to label, from files or from the corpus store, cut into the task's unit.

- ``.jsonl``: one record per line, ``{"text": ..., "id": ..., "group": ...}`` (``id`` and
  ``group`` optional; ``paper`` is read as ``group``); rows are records as they are.
- ``.csv``: columns ``text`` and optional ``id``, ``group`` (or ``paper``); rows are records.
- anything else sciwire reads (text, Markdown, PDF, JATS, HTML): one document, cut into
  sentences (sciwire's own splitter: spaCy plus its boundary repairs), paragraphs (blank
  lines) or kept whole. Its group is the document id (the file stem).

Record ids are ``"{group}:{n}"`` unless the file gives them.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sciwire.document import Document
from sciwire.errors import InputError
from sciwire.learn.task import UNITS, Record

if TYPE_CHECKING:
    from sciwire.config import Config
    from sciwire.store import Store

TABLE_SUFFIXES = (".jsonl", ".csv")


def records_from_file(path: str | os.PathLike[str], unit: str, config: Config) -> list[Record]:
    """The records of one file (see the module docstring).

    Raises:
        InputError: On a missing or unreadable file, a row without text, or an unknown unit.
    """
    p = Path(path)
    if unit not in UNITS:
        raise InputError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    if not p.is_file():
        raise InputError(f"Cannot read records from {p}: no such file")
    if p.suffix.lower() == ".jsonl":
        return _rows(p, _jsonl_rows(p))
    if p.suffix.lower() == ".csv":
        with p.open(encoding="utf-8", newline="") as fh:
            return _rows(p, list(csv.DictReader(fh)))
    from sciwire.readers import read

    return records_from_document(read(p, config=config.input), unit, config)


def _jsonl_rows(path: Path) -> list[dict[str, object]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n} is not valid JSON ({exc.msg}); expected one record per line") from exc
            if not isinstance(row, dict):
                raise InputError(f'{path}:{n} holds a {type(row).__name__}; expected {{"text": ...}}')
            rows.append(row)
    return rows


def _rows(path: Path, rows: Iterable[dict[str, object]]) -> list[Record]:
    out = []
    for n, row in enumerate(rows, start=1):
        text = str(row.get("text") or "").strip()
        if not text:
            raise InputError(f"{path}: record {n} has no 'text'; every row needs one")
        group = str(row.get("group") or row.get("paper") or path.stem)
        rid = str(row.get("id") or f"{path.stem}:{n}")
        out.append(Record(rid, text, group, str(path)))
    ids = [r.id for r in out]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"{path}: record id {dup!r} appears more than once; ids must be unique")
    return out


def records_from_document(doc: Document, unit: str, config: Config) -> list[Record]:
    """The records of one Document: its sentences (split when it has none), paragraphs or whole text."""
    source = str(getattr(doc.metadata, "source", None) or doc.id)
    if unit == "document":
        return [Record(f"{doc.id}:0", doc.text.strip(), doc.id, source)]
    if unit == "paragraph":
        from sciwire.nlp.sentences import paragraphs

        spans = paragraphs(doc.text)
        return [Record(f"{doc.id}:p{i}", doc.text[a:b], doc.id, source) for i, (a, b) in enumerate(spans)]
    if not doc.sentences:
        from sciwire.backends.spacy_nlp import load_spacy
        from sciwire.nlp import annotate

        doc = annotate(doc, load_spacy(config.models.spacy))
    return [Record(f"{doc.id}:{s.index}", doc.span_text(s), doc.id, source) for s in doc.sentences]


def records_from_store(store: Store, unit: str, config: Config, kind: str | None = None) -> list[Record]:
    """Records of every document in the corpus store (``kind``: only papers or only news)."""
    out: list[Record] = []
    for doc in store.iter_documents(kind):
        out.extend(records_from_document(doc, unit, config))
    return out
