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


def _unbalanced(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")


def _should_merge(prev: str, nxt: str) -> bool:
    prev, nxt = prev.rstrip(), nxt.lstrip()
    if not prev or not nxt:
        return True
    if CITATION_ONLY.match(nxt) or not any(c.isalpha() for c in nxt):
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
