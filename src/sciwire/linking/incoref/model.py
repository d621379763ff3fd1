"""The mention-ranking scorer: which earlier mention (or none) each mention refers to.

Each mention gets a vector ``s = W [first, last, mean word states; width, kind]`` (frozen
MiniLM states, :mod:`sciwire.linking.incoref.features`); a (mention i, candidate antecedent j)
pair is scored by a small MLP over ``[s_i, s_j, s_i * s_j, pair features]``. The "new
entity" option ε scores 0. Training maximises the probability of the gold antecedents (or ε
when a mention starts its chain) among ε and the ``max_antecedents`` previous mentions (Lee
et al. 2017's loss, without span pruning). Decoding links each mention to its best-scoring
candidate when that beats ε, and chains are the connected links.

A scikit-learn-style estimator: ``__init__`` stores settings, ``fit(docs)`` returns self,
learned state ends in ``_``; it reads :class:`Prepared` documents, not raw text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.exceptions import NotFittedError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """One document ready for the scorer (mentions in text order).

    Attributes:
        vectors: ``(m, 3 * hidden + mention features)``: span vectors and mention features.
        antecedents: ``(m, K)`` indices of candidate antecedents (nearest first), -1 = none.
        pair_feats: ``(m, K, pair features)``.
        cluster: Gold cluster id of each mention (-1: not a gold mention), or None.
        gold: Instead of ``cluster``, the allowed targets ``(m, K + 1)`` (column 0: ε) for
            partly labelled data (GAP labels one pronoun); a row with none adds no loss.
    """

    vectors: np.ndarray
    antecedents: np.ndarray
    pair_feats: np.ndarray
    cluster: np.ndarray | None = None
    gold: np.ndarray | None = None


def candidate_antecedents(m: int, k: int) -> np.ndarray:
    """``(m, k)``: for mention i, the mentions i-1, i-2, ... i-k (-1 where there are none)."""
    idx = np.arange(m)[:, None] - np.arange(1, k + 1)[None, :]
    return np.where(idx >= 0, idx, -1)


def _module(n_in: int, n_pair: int, dim: int, hidden: int, dropout: float) -> Any:
    import torch
    from torch import nn

    class Scorer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.proj = nn.Linear(n_in, dim)
            self.mlp = nn.Sequential(nn.Linear(3 * dim + n_pair, hidden), nn.ReLU(), nn.Dropout(dropout),
                                     nn.Linear(hidden, 1))  # fmt: skip
            self.drop = nn.Dropout(dropout)

        def forward(self, vectors: Any, antecedents: Any, pair_feats: Any) -> Any:
            s = self.drop(torch.tanh(self.proj(vectors)))
            ante = s[antecedents.clamp(min=0)]
            me = s[:, None, :].expand_as(ante)
            scores = self.mlp(torch.cat([me, ante, me * ante, pair_feats], dim=-1)).squeeze(-1)
            scores = scores.masked_fill(antecedents < 0, -1e4)
            return torch.cat([torch.zeros_like(scores[:, :1]), scores], dim=1)  # column 0: ε

    return Scorer()


class MentionRanker:
    """Mention-ranking coreference over prepared documents.

    Args:
        dim: Size of the projected mention vector.
        hidden: Hidden units of the pair MLP.
        epochs: Passes over the training documents.
        lr: Adam's learning rate.
        dropout: Dropout on mention vectors and in the MLP.
        random_state: Seed of torch and the document order.
        min_step_mentions: Labelled mentions one optimizer step sees at least: documents with
            fewer (GAP snippets label one pronoun) are pooled, in the shuffled order, until their
            labelled mentions reach it. 1 = one step per document. Without pooling, GAP's 2,000
            one-pronoun snippets take 25 steps for each of LitBank's 80 documents.
        tail_epochs: Passes after ``epochs`` over the fully labelled documents only (those with
            :attr:`Prepared.cluster`: LitBank), the partly labelled ones (GAP) left out: the
            ranker learns from both, then settles on whole chains.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> ants = candidate_antecedents(4, 2)
        >>> vectors, pair_feats = rng.normal(size=(4, 6)).astype("f4"), np.zeros((4, 2, 3), "f4")
        >>> doc = Prepared(vectors, ants, pair_feats, np.array([0, 1, 0, 1]))
        >>> MentionRanker(dim=4, hidden=4, epochs=2).fit([doc]).predict([doc])[0].shape
        (4,)
    """

    def __init__(self, dim: int = 64, hidden: int = 32, epochs: int = 5, lr: float = 2e-3, dropout: float = 0.2,
                 random_state: int = 0, min_step_mentions: int = 1, tail_epochs: int = 0) -> None:  # fmt: skip
        self.min_step_mentions = min_step_mentions
        self.tail_epochs = tail_epochs
        self.dim = dim
        self.hidden = hidden
        self.epochs = epochs
        self.lr = lr
        self.dropout = dropout
        self.random_state = random_state

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        names = ("dim", "hidden", "epochs", "lr", "dropout", "random_state", "min_step_mentions", "tail_epochs")
        return {k: getattr(self, k) for k in names}

    def fit(self, docs: Sequence[Prepared], on_epoch: Callable[[int, float], None] | None = None) -> MentionRanker:
        """Fit on documents with gold :attr:`Prepared.cluster` ids; returns self."""
        import torch

        torch.manual_seed(self.random_state)
        rng = np.random.default_rng(self.random_state)
        docs = [d for d in docs if len(d.vectors)]
        n_in, n_pair = docs[0].vectors.shape[1], docs[0].pair_feats.shape[2]
        net = _module(n_in, n_pair, self.dim, self.hidden, self.dropout)
        opt = torch.optim.Adam(net.parameters(), lr=self.lr)
        tensors = [self._tensors(d) for d in docs]
        golds = [torch.as_tensor(_gold_mask(d)) for d in docs]
        counted = [g.any(dim=1) for g in golds]
        sizes = [int(c.sum()) for c in counted]
        full = [k for k, d in enumerate(docs) if d.gold is None]
        for epoch in range(self.epochs + self.tail_epochs):
            net.train()
            total = 0.0
            order = rng.permutation(len(docs)).tolist() if epoch < self.epochs else rng.permutation(full).tolist()
            for step in _steps(order, sizes, self.min_step_mentions):
                loss = sum(self._doc_loss(net, tensors[k], golds[k], counted[k]) for k in step)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += float(loss.detach())
            logger.info("epoch %d: loss %.1f", epoch + 1, total)
            if on_epoch is not None:
                on_epoch(epoch + 1, total)
        net.eval()
        self.net_ = net
        self.n_features_in_ = n_in
        return self

    @staticmethod
    def _doc_loss(net: Any, tensors: tuple[Any, Any, Any], gold: Any, counted: Any) -> Any:
        """Negative log-likelihood of the gold antecedents of one document's labelled mentions."""
        import torch

        scores = net(*tensors)
        ll = torch.logsumexp(scores.masked_fill(~gold, -1e4), 1) - torch.logsumexp(scores, 1)
        return -(ll[counted]).sum()

    @staticmethod
    def _tensors(d: Prepared) -> tuple[Any, Any, Any]:
        import torch

        return (torch.as_tensor(d.vectors, dtype=torch.float32), torch.as_tensor(d.antecedents, dtype=torch.long),
                torch.as_tensor(d.pair_feats, dtype=torch.float32))  # fmt: skip

    def scores(self, doc: Prepared) -> np.ndarray:
        """``(m, K + 1)`` scores: column 0 is ε (always 0), column k the k-th candidate antecedent."""
        import torch

        if not hasattr(self, "net_"):
            raise NotFittedError("This MentionRanker is not fitted yet; call fit(docs) or load a model folder first")
        if not len(doc.vectors):
            return np.zeros((0, doc.antecedents.shape[1] + 1), dtype=np.float32)
        with torch.inference_mode():
            return self.net_(*self._tensors(doc)).numpy()

    def predict(self, docs: Sequence[Prepared]) -> list[np.ndarray]:
        """Chain labels per document: mentions with one label corefer (0..k-1 in order of first mention)."""
        return [decode(self.scores(d), d.antecedents) for d in docs]


