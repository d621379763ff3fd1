"""Label sentences and files with discourse roles: the functions behind ``sciwire classify``.

Example:
    >>> preds = classify_texts(["We measured X.", "X rose by 5%."])  # doctest: +SKIP
    >>> [p.label for p in preds]                                      # doctest: +SKIP
    ['Met', 'Res']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from sciwire.backends.embeddings import Embedder
from sciwire.config import Config
from sciwire.discourse.features import SentenceSequence
from sciwire.discourse.model import RolePrediction, load_cached
from sciwire.discourse.step import label_document
from sciwire.discourse.train import make_embedder
from sciwire.document import Document
from sciwire.errors import InputError


def classify_texts(
    texts: Sequence[str],
    sections: Sequence[str] | None = None,
    *,
    task: str = "coresc",
    config: Config | None = None,
    embedder: Embedder | None = None,
    explain: bool = False,
) -> list[RolePrediction]:
    """Roles of consecutive sentences of one document (embedding included).

    Args:
        texts: The sentences, in document order.
        sections: Canonical section name per sentence (default ``body``, or ``abstract``
            for ``task="abstract"``).
        task: ``coresc`` (paper sentences) or ``abstract`` (abstract sentences).
        config: Settings (which model, embedding model, cache).
        embedder: A warm embedder to reuse.
        explain: Whether to compute explanations (slower).

    Raises:
        InputError: When ``texts`` is empty.
    """
    if not texts:
        raise InputError("classify_texts needs at least one sentence, got none")
    config = config or Config()
    embedder = embedder or make_embedder(config)
    spec = config.discourse.coresc_model if task == "coresc" else config.discourse.abstract_model
    model = load_cached(spec, task)
    default = "abstract" if task == "abstract" else "body"
    seq = SentenceSequence("input", tuple(texts), tuple(sections or [default] * len(texts)), embedder.encode(texts))
    return model.predict(seq, explain, config.discourse.top_features, config.discourse.neighbours)


def classify_file(
    path: str | os.PathLike[str], config: Config | None = None, on_progress: Callable[[int], None] | None = None
) -> Document:
    """Read a paper, split its sentences and add the ``discourse`` and ``abstract_roles`` layers.

    Raises:
        InputError: When the file is unreadable or has no sentences outside the references.
    """
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.nlp import annotate
    from sciwire.readers import read

    config = config or Config()
    doc = annotate(read(path, config=config.input), load_spacy(config.models.spacy))
    sentences = list(doc.iter_sentences())
    if not sentences:
        raise InputError(f"{path}: no sentences found outside the reference list; nothing to classify")
    vectors = make_embedder(config).encode([doc.span_text(s) for s in sentences], on_progress=on_progress)
    return label_document(doc, sentences, vectors, config)
