"""PDF -> Document, with pypdf (imported lazily).

Reads: the PDF bytes. Writes: a ``paper`` Document whose text is clean enough for
sentence analysis, with sections from :func:`~sciwire.readers.sections.build_sections`.

Cleaning, in order:

1. text of every page (pypdf's plain mode, which follows the content stream and so reads
   a two-column page column by column), normalised;
2. running headers and footers go: with 3 pages or more, a line among the first or last
   two lines of a page whose digit-normalised form ("Page # of #") appears there on at
   least half of the pages; page-number-only lines in those places go on any page;
3. lines are joined into paragraphs: a heading (numbered, or a known section name)
   stands alone; a line that ends with ``.``, ``!``, ``?`` or ``:`` and is clearly shorter
   than a full line ends its paragraph; other lines are joined with a space;
4. de-hyphenation: "regu-" + "lation" -> "regulation" when the second part starts in
   lowercase. The hyphen is kept when the document elsewhere spells the pair with a hyphen
   more often than without ("time-restricted"), when the first part is a single letter,
   has digits or capitals inside ("T-", "5-", "COVID-"), or when the next line starts with a
   capital or a digit ("SARS-" + "CoV-2"). Limits: a compound split at its own hyphen and
   written nowhere else in the document ("meal-timing") loses its hyphen, and
   hyphenation across a page break with a figure in between is not repaired.

The reference list is kept, one reference per line, as the ``"references"`` section.
Title: the PDF's /Title when it looks like a real title, else the first line of text.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import struct
from collections import Counter
from typing import Any

from sciwire.document import Document, Metadata
from sciwire.errors import InputError, MissingDependencyError
from sciwire.readers._checks import normalize_text
from sciwire.readers.base import RawFile
from sciwire.readers.sections import Block, assemble, parse_heading

logger = logging.getLogger(__name__)

#: Lines at the top and at the bottom of a page that may be running headers or footers.
ZONE = 2
#: Lines shorter than this share of a full line may end a paragraph.
SHORT_LINE = 0.8
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$", re.IGNORECASE)
_PARA_END = re.compile(r"[.!?:][\"'”’)\]]?$")
_REF_START = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}\.\s|\d{1,3}\s+[A-Z])")
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


def _page_texts(reader: Any, name: str) -> list[list[str]]:
    errors = _pdf_errors(_import_pypdf())
    pages: list[list[str]] = []
    failures: list[str] = []
    for number, page in enumerate(reader.pages, 1):
        try:
            raw = page.extract_text() or ""
        except errors as exc:
            failures.append(f"page {number}: {exc or type(exc).__name__}")
            raw = ""
        pages.append([line for line in normalize_text(raw).split("\n") if line])
    if failures and len(failures) == len(pages):
        raise InputError(f"{name} is damaged; no page could be read ({failures[0]}). Download it again")
    for failure in failures:
        logger.warning("%s: skipped %s", name, failure)
    return pages


def _running_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower()).strip()


def strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove running headers/footers and page numbers from the lines of each page.

    Args:
        pages: The non-empty lines of every page.

    Returns:
        The same pages without those lines.

    Example:
        >>> body = [["Mice sleep.", "Rats eat.", "Flies fly."], ["Cats nap.", "Dogs run."], ["Owls hoot."]]
        >>> pages = [["J Made-up Res 12 (2026)", *lines, f"Page {i} of 3"] for i, lines in enumerate(body, 1)]
        >>> strip_running_lines(pages)[0]
        ['Mice sleep.', 'Rats eat.', 'Flies fly.']
    """
    running: set[str] = set()
    if len(pages) >= 3:
        counts: Counter[str] = Counter()
        for lines in pages:
            counts.update({_running_key(line) for line in lines[:ZONE] + lines[-ZONE:]})
        running = {key for key, n in counts.items() if key and n >= max(2, len(pages) / 2)}
    out = []
    for lines in pages:
        keep = []
        for i, line in enumerate(lines):
            edge = i < ZONE or i >= len(lines) - ZONE
            if edge and (_running_key(line) in running or _PAGE_NUMBER.match(line)):
                continue
            keep.append(line)
        out.append(keep)
    return out


