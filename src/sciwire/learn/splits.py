"""Grouped, stratified splits: a paper's records never sit on both sides of a split.

Example:
    >>> labels = ["a", "a", "b", "b", "a", "b", "a", "b"]
    >>> groups = ["p1", "p1", "p2", "p2", "p3", "p3", "p4", "p4"]
    >>> folds = grouped_folds(labels, groups, n_splits=2, seed=0)
    >>> all(not {groups[i] for i in tr} & {groups[i] for i in te} for tr, te in folds)
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sciwire.errors import InputError


def grouped_folds(
    labels: Sequence[str], groups: Sequence[str], n_splits: int = 5, seed: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(train, test)`` index pairs of a stratified group k-fold (fewer folds when there are few groups).

    Raises:
        InputError: With fewer than 2 groups (nothing can be held out).
    """
    from sklearn.model_selection import StratifiedGroupKFold

    y, g = np.asarray(labels, dtype=object), np.asarray(groups, dtype=object)
    n_groups = len(set(g.tolist()))
    if n_groups < 2:
        raise InputError(
            f"A grouped split needs records from at least 2 papers (groups), got {n_groups}; "
            "add records of another paper"
        )
    k = max(2, min(n_splits, n_groups))
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return [(tr, te) for tr, te in splitter.split(np.zeros(len(y)), y, g) if len(tr) and len(te)]


def grouped_split(
    labels: Sequence[str], groups: Sequence[str], test_share: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """One ``(train, test)`` split holding out about ``test_share`` of the groups, stratified by label."""
    n_splits = max(2, round(1 / test_share))
    return grouped_folds(labels, groups, n_splits, seed)[0]


def per_class_sample(labels: Sequence[str], pool: Sequence[int], k: int, seed: int) -> np.ndarray:
    """``k`` indices per label drawn from ``pool`` (all of a label's when it has fewer), sorted."""
    rng = np.random.default_rng(seed)
    y = np.asarray(labels, dtype=object)
    pool_arr = np.asarray(pool, dtype=int)
    picked: list[int] = []
    for label in sorted(set(y[pool_arr].tolist())):
        members = pool_arr[y[pool_arr] == label]
        picked.extend(rng.choice(members, size=min(k, len(members)), replace=False).tolist())
    return np.array(sorted(picked), dtype=int)
