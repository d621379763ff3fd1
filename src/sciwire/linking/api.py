"""``link_story``: the library function behind ``sciwire link STORY --papers PATH``."""

from __future__ import annotations

import os

from sciwire.config import Config
from sciwire.linking.finder import PaperFinder, PaperMatch
from sciwire.linking.papers import load_papers
from sciwire.store.base import Store


def link_story(
    story_path: str | os.PathLike[str],
    papers: str | os.PathLike[str] | Store,
    config: Config | None = None,
    top_k: int | None = None,
) -> list[PaperMatch]:
    """Read a news story and rank the papers of a folder, a JSONL file or a corpus store for it.

    Args:
        story_path: The story (HTML, text, Document JSON...).
        papers: The collection (see :func:`sciwire.linking.papers.load_papers`).
        config: Settings (weights in ``config.link``).
        top_k: How many papers to return (default ``link.find_top_k``).

    Raises:
        InputError: An unreadable story, a story without text, or an empty collection.
    """
    from sciwire.readers import read

    config = config or Config()
    story = read(story_path, kind="news", config=config.input)
    collection = load_papers(papers, config.input)
    return PaperFinder(config).index(collection).rank(story, top_k=top_k)