def _steps(order: Sequence[int], sizes: Sequence[int], least: int) -> list[list[int]]:
    """Documents per optimizer step: each alone when it has ``least`` labelled mentions, else pooled.

    >>> _steps([0, 1, 2, 3, 4], [5, 1, 1, 9, 1], 2)
    [[0], [1, 2], [3], [4]]
    """
    if least <= 1:  # one step per document, as before pooling existed (the LitBank-only recipe)
        return [[int(k)] for k in order]
    out: list[list[int]] = []
    pool: list[int] = []
    have = 0
    for k in order:
        if sizes[k] >= least:
            out.append([int(k)])
            continue
        pool.append(int(k))
        have += sizes[k]
        if have >= least:
            out.append(pool)
            pool, have = [], 0
    if pool:
        out.append(pool)
    return out


def _gold_mask(d: Prepared) -> np.ndarray:
    """``(m, K + 1)`` True at the gold antecedents, or at ε when there are none."""
    if d.gold is not None:
        return d.gold
    if d.cluster is None:
        raise ValueError("Training documents need gold cluster ids (Prepared.cluster)")
    c = d.cluster
    ants = d.antecedents
    gold = (ants >= 0) & (c[ants.clip(min=0)] == c[:, None]) & (c[:, None] >= 0)
    return np.hstack([~gold.any(axis=1, keepdims=True), gold])


def decode(scores: np.ndarray, antecedents: np.ndarray) -> np.ndarray:
    """Best-first links (each mention to its top candidate when it beats ε) -> chain labels."""
    m = len(scores)
    parent = np.arange(m)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    best = scores.argmax(axis=1)
    for i in range(m):
        if best[i] > 0:
            parent[root(i)] = root(int(antecedents[i, best[i] - 1]))
    roots = [root(i) for i in range(m)]
    return np.unique(roots, return_inverse=True)[1] if m else np.zeros(0, dtype=int)
