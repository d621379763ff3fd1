"""An embedding scorer (EmbedRank, Bennani-Smires et al., 2018) and maximal marginal relevance.

Each candidate's surface form and the document are embedded with the shared sentence
encoder (:class:`~sciwire.backends.embeddings.Embedder`, all-MiniLM-L6-v2 offline by default);
a candidate scores its cosine similarity to the document. The encoder reads at most 256
word pieces, so a long document is embedded as the mean of its first ``doc_chunks`` pieces
of about ``chunk_chars`` characters (title, abstract and introduction for a paper).

The scorer encodes one document per call; :meth:`KeyphraseExtractor.rank_many
<sciwire.keyphrases.model.KeyphraseExtractor.rank_many>` embeds the :meth:`EmbeddingScorer.document_pieces`
and the shortlisted phrases of many documents in one call each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sciwire.analysis import Encoder
from sciwire.keyphrases.candidates import CandidateSet


def mmr(
    relevance: np.ndarray, vectors: np.ndarray, top_n: int, diversity: float, ties: Sequence[int] | None = None
) -> list[int]:
    """Maximal marginal relevance (Carbonell & Goldstein, 1998): pick ``top_n`` indices in order.

    Each step takes ``argmax (1 - diversity) * relevance - diversity * max(0, max_sim_to_picked)``
    (see :func:`mmr_values`; a negative similarity earns no bonus).

    Args:
        relevance: One score per item (higher is better), comparable to cosine similarities.
        vectors: L2-normalised item vectors, one row per item.
        top_n: How many to pick.
        diversity: 0 keeps the relevance order, 1 only avoids redundancy.
        ties: Tie-breaking order of the items (default: their index).

    Example:
        >>> v = np.array([[1.0, 0.0], [0.99, 0.141], [0.0, 1.0]])
        >>> mmr(np.array([0.9, 0.89, 0.5]), v, 2, diversity=0.5)
        [0, 2]
    """
    return mmr_values(relevance, vectors, top_n, diversity, ties)[0]


def mmr_values(
    relevance: np.ndarray, vectors: np.ndarray, top_n: int, diversity: float, ties: Sequence[int] | None = None
) -> tuple[list[int], list[float]]:
    """:func:`mmr`'s picks and the value each was picked with, which never increases.

    The penalty (similarity to the closest item already picked, floored at 0) only grows
    as items are picked, so each pick's value is at most the previous one's: listing the
    picks in order lists them by their value.

    Example:
        >>> v = np.array([[1.0, 0.0], [0.99, 0.141], [0.0, 1.0]])
        >>> mmr_values(np.array([0.9, 0.89, 0.5]), v, 2, diversity=0.5)
        ([0, 2], [0.45, 0.25])
    """
    n = len(relevance)
    if n == 0 or top_n <= 0:
        return [], []
    tie_rank = np.empty(n)
    tie_rank[np.asarray(ties if ties is not None else range(n))] = np.arange(n)
    picked: list[int] = []
    values: list[float] = []
    max_sim = np.zeros(n)
    available = np.ones(n, dtype=bool)
    for _ in range(min(top_n, n)):
        value = np.round((1 - diversity) * relevance - diversity * max_sim, 9)
        value[~available] = -np.inf
        best = np.flatnonzero(value == value.max())
        choice = int(best[np.argmin(tie_rank[best])])
        picked.append(choice)
        values.append(float(value[choice]))
        available[choice] = False
        max_sim = np.maximum(max_sim, vectors @ vectors[choice])
    return picked, values


def mean_direction(vectors: np.ndarray) -> np.ndarray:
    """The L2-normalised mean of the rows of ``vectors`` (float32): a document's vector from its pieces'."""
    mean = vectors.mean(axis=0)
    return np.asarray(mean / (np.linalg.norm(mean) or 1.0), dtype=np.float32)


class EmbeddingScorer:
    """Cosine similarity between each candidate and the document.

    Args:
        embedder: The sentence encoder (shared with the rest of sciwire).
        chunk_chars: Size of the pieces a long document is embedded in.
        doc_chunks: How many leading pieces make up the document vector.
    """

    name = "embedding"

    def __init__(self, embedder: Encoder, chunk_chars: int = 1000, doc_chunks: int = 4) -> None:
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.doc_chunks = doc_chunks

    def warm_up(self) -> None:
        """Load the encoder."""
        self.embedder.warm_up()

    def document_pieces(self, cands: CandidateSet) -> list[str]:
        """The first ``doc_chunks`` sentence-aligned pieces of about ``chunk_chars`` characters (the
        whole text when it has no words): the texts whose mean embedding is the document vector."""
        tagged = cands.tagged
        if len(tagged) == 0:
            return [tagged.text]
        pieces: list[str] = []
        start = 0
        for i in range(1, len(tagged) + 1):
            sentence_end = i == len(tagged) or tagged.sents[i] != tagged.sents[i - 1]
            if sentence_end and (tagged.ends[i - 1] - tagged.starts[start] >= self.chunk_chars or i == len(tagged)):
                pieces.append(tagged.surface(start, i - 1))
                start = i
                if len(pieces) == self.doc_chunks:
                    break
        return pieces

    def document_vector(self, cands: CandidateSet) -> np.ndarray:
        """Mean of the embeddings of the :meth:`document_pieces`, L2-normalised."""
        return mean_direction(self.embedder.encode(self.document_pieces(cands), full_length=True))

    def candidate_vectors(self, cands: CandidateSet, indices: Sequence[int] | None = None) -> np.ndarray:
        """Embeddings of the candidates' surface forms (all, or those at ``indices``)."""
        chosen = range(len(cands)) if indices is None else indices
        return self.embedder.encode([cands.candidates[i].surface for i in chosen])

    def score(self, cands: CandidateSet) -> np.ndarray:
        """Cosine similarity of every candidate to the document."""
        if len(cands) == 0:
            return np.zeros(0)
        return self.similarities(cands)[0]

    def similarities(self, cands: CandidateSet, indices: Sequence[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(cosine to the document, candidate vectors)`` for all candidates or those at ``indices``."""
        doc = self.document_vector(cands)
        vecs = self.candidate_vectors(cands, indices)
        return np.asarray(vecs @ doc, dtype=float), vecs
