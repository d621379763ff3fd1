"""``rank_files``: the library function behind ``sciwire rank PAPERS... [--top K] [--csv FILE] [--html FILE]``.

Example:
    >>> ranking = rank_files(["papers.jsonl", "export.xml"], top=10, csv="ranking.csv")  # doctest: +SKIP
    >>> print(ranking.papers[0].reasons[0])                                              # doctest: +SKIP
    + health topic
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from sciwire.config import Config, load_config
from sciwire.newsworthiness.papers import read_papers
from sciwire.newsworthiness.ranking import Ranker, Ranking
from sciwire.newsworthiness.render import ranking_csv, ranking_html, write_text


def rank_files(
    paths: Sequence[str | os.PathLike[str]],
    config: Config | None = None,
    *,
    top: int | None = None,
    csv: str | os.PathLike[str] | None = None,
    html: str | os.PathLike[str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Ranking:
    """Read papers, rank them by newsworthiness and write the ranking as CSV and/or HTML.

    Args:
        paths: Paper files, folders, JSONL files (or JSON lists) and arXiv Atom exports (see
            :func:`~sciwire.newsworthiness.papers.read_papers`).
        config: Settings, ``newsworthiness.model`` among them (default: :func:`~sciwire.config.load_config`).
        top: Keep the ``top`` most newsworthy (default: all).
        csv: Also write the ranking here as CSV.
        html: Also write it here as one self-contained HTML page.
        on_progress: Called with 1 per embedded abstract.

    Returns:
        The ranking (score, confidence and reasons per paper).

    Raises:
        InputError: When a path does not exist, a record or a file cannot be read, or ids repeat.
        ModelLoadError: When ``newsworthiness.model`` is not a model folder this setup can use.
        OutputError: When a file cannot be written; both are rendered before either is written.
    """
    config = config or load_config()
    papers = read_papers(paths, config.input)
    ranking = Ranker(config).rank(papers, top, on_progress=on_progress)
    outputs = [(csv, ranking_csv), (html, ranking_html)]
    rendered = [(path, render(ranking)) for path, render in outputs if path is not None]
    for path, text in rendered:
        write_text(path, text)
    return ranking
