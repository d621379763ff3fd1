"""sciwire: read scientific papers and the news about them.

The public surface is small: read documents, analyse a paper with the stories about it, and
resolve the configuration. Each capability's library functions live in its ``api`` module
(``sciwire.fidelity.api``, ``sciwire.qa.api``...).

Example:
    >>> import sciwire
    >>> from sciwire.examples import paper_path, story_paths
    >>> analysis = sciwire.analyze(paper_path(), story_paths(), steps=["fidelity"])  # doctest: +SKIP
    >>> [s.id for s in analysis.stories]                                              # doctest: +SKIP
    ['story-faithful', 'story-overstated']

Heavy names (``analyze``, ``Analyzer``, ``read``) are imported on first use, so ``import sciwire``
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sciwire.analysis import Analysis
from sciwire.config import Config, load_config
from sciwire.document import Document, Metadata, Section, Sentence, Span
from sciwire.errors import SciwireError
from sciwire.version import __version__

if TYPE_CHECKING:
    from sciwire.pipeline import Analyzer, analyze
    from sciwire.readers import read

_LAZY = {"analyze": "sciwire.pipeline", "Analyzer": "sciwire.pipeline", "read": "sciwire.readers"}

__all__ = [
    "Analysis",
    "Analyzer",
    "Config",
    "Document",
    "Metadata",
    "SciwireError",
    "Section",
    "Sentence",
    "Span",
    "__version__",
    "analyze",
    "load_config",
    "read",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sciwire' has no attribute {name!r}")
