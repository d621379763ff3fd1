"""The contract between the analyzer and its steps: layer names, ``Analysis``, ``StepContext``, ``Step``.

This module sits at the bottom of sciwire (it imports only the data model and the config), so
every capability can implement a step without importing the pipeline that runs it.

A **step** declares the layers it ``reads`` and ``writes`` (like spaCy's ``requires`` /
``assigns``); :class:`~sciwire.pipeline.Analyzer` checks the order when it is built. A step
hands its report parts (summary, panel, sentence badges) over in :meth:`Step.report_parts`;
nothing registers itself on import.

Example:
    >>> class WordCount(BaseStep):
    ...     name = "word_count"
    ...     reads = (SENTENCES,)
    ...     writes = ("word_count",)
    ...     def run(self, paper, stories, context):
    ...         spans = [Span(s.start, s.end, "words", score=len(paper.span_text(s).split())) for s in paper.sentences]
    ...         return paper.with_layer("word_count", spans), list(stories)
    >>> WordCount().writes
    ('word_count',)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from markupsafe import Markup

from sciwire.config import Config
from sciwire.document import Document, Sentence, Span

__all__ = [
    "ABSTRACT_ROLES",
    "ALIGNMENT",
    "ANALYZER_WRITES",
    "ANSWERS",
    "DISCOURSE",
    "EMBEDDINGS",
    "ENTITIES",
    "FIDELITY",
    "FINDINGS",
    "KEYPHRASES",
    "NEWSWORTHINESS",
    "PAPER_LINK",
    "RELEVANCE",
    "SENTENCES",
    "SHARED_ENTITIES",
    "TERMS",
    "WHO_AND_WHAT",
    "Analysis",
    "Badge",
    "BaseStep",
    "Encoder",
    "Panel",
    "ReportParts",
    "Span",
    "Step",
    "StepContext",
    "folder_label",
]

#: Where the models shipped with sciwire live.
SHIPPED_MODELS = Path(__file__).resolve().parent / "models"


def folder_label(folder: str | os.PathLike[str]) -> str:
    """How a receipt names a model folder: ``sciwire/models/<name>`` when shipped, else the absolute path.

    Example:
        >>> folder_label(SHIPPED_MODELS / "discourse_coresc")
        'sciwire/models/discourse_coresc'
    """
    path = Path(folder).expanduser().resolve()
    if path.is_relative_to(SHIPPED_MODELS):
        return "sciwire/models/" + path.relative_to(SHIPPED_MODELS).as_posix()
    return str(path)


# --- layer names -------------------------------------------------------------------------
# What the analyzer itself provides before any step runs:
#: ``Document.sentences`` of the paper and of every story.
SENTENCES = "sentences"
#: Named entities (spaCy NER), a layer on every document.
ENTITIES = "entities"
#: Sentence embeddings, shared through :class:`StepContext` (not a document layer).
EMBEDDINGS = "embeddings"
#: On each story: which paper sentences each story sentence reports (:mod:`sciwire.align`).
ALIGNMENT = "alignment"
ANALYZER_WRITES: tuple[str, ...] = (SENTENCES, ENTITIES, EMBEDDINGS, ALIGNMENT)

# What the steps shipped with sciwire write:
#: On the paper: the CoreSC concept of every sentence (:mod:`sciwire.discourse`).
DISCOURSE = "discourse"
#: On the paper: the rhetorical role of every abstract sentence (:mod:`sciwire.discourse`).
ABSTRACT_ROLES = "abstract_roles"
#: On the paper: the sentences that state a finding (:mod:`sciwire.fidelity`).
FINDINGS = "findings"
#: On each story: the verdict of every sentence that reports the paper (:mod:`sciwire.fidelity`).
FIDELITY = "fidelity"
#: On each story: one span over the whole story, "reports" or "unrelated": whether the story is
#: about the paper at all, the gate before any verdict (:mod:`sciwire.fidelity.relevance`).
RELEVANCE = "relevance"
#: On the paper and the stories: the paper's keyphrases and their mentions (:mod:`sciwire.keyphrases`).
KEYPHRASES = "keyphrases"
#: On the paper: its newsworthiness score and reasons (:mod:`sciwire.newsworthiness`).
NEWSWORTHINESS = "newsworthiness"
#: On each story: how likely it is about the paper (:mod:`sciwire.linking`).
PAPER_LINK = "paper_link"
#: On the paper and the stories: mentions of entities both share (:mod:`sciwire.linking`).
SHARED_ENTITIES = "shared_entities"
#: On the paper: the sentences that answer the analysis' questions (:mod:`sciwire.qa`).
ANSWERS = "answers"
#: On the paper: its scientific terms (method / task / material / measure / other) and every use
#: of their abbreviations, pointing at the definition (:mod:`sciwire.terms`).
TERMS = "terms"


# --- what the steps share ------------------------------------------------------------------
@runtime_checkable
class Encoder(Protocol):
    """What steps need of the sentence encoder (:class:`sciwire.backends.embeddings.Embedder`)."""

    @property
    def model_key(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def warm_up(self) -> None: ...

    def encode(
        self, texts: Sequence[str], on_progress: Callable[[int], None] | None = None, *, full_length: bool = False
    ) -> np.ndarray: ...


@dataclass(frozen=True)
class StepContext:
    """What the analyzer has already computed, shared with every step.

    ``paper_vectors[i]`` is the embedding of ``paper_sentences[i]`` (the paper's sentences
    outside the reference list); ``story_vectors[k][j]`` of sentence j of story k.
    ``questions`` are the analysis' questions (the ``answers`` step answers them).
    """

    config: Config
    embedder: Encoder
    paper_sentences: tuple[Sentence, ...]
    paper_vectors: np.ndarray
    story_vectors: tuple[np.ndarray, ...]
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """The result of an analysis: the annotated paper and stories, the steps that ran, the receipt."""

    paper: Document
    stories: tuple[Document, ...]
    config: Config
    timings: dict[str, float] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    steps: tuple[Step, ...] = ()
    questions: tuple[str, ...] = ()
    #: Model folders (or model names) each step used: ``{"discourse.coresc": "<folder>", ...}``.
    models: dict[str, str] = field(default_factory=dict)


# --- what the steps show in a report --------------------------------------------------------
#: The group of the report's "Who and what" panel: the paper's terms, their relations, the
#: stories' chains and what each story shares with the paper.
WHO_AND_WHAT = "Who and what"


@dataclass(frozen=True)
class Panel:
    """A titled block of the HTML report; ``body`` must be built with escaping (``Markup.format``).

    Panels with the same ``group`` (e.g. :data:`WHO_AND_WHAT`) are shown together, under the
    group's heading, each under its own title (``body`` headings then start at ``<h4>``).
    """

    title: str
    body: Markup
    order: int = 100
    group: str = ""


@dataclass(frozen=True)
class Badge:
    """A small label shown after a sentence, with a tooltip and an optional CSS class and colour."""

    text: str
    tooltip: str = ""
    css_class: str = ""
    color: str = ""


PanelBuilder = Callable[[Analysis], Panel | None]
BadgeBuilder = Callable[[Document, Sentence], Sequence[Badge]]
SummaryBuilder = Callable[[Analysis], dict[str, Any] | None]


@dataclass(frozen=True)
class ReportParts:
    """What a step adds to a report: ``report.json["summary"][step.name]``, an HTML panel, sentence badges.

    Document text is untrusted: panels and badges escape it (``markupsafe``).
    """

    summary: SummaryBuilder | None = None
    panel: PanelBuilder | None = None
    badges: BadgeBuilder | None = None


# --- the step contract -----------------------------------------------------------------------
@runtime_checkable
class Step(Protocol):
    """An analysis that adds layers once sentences, entities, embeddings and alignment exist.

    ``reads``: layers that an earlier step (or the analyzer) must write; ``optional_reads``:
    layers used when present, so a step that writes one must come earlier; ``writes``: the
    layers it adds. ``check_inputs`` rejects unsuitable inputs before any model loads;
    ``warm_up`` loads models once; ``run`` returns new documents and never mutates its inputs.
    """

    @property
    def name(self) -> str: ...

    @property
    def reads(self) -> tuple[str, ...]: ...

    @property
    def optional_reads(self) -> tuple[str, ...]: ...

    @property
    def writes(self) -> tuple[str, ...]: ...

    def check_inputs(self, paper: Document, stories: Sequence[Document], questions: Sequence[str]) -> None: ...

    def warm_up(self, config: Config) -> None: ...

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]: ...

    def report_parts(self) -> ReportParts: ...

    def model_folders(self, config: Config) -> dict[str, str]: ...


class BaseStep:
    """Defaults for a :class:`Step`: nothing to load, no report parts, no model folders."""

    name: str = ""
    reads: tuple[str, ...] = ()
    optional_reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()

    def check_inputs(self, paper: Document, stories: Sequence[Document], questions: Sequence[str]) -> None:
        """Raise :class:`~sciwire.errors.InputError` on inputs this step cannot use (nothing by default)."""

    def warm_up(self, config: Config) -> None:
        """Load models once (nothing by default)."""

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        raise NotImplementedError(f"Step {self.name!r} must implement run()")

    def report_parts(self) -> ReportParts:
        """What the step shows in report.json and report.html (nothing by default)."""
        return ReportParts()

    def model_folders(self, config: Config) -> dict[str, str]:
        """The model folders this step loads with ``config``, for the report's receipt."""
        return {}
