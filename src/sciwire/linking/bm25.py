"""Okapi BM25 over Snowball stems: document-level lexical similarity, pure Python + numpy.

Tokens are the content terms of :func:`sciwire.align.lexical.content_terms` with their
counts (stopwords dropped, Snowball stems, numbers kept). The index is built once per
paper collection; scoring a query (a news story) against every paper is one pass over
the query's terms.

Example:
    >>> index = BM25Index().fit(["mice sleep longer at night", "rats eat grain", "sleep in aged mice"])
    >>> [round(float(s), 2) for s in index.scores("old mice sleep")]
    [0.87, 0.0, 0.98]
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from sciwire.align.lexical import STOPWORDS, WORD, stem
from sciwire.errors import InputError


def term_counts(text: str) -> Counter[str]:
    """Stemmed content terms of ``text`` with their frequencies."""
    return Counter(stem(w) for w in WORD.findall(text) if w.lower() not in STOPWORDS)


class BM25Index:
    """Okapi BM25 (Robertson & Zaragoza 2009) with the Lucene IDF ``log(1 + (N - df + .5) / (df + .5))``.

    Args:
        k1: Term-frequency saturation.
        b: Length normalisation (0: none, 1: full).

    Attributes:
        idf_: Term -> IDF, after :meth:`fit`.
        n_docs_: Number of indexed documents.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b

    def fit(self, texts: Sequence[str], idf_texts: Sequence[str] | None = None) -> BM25Index:
        """Index ``texts`` (one per document); returns self.

        Args:
            texts: The documents.
            idf_texts: Where document frequencies come from (default: ``texts``); e.g. the
                sentences of a single paper, when there is no collection to compare with.
        """
        counts = [term_counts(t) for t in texts]
        background = counts if idf_texts is None else [term_counts(t) for t in idf_texts]
        df: Counter[str] = Counter()
        for c in background:
            df.update(c.keys())
        n_bg = len(background)
        n = len(counts)
        self.n_docs_ = n
        self.idf_ = {t: math.log(1.0 + (n_bg - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        lengths = np.array([sum(c.values()) for c in counts], dtype=float)
        self._avg = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        self._norm = self.k1 * (1.0 - self.b + self.b * lengths / self._avg)
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        by_term: dict[str, list[tuple[int, int]]] = {}
        for i, c in enumerate(counts):
            for t, f in c.items():
                by_term.setdefault(t, []).append((i, f))
        unseen = math.log(1.0 + (n_bg + 0.5) / 0.5)
        for t, rows in by_term.items():
            self.idf_.setdefault(t, unseen)
            self._postings[t] = (np.array([r[0] for r in rows]), np.array([r[1] for r in rows], dtype=float))
        return self

    def self_score(self, query: str) -> float:
        """BM25 of ``query`` against itself as a document: the score of a perfect match.

        ``scores(q) / self_score(q)`` is a length-independent share in [0, ~1], comparable
        across stories (unseen terms get the largest IDF of the index).
        """
        if not hasattr(self, "idf_"):
            raise InputError("BM25Index is not fitted; call fit(texts) with the paper texts first")
        counts = term_counts(query)
        length = sum(counts.values())
        norm = self.k1 * (1.0 - self.b + self.b * length / self._avg)
        top = max(self.idf_.values(), default=1.0)
        return float(
            sum(
                qf * (self.k1 + 1) / (qf + self.k1) * self.idf_.get(t, top) * qf * (self.k1 + 1) / (qf + norm)
                for t, qf in counts.items()
            )
        )

    def scores(self, query: str) -> np.ndarray:
        """BM25 of ``query`` against every indexed document, in index order.

        Raises:
            InputError: When called before :meth:`fit`.
        """
        if not hasattr(self, "idf_"):
            raise InputError("BM25Index is not fitted; call fit(texts) with the paper texts first")
        out = np.zeros(self.n_docs_)
        for term, qf in term_counts(query).items():
            if term not in self._postings:
                continue
            docs, tf = self._postings[term]
            # query terms are weighted by their frequency, saturated like document terms
            q_weight = qf * (self.k1 + 1) / (qf + self.k1)
            out[docs] += q_weight * self.idf_[term] * tf * (self.k1 + 1) / (tf + self._norm[docs])
        return out
