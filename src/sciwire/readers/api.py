"""``read_document``: the library function behind ``sciwire read FILE [--kind K] [--sentences]``."""

from __future__ import annotations

import os

from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.readers import read


def read_document(
    path: str | os.PathLike[str], config: Config | None = None, *, kind: str | None = None, sentences: bool = False
) -> Document:
    """Read a file into a Document; with ``sentences``, also split its sentences and find entities.

    Args:
        path: A PDF, JATS XML, news HTML, Markdown/plain text or Document JSON file.
        config: Settings: input limits, and ``models.spacy`` for sentences (default:
            :func:`~sciwire.config.load_config`).
        kind: ``"paper"`` or ``"news"`` (default: from the format, see :func:`~sciwire.readers.read`).
        sentences: Add sentences and the ``entities`` layer (loads spaCy).

    Raises:
        InputError: When ``kind`` is unknown or the file cannot be read (see :func:`~sciwire.readers.read`).
        ModelLoadError: When the spaCy model cannot be loaded.
    """
    config = config or load_config()
    doc = read(path, kind=kind, config=config.input)
    if not sentences:
        return doc
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.nlp import annotate

    return annotate(doc, load_spacy(config.models.spacy))
