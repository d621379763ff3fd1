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


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A random-weight BERT sentence-transformer built locally: exercises the hub/path loading code."""
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers import models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-st")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "mice", "sleep", "slept", "longer", "the", "a", "."]
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(words) + "\n")
    bert_dir = folder / "bert"
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64)  # fmt: skip
    import torch

    torch.manual_seed(0)  # the same random weights every run (int8 error on them is then fixed, not drawn)
    BertModel(config).save_pretrained(bert_dir)
    BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(bert_dir)
    body = models.Transformer(str(bert_dir), max_seq_length=32)
    pooling = models.Pooling(
        (getattr(body, "get_embedding_dimension", None) or body.get_word_embedding_dimension)(), pooling_mode="mean"
    )
    out = folder / "st"
    SentenceTransformer(modules=[body, pooling], device="cpu").save(str(out))
    return out


@pytest.fixture
def interrupt_second_read(monkeypatch):
    """Ctrl-C while ``sciwire add`` reads its second file: ``sciwire.store.ingest.read`` raises
    KeyboardInterrupt on its second call. Returns the paths read so far."""
    from sciwire.store import ingest

    real_read, calls = ingest.read, []

    def read(path, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_read(path, **kwargs)

    monkeypatch.setattr(ingest, "read", read)
    return calls
