"""The library functions behind ``sciwire ask`` and ``sciwire add``: answers from one paper or the corpus store.

The corpus store is QA's: :func:`add_papers` reads, splits, embeds and stores papers with
their discourse roles (so answers can say "a result", "a method"); :func:`ask` answers from
it, or from one paper read into a temporary store.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack

from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, load_config
from sciwire.errors import InputError
from sciwire.qa.decision import Decision, is_closed_question
from sciwire.qa.decision import decide as decide_from
from sciwire.qa.model import load_answer_model
from sciwire.qa.retrieval import Answer, Retriever, check_question
from sciwire.readers.collection import collection_files
from sciwire.store import AddResult, SQLiteStore, Store, add_files, open_store

logger = logging.getLogger(__name__)


def make_embedder(config: Config) -> Embedder:
    """The configured embedder (cached), as used by the store."""
    return Embedder.from_config(config)


def _add(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    config: Config,
    embedder: Embedder,
    on_progress: Callable[[int], None] | None = None,
) -> list[AddResult]:
    from sciwire.discourse.step import store_enricher  # roles for the answers (discourse.enabled)

    enrich = store_enricher(config, embedder.model_key)
    return add_files(store, paths, config, embedder, on_progress=on_progress, enrich=enrich)


def add_papers(
    paths: Iterable[str | os.PathLike[str]],
    config: Config | None = None,
    store: str | os.PathLike[str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[AddResult]:
    """Add papers (files or folders) to the corpus store; unchanged files are skipped.

    Args:
        paths: Files and folders (which files of a folder count: see
            :func:`sciwire.readers.collection.collection_files`).
        config: Settings (default: :func:`~sciwire.config.load_config`).
        store: The store file (default: ``paths.store``).
        on_progress: Called with 1 after each file.

    Returns:
        One :class:`~sciwire.store.AddResult` per file, in order; a file that cannot be read is
        ``failed`` with the reason, and the others are added all the same.

    Raises:
        InputError: When a path does not exist (then nothing is added).
    """
    config = config or load_config()
    files = collection_files(paths, records=False)  # a missing path fails before the store file is made
    embedder = make_embedder(config)
    with open_store(config, store) as corpus:
        return _add(corpus, files, config, embedder, on_progress)


def ask(
    question: str,
    *,
    paper: str | os.PathLike[str] | None = None,
    store: Store | str | os.PathLike[str] | None = None,
    config: Config | None = None,
    top_k: int | None = None,
    mode: str = "hybrid",
) -> list[Answer]:
    """Answer ``question`` from one paper file, or from a corpus store (the configured one by default).

    Args:
        question: The question, in English.
        paper: Answer from this paper only.
        store: A store, or its file (default: ``paths.store``); not with ``paper``.
        config: Settings (default: :func:`~sciwire.config.load_config`).
        top_k: How many answers (default ``qa.top_k``).
        mode: ``hybrid``, ``bm25`` or ``dense``.

    Raises:
        InputError: On an empty or non-English question, both a paper and a store, a folder as
            the paper, an empty corpus or an unreadable paper.
    """
    config = config or load_config()
    check_question(question)
    if paper is not None and store is not None:
        raise InputError("Give either a paper or a store to answer from, not both")
    if paper is not None and os.path.isdir(paper):
        raise InputError(
            f"{os.fspath(paper)} is a folder, but a question is answered from one paper file; "
            f"give one file, or add the folder's papers to the corpus store (sciwire add {os.fspath(paper)}) "
            "and ask the store"
        )
    embedder = make_embedder(config)
    with ExitStack() as stack:
        if paper is not None:
            corpus: Store = stack.enter_context(SQLiteStore(":memory:"))
            (result,) = _add(corpus, [paper], config, embedder)
            if result.status == "failed":
                raise InputError(result.message)
        elif isinstance(store, Store):
            corpus = store
        else:
            corpus = stack.enter_context(open_store(config, store))
        return Retriever(corpus, embedder, config.qa).ask(question, top_k, mode)


def decision_evidence_count(config: Config | None = None) -> int:
    """How many answers :func:`decide` reads (the decision's ``top_k``; 0 when the answer model has no decision)."""
    config = config or load_config()
    head = load_answer_model(config.qa.model).decision
    return head.top_k if head is not None else 0


def decide(question: str, answers: Sequence[Answer], config: Config | None = None) -> Decision | None:
    """Yes / no / maybe for a closed question from the answers :func:`ask` found (hybrid mode), or
    "the paper does not say" (see :func:`sciwire.qa.decision.decide`).

    The evidence is the first answers of the top answer's paper (as many as the decision was
    trained on: ask for at least :func:`decision_evidence_count` answers). None when the question
    is not a yes/no question, there are no answers, they are plain retrieval (not hybrid), or the
    answer model has no decision or one for another embedding model.
    """
    config = config or load_config()
    if not answers or not is_closed_question(question) or any(a.answerable is None for a in answers):
        return None
    head = load_answer_model(config.qa.model).decision
    if head is None:
        return None
    embedder = make_embedder(config)
    if embedder.model_key != head.embedding_model:
        logger.warning(
            "No yes/no decision: it was fitted on %s vectors, the embedding model is %s",
            head.embedding_model,
            embedder.model_key,
        )
        return None
    paper = [a for a in answers if a.doc_id == answers[0].doc_id][: head.top_k]
    return decide_from(head, embedder, question, paper)
