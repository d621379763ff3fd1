"""Vectors of spans *in context*: mean of the encoder's last-layer token vectors over a span.

The sentence encoder (all-MiniLM-L6-v2 by default, the same setting ``models.embedding``)
reads the whole sentence; a span's vector is the mean of the vectors of the word pieces
that overlap its characters, L2-normalised. "It" in "It cut infections" and in "It rained"
thus get different vectors. Loaded once per process, offline like :class:`Embedder`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from sciwire.backends.device import resolve_device
from sciwire.backends.embeddings import encoder_blocks, resolve_model, shared_sentence_transformer
from sciwire.backends.layer_states import SHARED_STATES
from sciwire.errors import ModelLoadError

logger = logging.getLogger(__name__)


@lru_cache(maxsize=2)
def load_token_encoder(model: str, device: str = "cpu") -> Any:
    """The sentence-transformers model ``model`` (same resolution rules as :class:`Embedder`)."""
    target, key = resolve_model(model)
    try:
        encoder = shared_sentence_transformer(target, resolve_device(device))
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise ModelLoadError(f"Cannot load the encoder {model!r} ({target}) for span vectors: {exc}") from exc
    blocks = encoder_blocks(encoder)
    if blocks is not None:  # the sentence embedder keeps the last layer's states of what it embeds
        SHARED_STATES.request(key, len(blocks))
    return encoder


def span_vectors(
    encoder: Any,
    sentences: Sequence[str],
    spans: Sequence[tuple[int, int, int]],
    batch_size: int = 32,
    memo: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    model_key: str | None = None,
) -> np.ndarray:
    """One normalised vector per span.

    Args:
        encoder: A SentenceTransformer (see :func:`load_token_encoder`).
        sentences: The sentence texts.
        spans: ``(sentence index, start, end)`` with character offsets inside that sentence.
        batch_size: Sentences per forward pass.
        memo: Token offsets and vectors by sentence text, reused and filled (e.g. a paper's
            sentences shared by several stories).
        model_key: The encoder's key (:func:`~sciwire.backends.embeddings.resolve_model`): token
            states the sentence embedder kept for these sentences are reused, not computed again.

    Returns:
        Array of shape ``(len(spans), dim)``; a span cut off by truncation gets the mean of
        the whole sentence.
    """
    getter = getattr(encoder, "get_embedding_dimension", None) or encoder.get_sentence_embedding_dimension
    dim = int(getter())
    out = np.zeros((len(spans), dim), dtype=np.float32)
    if not spans:
        return out
    memo = {} if memo is None else memo
    needed = sorted({s for s, _, _ in spans if sentences[s] not in memo})
    max_len = encoder.max_seq_length
    blocks = encoder_blocks(encoder) if model_key else None
    kept: dict[int, Any] = {}
    if blocks is not None and model_key is not None:
        for i in needed:
            found = SHARED_STATES.get(model_key, len(blocks), sentences[i], max_len)
            if found is not None:
                kept[i] = found
    needed = [i for i in needed if i not in kept]
    tokens = encoder.encode(
        [sentences[i] for i in needed],
        output_value="token_embeddings",
        batch_size=batch_size,
        convert_to_numpy=False,
        show_progress_bar=False,
    )
    for i, vecs in [*zip(needed, tokens, strict=True), *kept.items()]:
        enc = encoder.tokenizer(sentences[i], return_offsets_mapping=True, truncation=True, max_length=max_len)
        offsets = np.asarray(enc["offset_mapping"], dtype=int)
        arr = vecs.detach().cpu().numpy() if hasattr(vecs, "detach") else np.asarray(vecs)
        n = min(len(offsets), len(arr))
        memo[sentences[i]] = (offsets[:n], arr[:n])
    for row, (s, start, end) in enumerate(spans):
        offsets, arr = memo[sentences[s]]
        real = offsets[:, 1] > offsets[:, 0]
        inside = real & (offsets[:, 0] < end) & (offsets[:, 1] > start)
        vec = arr[inside].mean(axis=0) if inside.any() else arr[real].mean(axis=0) if real.any() else arr.mean(axis=0)
        norm = float(np.linalg.norm(vec))
        out[row] = vec / norm if norm else vec
    return out
