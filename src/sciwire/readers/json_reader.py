"""Document JSON (as written by :meth:`sciwire.document.Document.to_json`) -> Document.

Reads: the JSON text. Writes: the same Document, with ``kind`` replaced when one is given.
The text goes through the same checks as every other input (not empty, long enough, English).
"""

from __future__ import annotations

import logging

from sciwire.config import InputConfig
from sciwire.document import Document
from sciwire.errors import DocumentError, InputError
from sciwire.readers._checks import check_text, decode_text

logger = logging.getLogger(__name__)


def read_json(
    data: bytes,
    *,
    id: str,
    name: str,
    source: str | None = None,
    kind: str | None = None,
    config: InputConfig | None = None,
) -> Document:
    """Read a Document JSON file's bytes.

    Args:
        data: The file's bytes.
        id: Unused: the JSON keeps its own id (a round trip gives the same document).
        name: The file name for messages.
        source: Unused: the JSON keeps its own ``metadata.source``.
        kind: ``"paper"`` or ``"news"`` to override the stored kind; None keeps it.
        config: Input limits.

    Returns:
        The Document stored in the JSON.

    Raises:
        InputError: When the bytes are not JSON, or not a valid sciwire Document.
    """
    config = config or InputConfig()
    text = decode_text(data, name)
    try:
        doc = Document.from_json(text)
    except DocumentError as exc:
        raise InputError(
            f"{name} is not a valid sciwire Document JSON: {exc}. "
            "Expected a file written by 'sciwire read' or Document.to_json()"
        ) from exc
    if kind is not None and kind != doc.kind:
        logger.info("%s: kind %s replaced by %s", name, doc.kind, kind)
        try:
            doc = doc.replace(kind=kind)
        except DocumentError as exc:
            raise InputError(f"{name}: {exc}") from exc
    check_text(doc.text, name, config)
    return doc
