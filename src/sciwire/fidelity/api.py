"""``check_files``: the fidelity verdicts of news stories against a paper (``sciwire check``).

Example:
    >>> from sciwire.examples import paper_path, story_paths
    >>> checks = check_files(story_paths()[1:], paper_path())        # doctest: +SKIP
    >>> [c.verdict for c in checks[0].claims][:3]                    # doctest: +SKIP
    ['exaggerates', 'exaggerates', 'exaggerates']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sciwire.analysis import FIDELITY
from sciwire.config import Config
from sciwire.document import Document
from sciwire.fidelity.report import story_fidelity
from sciwire.pipeline import analyze


@dataclass(frozen=True)
class ClaimCheck:
    """One judged story sentence, ready to print or serialise."""

    story_sentence: int
    story_text: str
    paper_sentence: int
    paper_text: str
    verdict: str
    confidence: float
    source: str
    reasons: tuple[str, ...]
    issues: tuple[str, ...]


@dataclass(frozen=True)
class StoryCheck:
    """The verdicts for one story and its summary counts (see :func:`story_fidelity`)."""

    story_id: str
    title: str
    summary: dict[str, Any]
    claims: tuple[ClaimCheck, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return asdict(self)


def story_checks(story: Document, paper: Document) -> StoryCheck:
    """Turn a story's ``fidelity`` layer into a :class:`StoryCheck`."""
    starts = {s.start: s.index for s in story.sentences}
    claims = tuple(
        ClaimCheck(
            story_sentence=starts[span.start],
            story_text=story.span_text(span),
            paper_sentence=int(span.attrs["paper_sentence"]),
            paper_text=paper.span_text(paper.sentences[int(span.attrs["paper_sentence"])]),
            verdict=span.label,
            confidence=float(span.score or 0.0),
            source=str(span.attrs.get("source", "")),
            reasons=tuple(span.attrs.get("reasons", [])),
            issues=tuple(i["kind"] for i in span.attrs.get("issues", [])),
        )
        for span in story.layer(FIDELITY)
    )
    return StoryCheck(story.id, story.title, story_fidelity(story), claims)


def check_files(
    stories: Sequence[str | os.PathLike[str]],
    paper: str | os.PathLike[str],
    config: Config | None = None,
) -> list[StoryCheck]:
    """Read, align and judge: one :class:`StoryCheck` per story (only the fidelity step runs)."""
    analysis = analyze(paper, stories, config, steps=[FIDELITY])
    return [story_checks(s, analysis.paper) for s in analysis.stories]
