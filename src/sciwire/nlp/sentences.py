"""Repair sentence boundaries that statistical splitters get wrong on scientific text.

Pure functions over ``(start, end)`` character ranges, so they are easy to test and reuse.
The splitter's proposal is first cut where it missed a boundary (after a number with a
unit, "12 h. The"; before a common sentence start after a word that ends a sentence, "the
U.S. How", "you and I. Did", "et al. Their"; before the items of a numbered list inside a
paragraph), then merged back together where a boundary falls after an abbreviation ("Fig.",
"e.g.", "vs."), before a citation ("[12].", "et al. (2019)"), inside brackets, after a list
number or an ellipsis that marks an omission (" . . . I"), or before a lowercase continuation.
"""

from __future__ import annotations

import itertools
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
UNIT_END = re.compile(
    r"\d\s?(?:h|min|s|d|wk|mo|yr|y|[mµn]?g|kg|[mµn]?[lL]|cm|mm|m|km|k?Hz|[mµnp]?M|k?Da|°C)\.(?=\s+[A-Z][a-z])"
)


#: A unit right after a number ("+284.1 | Da after"): the splitter cut a measurement in two.
UNIT_START = re.compile(
    r"^(?:k?Da|[kmµnp]?(?:g|M|L|l|mol)|mm|cm|km|nm|µm|Hz|kHz|MHz|°C|°F|K|kb|bp|ppm|mV|kcal|kJ)(?![\w-])"
)


#: Closed-class words that start sentences: after a word that can end one ("the U.S. How",
#: "you and I. Did", "et al. Their"), a boundary the splitter missed.
STARTERS = frozenset(
    "The This That These Those There Their They It Its He She His Her We Our You Your How What Where When Why "
    "Who Which Did Do Does Is Are Was Were Have Has Had Can Could Would Should In On At For However Moreover "
    "Furthermore Thus Therefore Then But Although Because After Before While If Such Each All Both Here Most "
    "Many Some Several Let By As Since Hence Note Using Even Suppose Consider From To Finally First Second "
    "Similarly Indeed Also Given Under With Without Only Other Another".split()
)
#: Titles before a name: never the end of a sentence ("Mt. Fuji", "St. Anne's").
TITLES = frozenset("Mr Mrs Ms Dr Prof St Mt Rev Gen Col Lt Capt Gov Sen Rep Hon Fr Sgt Messrs".split())
#: Starts of sentences that follow a dotted capital abbreviation ("6 P.M. Mr. Smith then...").
HONORIFICS = frozenset(("Mr.", "Mrs.", "Ms.", "Dr."))
DOTTED_CAPS = re.compile(r"^(?:[A-Z]\.){2,}$")
#: A list number or letter: "1.", "2)", "3.)", "a.", "(ii)".
LIST_MARK = r"(?:\d{1,2}|[a-z])(?:\.\)|[.)])"
LIST_MARK_ONLY = re.compile(rf"^\(?(?:{LIST_MARK}|[ivx]{{1,4}}\)|\d{{1,3}}|[a-zA-Z])$")
#: A paragraph that ends with an item number opens that item: "Our approach is two-fold: (i) | We ..."
MARK_END = re.compile(r"[:;,]\s+\(?(?:[ivx]{1,4}|[a-z]|\d{1,2})\)$")
#: An item number inside a paragraph, after the end of a sentence: "... questions. 1. How ...".
INLINE_MARK = re.compile(rf"(?<=[.?!:])\s+({LIST_MARK})\s+(?=[A-Z\"'(])")
#: An ellipsis set off by spaces marks an omission inside a sentence ("is . . . I did not").
OMISSION_END = re.compile(r"(?<![.…])(?<![.…]\s)\s(?:\. \. \.|\.\.\.|…)$")
#: A sentence that ends with a period and then an ellipsis ("compounds. . . . The"): the
#: ellipsis opens the next sentence.
PERIOD_ELLIPSIS = re.compile(r"\w[.?!]((?:\s\.){3})$")


