"""Repair sentence boundaries that statistical splitters get wrong on scientific text.

Pure functions over ``(start, end)`` character ranges, so they are easy to test and reuse.
The splitter's proposal is merged back together where a boundary falls after an
abbreviation ("Fig.", "e.g.", "vs."), before a citation ("[12].", "et al. (2019)"), inside
brackets, or before a lowercase continuation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Tokens that never end a sentence in scientific prose.
NON_FINAL = re.compile(
    r"(?:\b(?:Figs?|figs?|Eqs?|eqs?|Refs?|refs?|approx|Approx|ca|cf|Cf|vs|Dr|Prof|Mr|Mrs|Ms|Nos?|no"
    r"|Sects?|Sec|sec|Tab|Suppl|suppl|resp|incl|Vol|pp|i\.e|e\.g|et al)\.)$"
)
#: "et al." ends a sentence only before a capitalised word, never before a citation.
ET_AL = re.compile(r"\bet al\.$")
#: A continuation: starts lowercase, with closing punctuation, or a bare number.
CONTINUATION = re.compile(r"^(?:[a-z]|[)\],;:%]|\d)")
#: A fragment that is only a citation, e.g. "[3, 7]." or "(12)".
CITATION_ONLY = re.compile(r"^[\[(][\d,\s–\-]+[\])][.;,]?$")
MAX_SENTENCE_CHARS = 2000
#: A number with a unit ending a sentence ("... 12 h. Participants"), which spaCy often misses.
UNIT_END = re.compile(r"\d\s?(?:h|min|s|d|wk|mo|yr|y|mg|kg|g|ml|mL|cm|mm|m|km|Hz|kHz)\.(?=\s+[A-Z][a-z])")


#: A unit right after a number ("+284.1 | Da after"): the splitter cut a measurement in two.
UNIT_START = re.compile(
    r"^(?:k?Da|[kmµnp]?(?:g|M|L|l|mol)|mm|cm|km|nm|µm|Hz|kHz|MHz|°C|°F|K|kb|bp|ppm|mV|kcal|kJ)(?![\w-])"
)


def _unbalanced(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")


def _should_merge(prev: str, nxt: str) -> bool:
    prev, nxt = prev.rstrip(), nxt.lstrip()
    if not prev or not nxt:
        return True
    if CITATION_ONLY.match(nxt) or not any(c.isalpha() for c in nxt):
        return True
    if prev[-1].isdigit() and UNIT_START.match(nxt):
        return True
    if nxt.count(")") > nxt.count("(") or nxt.count("]") > nxt.count("["):
        return True
    if ET_AL.search(prev):
        return bool(re.match(r"^[(\[a-z\d,]", nxt))
    if NON_FINAL.search(prev):
        return True
    if CONTINUATION.match(nxt):
        return True
    return _unbalanced(prev)


def repair_boundaries(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge proposed sentence spans that should not have been split.

    Args:
        text: The text the spans point into.
        spans: Proposed ``(start, end)`` sentence ranges, in order, non-overlapping.

    Returns:
        Repaired ranges, stripped of surrounding whitespace; empty ranges are dropped.

    Example:
        >>> t = "As shown in Fig. 2, mice slept longer [3]. Lee et al. agree."
        >>> [t[a:b] for a, b in repair_boundaries(t, [(0, 17), (17, 43), (43, 61)])]
        ['As shown in Fig. 2, mice slept longer [3].', 'Lee et al. agree.']
    """
    merged: list[list[int]] = []
    for start, end in _split_after_units(text, spans):
        start, end = max(0, start), min(len(text), end)
        if not text[start:end].strip():
            continue
        if merged:
            prev_start, prev_end = merged[-1]
            prev_text = text[prev_start:prev_end]
            if end - prev_start <= MAX_SENTENCE_CHARS and _should_merge(prev_text, text[start:end]):
                merged[-1][1] = end
                continue
        merged.append([start, end])
    return [_strip(text, a, b) for a, b in merged if text[a:b].strip()]


def _split_after_units(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        for match in UNIT_END.finditer(text, start, end):
            out.append((start, match.end()))
            start = match.end()
        out.append((start, end))
    return out


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character ranges of the blank-line-separated paragraphs of ``text[start:end]``."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for match in re.finditer(r"\n[ \t]*\n", text[start:end]):
        cut = start + match.start()
        if text[pos:cut].strip():
            out.append(_strip(text, pos, cut))
        pos = start + match.end()
    if text[pos:end].strip():
        out.append(_strip(text, pos, end))
    return out


def looks_like_heading(text: str) -> bool:
    """A short line without final punctuation, e.g. "2.1 Animals and housing"."""
    stripped = text.strip()
    return "\n" not in stripped and len(stripped.split()) <= 12 and not re.search(r"[.!?:;,]$", stripped)


#: A bullet at the start of a line: "- ", "* ", "• ", "– "...
BULLET = re.compile(r"[ \t]*[-*\u2022\u2013\u00b7\u25aa\u25e6\u2023][ \t]+")
#: An enumerator inside a paragraph: "1. ", "2) " before a capitalised word.
ENUMERATOR = re.compile(r"(?:(?<=^)|(?<=\s))(\d{1,2})[.)][ \t]+(?=[A-Z\"'(])")


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The items of ``text[start:end]`` when that paragraph is a list, else None.

    A list is a paragraph of several lines (readers keep line breaks inside a paragraph only
    for list items), a paragraph that starts with a bullet ("- ", "• "), or an inline
    enumeration "1. The first item 2. The second item" (numbers 1, 2, ... in order). Each item
    is one range, without its bullet or number; items are never headings, so list claims are never lost.

    Example:
        >>> t = "1. The first item 2. The second item"
        >>> [t[a:b] for a, b in list_items(t, 0, len(t))]
        ['The first item', 'The second item']
        >>> t = "- Coffee cuts heart disease risk by 30 percent"
        >>> [t[a:b] for a, b in list_items(t, 0, len(t))]
        ['Coffee cuts heart disease risk by 30 percent']
        >>> list_items("2.1 Animals and housing", 0, 23) is None
        True
    """
    para = text[start:end]
    if "\n" in para.strip():
        items = []
        pos = start
        for line in para.split("\n"):
            a = pos
            pos += len(line) + 1
            bullet = BULLET.match(line)
            a += bullet.end() if bullet else 0
            if text[a : a + len(line)].strip():
                items.append(_strip(text, a, pos - 1))
        return [i for i in items if i[1] > i[0]]
    bullet = BULLET.match(para)
    if bullet:
        return [_strip(text, start + bullet.end(), end)]
    marks = list(ENUMERATOR.finditer(para))
    numbers = [int(m.group(1)) for m in marks]
    if len(marks) >= 2 and numbers == list(range(1, len(marks) + 1)) and marks[0].start() == 0:
        ends = [start + m.start() for m in marks[1:]] + [end]
        return [_strip(text, start + m.end(), b) for m, b in zip(marks, ends, strict=True)]
    return None
