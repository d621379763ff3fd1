"""Find section headings in plain text and turn them into contiguous canonical sections.

Three layers, each usable on its own:

* :func:`canonical_section_name` maps a heading as written ("2. Materials and Methods",
  "CONCLUSIONS", "## Literature cited") to a name in :data:`sciwire.document.SECTION_NAMES`,
  or ``None`` when the heading is not a standard one.
* :func:`parse_heading` decides whether one line looks like a heading (Markdown ``#``,
  numbered "1.", "2.1", "II.", or a known name on its own line) and at what level.
* :func:`build_sections` turns headings with offsets into sections that cover the text
  contiguously and in order; :func:`detect_sections` does both steps on plain text.

Rules: a heading at the top level (the shallowest level among the known headings) starts a
new section, named canonically or ``"other"``; a deeper heading ("2.1 Animals") stays in
its parent section. An unknown heading before the first known one is front matter (an
author affiliation such as "1 Department of ...", or a Markdown "# Title" above
"## Abstract"), and an unknown numbered heading inside the reference list is a reference.
Text before the first section heading becomes a ``"title"`` section when it is short
(front matter), else ``"body"``; without any heading the whole text is one ``"body"``
section.

Headings and paragraphs: a section's range *includes* its heading line, and
``Section.heading`` is that line as it appears in the text. The readers (:func:`assemble`)
put every heading in a paragraph of its own, followed by a blank line, so that a
sentence splitter that works paragraph by paragraph never glues a heading onto the first
sentence, and can skip it by comparing the paragraph with ``Section.heading``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sciwire.document import Section

#: Front matter longer than this many words is called "body", not "title".
MAX_TITLE_WORDS = 80
#: A heading line has at most this many words.
MAX_HEADING_WORDS = 12

_CANONICAL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("abstract", r"(?:structured )?abstract|summary of (?:the )?(?:article|paper)"),
        ("introduction", r"(?:introduction|background)(?: and (?:background|motivation|rationale|aims?|objectives?))?"),
        (
            "methods",
            r"(?:materials?|patients|subjects|participants|data|samples) and methods?|methods? and materials?"
            r"|(?:online |star )?methods?|methodology|methods and analysis|study design(?: and \w+)*"
            r"|experimental(?: (?:procedures?|section|methods?|design|setup|details))?|participants"
            r"|research design(?: and methods?)?",
        ),
        ("results", r"results?|findings|(?:experimental|main) results|results and (?:discussion|analysis|findings)"),
        ("discussion", r"(?:general )?discussion|discussion and (?:conclusions?|implications)"),
        (
            "conclusion",
            r"conclusions?|concluding remarks|summary|final remarks|summary and conclusions?"
            r"|conclusions? and (?:future work|outlook|perspectives?|implications)",
        ),
        ("references", r"references?|bibliography|literature cited|works cited|cited literature|references and notes"),
    )
)

_MARKDOWN = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(\S.*)$")
_ROMAN_LOOSE = re.compile(r"^[IVX]{1,5}\.?\s+(?=[A-Z])")
_NUMBER_PREFIX = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+")


@dataclass(frozen=True)
class Heading:
    """A heading found in a text.

    Attributes:
        start: Offset of the heading line in the text.
        end: Offset just after the heading line (before its newline).
        text: The heading as written (``text[start:end]``).
        level: 1 for top level, 2 for a subsection...; ``None`` when the line gives no clue
            (an unnumbered "Methods" in a PDF).
        name: The canonical section name, or ``None`` for a non-standard heading.
        explicit: True when the format marks it as a heading (Markdown ``#``, JATS
            ``<title>``), False when it was inferred from the look of a line.
        number: The heading number as integers ((2, 1) for "2.1"), when numbered.
    """

    start: int
    end: int
    text: str
    level: int | None
    name: str | None
    explicit: bool = False
    number: tuple[int, ...] = ()


@dataclass(frozen=True)
class Block:
    """A paragraph or a heading for :func:`assemble`.

    Attributes:
        text: The paragraph or heading text (no blank lines inside).
        heading: True for a heading; then ``level``, ``name`` and ``explicit`` describe it
            as in :class:`Heading` (``name`` None: derived from the text).
        starts: For a paragraph: start a new section with this name here, without a heading
            (e.g. the loose paragraphs of a JATS ``<body>``).
    """

    text: str
    heading: bool = False
    level: int | None = None
    name: str | None = None
    explicit: bool = True
    starts: str | None = None


def canonical_section_name(heading: str) -> str | None:
    """Map a heading as written to a canonical section name.

    Args:
        heading: A heading, with or without Markdown hashes, numbering or a final colon.

    Returns:
        One of abstract, introduction, methods, results, discussion, conclusion,
        references; ``None`` when the heading is not a standard one.

    Example:
        >>> canonical_section_name("2. Materials and Methods")
        'methods'
        >>> canonical_section_name("2.1 Animals") is None
        True
    """
    text = heading.strip().lstrip("#").strip()
    text = _NUMBER_PREFIX.sub("", text)
    text = _ROMAN_LOOSE.sub("", text)
    text = text.rstrip(" .:").replace("&", " and ").lower()
    text = re.sub(r"\s+", " ", text).strip()
    for name, pattern in _CANONICAL:
        if pattern.fullmatch(text):
            return name
    return None


def parse_heading(line: str, start: int = 0, *, markdown: bool = True) -> Heading | None:
    """Decide whether one line of plain text is a heading.

    Args:
        line: The line (without its newline).
        start: Offset of the line in its text, copied to the result.
        markdown: Whether ``# Heading`` lines count (not in PDF text, where "#" starts
            code comments more often than headings).

    Returns:
        A :class:`Heading` for a Markdown heading, a numbered heading ("2.1 Animals",
        "II. Methods") or a known section name on its own line; ``None`` otherwise.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 120:
        return None
    lead = start + len(line) - len(line.lstrip())
    end = lead + len(stripped)
    hashes = _MARKDOWN.match(stripped) if markdown else None
    if hashes:
        title = hashes.group(2)
        level = len(hashes.group(1))
        return Heading(lead, end, stripped, level, canonical_section_name(title), explicit=True)
    if len(stripped.split()) > MAX_HEADING_WORDS:
        return None
    name = canonical_section_name(stripped)
    for pattern in (_NUMBERED, _ROMAN):
        match = pattern.match(stripped)
        if not match:
            continue
        title = match.group(2)
        if not title[0].isupper() or not any(c.isalpha() for c in title):
            return None
        if name is None and re.search(r"[.,;:!]$", title):
            return None
        if pattern is _ROMAN:
            return Heading(lead, end, stripped, 1, name)
        number = tuple(int(n) for n in match.group(1).split("."))
        return Heading(lead, end, stripped, len(number), name, number=number)
    if name is not None and (stripped[0].isupper() or stripped[0].isdigit()):
        return Heading(lead, end, stripped, None, name)
    return None