def join_hyphenated(first: str, second: str, vocabulary: Counter[str]) -> str:
    """Join a line ending in a hyphen with the next line (see the module docstring).

    Example:
        >>> join_hyphenated("the regu-", "lation of sleep", Counter())
        'the regulation of sleep'
        >>> join_hyphenated("on the time-", "restricted diet", Counter({"time-restricted": 2}))
        'on the time-restricted diet'
    """
    head = re.search(r"([^\W\d_][\w]*)-$", first)
    tail = re.match(r"([^\W\d_]+)", second)
    if head is None or tail is None or not tail.group(1)[0].islower():
        return first + second
    left, right = head.group(1), tail.group(1)
    joined, hyphenated = (left + right).lower(), f"{left}-{right}".lower()
    keep = vocabulary[hyphenated] > vocabulary[joined] or len(left) == 1 or not left.isalpha() or not left[1:].islower()
    return first + second if keep else first[:-1] + second


def _vocabulary(pages: list[list[str]]) -> Counter[str]:
    return Counter(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", " ".join(" ".join(p) for p in pages).lower()))


def _full_width(lines: list[str]) -> float:
    long_lines = [len(line) for line in lines if len(line) >= 30]
    return statistics.median(long_lines) if long_lines else 80.0


def _is_subheading(line: str, nxt: str, width: float) -> bool:
    """A short unnumbered line such as "Animals and housing" between two paragraphs."""
    return (
        len(line) < SHORT_LINE * width
        and len(line.split()) <= 8
        and line[0].isupper()
        and not re.search(r"[.,;:!?]$", line)
        and bool(nxt)
        and nxt[0].isupper()
    )


def lines_to_blocks(lines: list[str], vocabulary: Counter[str] | None = None) -> list[Block]:
    """Join PDF lines into paragraph and heading Blocks (see the module docstring).

    Args:
        lines: Text lines in reading order, running headers and footers already removed.
        vocabulary: Word counts of the document, for de-hyphenation.

    Returns:
        Blocks for :func:`~sciwire.readers.sections.assemble`.
    """
    vocabulary = vocabulary if vocabulary is not None else Counter()
    width = _full_width(lines)
    blocks: list[Block] = []
    para = ""
    refs: list[str] = []
    in_refs = False
    front = True  # before the first heading: title, authors, affiliations, one per line

    def flush() -> None:
        nonlocal para, refs
        if para:
            blocks.append(Block(para))
        if refs:
            blocks.append(Block("\n".join(refs)))
        para, refs = "", []

    for i, line in enumerate(lines):
        heading = parse_heading(line, markdown=False)
        if heading is not None and in_refs and heading.name is None:
            heading = None  # a numbered reference
        if heading is not None and (not para or _PARA_END.search(para) or heading.name is not None):
            flush()
            blocks.append(Block(line, heading=True, level=heading.level, name=heading.name, explicit=False))
            in_refs = heading.name == "references" or (in_refs and heading.name is None)
            front = False
            continue
        if in_refs:
            prev = lines[i - 1] if i else ""
            ended = len(prev) < SHORT_LINE * width and prev.endswith(".")
            _add_reference(refs, line, vocabulary, new=bool(_REF_START.match(line)) or ended)
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if not para and not front and _is_subheading(line, nxt, width):
            blocks.append(Block(line, heading=True, explicit=False))
            continue
        if not para:
            para = line
        elif para.endswith("-"):
            para = join_hyphenated(para, line, vocabulary)
        else:
            para = f"{para} {line}"
        short = len(line) < SHORT_LINE * width
        if short and (_PARA_END.search(line) or (front and not line.endswith("-"))):
            flush()
    flush()
    return blocks


def _add_reference(refs: list[str], line: str, vocabulary: Counter[str], new: bool) -> None:
    """Start a new reference (``new``: the line starts like one, or the last one ended), or continue."""
    if not refs or (new and not refs[-1].endswith("-")):
        refs.append(line)
    elif refs[-1].endswith("-"):
        refs[-1] = join_hyphenated(refs[-1], line, vocabulary)
    else:
        refs[-1] = f"{refs[-1]} {line}"


def _title(reader: Any, text: str) -> str:
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


def read_pdf(raw: RawFile) -> Document:
    """Read a PDF.

    Args:
        raw: The PDF bytes, id, name and limits; the kind defaults to ``"paper"``.

    Returns:
        A Document with cleaned text, title, metadata (authors, DOI) and sections.

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
    pages = strip_running_lines(pages)
    lines = [line for page in pages for line in page]
    text, sections = assemble(lines_to_blocks(lines, _vocabulary(pages)))
    first_page = " ".join(pages[0])
    doi = _DOI.search(first_page)
    metadata = Metadata(doi=doi.group(1) if doi else None, authors=_authors(reader), source=raw.source)
    logger.debug("%s: %d pages, %d sections", name, len(pages), len(sections))
    return raw.document(text, default_kind="paper", title=_title(reader, text), metadata=metadata, sections=sections)
