"""Readers: PDF, JATS XML, news HTML, Markdown/plain text and Document JSON -> Document.

Every reader returns a Document with ``text``, ``title``, ``metadata`` and ``sections``
(no sentences: :mod:`sciwire.nlp` splits them later), after the same checks: the file
exists and is within ``input.max_mb`` (checked before reading), is not binary junk, and
its text is not empty, long enough and English.

Example:
    >>> from sciwire.examples import paper_path
    >>> doc = read(paper_path())
    >>> doc.kind, doc.sections[1].name
    ('paper', 'abstract')
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from pathlib import Path

from sciwire.config import InputConfig, load_config
from sciwire.document import KINDS, Document
from sciwire.errors import InputError
from sciwire.readers._checks import display_name, english_ratio, read_bytes
from sciwire.readers.base import RawFile, Reader
from sciwire.readers.html import read_html
from sciwire.readers.jats import read_jats
from sciwire.readers.json_reader import read_json
from sciwire.readers.pdf import read_pdf
from sciwire.readers.sections import canonical_section_name, detect_sections
from sciwire.readers.text import read_text, read_text_file

logger = logging.getLogger(__name__)

#: Reader functions by format name; register a new format by adding an entry.
READERS: dict[str, Reader] = {
    "text": read_text_file,
    "pdf": read_pdf,
    "jats": read_jats,
    "html": read_html,
    "json": read_json,
}
#: Formats by file extension, used when the content does not tell.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".pdf": "pdf",
    ".xml": "jats",
    ".nxml": "jats",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
}

_PROLOG = re.compile(r"<\?.*?\?>|<!--.*?-->|<!doctype[^\[>]*(?:\[.*?\])?\s*>", re.DOTALL)
_ROOT = re.compile(r"<([a-z][\w:.-]*)")


def _root_tag(head: str) -> str:
    """The name of the first element after the XML declaration, comments and DOCTYPE."""
    match = _ROOT.search(_PROLOG.sub("", head))
    return match.group(1) if match else ""


def sniff_format(data: bytes, suffix: str = "") -> str:
    """The format of a file: by content first (magic bytes), then by extension, else text.

    Args:
        data: The file's bytes (the first few kB are enough).
        suffix: The file extension, e.g. ``".pdf"``.

    Returns:
        A key of :data:`READERS`.

    Example:
        >>> sniff_format(b"%PDF-1.7 ...", ".txt")
        'pdf'
    """
    if b"%PDF-" in data[:1024]:
        return "pdf"
    head = data[:4096].decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n").lower()
    if head.startswith("{"):
        return "json"
    if head.startswith("<"):
        root = _root_tag(head)
        if re.search(r"<!doctype\s+html\b", head) or root in ("html", "head", "body"):
            return "html"
        if re.search(r"<!doctype\s+(?:article|pmc-articleset)\b", head) or root in ("article", "pmc-articleset"):
            return "jats"
    return EXTENSIONS.get(suffix.lower(), "text")


def slugify(stem: str) -> str:
    """A document id from a file stem: lowercase ASCII letters, digits and hyphens.

    Example:
        >>> slugify("Story_Overstated (v2)")
        'story-overstated-v2'
    """
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-") or "document"


def read(path: str | os.PathLike[str], *, kind: str | None = None, config: InputConfig | None = None) -> Document:
    """Read a file into a Document, choosing the reader by content, then by extension.

    Args:
        path: A PDF, JATS XML, news HTML, Markdown/plain text or Document JSON file.
        kind: ``"paper"`` or ``"news"``; by default HTML is news, JSON keeps its own kind
            and everything else is a paper.
        config: Input limits (default: ``[input]`` of :func:`~sciwire.config.load_config`).

    Returns:
        The Document, with ``id`` from the file stem and ``metadata.source`` = ``path``
        (a Document JSON keeps its own id and source).

    Raises:
        InputError: When ``kind`` is unknown, or the file is missing, a directory, too large, empty, binary,
            corrupt, encrypted, hostile (XML), too short or has no extractable text.
        UnsupportedLanguageError: When the text is not English.
        MissingDependencyError: When the reader's optional package is not installed.
    """
    config = config or load_config().input
    if kind is not None and kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    data = read_bytes(path, config)  # checks existence, type and size before reading
    fmt = sniff_format(data, Path(path).suffix)
    name = display_name(path)
    logger.info("reading %s as %s", name, fmt)
    return READERS[fmt](RawFile(data, slugify(Path(path).stem), name, os.fspath(path), kind, config))


__all__ = [
    "EXTENSIONS",
    "READERS",
    "RawFile",
    "Reader",
    "canonical_section_name",
    "detect_sections",
    "english_ratio",
    "read",
    "read_text",
    "slugify",
    "sniff_format",
]
