"""The layout side of PDF reading: lines of text -> paragraphs and headings, without pypdf.

Pure functions over the lines :mod:`sciwire.readers.pdf` extracts (their text, font size,
weight and spacing): running headers and footers, de-hyphenation, accents, headings and
their numbering, floats (footnotes, tables, captions, equations) kept out of running
paragraphs, and the first page's title, authors and venue. See :mod:`sciwire.readers.pdf`
for the order in which they are applied.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sciwire.readers.sections import Block, Heading, parse_heading

#: Lines at the top and at the bottom of a page that may be running headers or footers.
ZONE = 2


#: Lines shorter than this share of a full line may end a paragraph.
SHORT_LINE = 0.8


#: Type smaller than this share of the body size is "small" (footnotes, tables, venue lines).
SMALL_TYPE = 0.9


#: Type larger than this share of the body size is "large" (titles, headings).
LARGE_TYPE = 1.08


_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–—]\s*\d{1,4}\s*[-–—]$", re.IGNORECASE)


_PAGE_COUNTER = re.compile(r"#\s*(?:/|of)\s*#$|\bpage\s*#")


_PARA_END = re.compile(r"[.!?:][\"'”’)\]]?$")


#: A paragraph end before a heading may carry a footnote mark: "(Turney, 2010).2".
_ENDS_BEFORE_HEADING = re.compile(r"[.!?:][\"'”’)\]]?(?:\d{1,2}|[*†‡])?$")


_REF_START = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}\.\s|\d{1,3}\s+[A-Z])")


BOLD_FONT = re.compile(r"bold|medi|black|heavy|demi|semibold|cmbx|-b$|\.b$", re.IGNORECASE)


_CAPTION = re.compile(r"^(?:Supplementary\s+)?(?:Table|Fig\.|Figure|Scheme|Chart)\s*[A-Z]?\d{1,3}[a-z]?\s*[.:|]")


_EQUATION_NUMBER = re.compile(r"\(\d{1,3}[a-z]?\)$")


_MATH = re.compile(r"[=<>∈∉≤≥≈∑∏∫‖→←↔×±·−∀∃∂∇√∞⊂⊆∪∩]")


_NUMBER_TOKEN = re.compile(r"^[(\[]?[-+−–±]?\d[\d.,:/%×±–-]*[)\]%*]?$")


_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[(]\d{1,2}[)]|[•▪◦‣·∙–-])\s+\S")


_FOOTNOTE_START = re.compile(r"^(?:\d{1,2}|[*†‡§¶])\s?[A-Z(]")


_VENUE = re.compile(
    r"\b(?:proceedings|conference|workshop|journal|vol\.|volume|pages?\s+\d|copyright|association for"
    r"|licen[cs]e|published|accepted|received)\b|©|\(c\)\s*\d{4}",
    re.IGNORECASE,
)


_AFFILIATION = re.compile(
    r"\b(?:universit\w*|institut\w*|department|dept\.?|center|centre|laborator\w*|school|college|faculty"
    r"|hospital|research|inc\.?|ltd|corporation|street|road|avenue|email|e-mail)\b|@|\d{3,}",
    re.IGNORECASE,
)


_NAME = re.compile(
    r"^(?:[A-Z][a-z]?\.(?:-?[A-Z]\.)*|[A-Z][\w’'-]+)(?:\s+(?:[A-Z][a-z]?\.|[A-Z][\w’'-]+|van|von|de|der|da|del|la|le|di)){1,4}$"
)


_AUTHOR_MARKS = re.compile(r"[\d*†‡§¶#∗⋆]+(?:,[\d*†‡§¶#∗⋆]+)*")


#: Spacing accents as some PDFs emit them before the letter ("Germ´an") -> combining marks.
_SPACING_ACCENTS = {
    "\u00b4": "\u0301", "\u00a8": "\u0308", "\u02c6": "\u0302", "\u02dc": "\u0303", "\u02c7": "\u030c",
    "\u02d8": "\u0306", "\u02da": "\u030a", "\u00af": "\u0304", "\u02d9": "\u0307", "\u02dd": "\u030b",
    "`": "\u0300",
}  # fmt: skip


_ACCENT_BEFORE = re.compile(
    r"(?<=[^\W\d_])`(?=[^\W\d_])|[\u00b4\u00a8\u02c6\u02dc\u02c7\u02d8\u02da\u00af\u02d9\u02dd](?=[^\W\d_])"
)


_ACCENT_AFTER = re.compile(r"(?<=[cCsStTgGkKlLnNrR])\u00b8|(?<=[aAeEiIoOuU])\u02db")


T = TypeVar("T", str, "Line")


@dataclass(frozen=True)
class Line:
    """One line of a PDF page with its type.

    Attributes:
        text: The normalised text of the line.
        size: Font size in points of most of its characters (0.0 when unknown).
        bold: Whether most of its letters are set in a bold font.
        gap: Distance in points from the baseline of the line before on the same page, when
            this line is below it (0.0 when unknown, on a new page or in a new column).
    """

    text: str
    size: float = 0.0
    bold: bool = False
    gap: float = 0.0


def compose_accents(text: str) -> str:
    """Compose spacing accents with the letter they belong to.

    LaTeX PDFs often draw an accent as a separate glyph before its letter, and pypdf
    returns "Germ´an", "J¨org"; a cedilla or ogonek comes after its letter ("c¸").

    Example:
        >>> compose_accents("Germ´an and J¨org met Fran\u00e7ois and Universit`a")
        'Germán and Jörg met François and Università'
    """
    if not _ACCENT_BEFORE.search(text) and not _ACCENT_AFTER.search(text):
        return text

    def before(match: re.Match[str]) -> str:
        return "\0" + _SPACING_ACCENTS[match.group(0)]

    marked = _ACCENT_BEFORE.sub(before, text)
    # "\0" + mark + letter -> letter + mark; a dotless i takes the accent as i
    marked = re.sub(r"\0(.)(.)", lambda m: ("i" if m.group(2) == "ı" else m.group(2)) + m.group(1), marked)
    marked = _ACCENT_AFTER.sub(lambda m: {"\u00b8": "\u0327", "\u02db": "\u0328"}[m.group(0)], marked)
    return unicodedata.normalize("NFC", marked)


def _text(line: str | Line) -> str:
    return line if isinstance(line, str) else line.text


def _running_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower()).strip()


def _running_pattern(key: str) -> re.Pattern[str]:
    return re.compile(r"\s*".join(re.escape(part).replace("\\#", r"\d+") for part in key.split()), re.IGNORECASE)


def strip_running_lines(pages: list[list[T]]) -> list[list[T]]:
    """Remove running headers/footers and page numbers from the lines of each page.

    Args:
        pages: The non-empty lines (strings or :class:`Line`) of every page.

    Returns:
        The same pages without those lines (see the module docstring).

    Example:
        >>> body = [["Mice sleep.", "Rats eat.", "Flies fly."], ["Cats nap.", "Dogs run."], ["Owls hoot."]]
        >>> pages = [["J Made-up Res 12 (2026)", *lines, f"Page {i} of 3"] for i, lines in enumerate(body, 1)]
        >>> strip_running_lines(pages)[0]
        ['Mice sleep.', 'Rats eat.', 'Flies fly.']
    """
    edge_keys: set[str] = set()
    anywhere: set[str] = set()
    edges: Counter[str] = Counter()
    inner: Counter[str] = Counter()
    spellings: dict[str, set[str]] = {}
    for lines in pages:
        texts = [_text(line) for line in lines]
        edges.update({_running_key(t) for t in texts[:ZONE] + texts[-ZONE:]})
        inner.update({_running_key(t) for t in texts})
        for text in texts:
            spellings.setdefault(_running_key(text), set()).add(text)
    if len(pages) >= 3:
        need = max(2, len(pages) / 2)
        edge_keys = {key for key, n in edges.items() if key and n >= need}
        anywhere = {key for key, n in inner.items() if n >= need and sum(c.isalpha() for c in key) >= 8}
    elif len(pages) == 2:  # two pages: only a line with a page counter that changes ("1 / 2", "2 / 2")
        anywhere = {
            key
            for key, n in inner.items()
            if n == 2 and _PAGE_COUNTER.search(key) and len(spellings[key]) == 2 and sum(c.isalpha() for c in key) >= 8
        }
    glued = [_running_pattern(key) for key in sorted(anywhere, key=len, reverse=True) if len(key) >= 20]
    out: list[list[T]] = []
    for lines in pages:
        keep: list[T] = []
        for i, line in enumerate(lines):
            text = _text(line)
            key = _running_key(text)
            edge = i < ZONE or i >= len(lines) - ZONE
            if key in anywhere or (edge and (key in edge_keys or _PAGE_NUMBER.match(text))):
                continue
            keep.append(_unglue(line, glued))
        out.append(keep)
    return out


def _unglue(line: T, patterns: list[re.Pattern[str]]) -> T:
    """Cut a running line that pypdf glued to the start or the end of a text line."""
    text = _text(line)
    for pattern in patterns:
        for match in pattern.finditer(text):
            if match.start() == 0 or match.end() == len(text):
                text = (text[: match.start()] + " " + text[match.end() :]).strip()
                break
    if text == _text(line):
        return line
    return text if isinstance(line, str) else Line(text, line.size, line.bold, line.gap)  # type: ignore[return-value]


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


def vocabulary(pages: Sequence[Sequence[str | Line]]) -> Counter[str]:
    text = " ".join(_text(line) for page in pages for line in page).lower()
    return Counter(re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", text))


def _full_width(lines: Sequence[str]) -> float:
    long_lines = [len(line) for line in lines if len(line) >= 30]
    return statistics.median(long_lines) if long_lines else 80.0


def body_size(lines: Sequence[Line]) -> float:
    """The font size of most letters (0.0 when pypdf gave no sizes)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.size:
            sizes[line.size] += sum(c.isalpha() for c in line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _kind(line: Line, body: float) -> str:
    if not line.size or not body or sum(c.isalpha() for c in line.text) < 3:
        return "body"
    if line.size < SMALL_TYPE * body:
        return "small"
    return "large" if line.size > LARGE_TYPE * body else "body"


def _styled(line: Line, body: float) -> bool:
    """Set like a heading: bold, or larger than the body text."""
    return line.bold or (bool(line.size and body) and line.size > LARGE_TYPE * body)


def _headings_styled(lines: Sequence[Line], body: float) -> bool:
    """Whether the known headings ("Abstract", "References"...) are mostly bold or large."""
    known = [line for line in lines if (h := parse_heading(line.text, markdown=False)) and h.name is not None]
    return bool(known and body) and sum(_styled(line, body) for line in known) >= len(known) / 2


def continues_numbering(last: tuple[int, ...], number: tuple[int, ...]) -> bool:
    """Whether heading ``number`` may follow heading ``last`` (3 or 3.1 after 2.4, 2.4.1 after 2.4).

    One number may be skipped (a heading pypdf lost); numbered list items restarting at 1
    inside section 4 do not continue it.

    Example:
        >>> continues_numbering((2, 4), (3,)), continues_numbering((2,), (2, 1)), continues_numbering((4,), (1,))
        (True, True, False)
    """
    if not last:
        return True
    if number[: len(last)] == last and len(number) > len(last) and all(n == 1 for n in number[len(last) :]):
        return True
    for k in range(min(len(last), len(number))):
        if number[:k] == last[:k] and last[k] < number[k] <= last[k] + 2:
            return all(n == 1 for n in number[k + 1 :])
    return False


def is_table_row(line: str) -> bool:
    """A line of table cells: mostly numbers ("0.31 0.59 70% 0.40"), little prose.

    Example:
        >>> is_table_row("0.55 0.25 70% 0.40 63%"), is_table_row("In 2009 we had 85.68 and 0.09 points.")
        (True, False)
    """
    tokens = line.split()
    numbers = sum(bool(_NUMBER_TOKEN.match(t)) for t in tokens)
    prose = sum(1 for t in tokens if re.fullmatch(r"[a-z]{4,}[,.;:]?", t))
    return numbers >= 2 and (numbers >= 0.5 * len(tokens) or prose == 0) and not line.endswith(".")


def is_equation(line: str) -> bool:
    """A display equation with its number: "min W ‖P − W[U ; V]‖ (1)".

    Example:
        >>> is_equation("y = W x + b (2)"), is_equation("as we showed in Section 3 (see eq. (2))")
        (True, False)
    """
    if not _EQUATION_NUMBER.search(line):
        return False
    body = _EQUATION_NUMBER.sub("", line).strip()
    words = re.findall(r"\b[a-z]{3,}\b", body)
    return bool(_MATH.search(body)) and len(words) <= max(2, len(body.split()) // 3)


def author_names(line: str) -> tuple[str, ...]:
    """The names in an author line ("Ada Author1, Ben Author* and C. D. Author"), or ``()``.

    Example:
        >>> author_names("Georgiana Dinu and Marco Baroni")
        ('Georgiana Dinu', 'Marco Baroni')
        >>> author_names("University of Trento, Italy")
        ()
    """
    if len(line) > 300 or _AFFILIATION.search(line):
        return ()
    text = _AUTHOR_MARKS.sub(" ", line)
    parts = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\s*(?:,|;|&|\band\b)\s*", text)]
    parts = [p for p in parts if p]
    if not parts or not all(_NAME.match(p) for p in parts):
        return ()
    return tuple(parts)


@dataclass(frozen=True)
class FrontMatter:
    """What :func:`front_matter` finds on the first page.

    Attributes:
        title: The title set in the largest type ("" when no line is larger than the body).
        authors: Names from the author line(s) after the title.
        venue: Venue and copyright lines in small type ("Proceedings of ..."), joined.
        dropped: Indices (in the first page's lines) of the venue lines, removed from the text.
    """

    title: str = ""
    authors: tuple[str, ...] = ()
    venue: str | None = None
    dropped: frozenset[int] = frozenset()


def front_matter(first_page: Sequence[Line], body: float) -> FrontMatter:
    """Title, authors and venue lines among the lines before the first known heading."""
    front: list[int] = []
    for i, line in enumerate(first_page):
        heading = parse_heading(line.text, markdown=False)
        if heading is not None and heading.name is not None:
            break
        front.append(i)
    if not front:
        return FrontMatter()
    dropped = [i for i in front if _kind(first_page[i], body) == "small" and _VENUE.search(first_page[i].text)]
    rest = [i for i in front if i not in dropped]
    title_at: list[int] = []
    biggest = max((first_page[i].size for i in rest), default=0.0)
    if body and biggest > LARGE_TYPE * body:
        start = next(i for i in rest if abs(first_page[i].size - biggest) < 0.3)
        title_at = [start]
        while title_at[-1] + 1 in rest and abs(first_page[title_at[-1] + 1].size - biggest) < 0.3:
            title_at.append(title_at[-1] + 1)
    title = ""
    for i in title_at:
        part = first_page[i].text
        title = join_hyphenated(title, part, Counter()) if title.endswith("-") else f"{title} {part}".strip()
    after = [i for i in rest if i > (title_at[-1] if title_at else rest[0])]
    authors: list[str] = []
    for i in after:
        names = author_names(first_page[i].text)
        if not names:
            if authors:
                break
            continue
        authors.extend(names)
    venue = " ".join(first_page[i].text for i in dropped) or None
    return FrontMatter(title, tuple(authors), venue, frozenset(dropped))


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


def _float_kind(line: Line, body: float, open_kind: str | None, open_text: str) -> str | None:
    """Whether a line belongs to a float (footnote, small type, table, caption, equation) and which."""
    text = line.text
    if _kind(line, body) == "small":
        return "small"
    if _CAPTION.match(text):
        return "caption"
    if open_kind == "caption" and not _PARA_END.search(open_text):
        return "caption"
    if is_table_row(text):
        return "table"
    if is_equation(text):
        return "equation"
    return None


def _accept_heading(
    heading: Heading | None, line: Line, body: float, styled: bool, last_number: tuple[int, ...]
) -> Heading | None:
    if heading is None or heading.name is not None:
        return heading
    if styled and not _styled(line, body):
        return None  # a numbered list item or sentence in body type
    if heading.number and not continues_numbering(last_number, heading.number):
        return None
    return heading


def lines_to_blocks(lines: Sequence[str | Line], vocabulary: Counter[str] | None = None) -> list[Block]:
    """Join PDF lines into paragraph and heading Blocks (see the module docstring).

    Args:
        lines: Text lines in reading order (strings, or :class:`Line` with their type),
            running headers and footers already removed.
        vocabulary: Word counts of the document, for de-hyphenation.

    Returns:
        Blocks for :func:`~sciwire.readers.sections.assemble`.
    """
    vocabulary = vocabulary if vocabulary is not None else Counter()
    items = [line if isinstance(line, Line) else Line(line) for line in lines]
    body = body_size(items)
    styled = _headings_styled(items, body)
    width = _full_width([line.text for line in items])
    leading = _leading(items, body)
    blocks: list[Block] = []
    para, para_line = "", Line("")
    floats: list[str] = []  # finished floats waiting for the end of the open paragraph
    float_text, float_kind = "", None
    refs: list[str] = []
    in_refs = False
    front = True  # before the first heading: title, authors, affiliations, one per line
    last_number: tuple[int, ...] = ()

    def close_float() -> None:
        nonlocal float_text, float_kind
        if float_text and para:
            floats.append(float_text)
        elif float_text:
            blocks.append(Block(float_text))
        float_text, float_kind = "", None

    def flush() -> None:
        nonlocal para, refs
        close_float()
        if para:
            blocks.append(Block(para))
        blocks.extend(Block(f) for f in floats)
        if refs:
            blocks.append(Block("\n".join(refs)))
        para, refs = "", []
        floats.clear()

    i = 0
    while i < len(items):
        line = items[i]
        text = line.text
        i += 1
        heading = parse_heading(text, markdown=False)
        if heading is not None and in_refs and heading.name is None:
            heading = None  # a numbered reference
        heading = _accept_heading(heading, line, body, styled, last_number)
        ended = not para or bool(_ENDS_BEFORE_HEADING.search(para))
        if heading is not None and (ended or heading.name is not None or (styled and _styled(line, body))):
            flush()
            while styled and _styled(line, body) and i < len(items) and _same_type(items[i], line):
                nxt = items[i].text
                if parse_heading(nxt, markdown=False) or len(f"{text} {nxt}".split()) > 12:
                    break
                text, i = f"{text} {nxt}", i + 1
            blocks.append(Block(text, heading=True, level=heading.level, name=heading.name, explicit=False))
            in_refs = heading.name == "references" or (in_refs and heading.name is None)
            front = False
            last_number = heading.number or last_number
            continue
        if in_refs:
            prev = items[i - 2].text if i >= 2 else ""
            ended = len(prev) < SHORT_LINE * width and prev.endswith(".")
            _add_reference(refs, text, vocabulary, new=bool(_REF_START.match(text)) or ended)
            continue
        kind = None if front else _float_kind(line, body, float_kind, float_text)
        if kind is not None:
            if para and _PARA_END.search(para):
                flush()
            footnote = kind == "small" and bool(_FOOTNOTE_START.match(text))
            new = kind != float_kind or kind in ("table", "equation") or bool(_CAPTION.match(text)) or footnote
            if new:
                close_float()
            float_text = f"{float_text[:-1]}{text}" if float_text.endswith("-") else f"{float_text} {text}".strip()
            float_kind = kind
            if kind in ("small", "caption") and _PARA_END.search(text) and len(text) < SHORT_LINE * width:
                close_float()
            continue
        close_float()
        nxt = items[i].text if i < len(items) else ""
        if not para and not front and (not styled or _styled(line, body)) and _is_subheading(text, nxt, width):
            blocks.append(Block(text, heading=True, explicit=False))
            continue
        if para and (_kind(line, body) != _kind(para_line, body) or (front and not _same_type(line, para_line))):
            flush()
        elif para and (_LIST_ITEM.match(text) or (leading and line.gap > 1.3 * leading)) and _PARA_END.search(para):
            flush()  # a list item, or a line set apart by space, after a finished sentence starts a paragraph
        if not para:
            para = text
        elif para.endswith("-"):
            para = join_hyphenated(para, text, vocabulary)
        else:
            para = f"{para} {text}"
        para_line = line
        short = len(text) < SHORT_LINE * width
        title_type = front and _kind(line, body) == "large"
        if short and (_PARA_END.search(text) or (front and not title_type and not text.endswith("-"))):
            flush()
    flush()
    return blocks


def _leading(lines: Sequence[Line], body: float) -> float:
    """The usual distance between two lines of body text (0.0 when unknown)."""
    gaps = [line.gap for line in lines if line.gap and _kind(line, body) == "body" and line.gap < 3 * (body or 10)]
    return statistics.median(gaps) if len(gaps) >= 5 else 0.0


def _same_type(a: Line, b: Line) -> bool:
    return abs(a.size - b.size) < 0.3 and a.bold == b.bold


def _add_reference(refs: list[str], line: str, vocabulary: Counter[str], new: bool) -> None:
    """Start a new reference (``new``: the line starts like one, or the last one ended), or continue."""
    if not refs or (new and not refs[-1].endswith("-")):
        refs.append(line)
    elif refs[-1].endswith("-"):
        refs[-1] = join_hyphenated(refs[-1], line, vocabulary)
    else:
        refs[-1] = f"{refs[-1]} {line}"
