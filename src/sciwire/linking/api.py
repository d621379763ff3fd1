"""``link_story``: the library function behind ``sciwire link STORY (--papers PATH | --corpus)``."""

from __future__ import annotations

import os

from sciwire.config import Config, load_config
from sciwire.errors import InputError
from sciwire.linking.finder import PaperFinder, PaperMatch
from sciwire.linking.papers import load_papers
from sciwire.readers import read
from sciwire.store import Store, is_store_file


def link_story(
    story_path: str | os.PathLike[str],
    papers: str | os.PathLike[str] | Store | None = None,
    config: Config | None = None,
    top_k: int | None = None,
) -> list[PaperMatch]:
    """Read a news story and rank the papers of a collection or a corpus store for it.

    Args:
        story_path: The story (HTML, text, Document JSON...).
        papers: The collection (see :func:`sciwire.linking.papers.load_papers`); None: the
            configured corpus store (``paths.store``).
        config: Settings (default: :func:`~sciwire.config.load_config`).
        top_k: How many papers to return (default ``link.find_top_k``).

    Raises:
        InputError: An unreadable story, a story without text, an empty collection, or no
            corpus store where one is asked for.
    """
    config = config or load_config()
    if papers is None and not is_store_file(config.paths.store):
        raise InputError(
            f"The corpus store {config.paths.store} does not exist yet; fill it with 'sciwire add PAPERS...' "
            "or give the papers with --papers PATH"
        )
    story = read(story_path, kind="news", config=config.input)
    collection = load_papers(papers if papers is not None else config.paths.store, config.input)
    return PaperFinder(config).index(collection).rank(story, top_k=top_k)
