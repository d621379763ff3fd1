"""Papers to rank: a title, an abstract and metadata, derived from a read Document.

A :class:`Paper` is what the newsworthiness features read. :func:`read_papers` reads paper
files, folders, JSONL files (or JSON lists) and arXiv Atom exports with
:func:`sciwire.readers.collection.read_collection` (every record needs an ``id``) and turns
each Document into a Paper with :func:`paper_from_document`: the abstract section when the
reader found one, else the first 300 words, plus the record's categories.

:func:`normalise_abstract` (= :func:`~.style.neutralise_style`) removes publisher formatting
(an "Abstract" prefix, structured-abstract headings such as "BACKGROUND:", hard line breaks,
citation markers, copyright lines) and formulaic openers ("Here we show"), so that features
see the words, not the house style.

Example:
    >>> normalise_abstract("ABSTRACT: BACKGROUND: Mice\\nsleep. RESULTS: They dream.")
    'Mice sleep. They dream.'
"""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sciwire.config import InputConfig
from sciwire.document import Document, Section
from sciwire.errors import InputError
from sciwire.newsworthiness.style import neutralise_style
from sciwire.readers.collection import read_collection

logger = logging.getLogger(__name__)


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


def normalise_abstract(text: str) -> str:
    """The abstract without publisher style: :func:`~.style.neutralise_style` (the one normaliser).

    What remains is the running text, so that "has headings", "starts with Abstract" or "Here we
    show" cannot become a feature by accident (see docs/newsworthiness.md, "shortcut check").
    """
    return neutralise_style(text)


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


def paper_from_document(
    doc: Document, source: str = "", categories: Sequence[str] = (), extra: Mapping[str, Any] | None = None
) -> Paper:
    """The :class:`Paper` of a read Document: title, abstract (see :func:`abstract_range`), metadata.

    Args:
        doc: The Document (a paper file, or a record or Atom entry of a collection).
        source: Where it was read from (default: ``metadata.source``).
        categories: Subject categories (a record's ``categories``), for the field features.
        extra: A record's other fields, kept on the Paper.

    Returns:
        The Paper; its ``text`` is the whole document text (searched for code and data availability).
    """
    start, end = abstract_range(doc)
    abstract = doc.text[start:end].strip()
    meta = doc.metadata
    return Paper(
        id=doc.id,
        title=doc.title,
        abstract=abstract,
        categories=tuple(categories),
        venue=meta.venue or "",
        date=meta.date or "",
        doi=meta.doi or "",
        url=meta.url or "",
        text=doc.text,
        source=source or meta.source or "",
        extra=dict(extra or {}),
    )


def read_papers(paths: Iterable[str | os.PathLike[str]], config: InputConfig | None = None) -> list[Paper]:
    """Papers from files, folders, JSONL/JSON lists and arXiv Atom exports, in the order given.

    Raises:
        InputError: When a path does not exist, a file or a record cannot be read, a record has
            no ``id``, nothing readable is found, or ids repeat.
    """
    entries = read_collection(list(paths), kind="paper", config=config, require_id=True)
    papers = [paper_from_document(e.document, categories=e.categories, extra=e.extra) for e in entries]
    counts = Counter(p.id for p in papers)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    if dupes:
        raise InputError(
            f"Paper ids must be unique; repeated: {', '.join(dupes[:10])}. Give every record its own id "
            "(two paper files with the same name also repeat one)"
        )
    return papers
