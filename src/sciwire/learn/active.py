"""Active learning: which records to label next.

Uncertainty sampling (least confidence, margin, entropy) picks the records the model is least
sure of; a diversity step then keeps the batch from being twenty near-copies: among the
``pool_factor * n`` most uncertain records, k-means on their sentence vectors makes ``n``
clusters and the most uncertain record of each is proposed. ``random`` is the baseline.

Example:
    >>> import numpy as np
    >>> p = np.array([[0.9, 0.1], [0.5, 0.5], [0.6, 0.4]])
    >>> uncertainty(p, "margin").round(2).tolist()
    [0.2, 1.0, 0.8]
    >>> select(p, None, 1, "least-confidence").tolist()
    [1]
"""

from __future__ import annotations

import numpy as np

from sciwire.errors import InputError

STRATEGIES: tuple[str, ...] = ("least-confidence", "margin", "entropy", "random")


def uncertainty(proba: np.ndarray, strategy: str) -> np.ndarray:
    """How unsure the model is of each row (higher = more unsure), per ``strategy``.

    Raises:
        InputError: On an unknown strategy.
    """
    p = np.asarray(proba, dtype=np.float64)
    if strategy == "least-confidence":
        return 1.0 - p.max(axis=1)
    if strategy == "margin":
        top = np.sort(p, axis=1)[:, ::-1]
        return 1.0 - (top[:, 0] - (top[:, 1] if p.shape[1] > 1 else 0.0))
    if strategy == "entropy":
        return -(p * np.log(np.clip(p, 1e-12, 1.0))).sum(axis=1)
    if strategy == "random":
        return np.zeros(len(p))
    raise InputError(f"Unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}")


def select(
    proba: np.ndarray,
    vectors: np.ndarray | None,
    n: int,
    strategy: str = "margin",
    *,
    seed: int = 0,
    pool_factor: int = 5,
) -> np.ndarray:
    """Indices of ``n`` rows to label next, most useful first.

    Args:
        proba: Predicted probabilities of the unlabelled rows.
        vectors: Their sentence vectors for the diversity step (None: uncertainty only).
        n: How many to propose.
        strategy: One of :data:`STRATEGIES`.
        seed: Seed of ``random`` and of k-means.
        pool_factor: The diversity step clusters the ``pool_factor * n`` most uncertain rows.
    """
    scores = uncertainty(proba, strategy)
    total = len(scores)
    n = min(n, total)
    if n <= 0:
        return np.array([], dtype=int)
    if strategy == "random":
        return np.random.default_rng(seed).choice(total, size=n, replace=False)
    order = np.argsort(-scores, kind="stable")
    if vectors is None or n == 1:
        return order[:n]
    pool = order[: min(total, pool_factor * n)]
    if len(pool) <= n:
        return pool
    return pool[diverse(np.asarray(vectors)[pool], scores[pool], n, seed)]


def diverse(vectors: np.ndarray, scores: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """Positions of ``n`` rows, one per k-means cluster of ``vectors``: the highest-scoring of each."""
    from sklearn.cluster import KMeans

    clusters = KMeans(n_clusters=n, n_init=3, random_state=seed).fit_predict(vectors)
    picked = []
    for c in range(n):
        members = np.flatnonzero(clusters == c)
        if len(members):
            picked.append(members[np.argmax(scores[members])])
    rest = [i for i in np.argsort(-scores, kind="stable") if i not in set(picked)]
    picked.extend(rest[: n - len(picked)])
    return np.array(sorted(picked, key=lambda i: -scores[i]), dtype=int)
