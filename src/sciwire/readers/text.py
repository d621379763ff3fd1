"""Plain text and Markdown -> Document.

Reads: a ``.txt``/``.md`` file or an in-memory string. Writes: a Document with text,
title, metadata and sections (no sentences).

The text is cleaned *before* sections are computed, so every offset points into the cleaned
text:

* the first ``# Heading`` (or a lone short first line of plain text) is the title; it stays
  in the text as the first paragraph;
* ``Key: value`` lines right after the title (Authors, Journal/Venue, Date, DOI, URL) or a
  ``---`` front-matter block fill :class:`~sciwire.document.Metadata` and leave the text;
* Markdown syntax that would pollute sentences goes: heading hashes, emphasis, links
  (``[text](url)`` -> text), images, inline code backticks, a few inline HTML tags,
  footnote marks, block quotes and bullets;
* paragraphs are separated by one blank line; single newlines inside a paragraph become
  spaces, except in list items, tables and the reference list (one entry per line);
* every heading becomes a paragraph of its own (see :mod:`sciwire.readers.sections`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from sciwire.config import InputConfig, load_config
from sciwire.document import Document, Metadata
from sciwire.readers._checks import check_text, normalize_text
from sciwire.readers.base import RawFile
from sciwire.readers.sections import Block, assemble, canonical_section_name, parse_heading

logger = logging.getLogger(__name__)

#: A plain first line longer than this is a sentence, not a title.
MAX_TITLE_WORDS = 30

_META_KEYS = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "journal": "venue",
    "venue": "venue",
    "date": "date",
    "published": "date",
    "doi": "doi",
    "url": "url",
}
_META_LINE = re.compile(r"^[*_]{0,2}([A-Za-z]+)[*_]{0,2}\s*:[*_]{0,2}\s*(.+?)\s*$")
_SETEXT = re.compile(r"^(=+|-+)$")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_FENCE = re.compile(r"^(```|~~~)")
_BULLET = re.compile(r"^[-*+]\s+")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)]|\[\d{1,3}\])\s+")
_LINK_DEF = re.compile(r"^\[[^\]]+\]:\s+\S+")
_ESCAPABLE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|~])")
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"), ""),
    (re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]*[A-Za-z][^\]]*)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"\[\^[^\]]+\]"), ""),
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"(`+)(.+?)\1"), r"\2"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"<br\s*/?>", re.IGNORECASE), " "),
    (re.compile(r"</?(?:sup|sub|em|strong|i|b|u|span|div|p|a|small|mark)\b[^<>]*>", re.IGNORECASE), ""),
)


@dataclass
class _Parsed:
    blocks: list[Block] = field(default_factory=list)
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)


def clean_inline(line: str) -> str:
    """Remove inline Markdown from one line, keeping the words.

    Example:
        >>> clean_inline("See **bold**, *it*, `code` and [the site](https://x.org/a_(b)).")
        'See bold, it, code and the site.'
    """
    escaped: list[str] = []

    def hold(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\ue000{len(escaped) - 1}\ue001"

    line = _ESCAPABLE.sub(hold, line)
    for pattern, repl in _INLINE:
        line = pattern.sub(repl, line)
    line = re.sub("\ue000(\\d+)\ue001", lambda m: escaped[int(m.group(1))], line)
    return re.sub(r"\s+", " ", line).strip()


def _split_front_matter(lines: list[str], meta: dict[str, str]) -> list[str]:
    if not lines or lines[0] != "---":
        return lines
    for i in range(1, min(len(lines), 60)):
        if lines[i] in ("---", "..."):
            for line in lines[1:i]:
                _read_meta_line(line, meta)
            return lines[i + 1 :]
    return lines


def _read_meta_line(line: str, meta: dict[str, str]) -> bool:
    match = _META_LINE.match(line)
    if not match or match.group(1).lower() not in _META_KEYS:
        return False
    meta[_META_KEYS[match.group(1).lower()]] = clean_inline(match.group(2)).strip("\"'")
    return True


def _raw_blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    fenced = False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not line and not fenced:
            if current:
                blocks.append(current)
            current = []
            continue
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _take_title(blocks: list[list[str]], parsed: _Parsed) -> None:
    """Find the title in the first block and metadata lines after it; mutates ``blocks``."""
    if not blocks:
        return
    first = blocks[0]
    heading = re.match(r"^#\s+(.+?)\s*#*$", first[0])
    setext = len(first) >= 2 and re.match(r"^=+$", first[1])
    if heading and canonical_section_name(heading.group(1)) is None:
        parsed.title = clean_inline(heading.group(1))
        del first[0]
    elif setext and canonical_section_name(first[0]) is None:
        parsed.title = clean_inline(first[0])
        del first[:2]
    elif (
        len(first) == 1
        and len(blocks) > 1
        and not _read_meta_line(first[0], parsed.meta)
        and len(first[0].split()) <= MAX_TITLE_WORDS
        and not re.search(r"[.!?:;,]$", first[0])
        and parse_heading(first[0]) is None
    ):
        parsed.title = clean_inline(first[0].lstrip("#"))
        del first[0]
    if parsed.title:
        parsed.blocks.append(Block(parsed.title))
    # metadata lines right after the title (possibly in the following blocks)
    while blocks:
        block = blocks[0]
        while block and _read_meta_line(block[0], parsed.meta):
            del block[0]
        if block:
            break
        del blocks[0]
    if parsed.meta.get("title") and not parsed.title:
        parsed.title = parsed.meta["title"]


def _block_lines(lines: list[str], parsed: _Parsed, in_refs: bool) -> bool:
    """Turn one raw block into heading and paragraph Blocks; return whether we are in the references."""
    para: list[str] = []
    keep_lines = in_refs

    def flush() -> None:
        nonlocal para
        cleaned = [clean_inline(line) for line in para]
        cleaned = [line for line in cleaned if line]
        if cleaned:
            joiner = "\n" if keep_lines else " "
            parsed.blocks.append(Block(joiner.join(cleaned)))
        para = []

    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (_RULE.match(line) and not para) or re.fullmatch(r"#+", line):
            continue
        if _LINK_DEF.match(line):
            continue
        line = re.sub(r"^(?:>\s?)+", "", line)
        heading = parse_heading(line)
        if heading is None and nxt and _SETEXT.match(nxt) and not para and len(line.split()) <= 12:
            level = 1 if nxt.startswith("=") else 2
            heading = parse_heading("#" * level + " " + line)
        if heading is not None and in_refs and not heading.explicit and heading.name is None:
            heading = None  # a numbered reference, not a heading
        prev_ends = not para or re.search(r"[.!?:]$", para[-1])
        if heading is not None and (heading.explicit or prev_ends):
            flush()
            text = clean_inline(_strip_hashes(line))
            parsed.blocks.append(Block(text, True, heading.level, heading.name, heading.explicit))
            in_refs = heading.name == "references" or (in_refs and heading.level is not None and heading.level > 1)
            keep_lines = in_refs
            continue
        if _SETEXT.match(line) and i > 0 and parsed.blocks and parsed.blocks[-1].heading and not para:
            continue
        if _LIST_ITEM.match(line) or line.startswith("|"):
            keep_lines = True
        para.append(_BULLET.sub("", line))
    flush()
    return in_refs


def _strip_hashes(line: str) -> str:
    return re.sub(r"\s+#+\s*$", "", re.sub(r"^#{1,6}\s+", "", line.strip()))


def _parse(text: str, title: str | None) -> _Parsed:
    parsed = _Parsed()
    lines = _split_front_matter(normalize_text(text).split("\n"), parsed.meta)
    blocks = _raw_blocks(lines)
    if title is None:
        _take_title(blocks, parsed)
    else:
        parsed.title = title
    in_refs = False
    for block in blocks:
        in_refs = _block_lines(block, parsed, in_refs)
    return parsed


def _authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    parts = re.split(r"\s*;\s*", value) if ";" in value else re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", value)
    return tuple(p.strip() for p in parts if p.strip())


def _doi(value: str | None) -> str | None:
    if not value:
        return None
    return re.sub(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", value.strip(), flags=re.IGNORECASE) or None


def read_text(
    text: str,
    *,
    kind: str = "paper",
    id: str = "text",
    title: str | None = None,
    config: InputConfig | None = None,
    source: str | None = None,
    name: str | None = None,
) -> Document:
    """Read in-memory plain text or Markdown.

    Args:
        text: The text.
        kind: ``"paper"`` or ``"news"``.
        id: The document id.
        title: The title; when None, taken from a ``# Title`` or a lone first line.
        config: Input limits (default: ``[input]`` of :func:`~sciwire.config.load_config`).
        source: Stored as ``metadata.source``.
        name: How messages call the input (defaults to ``id``).

    Returns:
        A Document with text, title, metadata and sections.

    Raises:
        InputError: When the text is empty or too short.
        UnsupportedLanguageError: When the text is not English.

    Example:
        >>> doc = read_text("# Mice\\n\\nDOI: 10.1/x\\n\\n## Methods\\n\\nWe fed *twelve* mice at night.")
        >>> doc.title, doc.metadata.doi, [s.name for s in doc.sections]
        ('Mice', '10.1/x', ['title', 'methods'])
    """
    config = config or load_config().input
    label = name or id
    parsed = _parse(text, title)
    body, sections = assemble(parsed.blocks)
    check_text(body, label, config)
    meta = parsed.meta
    metadata = Metadata(
        doi=_doi(meta.get("doi")),
        url=meta.get("url"),
        authors=_authors(meta.get("authors")),
        date=meta.get("date"),
        venue=meta.get("venue"),
        source=source,
    )
    logger.debug("%s: %d characters, %d sections", label, len(body), len(sections))
    return Document(id=id, kind=kind, title=parsed.title, text=body, metadata=metadata, sections=sections)


def read_text_file(raw: RawFile) -> Document:
    """Read the bytes of a Markdown or plain-text file (see :func:`read_text`); a paper unless ``raw.kind`` says."""
    text = raw.decode()
    return read_text(text, kind=raw.kind or "paper", id=raw.id, config=raw.config, source=raw.source, name=raw.name)
