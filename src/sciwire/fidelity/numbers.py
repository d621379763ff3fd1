"""Numbers in sentences, with their units, and whether a story's number is the paper's.

:func:`extract_quantities` finds numbers ("23%", "1,240", "3.1 min", "eight-hour", "a
third", "8pm", "OR 0.72") and normalises them: percentages to percent, durations to
minutes, masses to grams, clock times to minutes after midnight. :func:`equivalents`
lists what a paper number may legitimately become in a story: an odds, hazard or risk
ratio of 0.72 is "28% lower odds", 1.33 is "33% higher" or "a third higher".
P-values and confidence levels are skipped (stories rarely repeat them, and they are
never the finding).

Example:
    >>> [(q.value, q.kind) for q in extract_quantities("Waking fell by 23% (OR 0.72) after 8pm.")]
    [(23.0, 'percent'), (0.72, 'ratio'), (1200.0, 'clock')]
    >>> sorted(round(v, 1) for v in equivalents(extract_quantities("OR 0.72")[0]))
    [0.7, 28.0]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD_NUMBERS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "dozen": 12,
}  # fmt: skip
FRACTIONS: dict[str, float] = {
    "a half": 50, "half": 50, "a third": 100 / 3, "one third": 100 / 3, "two thirds": 200 / 3,
    "two-thirds": 200 / 3, "a quarter": 25, "one quarter": 25, "three quarters": 75, "a fifth": 20,
    "one in five": 20, "one in four": 25, "one in three": 100 / 3, "one in ten": 10,
}  # fmt: skip
MULTIPLIERS: dict[str, float] = {"twice": 2, "double": 2, "doubled": 2, "triple": 3, "tripled": 3, "halved": 0.5}
#: unit word -> (kind, factor to the base unit)
UNITS: dict[str, tuple[str, float]] = {
    "%": ("percent", 1), "percent": ("percent", 1), "per cent": ("percent", 1), "percentage points": ("percent", 1),
    "s": ("duration", 1 / 60), "sec": ("duration", 1 / 60), "second": ("duration", 1 / 60),
    "seconds": ("duration", 1 / 60), "min": ("duration", 1), "mins": ("duration", 1), "minute": ("duration", 1),
    "minutes": ("duration", 1), "h": ("duration", 60), "hr": ("duration", 60), "hrs": ("duration", 60),
    "hour": ("duration", 60), "hours": ("duration", 60), "day": ("duration", 1440), "days": ("duration", 1440),
    "week": ("duration", 10080), "weeks": ("duration", 10080), "month": ("duration", 43200),
    "months": ("duration", 43200), "year": ("duration", 525600), "years": ("duration", 525600),
    "mg": ("mass", 0.001), "g": ("mass", 1), "gram": ("mass", 1), "grams": ("mass", 1), "kg": ("mass", 1000),
    "kilograms": ("mass", 1000), "fold": ("fold", 1), "times": ("fold", 1),
}  # fmt: skip
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_WORDS = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.,/-])(?P<num>{_NUM}|(?i:{_WORDS}))(?:-|\s?)(?P<unit>(?i:{_UNIT_ALT}))?(?![\w%])"
    rf"|(?<![\w.,/-])(?P<num2>{_NUM})(?![\w%])"
)
_CLOCK = re.compile(r"(?<![\w.:])(\d{1,2}):(\d{2})(?![\w:])|(?<![\w.])(\d{1,2})\s?(am|pm|a\.m\.|p\.m\.)", re.I)
_RATIO_BEFORE = re.compile(
    r"(?:\b(?:OR|HR|RR|IRR|aOR|aHR)|odds ratio|hazard ratio|risk ratio|rate ratio)\]?\s*(?:of|was|=|:)?\s*$", re.I
)
_SKIP_BEFORE = re.compile(
    r"(?:\bp\s*[=<>≤]\s*|\bn\s*=\s*|\[|\bversion\s|\bp for interaction\s*|\bSD\s*|"
    r"\bCI\s*[:=,]?\s*(?:[-−–]?\d[\d.,]*\s*(?:–|-|to)\s*)?[-−–]?)$",
    re.I,
)
_CI_AFTER = re.compile(r"^\s*(?:%\s*)?(?:CI|confidence interval)", re.I)
_FRACTION = re.compile(r"(?<![\w-])(" + "|".join(sorted(FRACTIONS, key=len, reverse=True)) + r")(?![\w-])", re.I)
_MULTIPLIER = re.compile(r"(?<![\w-])(" + "|".join(MULTIPLIERS) + r")(?![\w-])", re.I)


@dataclass(frozen=True)
class Quantity:
    """A number found in text: the ``value`` in base units, its ``kind`` and the matched ``text``.

    ``kind`` is percent, ratio (OR/HR/RR), fold, duration (minutes), mass (grams), clock
    (minutes after midnight) or plain (a count or any other number).
    """

    value: float
    kind: str
    text: str
    start: int
    raw: float = 0.0  # the number as written, before unit conversion


def _parse(num: str) -> float:
    low = num.lower()
    return WORD_NUMBERS[low] if low in WORD_NUMBERS else float(num.replace(",", ""))


def extract_quantities(text: str) -> list[Quantity]:
    """All quantities of ``text`` in order, p-values, sample sizes, CI levels and citations skipped."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(value: float, kind: str, start: int, end: int, raw: float | None = None) -> None:
        if not any(s < end and start < e for s, e in taken):
            taken.append((start, end))
            found.append(
                Quantity(float(value), kind, text[start:end].strip(), start, float(value if raw is None else raw))
            )

    for m in _CLOCK.finditer(text):
        if m.group(1):
            add(int(m.group(1)) * 60 + int(m.group(2)), "clock", m.start(), m.end())
        else:
            hour = int(m.group(3)) % 12 + (12 if m.group(4).lower().startswith("p") else 0)
            add(hour * 60, "clock", m.start(), m.end())
    for m in _FRACTION.finditer(text):
        add(FRACTIONS[m.group(1).lower()], "percent", m.start(), m.end())
    for m in _MULTIPLIER.finditer(text):
        add(MULTIPLIERS[m.group(1).lower()], "fold", m.start(), m.end())
    for m in _QUANTITY.finditer(text):
        num = m.group("num") or m.group("num2")
        before, after = text[: m.start()], text[m.end() :]
        if (
            _SKIP_BEFORE.search(before)
            or _CI_AFTER.match(after)
            or _CI_AFTER.match(text[m.end("num") :] if m.group("num") else after)
        ):
            continue  # fmt: skip
        value = _parse(num)
        unit = (m.group("unit") or "").lower()
        if unit:
            kind, factor = UNITS[unit]
            add(value * factor, kind, m.start(), m.end(), value)
        elif _RATIO_BEFORE.search(before):
            add(value, "ratio", m.start(), m.end())
        else:
            add(value, "plain", m.start(), m.end())
    return sorted(found, key=lambda q: q.start)


