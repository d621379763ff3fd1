"""arXiv titles and abstracts with their subject categories (the Keras multi-label tutorial's format).

File: ``<data_dir>/arxiv_multilabel/arxiv_data.csv`` with columns ``titles``, ``summaries``,
``terms`` (a Python-literal list such as ``"['cs.CV', 'cs.LG']"``), ``word_count`` and
``unique_word_count``. Licence: arXiv metadata reuse, so a model trained on it may ship.

Example:
    >>> parse_terms("['cs.CV', 'stat.ML']")
    ('cs.CV', 'stat.ML')
"""

from __future__ import annotations

import ast
import csv
import os
from dataclasses import dataclass

from sciwire.datasets.base import data_path
from sciwire.errors import InputError


@dataclass(frozen=True)
class TaggedAbstract:
    """One arXiv record: ``id`` is ``"arxiv-{row}"`` (1 = the first data row)."""

    id: str
    title: str
    abstract: str
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        """Title and abstract, as the tagger reads them."""
        return f"{self.title}. {self.abstract}"


def parse_terms(value: str) -> tuple[str, ...]:
    """The categories of a ``terms`` cell (a Python-literal list of strings), read without ``eval``.

    Raises:
        InputError: When the cell is not a list of strings.
    """
    try:
        terms = ast.literal_eval(value)
    except (ValueError, SyntaxError) as exc:
        raise InputError(f"terms {value[:60]!r} is not a Python-literal list of strings") from exc
    if not isinstance(terms, list | tuple) or not all(isinstance(t, str) for t in terms):
        raise InputError(f"terms {value[:60]!r} is not a Python-literal list of strings")
    return tuple(dict.fromkeys(t.strip() for t in terms if t.strip()))


def load_arxiv(data_dir: str | os.PathLike[str]) -> list[TaggedAbstract]:
    """The records of ``arxiv_multilabel/arxiv_data.csv``, in file order.

    Raises:
        InputError: On a missing file, a missing column or a bad ``terms`` cell.
    """
    path = data_path(data_dir, "arxiv_multilabel", "arxiv_data.csv")
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"titles", "summaries", "terms"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"{path.name} lacks the columns {sorted(missing)}; expected titles,summaries,terms")
        for n, row in enumerate(reader, start=1):
            try:
                tags = parse_terms(row["terms"])
            except InputError as exc:
                raise InputError(f"{path.name} record {n}: {exc}") from exc
            title = " ".join(row["titles"].split())
            abstract = " ".join(row["summaries"].split())
            out.append(TaggedAbstract(f"arxiv-{n}", title, abstract, tags))
    return out
