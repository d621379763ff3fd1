"""The structure of a paper's plain text: title, abstract, sections, headings, references.

Keyphrases get plain text (``sciwire keywords`` and the analyze step hand over the paper's
text, a benchmark its file), so the structure is read back from the lines: a heading is a
short line of its own that is either a known section name ("ABSTRACT", "Introduction",
"REFERENCES", "Categories and Subject Descriptors") or numbered ("3.2 Associating Zones",
"4. DIMS: AN ANALYSIS"). The title is the first line (and the next one when the first ends
in a word such as "for", "of" or ":"); the abstract runs from an "Abstract" heading to the
next heading; the introduction and the conclusions are the sections with those names; the
references start at a "References" / "Bibliography" heading and are not read for keyphrases.

:func:`choose_mode` decides from this whether a text is a paper (``"paper"``) or a short text
(``"abstract"``): the default keyphrase method ranks them differently.

Example:
    >>> s = read_structure("Fast Graphs for\\nSensor Networks\\nA. Author\\nABSTRACT\\nWe study graphs.\\n"
    ...                    "1. INTRODUCTION\\nGraphs are everywhere.\\n2. CONCLUSIONS\\nDone.\\nREFERENCES\\n[1] X.")
    >>> s.title, [h.name for h in s.sections]
    ('Fast Graphs for Sensor Networks', ['abstract', 'introduction', 'conclusions', 'references'])
    >>> s.body_end == s.text.index("REFERENCES")
    True
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

#: Section names recognised without a number (lower-cased, trailing punctuation stripped).
KNOWN_HEADINGS: dict[str, str] = {
    "abstract": "abstract",
    "introduction": "introduction",
    "background": "background",
    "related work": "related work",
    "related works": "related work",
    "conclusion": "conclusions",
    "conclusions": "conclusions",
    "conclusions and future work": "conclusions",
    "conclusion and future work": "conclusions",
    "summary": "conclusions",
    "discussion": "discussion",
    "results": "results",
    "methods": "methods",
    "acknowledgments": "acknowledgments",
    "acknowledgements": "acknowledgments",
    "acknowledgment": "acknowledgments",
    "acknowledgement": "acknowledgments",
    "references": "references",
    "bibliography": "references",
    "literature cited": "references",
    "categories and subject descriptors": "metadata",
    "general terms": "metadata",
    "keywords": "metadata",
    "appendix": "appendix",
}
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?|[IVX]{1,4}\.)\s+([A-Z][^\n]{1,80})$")
_CONTINUES = frozenset({"for", "of", "in", "on", "and", "with", "to", "from", "by", "a", "an", "the", "via", "using"})
#: A text is read as a paper when it has at least this many words and headings.
PAPER_MIN_WORDS = 1500
PAPER_MIN_HEADINGS = 3


@dataclass(frozen=True)
class Section:
    """One section: its normalised ``name`` (a known name, or the heading text lower-cased),
    the heading's character span, and the section's span (heading to the next heading)."""

    name: str
    heading: tuple[int, int]
    start: int
    end: int
    level: int = 1


@dataclass
class PaperStructure:
    """What :func:`read_structure` found in a text (character offsets into ``text``)."""

    text: str
    title: str = ""
    title_span: tuple[int, int] = (0, 0)
    sections: list[Section] = field(default_factory=list)
    body_end: int = 0

    @property
    def n_headings(self) -> int:
        return len(self.sections)

    def zone(self, name: str) -> tuple[int, int] | None:
        """The span of the first section called ``name`` (``abstract``, ``introduction``, ...)."""
        for sec in self.sections:
            if sec.name == name:
                return sec.start, sec.end
        return None

    def top_sections(self) -> list[tuple[int, int]]:
        """Spans of the top-level sections before the references (a numbered ``3.1`` belongs to ``3``)."""
        spans: list[tuple[int, int]] = []
        for sec in self.sections:
            if sec.start >= self.body_end or sec.name in ("references", "metadata"):
                continue
            if sec.level == 1 or not spans:
                spans.append((sec.start, min(sec.end, self.body_end)))
            else:
                spans[-1] = (spans[-1][0], min(sec.end, self.body_end))
        return spans

    def section_index(self, offsets: list[int]) -> list[int]:
        """For each character offset, the index of its top-level section (-1 before the first)."""
        starts = [s for s, _ in self.top_sections()]
        return [bisect_right(starts, o) - 1 for o in offsets]


def _heading(line: str) -> tuple[str, int] | None:
    """``(name, level)`` when ``line`` is a heading."""
    stripped = line.strip()
    if not stripped or len(stripped) > 90:
        return None
    plain = re.sub(r"^[\dIVX.]+\s+", "", stripped).rstrip(".: ").lower()
    if plain in KNOWN_HEADINGS and (stripped[:1].isupper() or stripped[:1].isdigit()):
        numbered = _NUMBERED.match(stripped)
        level = numbered.group(0).split()[0].rstrip(".").count(".") + 1 if numbered else 1
        return KNOWN_HEADINGS[plain], level
    match = _NUMBERED.match(stripped)
    if match is None or (stripped.endswith((".", ",", ";")) and not stripped.isupper()):
        return None
    words = match.group(1).split()
    if len(words) > 12 or sum(w[:1].isupper() for w in words) < (len(words) + 1) // 2:
        return None
    number = stripped.split()[0].rstrip(".")
    return _normalise(plain), number.count(".") + 1


def _normalise(plain: str) -> str:
    """A numbered heading's name: the known section it names ("7. Concluding remarks": conclusions)."""
    if "conclu" in plain:
        return "conclusions"
    if plain.startswith("introduc"):
        return "introduction"
    return KNOWN_HEADINGS.get(plain, plain)


