"""``analyze()``: read a paper and news stories, run every available analysis, return the result.

Steps, in order: read -> sentences and entities (spaCy) -> sentence embeddings -> story <->
paper alignment. Later capabilities add their layers here.

Example:
    >>> from sciwire.examples import paper_path, story_paths
    >>> result = analyze_files(paper_path(), story_paths())  # doctest: +SKIP
    >>> result.stories[0].layer("alignment")[0].label         # doctest: +SKIP
    'reports'
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

from sciwire.align import align_story
from sciwire.backends.device import prefer_spacy_gpu
from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import Config
from sciwire.document import Document, Sentence
from sciwire.errors import InputError
from sciwire.nlp import annotate_many
from sciwire.readers import read

logger = logging.getLogger(__name__)


class Progress(Protocol):
    """What the pipeline reports progress to (the CLI implements it with rich)."""

    def start(self, step: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


@dataclass(frozen=True)
class StepContext:
    """What the pipeline has already computed, shared with every step.

    ``paper_vectors[i]`` is the embedding of ``paper_sentences[i]`` (the paper's sentences
    outside the reference list); ``story_vectors[k][j]`` of sentence j of story k.
    """

    config: Config
    embedder: Embedder
    paper_sentences: tuple[Sentence, ...]
    paper_vectors: np.ndarray
    story_vectors: tuple[np.ndarray, ...]


class Step(Protocol):
    """An analysis that adds layers after sentences, embeddings and alignment exist.

    ``warm_up`` loads models once; ``run`` returns new documents (never mutates inputs).
    """

    name: str

    def warm_up(self, config: Config) -> None: ...

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]: ...


def default_steps() -> list[Step]:
    """The steps ``sciwire analyze`` runs after alignment, in order.

    Capabilities add themselves here (imports stay local so ``import sciwire`` is cheap).
    """
    from sciwire.discourse.step import DiscourseStep
    from sciwire.fidelity.step import FidelityStep
    from sciwire.keyphrases.step import KeyphraseStep
    from sciwire.linking.step import LinkingStep
    from sciwire.newsworthiness.step import NewsworthinessStep

    # Discourse roles first: fidelity reads them (findings) and the report colours by them.
    return [DiscourseStep(), FidelityStep(), KeyphraseStep(), NewsworthinessStep(), LinkingStep()]


class _NoProgress:
    def start(self, step: str, total: int) -> None:
        logger.debug("step: %s (%d)", step, total)

    def advance(self, n: int = 1) -> None:
        pass


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyze`: the annotated paper and stories, and the receipt."""

    paper: Document
    stories: tuple[Document, ...]
    config: Config
    timings: dict[str, float] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class Analyzer:
    """Holds the loaded models so several analyses share one warm-up.

    Args:
        config: The resolved configuration.
    """

    def __init__(self, config: Config | None = None, steps: Sequence[Step] | None = None) -> None:
        self.config = config or Config()
        self.steps = list(default_steps() if steps is None else steps)
        self.embedder = Embedder.from_config(self.config)
        self._warm = False

    def warm_up(self) -> None:
        """Load spaCy and the embedding model (once)."""
        if self._warm:
            return
        prefer_spacy_gpu(self.config.runtime.device)
        load_spacy(self.config.models.spacy)
        self.embedder.warm_up()
        for step in self.steps:
            step.warm_up(self.config)
        self._warm = True

    def analyze(self, paper: Document, stories: Sequence[Document] = (), progress: Progress | None = None) -> Analysis:
        """Annotate ``paper`` and ``stories`` and align every story to the paper.

        Raises:
            InputError: When the paper is not a paper or a story is not news.
        """
        if paper.kind != "paper":
            raise InputError(f"{paper.id} is a {paper.kind} document; the first input of analyze must be a paper")
        for story in stories:
            if story.kind != "news":
                raise InputError(f"{story.id} is a {story.kind} document; stories must have kind 'news'")
        ids = [paper.id, *(s.id for s in stories)]
        if len(set(ids)) != len(ids):
            raise InputError(f"Document ids must be unique, got {ids}; rename one of the files")
        progress = progress or _NoProgress()
        timings: dict[str, float] = {}
        with _timed(timings, "load_models"):
            self.warm_up()
        docs = [paper, *stories]
        with _timed(timings, "sentences_entities"):
            progress.start("Sentences and entities", sum(t.text.count("\n\n") + 1 for t in docs))
            docs = annotate_many(docs, load_spacy(self.config.models.spacy), on_progress=progress.advance)
        paper, stories = docs[0], docs[1:]
        targets = list(paper.iter_sentences())
        texts = [paper.span_text(s) for s in targets] + [t for s in stories for t in s.sentence_texts()]
        with _timed(timings, "embeddings"):
            progress.start("Sentence embeddings", len(texts))
            vecs = self.embedder.encode(texts, on_progress=progress.advance)
        paper_vecs, pos = vecs[: len(targets)], len(targets)
        story_vecs = []
        for story in stories:
            story_vecs.append(vecs[pos : pos + len(story.sentences)])
            pos += len(story.sentences)
        with _timed(timings, "alignment"):
            progress.start("Aligning stories", len(stories))
            aligned = []
            for story, story_vec in zip(stories, story_vecs, strict=True):
                aligned.append(align_story(story, paper, story_vec, paper_vecs, self.config.align, targets))
                progress.advance()
        context = StepContext(self.config, self.embedder, tuple(targets), paper_vecs, tuple(story_vecs))
        for step in self.steps:
            with _timed(timings, step.name):
                progress.start(step.name, 1)
                paper, aligned = step.run(paper, aligned, context)
                progress.advance()
        return Analysis(paper, tuple(aligned), self.config, timings)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 3)


def analyze(
    paper: Document, stories: Sequence[Document] = (), config: Config | None = None, progress: Progress | None = None
) -> Analysis:
    """Analyse documents already read (see :class:`Analyzer` to reuse loaded models)."""
    return Analyzer(config).analyze(paper, stories, progress)


def read_inputs(
    paper_path: str | os.PathLike[str], news_paths: Sequence[str | os.PathLike[str]] = (), config: Config | None = None
) -> tuple[Document, list[Document]]:
    """Read the paper and the stories with the configured input limits; ids made unique."""
    config = config or Config()
    paper = read(paper_path, kind="paper", config=config.input)
    stories = [read(p, kind="news", config=config.input) for p in news_paths]
    seen = {paper.id}
    for i, story in enumerate(stories):
        if story.id in seen:
            stories[i] = story.replace(id=f"{story.id}-{i + 1}")
        seen.add(stories[i].id)
    return paper, stories


def analyze_files(
    paper_path: str | os.PathLike[str],
    news_paths: Sequence[str | os.PathLike[str]] = (),
    config: Config | None = None,
    progress: Progress | None = None,
    analyzer: Analyzer | None = None,
) -> Analysis:
    """Read files and analyse them: the library function behind ``sciwire analyze``."""
    analyzer = analyzer or Analyzer(config)
    paper, stories = read_inputs(paper_path, news_paths, analyzer.config)
    return analyzer.analyze(paper, stories, progress)
