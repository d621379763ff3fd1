"""Pick the compute device and say clearly when a requested GPU is not there."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def cuda_available() -> bool:
    """True when torch is importable and sees a CUDA device."""
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def resolve_device(requested: str) -> str:
    """Map a config value (``cpu``, ``gpu``, ``auto``) to the torch device to use.

    ``gpu`` without a usable CUDA device falls back to ``cpu`` with a warning; ``auto``
    takes the GPU when present, silently.

    Args:
        requested: ``"cpu"``, ``"gpu"`` or ``"auto"``.

    Returns:
        ``"cuda"`` or ``"cpu"``.
    """
    if requested == "cpu":
        return "cpu"
    if cuda_available():
        logger.info("Using the GPU (CUDA) for embeddings")
        return "cuda"
    if requested == "gpu":
        logger.warning(
            "GPU requested but no CUDA device is available (torch.cuda.is_available() is False); running on CPU"
        )
    return "cpu"


def prefer_spacy_gpu(requested: str) -> bool:
    """Ask spaCy to use the GPU when requested; returns whether it does.

    spaCy needs cupy for this; without it spaCy stays on the CPU and we say so.
    """
    if requested == "cpu":
        return False
    import spacy

    try:
        on_gpu = bool(spacy.prefer_gpu())
    except (ImportError, ValueError, RuntimeError) as exc:  # cupy missing or broken
        logger.debug("spacy.prefer_gpu() failed: %s", exc)
        on_gpu = False
    if not on_gpu and requested == "gpu":
        logger.warning("GPU requested but spaCy cannot use one (needs CUDA and cupy); spaCy runs on CPU")
    return on_gpu
