"""Stopwords for keyphrases: spaCy's English list by default, replaceable and extensible.

A stopword never appears as a word of a candidate, nor as the first or last part of a
hyphenated word ("well-known" is out, "end-to-end" and "state-of-the-art" stay); the graph
and statistical scorers ignore stopwords too.

Settings: ``keyphrases.stopwords_file`` (one word per line, ``#`` comments; replaces the
default list) and ``keyphrases.extra_stopwords`` (comma-separated words added to it).

Example:
    >>> "method" in resolve_stopwords(extra="method, approach")
    True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sciwire.errors import ConfigError


@lru_cache(maxsize=1)
def default_stopwords() -> frozenset[str]:
    """spaCy's English stop words (326), lower-cased."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(w.lower() for w in STOP_WORDS)


def read_stopwords(path: str | Path) -> frozenset[str]:
    """Words of a stopword file: one per line, blank lines and ``#`` comments ignored.

    Raises:
        ConfigError: The file cannot be read.
    """
    try:
        lines = Path(path).expanduser().read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read keyphrases.stopwords_file {path}: {exc}") from exc
    return frozenset(w for w in (line.split("#", 1)[0].strip().lower() for line in lines) if w)


def resolve_stopwords(file: str = "", extra: str = "") -> frozenset[str]:
    """The stopword set: ``file`` (or the default list) plus the comma-separated ``extra`` words."""
    base = read_stopwords(file) if file else default_stopwords()
    added = {w.strip().lower() for w in extra.split(",") if w.strip()}
    return base | added
