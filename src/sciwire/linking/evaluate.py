"""Coreference metrics: MUC, B³, CEAF-e and the CoNLL F1 (their mean).

Definitions follow the reference scorer (Pradhan et al., ACL 2014), including its handling
of predicted mentions that are not in the key ("twinless" mentions):

- **MUC** (Vilain et al. 1995), link based: recall = Σ(|K| − |p(K)|) / Σ(|K| − 1), where
  p(K) partitions a key cluster K by the response clusters (mentions missing from the
  response count as singletons); precision swaps key and response.
- **B³** (Bagga & Baldwin 1998), mention based: recall = Σ_K Σ_R |K∩R|²/|K| / Σ_K |K|;
  precision swaps the roles.
- **CEAF-e** (Luo 2005), entity based: the best one-to-one alignment of key and response
  clusters under φ4(K, R) = 2|K∩R| / (|K| + |R|); recall = total / #key clusters,
  precision = total / #response clusters.

Clusters are sets of hashable mention ids (e.g. ``(doc_id, start, end)``).

Example (the worked example of Pradhan et al. 2014):
    >>> key = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
    >>> response = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]
    >>> round(muc(key, response).f1, 3), round(b_cubed(key, response).recall, 3)
    (0.4, 0.417)
    >>> round(ceaf_e(key, response).recall, 3), round(ceaf_e(key, response).precision, 3)
    (0.65, 0.433)
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Clusters = Sequence[Collection[Hashable]]


@dataclass(frozen=True)
class Score:
    """Precision, recall and their harmonic mean (0 when both are 0)."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


def clusters_from_labels(labels: Mapping[Hashable, Hashable]) -> list[set[Hashable]]:
    """Group mention ids by their cluster label: ``{m1: "x", m2: "x", m3: "y"}`` -> ``[{m1, m2}, {m3}]``."""
    groups: dict[Hashable, set[Hashable]] = {}
    for mention, label in labels.items():
        groups.setdefault(label, set()).add(mention)
    return list(groups.values())


def _sets(clusters: Iterable[Collection[Hashable]]) -> list[frozenset[Hashable]]:
    out = [frozenset(c) for c in clusters if len(c)]
    seen: set[Hashable] = set()
    for c in out:
        if seen & c:
            raise ValueError(f"A mention occurs in two clusters: {sorted(map(str, seen & c))[:3]}")
        seen |= c
    return out


def _muc_recall(key: list[frozenset[Hashable]], response: list[frozenset[Hashable]]) -> float:
    where = {m: i for i, c in enumerate(response) for m in c}
    num = den = 0
    for k in key:
        parts = {where.get(m, ("missing", m)) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num / den if den else 0.0


def muc(key: Clusters, response: Clusters) -> Score:
    """The link-based MUC score."""
    k, r = _sets(key), _sets(response)
    return Score(precision=_muc_recall(r, k), recall=_muc_recall(k, r))


def _b3_recall(key: list[frozenset[Hashable]], response: list[frozenset[Hashable]]) -> float:
    where = {m: c for c in response for m in c}
    total = sum(len(k) for k in key)
    if not total:
        return 0.0
    num = 0.0
    for k in key:
        overlaps: dict[frozenset[Hashable], int] = {}
        for m in k:
            if m in where:
                overlaps[where[m]] = overlaps.get(where[m], 0) + 1
        num += sum(n * n for n in overlaps.values()) / len(k)
    return num / total


def b_cubed(key: Clusters, response: Clusters) -> Score:
    """The mention-based B³ score."""
    k, r = _sets(key), _sets(response)
    return Score(precision=_b3_recall(r, k), recall=_b3_recall(k, r))


def ceaf_e(key: Clusters, response: Clusters) -> Score:
    """The entity-based CEAF score with φ4 similarity and an optimal (Hungarian) alignment."""
    from scipy.optimize import linear_sum_assignment

    k, r = _sets(key), _sets(response)
    if not k or not r:
        return Score(0.0, 0.0)
    sim = np.zeros((len(k), len(r)))
    where = {m: j for j, c in enumerate(r) for m in c}
    for i, kc in enumerate(k):
        for m in kc:
            if m in where:
                sim[i, where[m]] += 1
    sizes_k = np.array([len(c) for c in k], dtype=float)[:, None]
    sizes_r = np.array([len(c) for c in r], dtype=float)[None, :]
    sim = 2 * sim / (sizes_k + sizes_r)
    rows, cols = linear_sum_assignment(-sim)
    total = float(sim[rows, cols].sum())
    return Score(precision=total / len(r), recall=total / len(k))


def conll_f1(key: Clusters, response: Clusters) -> dict[str, float]:
    """F1 of MUC, B³ and CEAF-e, and ``conll``: their mean."""
    scores = {"muc": muc(key, response).f1, "b3": b_cubed(key, response).f1, "ceafe": ceaf_e(key, response).f1}
    scores["conll"] = float(np.mean(list(scores.values())))
    return scores
