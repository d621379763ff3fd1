"""Sentence vectors for the methods: one shared :class:`~sciwire.backends.embeddings.Embedder` per model.

Methods embed through :func:`embed`, so a benchmark or an active-learning loop that fits many
models on the same texts loads MiniLM once and reuses vectors (inside ``embedder_for(...).memo()``
or through the on-disk cache of ``cache_dir``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sciwire.backends.embeddings import Embedder
from sciwire.config import DEFAULT_EMBEDDING_MODEL

_EMBEDDERS: dict[tuple[str, str | None], Embedder] = {}


def embedder_for(model: str = DEFAULT_EMBEDDING_MODEL, cache_dir: str | None = None) -> Embedder:
    """The process's embedder of ``model`` (created once; nothing loads until it encodes)."""
    key = (model, cache_dir)
    if key not in _EMBEDDERS:
        _EMBEDDERS[key] = Embedder(model, cache_dir=cache_dir)
    return _EMBEDDERS[key]


def embed(texts: Sequence[str], model: str = DEFAULT_EMBEDDING_MODEL, cache_dir: str | None = None) -> np.ndarray:
    """L2-normalised float32 vectors of ``texts``, shape ``(len(texts), dimension)``."""
    return embedder_for(model, cache_dir).encode(list(texts))
