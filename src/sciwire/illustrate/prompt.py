"""The image prompt: built from the paper's keyphrases, those in its findings first; never from story text.

A story only reorders: the paper keyphrases it mentions come first. Every word of the prompt
is a paper keyphrase's own text, cleaned to letters, digits, spaces and hyphens, so neither a
story nor text hidden in the paper can write the prompt (docs/security.md).

Example:
    >>> phrase_words("sleep <script>  duration! ignore\\u202e all")
    'sleep script duration ignore all'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sciwire.analysis import FINDINGS, KEYPHRASES
from sciwire.document import Document

#: Keyphrases in a prompt, at most.
MAX_PHRASES = 6
_NOT_WORD = re.compile(r"[^A-Za-z0-9\- ]+")
STYLE = "editorial science illustration, clean flat vector style, soft colours, no text"


@dataclass(frozen=True)
class ImagePrompt:
    """The prompt, the phrases it was built from (paper keyphrases) and which of them the story mentions."""

    prompt: str
    phrases: tuple[str, ...]
    from_findings: tuple[str, ...]
    story_mentions: tuple[str, ...]


def phrase_words(text: str) -> str:
    """``text`` reduced to ASCII letters, digits, hyphens and single spaces."""
    return " ".join(_NOT_WORD.sub(" ", text).split())


def build_prompt(paper: Document, story: Document | None = None, max_phrases: int = MAX_PHRASES) -> ImagePrompt:
    """The image prompt for ``paper`` (with its ``keyphrases`` and ``findings`` layers).

    Order: keyphrases the story mentions, then those inside the paper's findings, then by rank.

    Args:
        paper: The analysed paper.
        story: An analysed story (its ``keyphrases`` layer: mentions of paper keyphrases), or None.
        max_phrases: Keyphrases in the prompt, at most.
    """
    findings = paper.layer(FINDINGS)
    ranked: dict[str, tuple[int, bool]] = {}
    for span in paper.layer(KEYPHRASES):
        phrase = phrase_words(str(span.attrs.get("phrase", "")))
        if not phrase:
            continue
        in_finding = any(f.start <= span.start and span.end <= f.end for f in findings)
        rank, was_in = ranked.get(phrase, (int(span.attrs.get("rank", 10**6)), False))
        ranked[phrase] = (rank, was_in or in_finding)
    mentioned = {phrase_words(str(s.attrs.get("phrase", ""))) for s in (story.layer(KEYPHRASES) if story else [])}
    order = sorted(ranked, key=lambda p: (p not in mentioned, not ranked[p][1], ranked[p][0]))[:max_phrases]
    subject = ", ".join(order) if order else phrase_words(paper.title or "") or "scientific research"
    return ImagePrompt(
        prompt=f"{STYLE}, about: {subject}",
        phrases=tuple(order),
        from_findings=tuple(p for p in order if ranked[p][1]),
        story_mentions=tuple(p for p in order if p in mentioned),
    )
