"""spaCy pipelines for keyphrases, loaded once per process, separate from the shared one.

The shared pipeline (:func:`sciwire.backends.spacy_nlp.load_spacy`) drops the lemmatizer.
Keyphrase candidates need part-of-speech tags and lemmas but no dependency parse (noun
phrases are found with POS patterns, see :mod:`sciwire.keyphrases.candidates`), so the
``tagged`` variant keeps tok2vec, tagger, attribute_ruler, lemmatizer and the statistical
sentence splitter and excludes the parser and NER: about 1.3x faster than with the parser
(measured on SemEval-2010 papers and Inspec abstracts, see docs/keyphrases.md). The
``tokenizer`` variant (for the fast mode) only tokenises. Both are views of the pipeline read
from disk once per process (:func:`sciwire.backends.spacy_nlp.full_pipeline`).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from sciwire.backends.spacy_nlp import full_pipeline, pipeline_with
from sciwire.errors import ModelLoadError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

TAGGED_EXCLUDE: tuple[str, ...] = ("parser", "ner")
#: Texts are cut into pieces of about this many characters (at paragraph or line breaks) before
#: spaCy sees them: memory stays bounded on full papers and spaCy's max_length never trips.
CHUNK_CHARS = 20_000


@lru_cache(maxsize=4)
def load_keyphrase_nlp(name: str, tagged: bool = True) -> Language:
    """The spaCy pipeline ``name`` prepared for keyphrase candidates.

    Args:
        name: An installed spaCy package or a pipeline folder (``models.spacy``).
        tagged: Keep the tagger, lemmatizer and sentence splitter; ``False`` loads the tokenizer only.

    Raises:
        MissingDependencyError: spaCy is not installed.
        ModelLoadError: The pipeline cannot be loaded, or lacks a tagger when ``tagged``.
    """
    full = full_pipeline(name)
    if tagged:
        if "tagger" not in full.component_names and "morphologizer" not in full.component_names:
            raise ModelLoadError(
                f"The spaCy pipeline {name!r} has no tagger or morphologizer (it has {full.component_names}); "
                "keyphrase candidates need part-of-speech tags"
            )
        nlp = pipeline_with(name, [p for p in full.component_names if p not in TAGGED_EXCLUDE])
        if "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
    else:
        nlp = pipeline_with(name, [])
    logger.info("Loaded spaCy pipeline %s for keyphrases (%s)", name, ", ".join(nlp.pipe_names) or "tokenizer")
    return nlp


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` into ``(offset, piece)`` pieces of at most about ``size`` characters.

    Cuts prefer a blank line, then a line break, then a space, in the last third of the window;
    a text without any of them is cut hard. Pieces concatenate back to ``text``.
    """
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep, size * 2 // 3)
            if cut > 0:
                cut += len(sep)
                break
        if cut <= 0:
            cut = size
        pieces.append((start, text[start : start + cut]))
        start += cut
    if start < len(text) or not pieces:
        pieces.append((start, text[start:]))
    return pieces
