"""News <-> paper linking: which paper a story is about, and which entities they share.

- :class:`PaperFinder` / :func:`find_papers`: rank a collection of papers for a story
  (BM25, embeddings, sentence alignment and metadata, combined by a small logistic model).
- :class:`EntityLinker`: mentions in both documents and cross-document coreference.
- :mod:`sciwire.linking.evaluate`: MUC, B³, CEAF-e and CoNLL F1.
"""

from sciwire.linking.crossdoc import EntityLinker, EntityPair, Linking
from sciwire.linking.evaluate import b_cubed, ceaf_e, conll_f1, muc
from sciwire.linking.finder import PaperFinder, PaperMatch, find_papers
from sciwire.linking.papers import load_papers

__all__ = [
    "EntityLinker",
    "EntityPair",
    "Linking",
    "PaperFinder",
    "PaperMatch",
    "b_cubed",
    "ceaf_e",
    "conll_f1",
    "find_papers",
    "load_papers",
    "muc",
]
