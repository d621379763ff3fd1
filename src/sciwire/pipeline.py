"""``analyze()``: read a paper and news stories, run the configured steps, return an :class:`Analysis`.

The analyzer itself splits sentences, finds entities, embeds sentences and aligns every story
to the paper (the layers in :data:`~sciwire.analysis.ANALYZER_WRITES`); then the steps named in
``[pipeline] steps`` run in order (:mod:`sciwire.registry` finds them by name). Each step
declares the layers it reads and writes, and the order is checked when the analyzer is built.

Example:
    >>> from sciwire.examples import paper_path, story_paths
    >>> result = analyze(paper_path(), story_paths(), steps=["fidelity"])  # doctest: +SKIP
    >>> result.stories[1].layer("fidelity")[0].label                      # doctest: +SKIP
    'exaggerates'
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from sciwire.align import align_story
from sciwire.align.model import DEFAULT_FOLDER as ALIGN_FOLDER
from sciwire.align.model import load_align_model
from sciwire.analysis import ANALYZER_WRITES, ANSWERS, Analysis, Step, StepContext, folder_label
from sciwire.backends.device import prefer_spacy_gpu
from sciwire.backends.embeddings import Embedder
from sciwire.backends.spacy_nlp import load_spacy
from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.errors import ConfigError, InputError
from sciwire.fitting import resolve_model_folder
from sciwire.nlp import annotate_many
from sciwire.readers import read
from sciwire.registry import make_step

logger = logging.getLogger(__name__)

#: A document given by path, or already read.
Source = Document | str | os.PathLike[str]


class Progress(Protocol):
    """What the pipeline reports progress to (the CLI implements it with rich)."""

    def start(self, step: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _NoProgress:
    def start(self, step: str, total: int) -> None:
        logger.debug("step: %s (%d)", step, total)

    def advance(self, n: int = 1) -> None:
        pass


def check_step_order(steps: Sequence[Step]) -> None:
    """Raise :class:`ConfigError` unless every step's layers are written by the analyzer or an earlier step.

    A layer a step reads must be written before it; a layer it reads when present
    (``optional_reads``) must not be written after it; no two steps write the same layer.

    Example:
        >>> from sciwire.analysis import BaseStep
        >>> class Reads(BaseStep):
        ...     name, reads = "reader", ("topics",)
        >>> check_step_order([Reads()])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sciwire.errors.ConfigError: Step 'reader' reads the 'topics' layer, which no step writes; add a step ...
    """
    names = [step.name for step in steps]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"Step {name!r} is listed {names.count(name)} times in pipeline.steps; list it once")
    writer: dict[str, str] = dict.fromkeys(ANALYZER_WRITES, "the analyzer")
    later: dict[str, str] = {layer: step.name for step in steps for layer in step.writes}
    for step in steps:
        for layer in (*step.reads, *step.optional_reads):
            if layer in writer:
                continue
            if layer in later:
                raise ConfigError(
                    f"Step {step.name!r} reads the {layer!r} layer, which {later[layer]!r} writes after it; "
                    f"put {later[layer]!r} before {step.name!r} in pipeline.steps"
                )
            if layer in step.reads:
                raise ConfigError(
                    f"Step {step.name!r} reads the {layer!r} layer, which no step writes; "
                    f"add a step that writes it before {step.name!r} in pipeline.steps"
                )
        for layer in step.writes:
            if layer in writer:
                raise ConfigError(f"Steps {writer[layer]!r} and {step.name!r} both write the {layer!r} layer; keep one")
            writer[layer] = step.name


class Analyzer:
    """Holds the loaded models so several analyses share one warm-up.

    Args:
        config: The resolved configuration (default: :func:`~sciwire.config.load_config`).
        steps: Step names or step objects, in order (default: ``config.pipeline.steps``).

    Raises:
        ConfigError: On an unknown step name, or steps whose layers are out of order.
    """

    def __init__(self, config: Config | None = None, steps: Sequence[str | Step] | None = None) -> None:
        self.config = config or load_config()
        chosen = self.config.pipeline.steps if steps is None else steps
        self.steps: list[Step] = [make_step(s) if isinstance(s, str) else s for s in chosen]
        check_step_order(self.steps)
        self.embedder = Embedder.from_config(self.config)
        self._warm = False

    def warm_up(self) -> None:
        """Load spaCy, the aligner, the embedding model and every step's models (once).

        Raises:
            ModelLoadError: On a model folder that is missing or damaged, before any work is done.
        """
        if self._warm:
            return
        prefer_spacy_gpu(self.config.runtime.device)
        load_spacy(self.config.models.spacy)
        load_align_model(self.config.align.model)
        self.embedder.warm_up()
        for step in self.steps:
            step.warm_up(self.config)
        self._warm = True

    def model_folders(self) -> dict[str, str]:
        """The models this analyzer uses, by name: the encoders' names and every step's model folders."""
        models = {
            "spacy": self.config.models.spacy,
            "embedding": self.config.models.embedding,
            "align": folder_label(resolve_model_folder(self.config.align.model, ALIGN_FOLDER)),
        }
        for step in self.steps:
            models.update(step.model_folders(self.config))
        return models

    def analyze(
        self,
        paper: Document,
        stories: Sequence[Document] = (),
        progress: Progress | None = None,
        questions: Sequence[str] = (),
    ) -> Analysis:
        """Annotate ``paper`` and ``stories``, align every story to the paper, run the steps.

        Raises:
            InputError: When the paper is not a paper, a story is not news, ids repeat, or
                questions are given but no step answers them.
        """
        _check_inputs(paper, stories)
        if questions and not any(ANSWERS in step.writes for step in self.steps):
            raise InputError("Questions need the 'answers' step; add it to pipeline.steps (or use --question)")
        for step in self.steps:
            step.check_inputs(paper, stories, questions)
        progress = progress or _NoProgress()
        with self.embedder.memo():  # a text is embedded once per analysis, whichever steps ask
            return self._analyze(paper, stories, progress, questions)

    def _analyze(
        self, paper: Document, stories: Sequence[Document], progress: Progress, questions: Sequence[str]
    ) -> Analysis:
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
        context = StepContext(
            self.config, self.embedder, tuple(targets), paper_vecs, tuple(story_vecs), tuple(questions)
        )
        for step in self.steps:
            with _timed(timings, step.name):
                progress.start(step.name, 1)
                paper, aligned = step.run(paper, aligned, context)
                progress.advance()
        return Analysis(
            paper,
            tuple(aligned),
            self.config,
            timings,
            steps=tuple(self.steps),
            questions=tuple(questions),
            models=self.model_folders(),
        )


def _check_inputs(paper: Document, stories: Sequence[Document]) -> None:
    if paper.kind != "paper":
        raise InputError(f"{paper.id} is a {paper.kind} document; the first input of analyze must be a paper")
    for story in stories:
        if story.kind != "news":
            raise InputError(f"{story.id} is a {story.kind} document; stories must have kind 'news'")
    ids = [paper.id, *(s.id for s in stories)]
    if len(set(ids)) != len(ids):
        raise InputError(f"Document ids must be unique, got {ids}; rename one of the files")


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = round(time.perf_counter() - start, 3)


def read_inputs(
    paper: Source, stories: Sequence[Source] = (), config: Config | None = None
) -> tuple[Document, list[Document]]:
    """Read the paper and the stories (paths, or Documents kept as they are); story ids made unique.

    Raises:
        InputError: When a story is the paper itself (the same file, checked before reading, or
            the same text once read): a story cannot report itself.
    """
    config = config or load_config()
    if not isinstance(paper, Document):
        for story in stories:
            if not isinstance(story, Document) and Path(story).resolve() == Path(paper).resolve():
                raise InputError(f"{Path(story).name} is the paper itself; give a news story about it")
    paper_doc = paper if isinstance(paper, Document) else read(paper, kind="paper", config=config.input)
    docs = [s if isinstance(s, Document) else read(s, kind="news", config=config.input) for s in stories]
    flat = " ".join(paper_doc.text.split())
    for source, doc in zip(stories, docs, strict=True):
        if flat and " ".join(doc.text.split()) == flat:
            name = doc.id if isinstance(source, Document) else Path(source).name
            paper_name = paper_doc.id if isinstance(paper, Document) else Path(paper).name
            raise InputError(f"{name} is the paper itself (the same text as {paper_name}); give a news story about it")
    seen = {paper_doc.id}
    for i, story in enumerate(docs):
        if story.id in seen:
            docs[i] = story.replace(id=f"{story.id}-{i + 1}")
        seen.add(docs[i].id)
    return paper_doc, docs


def analyze(
    paper: Source,
    stories: Sequence[Source] = (),
    config: Config | None = None,
    progress: Progress | None = None,
    *,
    steps: Sequence[str | Step] | None = None,
    questions: Sequence[str] = (),
    analyzer: Analyzer | None = None,
) -> Analysis:
    """Read (when given paths) and analyse a paper and the stories about it.

    Args:
        paper: The paper: a path (PDF, JATS XML, Markdown/text, Document JSON) or a Document.
        stories: News stories: paths (HTML, text...) or Documents.
        config: Settings (default: :func:`~sciwire.config.load_config`).
        progress: Receives progress (the CLI draws bars).
        steps: Step names or objects (default: ``pipeline.steps``); ``answers`` is added when
            ``questions`` are given.
        questions: Questions to answer from the paper.
        analyzer: A warm :class:`Analyzer` to reuse (its config and steps are used).

    Raises:
        InputError: On unreadable or unsuitable inputs.
        ConfigError: On unknown steps or steps out of order.
    """
    if analyzer is None:
        config = config or load_config()
        chosen: list[str | Step] = list(config.pipeline.steps if steps is None else steps)
        if questions and not any(s == ANSWERS or getattr(s, "name", None) == ANSWERS for s in chosen):
            chosen.append(ANSWERS)
        analyzer = Analyzer(config, chosen)
    paper_doc, story_docs = read_inputs(paper, stories, analyzer.config)
    return analyzer.analyze(paper_doc, story_docs, progress, questions)
