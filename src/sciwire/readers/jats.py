"""JATS / NLM XML (PubMed Central articles) -> Document, parsed with defusedxml.

Reads: the XML bytes. Writes: a ``paper`` Document:

* text = title, "Abstract" and the abstract, every body ``<sec>`` (its ``<title>`` as a
  heading paragraph, then its paragraphs), back-matter sections, then "References" with
  one reference per line; paragraphs are separated by blank lines;
* sections: top-level ``<sec>`` titles are mapped with
  :func:`~sciwire.readers.sections.canonical_section_name` (or the ``sec-type``
  attribute), nested ``<sec>`` stay in their parent; unknown -> ``"other"``;
* metadata: article-title, authors (given names + surname), journal-title -> venue,
  pub-date -> ``YYYY[-MM[-DD]]``, article-id ``pub-id-type="doi"`` -> doi.

Abstracts: the first ``<abstract>`` (its ``<sec>`` titles as headings inside it), then each
plain-language summary (``abstract-type="summary"``, PLOS's "Author Summary") as a further
``abstract`` section headed by its title; graphical, teaser and TOC abstracts are left out.
``boxed-text`` keeps its caption title as a paragraph before its content; a box, list or
quote inside a ``<p>`` is a block of its own, not part of the paragraph's sentences. A
``trans-abstract`` (the abstract in another language) is left out.

References: a ``mixed-citation`` keeps its own text (a space is put where two elements would
touch, and PubMed ids are dropped); an ``element-citation`` is written out as
"Surname GN, Surname GN (year) Title. Source volume(issue): fpage–lpage".

Inline citations (``<xref>``) keep their text ("[3]"); figures, tables, TeX and
supplementary material are left out. Entity declarations and external references are
refused (billion laughs, XXE), so hostile XML costs neither memory nor file access.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from sciwire.document import Document, Metadata
from sciwire.errors import InputError, MissingDependencyError
from sciwire.readers._checks import normalize_text
from sciwire.readers.base import RawFile
from sciwire.readers.sections import Block, assemble, canonical_section_name

logger = logging.getLogger(__name__)

#: Elements whose text never enters the document text.
SKIP = frozenset(
    {
        "fig",
        "fig-group",
        "table-wrap",
        "table-wrap-group",
        "tex-math",
        "graphic",
        "media",
        "supplementary-material",
        "object-id",
        "alt-text",
        "inline-graphic",
        "disp-formula-group",
    }
)
_SEC_TYPES = {
    "intro": "introduction",
    "introduction": "introduction",
    "materials|methods": "methods",
    "methods": "methods",
    "materials": "methods",
    "subjects": "methods",
    "results": "results",
    "discussion": "discussion",
    "results|discussion": "results",
    "conclusions": "conclusion",
    "conclusion": "conclusion",
}
#: ``abstract-type`` values left out, and those read as a plain-language summary after the abstract.
_NOT_ABSTRACTS = frozenset({"graphical", "teaser", "toc"})
_SUMMARIES = frozenset({"summary", "executive-summary"})
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def _parse(data: bytes, name: str) -> ET.Element:
    try:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import fromstring
    except ImportError as exc:
        raise MissingDependencyError("defusedxml", "Reading JATS XML") from exc
    try:
        root: Any = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(
            f"{name} declares XML entities or external references ({exc}); sciwire refuses them because they can "
            "expand to gigabytes or read local files (billion laughs, XXE). Remove the <!ENTITY> declarations, "
            "or download the article again from PubMed Central"
        ) from exc
    except ET.ParseError as exc:
        raise InputError(
            f"{name} is not well-formed XML ({exc}); expected JATS/NLM XML such as a PubMed Central .nxml file"
        ) from exc
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return root


def _inline(el: ET.Element) -> str:
    """The text of an element and its inline children, without figures, tables and TeX."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in SKIP:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _clean(text: str) -> str:
    return normalize_text(re.sub(r"\s+", " ", text))


def _text_of(el: ET.Element | None, default: str = "") -> str:
    """The cleaned inline text of an element, or ``default`` when it is absent."""
    return default if el is None else _clean(_inline(el))


