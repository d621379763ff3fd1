"""Active learning: uncertainty strategies, the diversity step, random as the baseline."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import InputError
from sciwire.learn.active import select, uncertainty


def test_strategies_rank_the_unsure_first():
    p = np.array([[0.98, 0.01, 0.01], [0.4, 0.35, 0.25], [0.5, 0.5, 0.0], [0.7, 0.2, 0.1]])
    assert select(p, None, 1, "least-confidence").tolist() == [1]
    assert select(p, None, 1, "margin").tolist() == [2]
    assert select(p, None, 1, "entropy").tolist() == [1]
    assert uncertainty(p, "entropy")[0] < uncertainty(p, "entropy")[3]
    with pytest.raises(InputError, match=r"^Unknown strategy 'loud'; expected one of least-confidence, margin"):
        uncertainty(p, "loud")


def test_diversity_spreads_the_batch_over_clusters():
    rng = np.random.default_rng(0)
    # ten near-copies that are most uncertain, and five other records elsewhere, a little less so
    vectors = np.vstack([np.tile([1.0, 0.0], (10, 1)) + rng.normal(0, 0.01, (10, 2)),
                         np.array([[0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [0.7, 0.7], [-0.7, -0.7]])])  # fmt: skip
    p = np.vstack([np.tile([0.5, 0.5], (10, 1)), np.tile([0.6, 0.4], (5, 1))])
    plain = select(p, None, 3, "margin")
    diverse = select(p, vectors, 3, "margin", pool_factor=5)
    assert set(plain.tolist()) <= set(range(10))
    assert len(set(diverse.tolist()) - set(range(10))) >= 2  # at most one near-copy


def test_random_is_reproducible_and_never_repeats():
    p = np.full((50, 2), 0.5)
    a, b = select(p, None, 20, "random", seed=3), select(p, None, 20, "random", seed=3)
    assert a.tolist() == b.tolist() and len(set(a.tolist())) == 20
    assert len(select(p[:5], None, 20, "margin")) == 5