def read_structure(text: str) -> PaperStructure:
    """Title, sections and where the references start (see the module docstring)."""
    out = PaperStructure(text, body_end=len(text))
    heads: list[tuple[str, int, int, int]] = []
    offset = 0
    for line in text.split("\n"):
        found = _heading(line)
        if found is not None:
            heads.append((found[0], found[1], offset, offset + len(line)))
        offset += len(line) + 1
    for k, (name, level, start, end) in enumerate(heads):
        following = heads[k + 1 :]
        stop = next((s for _, lv, s, _ in following if lv <= level), len(text))
        next_any = following[0][2] if following else len(text)
        sec_end = next_any if name in ("abstract", "metadata") else stop
        out.sections.append(Section(name, (start, end), start, sec_end, level))
        if name == "references" and out.body_end == len(text) and start > len(text) // 3:
            out.body_end = start
    lines = text.lstrip().split("\n")
    if lines and lines[0].strip():
        title = lines[0].strip()
        if len(lines) > 1 and (title.split()[-1].lower() in _CONTINUES or title.endswith(":")):
            title = f"{title} {lines[1].strip()}"
        first_heading = heads[0][2] if heads else len(text)
        start = text.index(lines[0].strip())
        if start < first_heading:
            out.title = title.rstrip("∗*†‡ ")
            out.title_span = (start, min(start + len(title) + 1, first_heading))
    return out


def choose_mode(text: str, structure: PaperStructure | None = None) -> str:
    """``"paper"`` for a text of ``PAPER_MIN_WORDS``+ words with ``PAPER_MIN_HEADINGS``+ headings
    before its references, else ``"abstract"``.

    Example:
        >>> choose_mode("Graph neural networks predict molecular properties.")
        'abstract'
    """
    if len(text) < PAPER_MIN_WORDS * 4:  # fewer characters than the shortest paper can have
        return "abstract"
    structure = structure or read_structure(text)
    body = text[: structure.body_end]
    heads = sum(1 for s in structure.sections if s.start < structure.body_end and s.name != "metadata")
    if heads >= PAPER_MIN_HEADINGS and len(body.split()) >= PAPER_MIN_WORDS:
        return "paper"
    return "abstract"