def _content(children: Iterable[ET.Element], level: int, blocks: list[Block]) -> None:
    """Paragraph and heading Blocks for the children of a section-like element."""
    for child in children:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIP or tag in ("title", "label"):
            continue
        if tag == "sec":
            _section(child, level, blocks)
        elif tag == "p":
            _paragraph(child, level, blocks)
        elif tag in ("def-list", "verse-group", "speech", "statement"):
            blocks.append(Block(_clean(_inline(child))))
        elif tag == "list":
            blocks.extend(Block(_clean(_inline(item))) for item in child if item.tag == "list-item")
        elif tag == "boxed-text":
            box_title = _text_of(child.find("caption/title")) or _text_of(child.find("title"))
            if box_title:
                blocks.append(Block(box_title))
            _content(child, level, blocks)
        elif tag in ("disp-quote", "app", "glossary", "notes"):
            _content(child, level, blocks)


#: Block-level elements that JATS allows inside a ``<p>``: they become blocks of their own
#: instead of being glued into the paragraph's sentences.
_BLOCKS_IN_P = frozenset({"boxed-text", "list", "disp-quote"})


def _paragraph(p: ET.Element, level: int, blocks: list[Block]) -> None:
    """A ``<p>``: its running text, split where a box, list or quote sits inside it."""
    parts = [p.text or ""]
    for child in p:
        if isinstance(child.tag, str) and child.tag in _BLOCKS_IN_P:
            if text := _clean("".join(parts)):
                blocks.append(Block(text))
            _content([child], level, blocks)
            parts = []
        elif isinstance(child.tag, str) and child.tag not in SKIP:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    if text := _clean("".join(parts)):
        blocks.append(Block(text))


def _section(sec: ET.Element, level: int, blocks: list[Block], name: str | None = None) -> None:
    label = _text_of(sec.find("label"))
    title = _text_of(sec.find("title"))
    heading = f"{label} {title}".strip()
    if name is None and level == 1:
        name = canonical_section_name(title) or _SEC_TYPES.get((sec.get("sec-type") or "").lower())
    first = len(blocks)
    if heading:
        blocks.append(Block(heading, heading=True, level=level, name=name or canonical_section_name(title)))
    _content(sec, level + 1, blocks)
    if not heading and level == 1:
        _mark_start(blocks, first, name or "other")


def _mark_start(blocks: list[Block], index: int, name: str) -> None:
    """Make the paragraph at ``index`` (if any) start a section ``name`` without a heading."""
    if index < len(blocks) and not blocks[index].heading:
        blocks[index] = dataclasses.replace(blocks[index], starts=name)


#: Identifiers that journals print nowhere in a reference (PLOS puts PubMed ids in mixed-citation).
_HIDDEN_IDS = frozenset({"pmid", "pmcid", "medline"})


def _person(el: ET.Element) -> str:
    """ "Surname GN" for a ``<name>``; the text of a ``<string-name>``, ``<collab>`` or ``<etal>``."""
    if el.tag == "etal":
        return "et al"
    if el.tag == "name":
        return _clean(
            f"{el.findtext('surname') or ''} {el.findtext('given-names') or ''} {el.findtext('suffix') or ''}"
        )
    return _clean(" ".join(el.itertext()))


def _mixed(citation: ET.Element) -> str:
    """A mixed-citation's own text, with a space where two child elements would touch.

    PLOS writes ``<name><surname>Lee</surname><given-names>K</given-names></name>`` and
    ``</article-title><source>``, which would read "LeeK" and "title?Journal".
    """
    text = citation.text or ""
    for child in citation:
        hidden_id = child.tag == "pub-id" and (child.get("pub-id-type") or "").lower() in _HIDDEN_IDS
        if not isinstance(child.tag, str) or child.tag in SKIP or hidden_id:
            piece = ""
        elif child.tag == "name":
            piece = _person(child)
        else:
            piece = _inline(child)
        if piece and re.search(r"[\w.,;:?!)\]]$", text) and re.match(r"[\w(]", piece):
            text += " "
        text += piece + (child.tail or "")
    return _clean(text)


