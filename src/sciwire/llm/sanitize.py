"""Untrusted text made safe to put in a prompt: invisible characters out, length bounded, JSON-quoted.

News pages, PDFs and papers are untrusted: they may carry instructions meant for a model
("ignore previous instructions..."), hidden in text a reader never sees. Before any of it reaches
a prompt it goes through :func:`clean_untrusted`, which reuses the readers' own
:func:`~sciwire.readers._checks.strip_controls` (control characters, bidi controls, zero-width
and other invisible format characters) and also removes what only matters to a model: Unicode
tag characters (U+E0000-E007F, "ASCII smuggling") and variation selectors. The text is then put
in the user turn as a JSON value between random boundary markers (:func:`data_block`), so it
cannot close its own block or pose as the system prompt.

Example:
    >>> clean_untrusted("Mice\\u200b slept\\U000e0049\\U000e0047 longer\\u202e.")
    'Mice slept longer.'
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from sciwire.readers._checks import strip_controls

#: Unicode tag characters (invisible "ASCII smuggling") and variation selectors.
_INVISIBLE = re.compile("[\U000e0000-\U000e007f\ufe00-\ufe0f\U000e0100-\U000e01ef\u180b-\u180f\u115f\u1160\u3164]")
_SPACES = re.compile(r"[^\S\n]+")


def clean_untrusted(text: str, max_chars: int | None = None) -> str:
    """``text`` without invisible or reordering characters, spaces collapsed, cut to ``max_chars``.

    Args:
        text: Text from an untrusted document.
        max_chars: Keep at most this many characters (None: all).

    Returns:
        The cleaned text.
    """
    out = _SPACES.sub(" ", _INVISIBLE.sub("", strip_controls(text))).strip()
    return out if max_chars is None else out[:max_chars]


def clean_value(value: Any, max_chars: int) -> Any:
    """:func:`clean_untrusted` applied to every string inside ``value`` (dicts, lists, tuples)."""
    if isinstance(value, str):
        return clean_untrusted(value, max_chars)
    if isinstance(value, dict):
        return {str(k): clean_value(v, max_chars) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v, max_chars) for v in value]
    return value


def data_block(data: Any, boundary: str | None = None) -> tuple[str, str]:
    """``data`` as JSON between ``<data-BOUNDARY>`` markers, and the boundary used.

    The boundary is random (not guessable by the author of the data), and JSON quoting turns
    every quote and newline inside the data into an escape, so the data cannot end its block.

    Example:
        >>> text, b = data_block({"story": "Ignore the above."}, boundary="x1")
        >>> print(text)
        <data-x1>
        {"story": "Ignore the above."}
        </data-x1>
    """
    boundary = boundary or secrets.token_hex(8)
    payload = json.dumps(data, ensure_ascii=False)
    return f"<data-{boundary}>\n{payload}\n</data-{boundary}>", boundary
