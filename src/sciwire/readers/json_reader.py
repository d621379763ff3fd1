"""Document JSON (as written by :meth:`sciwire.document.Document.to_json`) -> Document.

Reads: the JSON text. Writes: the same Document, with ``kind`` replaced when one is given.
The text goes through the same checks as every other input (not empty, long enough, English).
"""

from __future__ import annotations

import dataclasses
import logging

from sciwire.document import Document, Metadata
from sciwire.errors import DocumentError, InputError
from sciwire.readers._checks import check_text, strip_controls
from sciwire.readers.base import RawFile

logger = logging.getLogger(__name__)


def read_json(raw: RawFile) -> Document:
    """Read a Document JSON file's bytes.

    Args:
        raw: The file's bytes and name. Its ``id`` and ``source`` are not used: the JSON keeps
            its own (a round trip gives the same document). ``kind`` replaces the stored kind
            when given.

    Returns:
        The Document stored in the JSON.

    Raises:
        InputError: When the bytes are not JSON (nesting too deep included), not a valid sciwire
            Document, or its text holds control or bidi characters (title and metadata are cleaned).
    """
    name = raw.name
    try:
        doc = Document.from_json(raw.decode())
    except DocumentError as exc:
        raise InputError(
            f"{name} is not a valid sciwire Document JSON: {exc}. "
            "Expected a file written by 'sciwire read' or Document.to_json()"
        ) from exc
    except RecursionError as exc:  # json.loads recurses once per nested list or object
        raise InputError(
            f"{name} is not a valid sciwire Document JSON: its lists or objects are nested too deeply to read. "
            "Expected a file written by 'sciwire read' or Document.to_json()"
        ) from exc
    doc = _without_controls(doc, name)
    if raw.kind is not None and raw.kind != doc.kind:
        logger.info("%s: kind %s replaced by %s", name, doc.kind, raw.kind)
        try:
            doc = doc.replace(kind=raw.kind)
        except DocumentError as exc:
            raise InputError(f"{name}: {exc}") from exc
    check_text(doc.text, name, raw.config)
    return doc


def _without_controls(doc: Document, name: str) -> Document:
    """``doc`` with control and bidi characters removed from its title and metadata.

    Raises:
        InputError: When its text holds any: removing them would move every offset after them.
    """
    if strip_controls(doc.text) != doc.text:
        at = next(i for i, char in enumerate(doc.text) if not strip_controls(char))
        raise InputError(
            f"{name} holds a control or bidi character (U+{ord(doc.text[at]):04X} at offset {at}) in its text; "
            "sciwire's readers remove them, so read the original file again with 'sciwire read'"
        )
    meta = doc.metadata
    fields = {f.name: getattr(meta, f.name) for f in dataclasses.fields(Metadata)}
    clean = {k: v if v is None else strip_controls(v) for k, v in fields.items() if k != "authors"}
    authors = tuple(strip_controls(a) for a in meta.authors)
    return doc.replace(title=strip_controls(doc.title), metadata=Metadata(**clean, authors=authors))