def _sentence(text: str) -> str:
    """``text`` ending with a full stop unless it ends with other final punctuation."""
    return text if not text or text[-1] in ".?!" else text + "."


def _structured(citation: ET.Element) -> str:
    """Readable text for an element-citation, whose children carry no separators.

    Example: "McShea DW (1996) Metazoan complexity and evolution. Evolution 50: 477–492".
    """
    groups: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    extra: list[str] = []
    for child in citation:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIP or tag == "label":
            continue
        if tag == "person-group":
            kind = child.get("person-group-type") or "author"
            people = [_person(p) for p in child if isinstance(p.tag, str) and p.tag in _PEOPLE]
            groups.setdefault(kind, []).extend(p for p in people if p)
        elif tag in _PEOPLE:
            groups.setdefault("author", []).append(_person(child))
        elif tag == "pub-id":
            if (child.get("pub-id-type") or "").lower() == "doi":
                fields.setdefault("doi", _text_of(child))
        elif tag in _FIELDS and tag not in fields:
            fields[tag] = _text_of(child)
        else:
            extra.append(_text_of(child))
    authors = ", ".join(a for a in groups.pop("author", []) if a)
    head = " ".join(p for p in (authors, f"({fields['year']})" if fields.get("year") else "") if p)
    parts = [head]
    parts.append(_sentence(fields.get("article-title") or fields.get("chapter-title") or ""))
    editors = ", ".join(a for a in groups.pop("editor", []) if a)
    if editors:
        parts.append(f"In: {editors}, editors.")
    where = " ".join(p for p in (fields.get("source", ""), fields.get("volume", "")) if p)
    if fields.get("issue"):
        where += f"({fields['issue']})"
    pages = fields.get("fpage", "")
    if pages and fields.get("lpage"):
        pages += "\u2013" + fields["lpage"]
    pages = pages or fields.get("elocation-id", "")
    if pages:
        where = f"{where}: {pages}" if where else pages
    parts.append(where)
    publisher = ": ".join(p for p in (fields.get("publisher-loc", ""), fields.get("publisher-name", "")) if p)
    if parts[-1] and (publisher or extra or fields.get("doi")):
        parts[-1] = _sentence(parts[-1])
    parts.append(_sentence(publisher))
    parts.extend(p for p in extra if p)
    if fields.get("doi"):
        parts.append(f"doi:{fields['doi']}")
    return _clean(" ".join(p for p in parts if p))


_PEOPLE = frozenset({"name", "string-name", "collab", "etal"})
_FIELDS = frozenset(
    {
        "year",
        "article-title",
        "chapter-title",
        "source",
        "volume",
        "issue",
        "fpage",
        "lpage",
        "elocation-id",
        "publisher-loc",
        "publisher-name",
    }
)


def _reference(ref: ET.Element) -> str:
    label = ref.find("label")
    prefix = f"[{_text_of(label).strip('[]. ')}] " if label is not None else ""
    citation = ref.find("mixed-citation")
    if citation is None:
        citation = ref.find("citation")
    if citation is not None:
        return prefix + _mixed(citation)
    structured = ref.find("element-citation")
    return prefix + _structured(ref if structured is None else structured)


def _back(back: ET.Element, blocks: list[Block]) -> None:
    for child in back:
        if child.tag == "ref-list":
            title = _text_of(child.find("title"), "References")
            refs = [_reference(r) for r in child.iter("ref")]
            refs = [r for r in refs if r]
            if refs:
                blocks.append(Block(title or "References", heading=True, level=1, name="references"))
                blocks.append(Block("\n".join(refs)))
        elif child.tag in ("sec", "app-group", "app"):
            if child.tag == "sec":
                _section(child, 1, blocks)
            else:
                for sec in child.iter("app") if child.tag == "app-group" else [child]:
                    _section(sec, 1, blocks, name="other")
        elif child.tag == "ack":
            title = _text_of(child.find("title"), "Acknowledgements")
            blocks.append(Block(title, heading=True, level=1, name="other"))
            _content(child, 2, blocks)


