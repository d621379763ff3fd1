"""``ask()``: the library function behind ``sciwire ask``, over one paper or the corpus store."""

from __future__ import annotations

import os

from sciwire.backends.embeddings import Embedder
from sciwire.config import Config
from sciwire.errors import InputError
from sciwire.qa.retrieval import Answer, Retriever, check_question
from sciwire.store import SQLiteStore, Store, add_files, open_store


def make_embedder(config: Config) -> Embedder:
    """The configured embedder (cached), as used by the store."""
    return Embedder.from_config(config)


def ask(
    question: str,
    *,
    paper: str | os.PathLike[str] | None = None,
    store: Store | None = None,
    config: Config | None = None,
    top_k: int | None = None,
    mode: str = "hybrid",
) -> list[Answer]:
    """Answer ``question`` from one paper file, or from a corpus store (the configured one by default).

    Raises:
        InputError: On an empty or non-English question, an empty corpus or an unreadable paper.
    """
    config = config or Config()
    check_question(question)
    embedder = make_embedder(config)
    if paper is not None:
        from sciwire.discourse.step import store_enricher  # roles for the answers (discourse.enabled)

        enrich = store_enricher(config, embedder.model_key)
        with SQLiteStore(":memory:") as temp:
            (result,) = add_files(temp, [paper], config, embedder, enrich=enrich)
            if result.status == "failed":
                raise InputError(result.message)
            return Retriever(temp, embedder, config.qa).ask(question, top_k, mode)
    own = store is None
    corpus = store if store is not None else open_store(config)
    try:
        return Retriever(corpus, embedder, config.qa).ask(question, top_k, mode)
    finally:
        if own:
            corpus.close()