def equivalents(q: Quantity) -> set[float]:
    """Values (in percent for relative changes) a faithful story may use for ``q``.

    A ratio r becomes |r - 1| x 100 percent; a fold change f also becomes (f - 1) x 100
    percent; a percentage stays itself and, above 100, may become a fold change.
    """
    values = {q.value}
    if q.kind in ("ratio", "fold") or (q.kind == "plain" and 0 < q.value < 5 and q.value != int(q.value)):
        values.add(abs(q.value - 1) * 100)
    if q.kind == "percent" and q.value > 100:
        values.add(q.value / 100 + 1)
    return values


def comparable(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities can state the same thing: same kind, both relative, or one plain."""
    relative = {"percent", "ratio", "fold"}
    return a.kind == b.kind or "plain" in (a.kind, b.kind) or (a.kind in relative and b.kind in relative)


def same_number(story: Quantity, paper: Quantity, tolerance: float = 0.05) -> bool:
    """Whether ``story`` restates ``paper``: comparable kinds and one of their :func:`equivalents`
    within ``tolerance`` (relative), or within rounding (0.6 for values >= 10, else 0.06)."""
    if not comparable(story, paper):
        return False
    if story.kind == paper.kind == "clock":  # times of day: the same minute, give or take 5
        return abs(story.value - paper.value) <= 5
    values, targets = equivalents(story), equivalents(paper)
    if "plain" in (story.kind, paper.kind):  # "aged 65 to 89" restates "65-89 years"
        values, targets = values | {story.raw}, targets | {paper.raw}
    return any(abs(v - t) <= max(tolerance * abs(t), 0.6 if abs(t) >= 10 else 0.06) for v in values for t in targets)