def _date(meta: ET.Element) -> str | None:
    dates = meta.findall("pub-date")
    order = ("epub", "ppub", "pub", "collection", "epub-ppub")

    def rank(el: ET.Element) -> int:
        kind = el.get("pub-type") or el.get("date-type") or ""
        return order.index(kind) if kind in order else len(order)

    for el in sorted(dates, key=rank):
        year = (el.findtext("year") or "").strip()
        if not re.fullmatch(r"\d{4}", year):
            continue
        month = (el.findtext("month") or "").strip()
        month = str(_MONTHS.get(month[:3].lower(), "")) if month and not month.isdigit() else month
        day = (el.findtext("day") or "").strip()
        parts = [year] + ([f"{int(month):02d}"] if month.isdigit() else [])
        if len(parts) == 2 and day.isdigit():
            parts.append(f"{int(day):02d}")
        return "-".join(parts)
    return None


def _authors(meta: ET.Element) -> tuple[str, ...]:
    authors = []
    for contrib in meta.iter("contrib"):
        if (contrib.get("contrib-type") or "author") != "author":
            continue
        name = contrib.find("name")
        other = contrib.find("string-name")
        other = other if other is not None else contrib.find("collab")
        if name is not None:
            full = f"{name.findtext('given-names') or ''} {name.findtext('surname') or ''}"
        elif other is not None:
            full = " ".join(other.itertext())
        else:
            continue
        if _clean(full):
            authors.append(_clean(full))
    return tuple(authors)


def _metadata(article: ET.Element, source: str | None) -> tuple[str, Metadata]:
    meta = article.find("front/article-meta")
    journal = article.find("front/journal-meta")
    if meta is None:
        return "", Metadata(source=source)
    title = _text_of(meta.find("title-group/article-title"))
    doi = next((_clean(el.text or "") for el in meta.findall("article-id") if el.get("pub-id-type") == "doi"), None)
    venue = None
    if journal is not None:
        venue_el = journal.find("journal-title-group/journal-title")
        venue_el = venue_el if venue_el is not None else journal.find("journal-title")
        venue = _text_of(venue_el) or None
    metadata = Metadata(doi=doi or None, authors=_authors(meta), date=_date(meta), venue=venue or None, source=source)
    return title, metadata


def read_jats(raw: RawFile) -> Document:
    """Read a JATS/NLM XML article.

    Args:
        raw: The XML bytes, id, name and limits; the kind defaults to ``"paper"``.

    Returns:
        A Document with title, abstract, body sections and references.

    Raises:
        InputError: On binary data, malformed or hostile XML (entities, external
            references), a root that is not a JATS article, or text that fails the checks.
        MissingDependencyError: When defusedxml is not installed.
    """
    name = raw.name
    raw.decode()  # rejects binary data with a clear message
    root = _parse(raw.data, name)
    article = root if root.tag == "article" else root.find(".//article")
    if article is None:
        raise InputError(
            f"{name} is XML but not a JATS/NLM article (its root is <{root.tag}>); "
            "expected PubMed Central JATS XML with an <article> root"
        )
    title, metadata = _metadata(article, raw.source)
    blocks: list[Block] = [Block(title)] if title else []
    abstracts = [a for a in article.iter("abstract") if a.get("abstract-type") not in _NOT_ABSTRACTS]
    main = [a for a in abstracts if a.get("abstract-type") not in _SUMMARIES][:1]
    summaries = [a for a in abstracts if a.get("abstract-type") in _SUMMARIES]
    for abstract in main + summaries:
        default = "Abstract" if abstract in main else "Author Summary"
        heading = _text_of(abstract.find("title")) or default
        blocks.append(Block(heading, heading=True, level=1, name="abstract"))
        _content(abstract, 2, blocks)
    body = article.find("body")
    if body is not None:
        first = len(blocks)
        _content(body, 1, blocks)
        _mark_start(blocks, first, "body")
    back = article.find("back")
    if back is not None:
        _back(back, blocks)
    text, sections = assemble(blocks)
    logger.debug("%s: %d sections from JATS", name, len(sections))
    return raw.document(text, default_kind="paper", title=title, metadata=metadata, sections=sections)
