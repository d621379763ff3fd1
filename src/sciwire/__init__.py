"""sciwire: read scientific papers and the news about them.

The public names are re-exported here; everything else lives in its subpackage.
"""

from sciwire.config import Config, load_config
from sciwire.document import Document, Metadata, Section, Sentence, Span
from sciwire.errors import SciwireError
from sciwire.version import __version__

__all__ = [
    "Config",
    "Document",
    "Metadata",
    "SciwireError",
    "Section",
    "Sentence",
    "Span",
    "__version__",
    "load_config",
]
