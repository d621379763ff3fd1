"""Grounding checks: a generated sentence is kept only when everything it asserts is in the inputs.

What the model was given (the computed verdicts and the quoted sentences) is the only ground.
A generated sentence is dropped, with the reason, when it

- holds a link, an image, markup, braces or code (``link``): nothing the model writes is ever rendered
  as a link or fetched, and a link is how an injected image beacon or exfiltration would look;
- quotes text (in double quotes) that does not occur verbatim in the inputs (``quote``);
- holds a number that does not occur in the inputs (``number``);
- names a verdict (faithful, overstated, understated) that sciwire did not compute, or calls the
  story faithful, without quoting the sentence it means, when sciwire found it overstates or
  understates something (``verdict``);
- copies eight or more words of the inputs without quotation marks (``unquoted copy``): an
  injected instruction repeated by the model;
- is not a question where questions were asked (``not a question``), or is empty or too long;
- says nothing sciwire gave it to say (``unanchored``): an explanation sentence must name a
  computed verdict or quote at least four words of the inputs; a question must share two content words with the
  paper-side inputs. A hijacked "PWNED" or "My system prompt is..." has neither.

Example:
    >>> kept, dropped = ground(['The story overstates "mice slept longer".', "It cites 42 mice."],
    ...                        ["In the study, mice slept longer after 3 weeks."], verdicts={"exaggerates"})
    >>> kept, [d.reason for d in dropped]
    (['The story overstates "mice slept longer".'], ['number'])
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

#: The longest generated sentence kept, in characters.
MAX_SENTENCE_CHARS = 400
#: Words copied from the inputs, in a row, that must stand in quotation marks.
COPY_WORDS = 8
#: Words a quotation needs to anchor an explanation sentence ("same" alone quotes nothing).
QUOTE_WORDS = 4

_LINK = re.compile(
    r"https?:|ftp:|data:|javascript:|mailto:|www\.|!\[|\]\(|<[a-zA-Z/!]|`|[{}]|"
    r"\b[\w-]+\.(?:com|org|net|io|ai|dev|xyz|ru|cn|info|biz|co|me|app|site)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"\"([^\"]+)\"|“([^”]+)”|«([^»]+)»")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    "this that with from have were what which when where does there their they them these those would could should "
    "about into than then also only over such more most other some your you study paper authors author story".split()
)
#: Words that name a verdict, by the verdict they name (sciwire's labels).
VERDICT_WORDS: dict[str, tuple[str, ...]] = {
    "same": ("faithful", "accurate", "accurately", "correct", "correctly", "fair", "fairly", "reliable"),
    "exaggerates": ("overstate", "overstates", "overstated", "overstating", "exaggerate", "exaggerates",
                    "exaggerated", "exaggerating", "exaggeration", "overclaims", "hype", "hyped", "overstatement"),
    "downplays": ("understate", "understates", "understated", "understating", "downplay", "downplays",
                  "downplayed", "downplaying", "understatement"),
}  # fmt: skip


@dataclass(frozen=True)
class Dropped:
    """A generated sentence that failed a check: its position, why, and (for logs and benchmarks) its text."""

    index: int
    reason: str
    text: str


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _check(
    text: str,
    sources: str,
    numbers: set[str],
    copies: set[tuple[str, ...]],
    verdicts: Collection[str] | None,
    question: bool,
    anchors: set[str] | None,
) -> str | None:
    if not text.strip():
        return "empty"
    if len(text) > MAX_SENTENCE_CHARS:
        return "too long"
    if _LINK.search(text):
        return "link"
    quotes = [next(g for g in m.groups() if g is not None) for m in _QUOTE.finditer(text)]
    if any(_norm(q) not in sources for q in quotes):
        return "quote"
    if not _numbers(text) <= numbers:
        return "number"
    words = {w.lower() for w in _WORD.findall(text)}
    named = {label for label, vocab in VERDICT_WORDS.items() if words.intersection(vocab)}
    if verdicts is not None and (
        named - set(verdicts)
        or (not any(len(q.split()) >= QUOTE_WORDS for q in quotes) and "same" in named and set(verdicts) - {"same"})
    ):
        return "verdict"  # a verdict not computed, or "faithful" said of a whole story with other verdicts
    if _shingles(_QUOTE.sub(" ", text), COPY_WORDS) & copies:
        return "unquoted copy"
    if question and not text.rstrip().endswith("?"):
        return "not a question"
    if anchors is not None and len(_content_words(text) & anchors) < 2:
        return "unanchored"
    quoted = any(len(q.split()) >= QUOTE_WORDS for q in quotes)
    if (
        anchors is None
        and verdicts is not None
        and not quoted
        and not any(words.intersection(VERDICT_WORDS[label]) for label in verdicts if label in VERDICT_WORDS)
    ):
        return "unanchored"
    return None


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if len(w) >= 4 and w.lower() not in _STOP}


def ground(
    sentences: Sequence[str],
    inputs: Sequence[str],
    *,
    verdicts: Collection[str] | None = None,
    questions: bool = False,
    anchors: Sequence[str] | None = None,
) -> tuple[list[str], list[Dropped]]:
    """Keep the generated sentences that pass every check; say why the others were dropped.

    Args:
        sentences: What the model wrote, one sentence (or question) per item.
        inputs: Every text the model was given as data (verdict words, quoted sentences...).
        verdicts: The verdict labels sciwire computed; a sentence naming another one is dropped
            (None: no verdict check).
        questions: Each kept item must be a question.
        anchors: Texts a kept item must share two content words with (None: without ``verdicts``,
            no anchor check; with ``verdicts``, an item must name a computed verdict or quote).

    Returns:
        The kept sentences (stripped, in order) and the dropped ones with reasons.
    """
    sources = _norm("\n".join(inputs))
    numbers = _numbers(sources)
    copies = _shingles(sources, COPY_WORDS)
    anchor_words = None if anchors is None else _content_words(" ".join(anchors))
    kept: list[str] = []
    dropped: list[Dropped] = []
    for index, raw in enumerate(sentences):
        text = " ".join(str(raw).split())
        reason = _check(text, sources, numbers, copies, verdicts, questions, anchor_words)
        if reason is None:
            kept.append(text)
        else:
            dropped.append(Dropped(index, reason, text))
    return kept, dropped