def _unbalanced(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")


def _should_merge(prev: str, nxt: str) -> bool:
    prev, nxt = prev.rstrip(), nxt.lstrip()
    if not prev or not nxt:
        return True
    if CITATION_ONLY.match(nxt) or not any(c.isalpha() for c in nxt):
        return True
    if LIST_MARK_ONLY.match(prev) or OMISSION_END.search(prev) or MARK_END.search(prev):
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
    """Cut proposed sentence spans where a boundary was missed, then merge wrong splits.

    Args:
        text: The text the spans point into.
        spans: Proposed ``(start, end)`` sentence ranges, in order, non-overlapping.

    Returns:
        Repaired ranges, stripped of surrounding whitespace; empty ranges are dropped.

    Example:
        >>> t = "As shown in Fig. 2, mice slept longer [3]. Lee et al. agree."
        >>> [t[a:b] for a, b in repair_boundaries(t, [(0, 17), (17, 43), (43, 61)])]
        ['As shown in Fig. 2, mice slept longer [3].', 'Lee et al. agree.']
        >>> t = "I live in the U.S. How about you?"
        >>> [t[a:b] for a, b in repair_boundaries(t, [(0, len(t))])]
        ['I live in the U.S.', 'How about you?']
    """
    spans = [(max(0, a), min(len(text), b)) for a, b in spans if min(len(text), b) > max(0, a)]
    if not spans:
        return []
    lo, hi = spans[0][0], spans[-1][1]
    items = set(_inline_list_items(text, lo, hi))
    cuts = items | {m.end() for m in UNIT_END.finditer(text, lo, hi)} | set(_missed_boundaries(text, lo, hi))
    merged: list[list[int]] = []
    for start, end in _cut(spans, cuts):
        if not text[start:end].strip():
            continue
        if merged and start not in items:
            prev_start, prev_end = merged[-1]
            prev_text = text[prev_start:prev_end]
            if end - prev_start <= MAX_SENTENCE_CHARS and _should_merge(prev_text, text[start:end]):
                merged[-1][1] = end
                continue
        merged.append([start, end])
    return [_strip(text, a, b) for a, b in _move_ellipses(text, merged) if text[a:b].strip()]


def _cut(spans: Sequence[tuple[int, int]], cuts: set[int]) -> list[tuple[int, int]]:
    out = []
    ordered = sorted(cuts)
    for start, end in spans:
        for cut in ordered:
            if start < cut < end:
                out.append((start, cut))
                start = cut
        out.append((start, end))
    return out


def _missed_boundaries(text: str, start: int, end: int) -> list[int]:
    """Ends of sentences the splitter may have missed: a word that can end a sentence, ". ", a starter."""
    out = []
    for match in re.finditer(r"(\S+)\.\s+(\S+)", text[start:end]):
        word, nxt = match.group(1).lstrip("([\"'“‘"), match.group(2)
        nxt_word = nxt.rstrip(",;:")
        if text.startswith("All rights reserved", start + match.start(2)):  # "Elsevier B.V. All rights reserved."
            continue
        if nxt_word in HONORIFICS:
            ok = bool(DOTTED_CAPS.match(word + "."))
        elif nxt_word not in STARTERS:
            continue
        elif ET_AL.search(text[start : start + match.start(1) + len(match.group(1)) + 1]):
            ok = True
        elif len(word) == 1:  # an initial ("Albert I. Jones") or a list letter, but "you and I. Did", "field Z. By"
            before = text[start : start + match.start(1)].split()
            ok = word.isupper() and bool(before) and before[-1].isalpha() and before[-1].islower()
        else:
            ok = word not in TITLES and not word.isdigit() and not NON_FINAL.search(word + ".")
        if ok:
            out.append(start + match.start(1) + len(match.group(1)) + 1)
    return out


def _inline_list_items(text: str, start: int, end: int) -> list[int]:
    """Starts of numbered items inside a paragraph ("... questions. 1. How ... 2. Why ..."), 1, 2, ... in order."""
    marks = [m for m in INLINE_MARK.finditer(text, start, end) if not NON_FINAL.search(text[start : m.start()])]
    if len(marks) < 2:
        return []
    labels = [m.group(1).rstrip(".)") for m in marks]
    first = "1" if labels[0].isdigit() else "a"
    expected = [str(i + 1) if first == "1" else chr(ord("a") + i) for i in range(len(labels))]
    return [m.start(1) for m in marks] if labels == expected else []


def _move_ellipses(text: str, spans: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """Move an ellipsis after a period to the next sentence: "compounds. | . . . The practice"."""
    out = [(a, b) for a, b in spans]
    for i in range(len(out) - 1):
        (a, b), (c, d) = out[i], out[i + 1]
        match = PERIOD_ELLIPSIS.search(text[a:b].rstrip())
        if match and text[c:d].strip()[:1].isupper():
            out[i], out[i + 1] = (a, a + match.start(1)), (a + match.start(1), d)
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


#: Bullet glyphs that mark list items even without a following space ("•Item", "⁃9. Item").
GLYPHS = "\u2022\u2043\u25aa\u25e6\u2023"
#: A bullet at the start of a line: "- ", "* ", "• ", "– ", "⁃"...
BULLET = re.compile(rf"[ \t]*(?:[-*\u2013\u00b7][ \t]+|[{GLYPHS}][ \t]*)")
#: An enumerator at the start of a paragraph or item: "1. ", "2) ", "3.) ", "b. " before a capital.
ENUMERATOR = re.compile(rf"(?:(?<=^)|(?<=\s))({LIST_MARK})[ \t]+(?=[A-Z\"'(])")


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The items of ``text[start:end]`` when that paragraph is a list, else None.

    A list is a paragraph of several lines (readers keep line breaks inside a paragraph only
    for list items), a paragraph that starts with a bullet ("- ", "• ", several items on one
    line when the glyph recurs: "• one • two"), or an inline enumeration "1. The first item
    2. The second item" ("1)", "1.)", "a." too; numbers 1, 2, ... or letters a, b, ... in
    order). Each item is one range that keeps its number or letter but not its bullet; items
    are never headings, so list claims are never lost.

    Example:
        >>> t = "1. The first item 2. The second item"
        >>> [t[a:b] for a, b in list_items(t, 0, len(t))]
        ['1. The first item', '2. The second item']
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
        glyph = para.strip()[0]
        if glyph not in GLYPHS:
            return [_strip(text, start + bullet.end(), end)]
        cuts = [m.start() for m in re.finditer(rf"(?<=\s){re.escape(glyph)}", para)]
        bounds = [bullet.end(), *cuts, len(para)]
        out = []
        for a, b in itertools.pairwise(bounds):
            a += len(glyph) if a in cuts else 0
            out.append(_strip(text, start + a, start + b))
        return [i for i in out if i[1] > i[0]]
    return _enumeration(text, start, end)


def _enumeration(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Items of "1. One 2. Two" (or "a) One b) Two"): marks in order from 1 or a, the first at the start."""
    marks = list(ENUMERATOR.finditer(text, start, end))
    if len(marks) < 2 or marks[0].start() != start:
        return None
    labels = [m.group(1).rstrip(".)") for m in marks]
    first = "1" if labels[0].isdigit() else "a"
    if labels != [str(i + 1) if first == "1" else chr(ord("a") + i) for i in range(len(labels))]:
        return None
    ends = [m.start() for m in marks[1:]] + [end]
    return [_strip(text, m.start(), b) for m, b in zip(marks, ends, strict=True)]
