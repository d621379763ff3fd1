"""Story <-> paper sentence alignment: which paper sentences does each news sentence report?"""

from sciwire.align.aligner import align_story, match_probability
from sciwire.align.lexical import content_terms, idf_weights, lexical_overlap

__all__ = [
    "align_story",
    "content_terms",
    "idf_weights",
    "lexical_overlap",
    "match_probability",
]