def find_headings(text: str) -> list[Heading]:
    """Every line of ``text`` that :func:`parse_heading` accepts, in order."""
    headings: list[Heading] = []
    pos = 0
    for line in text.split("\n"):
        heading = parse_heading(line, pos)
        if heading is not None:
            headings.append(heading)
        pos += len(line) + 1
    return headings


def _top_level(headings: Sequence[Heading]) -> int | None:
    known = [h.level for h in headings if h.level is not None and h.name is not None]
    levels = known or [h.level for h in headings if h.level is not None]
    return min(levels) if levels else None


def _starts_section(
    heading: Heading, top: int | None, seen_known: bool, current: str | None, last_number: tuple[int, ...]
) -> bool:
    is_top = heading.level is None or top is None or heading.level <= top
    if heading.name is not None:
        return is_top
    if heading.level is None or not is_top:
        return False
    if top is not None and heading.level < top and not seen_known:
        return False  # shallower than every known heading: the document title ("# Title")
    if heading.explicit:
        return True
    if not seen_known or current == "references":
        return False
    if not heading.number or not last_number:
        return True
    return last_number < heading.number and heading.number[0] <= last_number[0] + 2  # 3 may follow 2, not 2020


def build_sections(text: str, headings: Sequence[Heading]) -> tuple[Section, ...]:
    """Sections covering ``text`` contiguously, in order, from headings found in it.

    Args:
        text: The document text.
        headings: Headings with offsets into ``text``, in order (e.g. from :func:`find_headings`).

    Returns:
        Sections from 0 to ``len(text)`` (empty for an empty text); see the module docstring
        for which headings start a section.
    """
    if not text:
        return ()
    top = _top_level(headings)
    starts: list[tuple[int, str, str]] = []
    seen_known = False
    last_number: tuple[int, ...] = ()
    for heading in headings:
        current = starts[-1][1] if starts else None
        if _starts_section(heading, top, seen_known, current, last_number):
            starts.append((heading.start, heading.name or "other", heading.text))
            if heading.number:
                last_number = heading.number
        seen_known = seen_known or heading.name is not None
    if not starts:
        return (Section("body", 0, len(text)),)
    sections: list[Section] = []
    if starts[0][0] > 0:
        front = text[: starts[0][0]]
        name = "title" if len(front.split()) <= MAX_TITLE_WORDS else "body"
        sections.append(Section(name, 0, starts[0][0]))
    for i, (start, name, heading_text) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        if end > start:
            sections.append(Section(name, start, end, heading_text))
    return tuple(sections)


def detect_sections(text: str) -> tuple[Section, ...]:
    """Find the sections of plain or PDF-extracted text.

    Args:
        text: The document text.

    Returns:
        Contiguous sections covering the whole text.

    Example:
        >>> text = "A Title\\n\\n1. Introduction\\n\\nMice.\\n\\n2. Methods\\n\\n2.1 Animals\\n\\nWe fed mice."
        >>> [(s.name, s.heading) for s in detect_sections(text)]
        [('title', ''), ('introduction', '1. Introduction'), ('methods', '2. Methods')]
    """
    return build_sections(text, find_headings(text))


def assemble(blocks: Sequence[Block]) -> tuple[str, tuple[Section, ...]]:
    """Join paragraphs and headings with blank lines and compute the sections.

    Args:
        blocks: Paragraphs and headings in order; their text should already be normalised
            and must not contain blank lines.

    Returns:
        The document text and its sections.
    """
    parts: list[str] = []
    headings: list[Heading] = []
    pos = 0
    for block in blocks:
        body = block.text.strip()
        if not body:
            continue
        if parts:
            pos += 2
        if block.heading:
            name = block.name if block.name is not None else canonical_section_name(body)
            number = _NUMBERED.match(body)
            numbers = tuple(int(n) for n in number.group(1).split(".")) if number else ()
            headings.append(Heading(pos, pos + len(body), body, block.level, name, block.explicit, numbers))
        elif block.starts is not None:
            headings.append(Heading(pos, pos, "", None, block.starts, explicit=True))
        parts.append(body)
        pos += len(body)
    text = "\n\n".join(parts)
    return text, build_sections(text, headings)
