"""Document JSON (as written by :meth:`sciwire.document.Document.to_json`) -> Document.

Reads: the JSON text. Writes: the same Document, with ``kind`` replaced when one is given.
The text goes through the same checks as every other input (not empty, long enough, English).
"""

from __future__ import annotations

import logging

from sciwire.document import Document
from sciwire.errors import DocumentError, InputError
from sciwire.readers._checks import check_text
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
        InputError: When the bytes are not JSON, or not a valid sciwire Document.
    """
    name = raw.name
    try:
        doc = Document.from_json(raw.decode())
    except DocumentError as exc:
        raise InputError(
            f"{name} is not a valid sciwire Document JSON: {exc}. "
            "Expected a file written by 'sciwire read' or Document.to_json()"
        ) from exc
    if raw.kind is not None and raw.kind != doc.kind:
        logger.info("%s: kind %s replaced by %s", name, doc.kind, raw.kind)
        try:
            doc = doc.replace(kind=raw.kind)
        except DocumentError as exc:
            raise InputError(f"{name}: {exc}") from exc
    check_text(doc.text, name, raw.config)
    return doc
