"""News HTML -> Document, with trafilatura (imported lazily).

Reads: an article page's bytes. Writes: a ``news`` Document whose text is the main text
only (no navigation, footer, comments, tables, scripts or styles), with title, authors,
date, URL (og:url / canonical) and site name (as ``venue``).

Nothing in the page is executed: trafilatura parses the markup with lxml and drops
``<script>``, ``<style>`` and event-handler attributes before it looks for the main text.
The headline becomes a ``"title"`` section of its own, the rest one ``"body"`` section.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sciwire.document import Document, Metadata, Section
from sciwire.errors import InputError, MissingDependencyError
from sciwire.readers._checks import normalize_text
from sciwire.readers.base import RawFile

logger = logging.getLogger(__name__)


def _extract(html: str, name: str) -> dict[str, Any]:
    try:
        import trafilatura
    except ImportError as exc:
        raise MissingDependencyError("trafilatura", "Reading HTML news") from exc
    try:
        result = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
        )
    except (ValueError, TypeError, AttributeError) as exc:  # malformed markup deep in lxml/trafilatura
        raise InputError(f"{name} could not be parsed as HTML: {exc}") from exc
    if result is None:
        return {}
    return result if isinstance(result, dict) else result.as_dict()


#: Page furniture that trafilatura keeps at the start or the end of the main text: bylines,
#: "courtesy of" and credit lines, copyright and agency lines, the journal's own citation
#: line ("Nature 574, 16-17 (2019)"), a date-only line. Only the first and last
#: :data:`EDGE` paragraphs are tested, so a sentence in the story is never dropped.
BOILERPLATE = re.compile(
    r"^(?:(?:©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4}).{0,120}"
    r"|.{0,80}all rights reserved\.?"
    r"|(?i:courtesy of) [A-Z][^.]{0,60}"
    r"|(?i:(?:header |featured |top |lead )?image(?: credit)?:|(?:photo )?credits?:).{0,300}"
    r"|(?i:our standards:).{0,100}|(?i:(?:additional )?reporting by|editing by|provided by) [A-Z].{0,150}"
    r"|(?i:more information:).{0,400}"
    r"|[A-Z][\w.& ]{1,40} \d{1,4}, \d{1,5}[-–]\d{1,5} \(\d{4}\)"
    r"|(?i:(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,? )?(?:\d{1,2} )?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:\d{1,2},? )?\d{4}(?: report| feature)?))$"
)
EDGE = 5
#: A byline paragraph: "Written by: Julie Mollins", "By Ana Lee and Bo Chen".
BYLINE = re.compile(
    r"^(?i:(?:(?:written|reported|posted|story) )?by:?)\s+([A-Z][\w.'’-]+(?:[ ,]+(?:and )?[A-Z][\w.'’-]+){0,8})$"
)
#: "recovery?Monday": a question or exclamation glued to the next capitalised word.
_GLUED = re.compile(r"(?<=[a-z][?!])(?=[A-Z][a-z])")


def strip_boilerplate(paragraphs: list[str]) -> list[str]:
    """Drop page furniture (:data:`BOILERPLATE`) among the first and last :data:`EDGE` paragraphs.

    Example:
        >>> strip_boilerplate(["Mice sleep.", "They dream.", "© 2019 Science X Network"])
        ['Mice sleep.', 'They dream.']
    """
    n = len(paragraphs)
    keep = [
        p
        for i, p in enumerate(paragraphs)
        if not ((i < EDGE or i >= n - EDGE) and (BOILERPLATE.match(p.strip()) or BYLINE.match(p.strip())))
    ]
    return keep or paragraphs


def _title_without_site(title: str, site: str) -> str:
    """ "Mice sleep - The Planetary Press" -> "Mice sleep" when the site name is "The Planetary Press"."""
    if site:
        for sep in (" - ", " | ", " – ", " — ", " :: "):
            head, found, tail = title.rpartition(sep)
            if found and head.strip() and _norm(tail) == _norm(site):
                return head.strip()
    return title


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


def _same(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a) and bool(b) and (a == b or a.startswith(b) or b.startswith(a))


def read_html(raw: RawFile) -> Document:
    """Read a news article page.

    Args:
        raw: The page's bytes (UTF-8, or the charset it declares), id, name and limits;
            the kind defaults to ``"news"``.

    Returns:
        A Document with the main text, a title section (the headline) and a body section.

    Raises:
        InputError: When the page is binary, unparsable or has no main text, or the text
            fails the checks of :func:`~sciwire.readers._checks.check_text`.
        MissingDependencyError: When trafilatura is not installed.
    """
    name = raw.name
    found = _extract(raw.decode(), name)
    lines = (_GLUED.sub(" ", normalize_text(line)) for line in (found.get("text") or "").split("\n"))
    kept = [p for p in lines if p]
    paragraphs = strip_boilerplate(kept)
    dropped = [p for p in kept if p not in paragraphs]
    if not paragraphs:
        raise InputError(
            f"{name}: no main text found in the HTML; expected a news article page. "
            "Save the article page itself (not a list or front page), or convert it to text and pass a .txt file"
        )
    title = _title_without_site(normalize_text(found.get("title") or ""), found.get("sitename") or "")
    if paragraphs and title and _title_without_site(paragraphs[0], found.get("sitename") or "") == title:
        paragraphs[0] = title
    if title and not _same(paragraphs[0], title):
        paragraphs.insert(0, title)
    headline = paragraphs[0] if len(paragraphs) > 1 and len(paragraphs[0].split()) <= 40 else ""
    if headline:  # pages often repeat the headline (above a photo, in a share box): keep it once
        repeated = [i for i, p in enumerate(paragraphs[1:6], start=1) if _norm(p) == _norm(headline)]
        paragraphs = [p for i, p in enumerate(paragraphs) if i not in repeated]
    text = "\n\n".join(paragraphs)
    sections: tuple[Section, ...]
    if headline:
        cut = len(headline) + 2
        sections = (Section("title", 0, cut), Section("body", cut, len(text)))
    else:
        sections = (Section("body", 0, len(text)),)
    authors = tuple(a.strip() for a in re.split(r";|\|", found.get("author") or "") if a.strip())
    site = found.get("sitename") or ""
    if not authors or (site and all(_same(a, site) for a in authors)):  # the site is not an author
        bylines = [m.group(1) for p in dropped if (m := BYLINE.match(p.strip()))]
        authors = tuple(a.strip() for a in re.split(r",|\band\b", bylines[0]) if a.strip()) if bylines else ()
    metadata = Metadata(
        url=found.get("url") or None,
        authors=authors,
        date=found.get("date") or None,
        venue=found.get("sitename") or None,
        source=raw.source,
    )
    logger.debug("%s: %d paragraphs of main text", name, len(paragraphs))
    return raw.document(text, default_kind="news", title=title or headline, metadata=metadata, sections=sections)
