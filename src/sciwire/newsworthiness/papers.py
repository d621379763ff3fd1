"""Papers to rank: a title, an abstract and metadata, read from files, folders, JSONL or arXiv Atom.

A :class:`Paper` is what the newsworthiness features read. Papers come from

- a **JSONL** file (``.jsonl``): one object per line, ``{"id", "title", "abstract"}`` and
  optional ``categories`` (list), ``venue``, ``date``, ``doi``, ``url``, ``authors`` (list)
  and ``text`` (more of the paper, e.g. its data availability statement); a **JSON** file
  holding a list of such objects works too;
- an **arXiv API Atom export** (``<feed xmlns="http://www.w3.org/2005/Atom">``, parsed with
  defusedxml): title, summary, categories, DOI, journal reference, comment and links;
- **paper files** (PDF, JATS XML, Markdown/text, Document JSON) through :func:`sciwire.readers.read`:
  the abstract section when the reader found one, else the first 300 words;
- a **folder**: every file above inside it (sorted, not recursive into hidden folders).

:func:`normalise_abstract` removes publisher formatting (an "Abstract" prefix,
structured-abstract headings such as "BACKGROUND:", hard line breaks) so that features see
the words, not the house style.

Example:
    >>> normalise_abstract("ABSTRACT: BACKGROUND: Mice\\nsleep. RESULTS: They dream.")
    'Mice sleep. They dream.'
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sciwire.config import InputConfig
from sciwire.document import Document, Section
from sciwire.errors import InputError, MissingDependencyError

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
#: Structured-abstract headings removed by :func:`normalise_abstract` (matched case-insensitively).
HEADINGS = (
    "background and aims",
    "background and purpose",
    "background",
    "aims and objectives",
    "aims",
    "aim",
    "objectives",
    "objective",
    "purpose",
    "introduction",
    "context",
    "importance",
    "rationale",
    "motivation",
    "methods and findings",
    "methods and results",
    "materials and methods",
    "methodology",
    "methods",
    "method",
    "design, setting, and participants",
    "design and setting",
    "design",
    "setting",
    "settings",
    "participants",
    "patients",
    "subjects",
    "interventions",
    "intervention",
    "main outcome measures",
    "main outcomes and measures",
    "main outcome measure",
    "measurements",
    "outcomes",
    "exposure",
    "data sources",
    "study selection",
    "data extraction",
    "results",
    "findings",
    "result",
    "conclusions and relevance",
    "conclusions",
    "conclusion",
    "interpretation",
    "discussion",
    "significance",
    "implications",
    "trial registration",
    "funding",
    "author summary",
    "one sentence summary",
    "summary",
)
_HEADING = re.compile(
    r"(?:(?<=^)|(?<=[.!?;:)\]]\s)|(?<=\n))\s*(?:"
    + "|".join(re.escape(h) for h in HEADINGS)
    + r")\s*(?::|\.(?=\s)|\n|\s(?=(?-i:[A-Z])))",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"^\s*(?:abstract|summary)\b\s*[:.\-–—]?\s*", re.IGNORECASE)
_JSON_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Paper:
    """A paper to rank: an id, a title, an abstract and optional metadata.

    Args:
        id: Unique within one ranking.
        title: The title ("" when unknown).
        abstract: The abstract as written (formatting is normalised by the features).
        categories: Subject categories, e.g. arXiv's ``("cs.CL", "cs.LG")``.
        venue: Journal or conference.
        date: Publication date (ISO text).
        doi: DOI, if known.
        url: Link to the paper.
        text: More text of the paper, searched for code and data availability statements.
        source: Where the paper was read from.

    Example:
        >>> Paper("p1", "Mice sleep", "We show that mice sleep.").words()
        7
    """

    id: str
    title: str
    abstract: str
    categories: tuple[str, ...] = ()
    venue: str = ""
    date: str = ""
    doi: str = ""
    url: str = ""
    text: str = ""
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not str(self.id).strip():
            raise InputError("A paper needs a non-empty id")
        if not self.abstract.strip() and not self.title.strip():
            raise InputError(f"Paper {self.id!r} has neither a title nor an abstract; there is nothing to rank")
        object.__setattr__(self, "categories", tuple(str(c) for c in self.categories))

    def words(self) -> int:
        """Number of words in the title and abstract."""
        return len(f"{self.title} {self.abstract}".split())

    @classmethod
    def from_dict(cls, row: Mapping[str, Any], where: str = "") -> Paper:
        """A paper from a JSON object (see the module docstring for the fields).

        Raises:
            InputError: When ``id`` is missing or a field has the wrong type.
        """
        if not isinstance(row, Mapping):
            raise InputError(f"{where}: expected a JSON object with id, title and abstract, got {type(row).__name__}")
        if row.get("id") in (None, ""):
            raise InputError(f"{where}: a paper needs an 'id'; got the keys {sorted(row)}")
        cats = row.get("categories") or row.get("terms") or ()
        if isinstance(cats, str):
            cats = [c for c in re.split(r"[\s,;]+", cats) if c]
        known = {"id", "title", "abstract", "categories", "terms", "venue", "date", "doi", "url", "text", "authors"}
        try:
            return cls(
                id=str(row["id"]),
                title=str(row.get("title") or ""),
                abstract=str(row.get("abstract") or row.get("summary") or ""),
                categories=tuple(cats),
                venue=str(row.get("venue") or ""),
                date=str(row.get("date") or ""),
                doi=str(row.get("doi") or ""),
                url=str(row.get("url") or ""),
                text=str(row.get("text") or ""),
                source=where,
                extra={k: v for k, v in row.items() if k not in known},
            )
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from exc


def normalise_abstract(text: str) -> str:
    """The abstract without publisher formatting: prefix, structured headings, line breaks.

    What remains is the running text, so that "has headings" or "starts with Abstract" cannot
    become a feature by accident (see docs/newsworthiness.md, "shortcut check").
    """
    text = _PREFIX.sub("", text.strip())
    text = _HEADING.sub(" ", text)
    return " ".join(text.split())


# ---- readers ------------------------------------------------------------------------------
def read_jsonl(path: str | os.PathLike[str]) -> list[Paper]:
    """Papers from a JSONL file (or a JSON list).

    Raises:
        InputError: On invalid JSON, a line that is not an object or a paper without an id.
    """
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json" or raw.lstrip().startswith("["):
        try:
            rows = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(rows, list):
            raise InputError(f"{path}: expected a JSON list of papers, got {type(rows).__name__}")
        return [Paper.from_dict(row, f"{path.name}[{i}]") for i, row in enumerate(rows)]
    papers = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name} line {n} is not valid JSON: {exc}") from exc
        papers.append(Paper.from_dict(row, f"{path.name}:{n}"))
    return papers


def _text(node: Any, tag: str) -> str:
    child = node.find(tag)
    return " ".join((child.text or "").split()) if child is not None else ""


def parse_atom(data: bytes | str, name: str = "atom") -> list[Paper]:
    """Papers from an arXiv API Atom feed (defusedxml: entity expansion and DTDs are refused).

    Raises:
        InputError: When the XML is malformed, hostile or not an Atom feed.
    """
    try:
        from defusedxml import ElementTree
        from defusedxml.common import DefusedXmlException
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise MissingDependencyError("defusedxml", "Reading arXiv Atom exports") from exc
    try:
        root = ElementTree.fromstring(data)
    except DefusedXmlException as exc:
        raise InputError(f"{name}: refused hostile XML ({type(exc).__name__})") from exc
    except ElementTree.ParseError as exc:
        raise InputError(f"{name} is not well-formed XML: {exc}") from exc
    if root.tag != f"{ATOM}feed":
        raise InputError(f"{name}: expected an Atom <feed> (arXiv API export), got <{root.tag}>")
    papers = []
    for i, entry in enumerate(root.iter(f"{ATOM}entry")):
        url = _text(entry, f"{ATOM}id")
        arxiv_id = re.sub(r"^https?://arxiv\.org/abs/", "", url) or f"entry-{i + 1}"
        links = [ln.get("href", "") for ln in entry.iter(f"{ATOM}link")]
        primary = entry.find(f"{ARXIV}primary_category")
        cats = [primary.get("term", "")] if primary is not None else []
        cats += [c.get("term", "") for c in entry.iter(f"{ATOM}category") if c.get("term") not in cats]
        comment = _text(entry, f"{ARXIV}comment")
        papers.append(
            Paper(
                id=arxiv_id,
                title=_text(entry, f"{ATOM}title"),
                abstract=_text(entry, f"{ATOM}summary"),
                categories=tuple(c for c in cats if c),
                venue=_text(entry, f"{ARXIV}journal_ref"),
                date=_text(entry, f"{ATOM}published"),
                doi=_text(entry, f"{ARXIV}doi"),
                url=url,
                text=" ".join([comment, *links]).strip(),
                source=name,
            )
        )
    if not papers:
        logger.warning("%s: the Atom feed has no <entry>", name)
    return papers


def _is_atom(path: Path) -> bool:
    if path.suffix.lower() == ".atom":
        return True
    if path.suffix.lower() != ".xml":
        return False
    with path.open("rb") as fh:
        head = fh.read(2048)
    return b"http://www.w3.org/2005/Atom" in head and b"<feed" in head


def _is_paper_list(path: Path) -> bool:
    if path.suffix.lower() in _JSON_SUFFIXES:
        return True
    if path.suffix.lower() != ".json":
        return False
    with path.open("rb") as fh:
        return fh.read(256).lstrip().startswith(b"[")


def paper_from_file(path: str | os.PathLike[str], config: InputConfig | None = None) -> Paper:
    """One paper from a document file: its abstract section, else its first 300 words."""
    from sciwire.readers import read

    return paper_from_document(read(path, kind="paper", config=config), os.fspath(path))


def _strip_heading(doc: Document, section: Section) -> tuple[int, int]:
    """The section's range without its heading line and surrounding blank space."""
    text = doc.span_text(section)
    offset = 0
    if section.heading:
        pos = text.find(section.heading)
        if 0 <= pos < 20:
            offset = pos + len(section.heading)
    body = text[offset:]
    lead = len(body) - len(body.lstrip())
    return section.start + offset + lead, section.start + offset + len(body.rstrip())


