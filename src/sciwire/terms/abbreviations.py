"""Abbreviations: Schwartz & Hearst (2003) definitions, found once and resolved across a document.

Two patterns are read, as in the paper: ``long form (SHORT)`` (also with square brackets)
and ``SHORT (long form)``. The short form has 2-10 characters, starts with a letter or digit
and has at least two capitals ("TRF", "NREM", "CIs", "mRNA"); the long form is the shortest
run of words before the bracket whose letters spell the short form in order, the first letter
of the short form at the start of a word, with at most ``len(short) + 2`` words (e.g.
"time-restricted feeding (TRF)").

A short form defined in the document points at its first definition everywhere it occurs as
a whole word. Short forms used without a definition are expanded from a small hand-written
:data:`GLOSSARY` of common science abbreviations ("EEG"), marked ``source="glossary"``.

Example:
    >>> text = "Time-restricted feeding (TRF) helps. Later, TRF mice slept."
    >>> [(a.short, a.long, a.source) for a in find_abbreviations(text)]
    [('TRF', 'Time-restricted feeding', 'defined')]
    >>> [text[m.start : m.end] for m in resolve_abbreviations(text)]
    ['TRF', 'TRF']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = [
    "GLOSSARY",
    "Abbreviation",
    "AbbreviationMention",
    "find_abbreviations",
    "is_short_form",
    "resolve_abbreviations",
    "schwartz_hearst",
]

_SHORT = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z0-9][A-Za-z0-9&\-]{1,9}$")
_BRACKET = re.compile(r"\(([^()\[\]\n]{1,200})\)|\[([^()\[\]\n]{1,200})\]")
_WORD = re.compile(r"[^\s()\[\],;:]+")
#: Words a long form does not start with (the shortest-suffix rule rarely needs it).
_NOT_FIRST = frozenset({"the", "a", "an", "of", "and", "or", "in", "on", "for", "to", "with", "by", "as", "its"})
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z])|\n\s*\n")

#: Common science abbreviations, expanded where a document uses them without defining them.
#: Hand-written (no data set); a definition in the document always wins.
GLOSSARY: dict[str, str] = {
    "AI": "artificial intelligence",
    "ANOVA": "analysis of variance",
    "BMI": "body mass index",
    "CI": "confidence interval",
    "CNN": "convolutional neural network",
    "COVID-19": "coronavirus disease 2019",
    "CT": "computed tomography",
    "DNA": "deoxyribonucleic acid",
    "ECG": "electrocardiography",
    "EEG": "electroencephalography",
    "EMG": "electromyography",
    "fMRI": "functional magnetic resonance imaging",
    "GDP": "gross domestic product",
    "GPS": "global positioning system",
    "HIV": "human immunodeficiency virus",
    "HR": "hazard ratio",
    "IQR": "interquartile range",
    "LLM": "large language model",
    "MRI": "magnetic resonance imaging",
    "mRNA": "messenger ribonucleic acid",
    "NLP": "natural language processing",
    "OR": "odds ratio",
    "PCR": "polymerase chain reaction",
    "PET": "positron emission tomography",
    "RCT": "randomised controlled trial",
    "REM": "rapid eye movement",
    "RNA": "ribonucleic acid",
    "RR": "relative risk",
    "SD": "standard deviation",
    "SE": "standard error",
    "SEM": "standard error of the mean",
}


@dataclass(frozen=True)
class Abbreviation:
    """One short form and what it stands for.

    Attributes:
        short: The short form as written ("TRF").
        long: The long form as written ("time-restricted feeding").
        start, end: Character offsets of the short form at its definition (or first use).
        long_start, long_end: Offsets of the long form; ``-1`` for a glossary expansion.
        source: ``"defined"`` (found in the document) or ``"glossary"`` (:data:`GLOSSARY`).
    """

    short: str
    long: str
    start: int
    end: int
    long_start: int = -1
    long_end: int = -1
    source: str = "defined"


@dataclass(frozen=True)
class AbbreviationMention:
    """One occurrence of a short form; ``definition`` is the :class:`Abbreviation` it points to."""

    start: int
    end: int
    definition: Abbreviation
    is_definition: bool = False


def is_short_form(token: str) -> bool:
    """Whether ``token`` looks like a short form: 2-10 characters, at least two capitals.

    Example:
        >>> is_short_form("TRF"), is_short_form("CIs"), is_short_form("Time")
        (True, True, False)
    """
    return _SHORT.match(token) is not None


def schwartz_hearst(short: str, words: list[str]) -> int | None:
    """Index of the first word of the shortest suffix of ``words`` that spells ``short``, or None.

    The letters and digits of ``short`` must occur in order (case-insensitive) in the joined
    suffix, its first character at the start of a word (or of a hyphenated part), and the
    suffix may have at most ``len(short) + 2`` words (Schwartz & Hearst 2003).

    Args:
        short: The short form ("TRF").
        words: The words before the bracket, lower-cased.

    Example:
        >>> schwartz_hearst("TRF", ["we", "used", "time-restricted", "feeding"])
        2
        >>> schwartz_hearst("TRF", ["we", "used", "a", "diet"]) is None
        True
    """
    letters = [c for c in short.lower() if c.isalnum()]
    for first in range(len(words) - 1, -1, -1):
        long = " ".join(words[first:])
        si, li = len(letters) - 1, len(long) - 1
        while si >= 0:
            c = letters[si]
            while li >= 0 and (long[li] != c or (si == 0 and li > 0 and long[li - 1].isalnum())):
                li -= 1
            if li < 0:
                break
            si -= 1
            li -= 1
        if si < 0 and len(words) - first <= len(letters) + 2:
            return first
    return None


def _sentence_start(text: str, pos: int) -> int:
    """Start of the sentence holding ``pos`` (a cheap rule: after ". X" or a blank line)."""
    start = 0
    for m in _SENTENCE_END.finditer(text, max(0, pos - 400), pos):
        start = m.end()
    return start


def _long_before(text: str, open_at: int, short: str) -> tuple[int, int] | None:
    """Offsets of the long form that ends right before the bracket at ``open_at``."""
    begin = max(_sentence_start(text, open_at), text.rfind(")", 0, open_at) + 1, text.rfind("]", 0, open_at) + 1)
    limit = min(len(short) + 5, 2 * len(short))
    words = list(_WORD.finditer(text, begin, open_at))[-limit:]
    if not words or text[words[-1].end() : open_at].strip():
        return None
    first = schwartz_hearst(short, [w.group().lower() for w in words])
    if first is None:
        return None
    while first < len(words) - 1 and words[first].group().lower() in _NOT_FIRST:
        first += 1
    return words[first].start(), words[-1].end()


def _long_inside(text: str, start: int, end: int, short: str) -> tuple[int, int] | None:
    """Offsets of a long form written inside the brackets (``SHORT (long form)``)."""
    words = list(_WORD.finditer(text, start, end))
    if len(words) < 2:
        return None
    first = schwartz_hearst(short, [w.group().lower() for w in words])
    if first is None or first > 0:
        return None
    return words[0].start(), words[-1].end()


def _definitions(text: str) -> list[Abbreviation]:
    found: list[Abbreviation] = []
    for m in _BRACKET.finditer(text):
        inner_start = m.start(1) if m.group(1) is not None else m.start(2)
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        head = re.split(r"[,;]", inner, maxsplit=1)[0].strip()
        if is_short_form(head):  # long form (SHORT)
            offset = inner_start + inner.index(head)
            span = _long_before(text, m.start(), head)
            if span is not None:
                long = text[span[0] : span[1]]
                if len(long) > len(head) and head.lower() not in long.lower().split():
                    found.append(Abbreviation(head, long, offset, offset + len(head), span[0], span[1]))
            continue
        before = _WORD.findall(text, max(0, m.start() - 12), m.start())
        if not before or not is_short_form(before[-1]) or text[m.start() - 1 : m.start()] != " ":
            continue
        short = before[-1]  # SHORT (long form)
        short_start = text.rfind(short, 0, m.start())
        span = _long_inside(text, inner_start, inner_start + len(inner), short)
        if span is not None:
            found.append(Abbreviation(short, text[span[0] : span[1]], short_start, short_start + len(short), *span))
    return found


def _occurrences(text: str, short: str) -> list[re.Match[str]]:
    return list(re.finditer(rf"(?<![\w\-]){re.escape(short)}(?![\w\-])", text))


def find_abbreviations(text: str, *, glossary: bool = True, min_uses: int = 2) -> list[Abbreviation]:
    """The abbreviations of ``text``: one per short form, in order of appearance.

    A short form's first definition in the text wins. With ``glossary``, a :data:`GLOSSARY`
    short form used at least ``min_uses`` times and never defined is added too (its offsets are
    its first use; ``long_start`` is -1).

    Args:
        text: The document text.
        glossary: Expand undefined common abbreviations from :data:`GLOSSARY`.
        min_uses: Uses needed for a glossary expansion.
    """
    by_short: dict[str, Abbreviation] = {}
    for abbr in _definitions(text):
        by_short.setdefault(abbr.short, abbr)
    if glossary:
        counts = Counter(w for w in _WORD.findall(text) if w in GLOSSARY and w not in by_short)
        for short, n in counts.items():
            if n >= min_uses:
                first = _occurrences(text, short)
                if first:
                    m = first[0]
                    by_short[short] = Abbreviation(short, GLOSSARY[short], m.start(), m.end(), source="glossary")
    return sorted(by_short.values(), key=lambda a: a.start)


def resolve_abbreviations(text: str, abbreviations: list[Abbreviation] | None = None) -> list[AbbreviationMention]:
    """Every whole-word occurrence of each short form, pointing at its definition, in text order.

    Args:
        text: The document text.
        abbreviations: From :func:`find_abbreviations` (found in ``text`` when None).
    """
    abbreviations = find_abbreviations(text) if abbreviations is None else abbreviations
    out = [
        AbbreviationMention(m.start(), m.end(), abbr, is_definition=m.start() == abbr.start)
        for abbr in abbreviations
        for m in _occurrences(text, abbr.short)
    ]
    return sorted(out, key=lambda m: m.start)
