"""Shared fixtures: real small models (loaded once per session) and the optional data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def nlp():
    """The real offline spaCy pipeline, as sciwire configures it."""
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.config import DEFAULT_SPACY_MODEL

    return load_spacy(DEFAULT_SPACY_MODEL)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sciwire-cache")


@pytest.fixture(scope="session")
def embedder(cache_dir):
    """The bundled all-MiniLM-L6-v2, loaded once, with a per-session cache."""
    from sciwire.backends.embeddings import Embedder

    enc = Embedder(cache_dir=cache_dir)
    enc.warm_up()
    return enc


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The research data folder; tests that need it skip when it is absent."""
    path = Path(os.environ.get("SCIWIRE_DATA", ROOT.parent / "shared" / "data"))
    if not (path / "README.md").exists():
        pytest.skip(f"research data folder not found at {path} (set SCIWIRE_DATA)")
    return path
