"""``check_files``: the fidelity verdicts of news stories against a paper (``sciwire check``).

Each :class:`StoryCheck` holds what a reader needs in the order they need it: whether the story
reports the paper at all (``relevance``), the verdicts in words (``summary["text"]``), then the
claims, strongest evidence first (overstated, understated, unsure, faithful; see
:func:`sciwire.fidelity.report.claims_first`).

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
from pathlib import Path
from typing import Any

from sciwire.analysis import FIDELITY, FINDINGS
from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.errors import InputError
from sciwire.fidelity.report import claims_first, relevance, story_fidelity, verdict_words
from sciwire.pipeline import analyze, read_inputs


@dataclass(frozen=True)
class ClaimCheck:
    """One judged story sentence, ready to print or serialise.

    ``verdict`` is "exaggerates", "same", "downplays" or "unsure"; ``best_guess`` the most
    probable of the first three (None in reports that predate it); ``notes`` the check findings
    that were shown but not allowed to change the verdict.
    """

    story_sentence: int
    story_text: str
    paper_sentence: int
    paper_text: str
    verdict: str
    confidence: float
    source: str
    reasons: tuple[str, ...]
    issues: tuple[str, ...]
    best_guess: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The verdict in words: 'overstated', 'faithful', 'unsure (best guess: understated)'."""
        return verdict_words(self.verdict, self.best_guess)


@dataclass(frozen=True)
class Relevance:
    """Whether a story reports the paper: ``label`` "reports" or "unrelated", P(reports), the cut-off."""

    label: str
    probability: float | None
    threshold: float | None


@dataclass(frozen=True)
class StoryCheck:
    """The verdicts for one story and its summary counts (see :func:`story_fidelity`).

    ``relevance`` is None when the story has no relevance verdict (an older pipeline);
    when its label is "unrelated" there are no claims and ``summary["text"]`` says so.
    """

    story_id: str
    title: str
    summary: dict[str, Any]
    claims: tuple[ClaimCheck, ...]
    relevance: Relevance | None = None

    @property
    def unrelated(self) -> bool:
        """Whether the story does not appear to report the paper (no claims were checked)."""
        return self.relevance is not None and self.relevance.label == "unrelated"

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return asdict(self)


def story_checks(story: Document, paper: Document) -> StoryCheck:
    """Turn a story's ``relevance`` and ``fidelity`` layers into a :class:`StoryCheck` (claims strongest first)."""
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
            best_guess=span.attrs.get("best_guess"),
            notes=tuple(span.attrs.get("notes", [])),
        )
        for span in claims_first(story.layer(FIDELITY))
    )
    info = relevance(story)
    findings = len(paper.layer(FINDINGS)) if FINDINGS in paper.layers else None
    return StoryCheck(
        story.id,
        story.title,
        story_fidelity(story, findings),
        claims,
        None if info is None else Relevance(info["label"], info["probability"], info["threshold"]),
    )


def check_files(
    stories: Sequence[str | os.PathLike[str]],
    paper: str | os.PathLike[str],
    config: Config | None = None,
) -> list[StoryCheck]:
    """Read, align and judge: one :class:`StoryCheck` per story (only the fidelity step runs).

    A paper in which sciwire finds no findings is not an error: its stories' summaries say
    "the paper states no findings sciwire could detect; no claims were checked" when nothing
    was judged.

    Raises:
        InputError: When a story or the paper cannot be read (missing, empty, no text in the
            HTML...), when a story is the paper itself (the same file, or the same text), or
            when a story has no sentences; before any model loads where it can.
    """
    config = config or load_config()
    paper_doc, story_docs = read_inputs(paper, stories, config)  # refuses a story that is the paper itself
    analysis = analyze(paper_doc, story_docs, config, steps=[FIDELITY])
    for path, doc in zip(stories, analysis.stories, strict=True):
        if not doc.sentences:
            raise InputError(f"{Path(path).name} has no sentences sciwire could find; give a news story with text")
    return [story_checks(s, analysis.paper) for s in analysis.stories]
