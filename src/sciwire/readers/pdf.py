"""PDF -> Document, with pypdf (imported lazily).

Reads: the PDF bytes. Writes: a ``paper`` Document whose text is clean enough for
sentence analysis, with sections from :func:`~sciwire.readers.sections.build_sections`.

Cleaning, in order:

1. text of every page (pypdf's plain mode, which follows the content stream and so reads
   a two-column page column by column), with the font size and weight of each line taken
   from pypdf's text visitor (:class:`Line`); spacing accents are composed ("Germ´an" ->
   "Germán", :func:`compose_accents`) and the text normalised (ligatures -> letters);
2. running headers and footers go (:func:`strip_running_lines`): with 3 pages or more, a
   line whose digit-normalised form ("PLOS ONE | doi # / #") appears on at least half of
   the pages, among the first or last two lines of a page or, for a line with at least
   eight letters, anywhere on it (pypdf emits footers wherever the content stream draws
   them), also when glued to the start or end of another line; page-number-only lines at
   the top or bottom go on any page;
3. front matter (:func:`front_matter`): the title is the run of the largest lines on the
   first page, the author line the first line after it that reads as a list of names;
   small venue/copyright lines above the title ("Proceedings of ... c©2014 ACL") are
   dropped from the text and kept as ``metadata.venue``;
4. lines are joined into paragraphs (:func:`lines_to_blocks`): a heading stands alone (a
   known section name, or a numbered line that continues the heading numbering and, when
   the document sets its headings in bold or larger type, is set that way: numbered list
   items stay text); a heading continued on the next line in the same type is joined; a
   line that ends with ``.``, ``!``, ``?`` or ``:`` and is clearly shorter than a full line
   ends its paragraph; a change between body, small and large type ends it too;
5. floats are kept out of running sentences: footnotes and other small-type lines, table
   rows (mostly numbers), figure and table captions and numbered equation lines become
   paragraphs of their own. When one interrupts an unfinished paragraph, the paragraph is
   continued after it and the float is put after the paragraph, so no sentence is cut;
6. de-hyphenation: "regu-" + "lation" -> "regulation" when the second part starts in
   lowercase. The hyphen is kept when the document elsewhere spells the pair with a hyphen
   more often than without ("time-restricted"), when the first part is a single letter,
   has digits or capitals inside ("T-", "5-", "COVID-"), or when the next line starts with a
   capital or a digit ("SARS-" + "CoV-2"). Limits: a compound split at its own hyphen and
   written nowhere else in the document ("meal-timing") loses its hyphen, and
   hyphenation across a page break with a figure in between is not repaired.

The reference list is kept, one reference per line, as the ``"references"`` section.
Title: the large-type title of the first page, else the PDF's /Title when it looks like a
real title, else the first line of text. Authors: the PDF's /Author, else the author line.

A ligature glyph without a Unicode mapping is lost by pypdf ("Simplied" for "Simplified");
when a document shows that symptom the letters are put back from a word list
(:mod:`sciwire.readers.ligatures`). Known limits: table cells in body type without
digits ("Input Output") stay a paragraph of their own words; unnumbered display equations
stay in the text; run-in headings ("Decomposition We define ...") stay in their paragraph.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import struct
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sciwire.document import Document, Metadata
from sciwire.errors import InputError, MissingDependencyError
from sciwire.readers._checks import normalize_text
from sciwire.readers.base import RawFile
from sciwire.readers.ligatures import repair_dropped_ligatures
from sciwire.readers.pdf_layout import (
    BOLD_FONT,
    Line,
    body_size,
    compose_accents,
    front_matter,
    lines_to_blocks,
    strip_running_lines,
    vocabulary,
)
from sciwire.readers.sections import assemble

logger = logging.getLogger(__name__)


_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;])")


_BAD_TITLE = re.compile(
    r"^(?:untitled|unknown|title|microsoft word\b.*|.*\.(?:docx?|pdf|tex|dvi|indd|rtf))$", re.IGNORECASE
)


def _import_pypdf() -> Any:
    try:
        import pypdf
    except ImportError as exc:
        raise MissingDependencyError("pypdf", "Reading PDF files") from exc
    return pypdf


def _pdf_errors(pypdf: Any) -> tuple[type[BaseException], ...]:
    """What a damaged PDF can make pypdf raise."""
    return (
        pypdf.errors.PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        ZeroDivisionError,
        AssertionError,
        OSError,
        RecursionError,
        struct.error,
    )


def _open(data: bytes, name: str) -> Any:
    pypdf = _import_pypdf()
    errors = _pdf_errors(pypdf)
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{name} does not look like a PDF (no %PDF- header); check that it is really a PDF file")
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt(reader, name, pypdf)
        n_pages = len(reader.pages)
    except InputError:
        raise
    except errors as exc:
        raise InputError(
            f"{name} is damaged or truncated; pypdf says: {exc or type(exc).__name__}. "
            "Download it again, or repair it (e.g. qpdf in.pdf out.pdf)"
        ) from exc
    if n_pages == 0:
        raise InputError(f"{name} has no pages; the PDF is probably truncated or damaged. Download it again")
    return reader


def _decrypt(reader: Any, name: str, pypdf: Any) -> None:
    message = f"{name} is encrypted; decrypt it first (e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf)"
    try:
        result = reader.decrypt("")
    except pypdf.errors.DependencyError as exc:
        raise InputError(f"{message}; reading its encryption also needs the package 'cryptography'") from exc
    except (pypdf.errors.PyPdfError, ValueError, NotImplementedError) as exc:
        raise InputError(f"{message} ({exc})") from exc
    if result == pypdf.PasswordType.NOT_DECRYPTED:
        raise InputError(message)
    logger.info("%s: opened with the empty password", name)


def _fragment_size(cm: Sequence[float], tm: Sequence[float], font_size: float) -> float:
    scale_tm = (tm[2] ** 2 + tm[3] ** 2) ** 0.5
    scale_cm = (cm[2] ** 2 + cm[3] ** 2) ** 0.5
    return round(float(font_size) * scale_tm * scale_cm, 1)


def _extract_lines(page: Any) -> list[Line]:
    """The lines of one page with the type of each, from pypdf's text visitor."""
    fragments: list[tuple[str, float, bool, float | None]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        name = str((font or {}).get("/BaseFont", "")) if hasattr(font, "get") else ""
        try:
            size = _fragment_size(cm, tm, font_size)
        except (TypeError, ValueError, IndexError):
            size = 0.0
        try:
            y: float | None = float(tm[5]) * float(cm[3]) + float(cm[5])
        except (TypeError, ValueError, IndexError):
            y = None
        fragments.append((text, size, bool(BOLD_FONT.search(name)), y))

    raw = page.extract_text(visitor_text=visit) or ""
    if "".join(f[0] for f in fragments) != raw:  # the visitor did not see the same text: no type
        return [Line(t) for t in normalize_text(compose_accents(raw)).split("\n") if t]
    lines: list[Line] = []
    parts: list[str] = []
    sizes: Counter[float] = Counter()
    bold = [0, 0]
    ys: list[float] = []  # baseline of the current line, and of the line before

    def end_line() -> None:
        text = normalize_text(compose_accents("".join(parts)))
        if text:
            total = sum(sizes.values())  # the largest size that sets a quarter of the letters: not a subscript
            size = next((s for s in sorted(sizes, reverse=True) if sizes[s] >= total / 4), 0.0)
            gap = ys[-2] - ys[-1] if len(ys) >= 2 and ys[-2] > ys[-1] else 0.0
            lines.append(Line(text, size, bold[0] > 0.6 * max(1, bold[1]), round(gap, 1)))
        elif ys:
            ys.pop()
        parts.clear()
        sizes.clear()
        bold[:] = [0, 0]

    for text, size, is_bold, y in fragments:
        for i, piece in enumerate(text.split("\n")):
            if i:
                end_line()
            if piece.strip() and y is not None and (not parts or not "".join(parts).strip()):
                ys.append(y)
            parts.append(piece)
            letters = sum(c.isalnum() for c in piece)
            if letters and size:
                sizes[size] += letters
                bold[0] += letters if is_bold else 0
                bold[1] += letters
    end_line()
    return lines


def _page_texts(reader: Any, name: str) -> list[list[Line]]:
    errors = _pdf_errors(_import_pypdf())
    pages: list[list[Line]] = []
    failures: list[str] = []
    for number, page in enumerate(reader.pages, 1):
        try:
            pages.append(_extract_lines(page))
        except errors as exc:
            failures.append(f"page {number}: {exc or type(exc).__name__}")
            pages.append([])
    if failures and len(failures) == len(pages):
        raise InputError(f"{name} is damaged; no page could be read ({failures[0]}). Download it again")
    for failure in failures:
        logger.warning("%s: skipped %s", name, failure)
    return pages


def _title(reader: Any, text: str, found: str = "") -> str:
    if len(found.split()) >= 2:
        return found
    try:
        raw = (reader.metadata or {}).get("/Title")
    except _pdf_errors(_import_pypdf()):
        raw = None
    title = normalize_text(str(raw)) if raw else ""
    if len(title) >= 10 and len(title.split()) >= 2 and not _BAD_TITLE.match(title):
        return title
    return text.split("\n", 1)[0].strip()


def _authors(reader: Any) -> tuple[str, ...]:
    try:
        raw = (reader.metadata or {}).get("/Author")
    except _pdf_errors(_import_pypdf()):
        return ()
    value = normalize_text(str(raw)) if raw else ""
    if not value or value.lower() in ("anonymous", "unknown", "author", "admin", "user"):
        return ()
    parts = re.split(r"\s*;\s*", value) if ";" in value else re.split(r"\s*,\s*|\s+and\s+", value)
    return tuple(p for p in parts if p)


def _repair_ligatures(pages: list[list[Line]]) -> list[list[Line]]:
    """Lines with dropped ligature glyphs put back (:mod:`sciwire.readers.ligatures`)."""
    texts = iter(repair_dropped_ligatures([line.text for page in pages for line in page]))
    return [[dataclasses.replace(line, text=next(texts)) for line in page] for page in pages]


def read_pdf(raw: RawFile) -> Document:
    """Read a PDF.

    Args:
        raw: The PDF bytes, id, name and limits; the kind defaults to ``"paper"``.

    Returns:
        A Document with cleaned text, title, metadata (authors, DOI, venue) and sections.

    Raises:
        InputError: When the PDF is encrypted, damaged, truncated or has no extractable
            text (scanned), or its text fails the checks.
        MissingDependencyError: When pypdf is not installed.
    """
    name = raw.name
    reader = _open(raw.data, name)
    pages = _page_texts(reader, name)
    if not any(pages):
        raise InputError(
            f"{name} has no extractable text ({len(pages)} pages); it is probably a scanned image. "
            "Run OCR first (e.g. ocrmypdf in.pdf out.pdf) and read the result"
        )
    pages = _repair_ligatures(strip_running_lines(pages))
    lines = [line for page in pages for line in page]
    first = next((page for page in pages if page), [])
    front = front_matter(first, body_size(lines))
    if front.dropped:
        skip = {id(first[i]) for i in front.dropped}
        lines = [line for line in lines if id(line) not in skip]
    text, sections = assemble(lines_to_blocks(lines, vocabulary(pages)))
    doi = _DOI.search(" ".join(line.text for line in first))
    metadata = Metadata(
        doi=doi.group(1) if doi else None,
        authors=_authors(reader) or front.authors,
        venue=front.venue,
        source=raw.source,
    )
    logger.debug("%s: %d pages, %d sections", name, len(pages), len(sections))
    title = _title(reader, text, front.title)
    return raw.document(text, default_kind="paper", title=title, metadata=metadata, sections=sections)
