"""Cheap lexical evidence: IDF-weighted share of a news sentence's terms found in a paper sentence.

Pure functions on strings and sets, independent of spaCy, so alignment stays fast.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

WORD = re.compile(r"[A-Za-z][A-Za-z\-]+|\d+(?:[.,]\d+)?%?")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my new no nor
    not now of off on once only or other our ours out over own said same says she should so some such than
    that the their them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your study researchers research team
    found find finds findings show shows showed shown suggest suggests suggested according results result
    paper scientists report reported one two may might""".split()
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Lower-cased Snowball (Porter 2) stem; numbers are kept as they are."""
    w = word.lower()
    if w[:1].isdigit():
        return w
    return str(_stemmer().stemWord(w))


def content_terms(text: str) -> frozenset[str]:
    """Stemmed content words and numbers of ``text`` (stopwords removed)."""
    return frozenset(stem(w) for w in WORD.findall(text) if w.lower() not in STOPWORDS)


def idf_weights(term_sets: Sequence[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency of each term over a collection of sentences."""
    n = len(term_sets)
    df: Counter[str] = Counter()
    for terms in term_sets:
        df.update(set(terms))
    return {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}


def lexical_overlap(news: frozenset[str], paper: frozenset[str], idf: Mapping[str, float], default_idf: float) -> float:
    """IDF-weighted share of the news sentence's terms that the paper sentence contains (0..1)."""
    if not news:
        return 0.0
    total = sum(idf.get(t, default_idf) for t in news)
    shared = sum(idf.get(t, default_idf) for t in news & paper)
    return shared / total if total else 0.0
