"""Uploaded files: which types are accepted, safe names, written into a job's ``in/`` folder.

Only files are accepted: a news story is uploaded as its saved page (HTML), never fetched
from a URL (the service makes no outgoing requests).

Example:
    >>> safe_name("../../etc/passwd.md"), safe_name("My paper (v2).pdf")
    ('passwd.md', 'My-paper-v2.pdf')
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from sciwire.errors import UnsupportedTypeError

#: File extensions the readers handle, and what each job kind takes.
PAPER_TYPES = (".pdf", ".md", ".markdown", ".txt", ".xml", ".nxml", ".json")
STORY_TYPES = (".html", ".htm", ".xhtml", ".txt", ".md", ".json")
RANK_TYPES = (*PAPER_TYPES, ".jsonl", ".atom")
#: Part content types accepted (browsers send these or application/octet-stream for the types above).
CONTENT_TYPES = (
    "application/pdf",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
    "text/html",
    "application/xhtml+xml",
    "application/xml",
    "text/xml",
    "application/json",
    "application/jsonl",
    "application/x-ndjson",
    "application/atom+xml",
    "application/octet-stream",
    "",
)


def safe_name(filename: str) -> str:
    """A file name without folders or odd characters (``..`` and separators cannot survive)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    clean_stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80] or "file"
    clean_ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:10].lower()
    return f"{clean_stem}.{clean_ext}" if clean_ext else clean_stem


def check_type(filename: str, content_type: str | None, allowed: Sequence[str]) -> None:
    """Refuse a file whose extension or declared content type the job does not take.

    Raises:
        UnsupportedTypeError: With what was expected and what came.
    """
    ext = Path(safe_name(filename)).suffix.lower()
    declared = (content_type or "").split(";")[0].strip().lower()
    if ext not in allowed:
        raise UnsupportedTypeError(
            f"Unsupported file type {ext or '(none)'!r} for {safe_name(filename)!r}: "
            f"expected one of {', '.join(allowed)}"
        )
    if declared not in CONTENT_TYPES:
        raise UnsupportedTypeError(f"Unsupported content type {declared!r} for {safe_name(filename)!r}")


def store_files(files: Sequence[Any], folder: Path) -> list[str]:
    """Write uploaded files (objects with ``filename`` and a binary ``file``) into ``folder``.

    Returns:
        The names written, in order (a repeated name gets ``-2``, ``-3``...).
    """
    folder.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for upload in files:
        name = safe_name(upload.filename or "file")
        stem, suffix = Path(name).stem, Path(name).suffix
        n = 2
        while name in names:
            name = f"{stem}-{n}{suffix}"
            n += 1
        source: BinaryIO = upload.file
        source.seek(0)
        with (folder / name).open("wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        names.append(name)
    return names