def abstract_range(doc: Document) -> tuple[int, int]:
    """Character range of the abstract section(s), else of the first 300 words after the title."""
    spans = [_strip_heading(doc, s) for s in doc.sections if s.name == "abstract"]
    spans = [(a, b) for a, b in spans if b > a]
    if spans:
        return spans[0][0], spans[-1][1]
    start = doc.text.find(doc.title) + len(doc.title) if doc.title and doc.title in doc.text[:2000] else 0
    match = list(re.finditer(r"\S+", doc.text[start:]))[:300]
    return (start + match[0].start(), start + match[-1].end()) if match else (0, 0)


def paper_from_document(doc: Document, source: str = "") -> Paper:
    """The :class:`Paper` of a read Document: title, abstract (see :func:`abstract_range`), metadata."""
    start, end = abstract_range(doc)
    abstract = doc.text[start:end].strip()
    meta = doc.metadata
    return Paper(
        id=doc.id,
        title=doc.title,
        abstract=abstract,
        venue=meta.venue or "",
        date=meta.date or "",
        doi=meta.doi or "",
        url=meta.url or "",
        text=doc.text,
        source=source or meta.source or "",
    )


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


def read_papers(paths: Iterable[str | os.PathLike[str]], config: InputConfig | None = None) -> list[Paper]:
    """Papers from files, folders, JSONL/JSON lists and arXiv Atom exports, in the order given.

    Raises:
        InputError: When a path does not exist, nothing readable is found, or ids repeat.
    """
    paths = list(paths)
    papers: list[Paper] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path} does not exist; give paper files, a folder, a JSONL file or an Atom export")
        for file in _files(path) if path.is_dir() else [path]:
            if _is_paper_list(file):
                papers.extend(read_jsonl(file))
            elif _is_atom(file):
                papers.extend(parse_atom(file.read_bytes(), file.name))
            else:
                papers.append(paper_from_file(file, config))
    if not papers:
        raise InputError(f"No papers found in {', '.join(map(str, paths))}")
    seen: dict[str, int] = {}
    for paper in papers:
        seen[paper.id] = seen.get(paper.id, 0) + 1
    dupes = sorted(i for i, n in seen.items() if n > 1)
    if dupes:
        raise InputError(f"Paper ids must be unique; repeated: {', '.join(dupes[:10])}")
    return papers
