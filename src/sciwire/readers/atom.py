"""arXiv API Atom exports -> one paper Document per ``<entry>``, parsed with defusedxml.

Each entry gives the title, the summary (the abstract), the categories, the DOI, the journal
reference (as ``venue``), the publication date, the authors, the abstract page (as ``url``)
and the id (``2401.00001v1``). The comment and the links go into an ``other`` section after
the abstract: they often say where the code or the data are. Entity declarations and DTDs
are refused (billion laughs, XXE).

Example:
    >>> feed = b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/1.2v1</id>'
    >>> feed += b"<title>Mice</title><summary>Mice sleep.</summary></entry></feed>"
    >>> [(e.document.id, e.document.title) for e in read_atom(feed, "feed.xml")]
    [('1.2v1', 'Mice')]
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from sciwire.document import Metadata
from sciwire.errors import InputError, MissingDependencyError
from sciwire.readers.records import Entry, paper_document

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def _text(node: Any, tag: str) -> str:
    child = node.find(tag)
    return " ".join((child.text or "").split()) if child is not None else ""


def is_atom_file(path: Path) -> bool:
    """An ``.atom`` file, or an ``.xml`` file whose head declares the Atom namespace and a ``<feed>``."""
    suffix = path.suffix.lower()
    if suffix == ".atom":
        return True
    if suffix != ".xml":
        return False
    with path.open("rb") as fh:
        head = fh.read(2048)
    return b"http://www.w3.org/2005/Atom" in head and b"<feed" in head


def read_atom(data: bytes | str, name: str = "atom", source: str | None = None, kind: str = "paper") -> list[Entry]:
    """The papers of an arXiv API Atom feed.

    Args:
        data: The feed's bytes (or text).
        name: The file name for messages.
        source: Stored as ``metadata.source`` of every paper.
        kind: The Documents' kind.

    Raises:
        InputError: When the XML is malformed, hostile, not an Atom feed, or an entry has
            neither a title nor a summary.
    """
    try:
        from defusedxml import ElementTree
        from defusedxml.common import DefusedXmlException
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError("defusedxml", "Reading arXiv Atom exports") from exc
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise InputError(
            f"{name}: refused hostile XML ({type(exc).__name__}): entity declarations and DTDs can expand to "
            "gigabytes or read local files; export the feed again from the arXiv API"
        ) from exc
    except ElementTree.ParseError as exc:
        raise InputError(f"{name} is not well-formed XML ({exc}); expected an arXiv API Atom export") from exc
    if root.tag != f"{ATOM}feed":
        raise InputError(f"{name}: expected an Atom <feed> (arXiv API export), got <{root.tag}>")
    entries = []
    for i, entry in enumerate(root.iter(f"{ATOM}entry"), start=1):
        url = _text(entry, f"{ATOM}id")
        arxiv_id = re.sub(r"^https?://arxiv\.org/abs/", "", url) or f"entry-{i}"
        title, summary = _text(entry, f"{ATOM}title"), _text(entry, f"{ATOM}summary")
        if not title and not summary:
            raise InputError(f"{name}: entry {i} ({arxiv_id}) has neither a <title> nor a <summary>; nothing to read")
        links = [ln.get("href", "") for ln in entry.iter(f"{ATOM}link")]
        primary = entry.find(f"{ARXIV}primary_category")
        cats = [primary.get("term", "")] if primary is not None else []
        cats += [c.get("term", "") for c in entry.iter(f"{ATOM}category") if c.get("term") not in cats]
        metadata = Metadata(
            doi=_text(entry, f"{ARXIV}doi") or None,
            url=url or None,
            authors=tuple(a for a in (_text(au, f"{ATOM}name") for au in entry.iter(f"{ATOM}author")) if a),
            date=_text(entry, f"{ATOM}published") or None,
            venue=_text(entry, f"{ARXIV}journal_ref") or None,
            source=source,
        )
        notes = " ".join([_text(entry, f"{ARXIV}comment"), *links]).strip()
        parts = [("title", title), ("abstract", summary), ("other", notes)]
        doc = paper_document(arxiv_id, parts, metadata, title=title, kind=kind)
        entries.append(Entry(doc, tuple(c for c in cats if c)))
    if not entries:
        logger.warning("%s: the Atom feed has no <entry>", name)
    return entries
