"""Sentence splitting and named entities for Documents."""

from sciwire.nlp.annotate import annotate, annotate_many
from sciwire.nlp.sentences import repair_boundaries

__all__ = ["annotate", "annotate_many", "repair_boundaries"]
