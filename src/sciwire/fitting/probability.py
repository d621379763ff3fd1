"""Scores to probabilities: the logistic function, the softmax and temperature scaling.

Each exists once in sciwire; every fitted model uses these.

Example:
    >>> import numpy as np
    >>> float(sigmoid(0.0))
    0.5
    >>> softmax(np.array([[0.0, 0.0]])).tolist()
    [[0.5, 0.5]]
    >>> logits = np.array([[4.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 0.0]])
    >>> fit_temperature(logits, np.array([0, 1, 1, 0])) > 1   # over-confident -> T > 1
    True
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

from sciwire.errors import InputError

#: The range :func:`fit_temperature` searches.
TEMPERATURE_BOUNDS = (0.05, 20.0)


def _floats(values: ArrayLike) -> np.ndarray:
    """An array of floats, keeping float32 as float32 (so results match the input's precision)."""
    array = np.asarray(values)
    return array if np.issubdtype(array.dtype, np.floating) else array.astype(np.float64)


def sigmoid(z: ArrayLike) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, element-wise, in the input's float precision.

    Very negative ``z`` give 0.0 without an overflow warning.
    """
    z = _floats(z)
    with np.errstate(over="ignore"):
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


def softmax(logits: ArrayLike, temperature: float = 1.0) -> np.ndarray:
    """Softmax of ``logits / temperature`` over the last axis (rows sum to 1), numerically stable.

    Args:
        logits: Scores, one row per example (any leading shape); float32 stays float32.
        temperature: Divides the logits first (> 1 softens, < 1 sharpens).

    Raises:
        InputError: On a temperature that is not positive.
    """
    if not temperature > 0:
        raise InputError(f"The softmax temperature must be positive, got {temperature}")
    z = _floats(logits)
    if temperature != 1.0:
        z = z / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.asarray(e / e.sum(axis=-1, keepdims=True))


def fit_temperature(logits: ArrayLike, y: ArrayLike, bounds: tuple[float, float] = TEMPERATURE_BOUNDS) -> float:
    """The temperature ``T`` that minimises the negative log-likelihood of ``softmax(logits / T)`` (Guo et al. 2017).

    The NLL is convex in ``1 / T``, so a bounded scalar search over ``log T`` finds the one
    minimum; the result is clipped to ``bounds``. Log-probabilities work as logits too (the
    per-row shift cancels in the softmax).

    Args:
        logits: Held-out scores, shape ``(n, n_classes)``.
        y: Class indices (columns of ``logits``), shape ``(n,)``.
        bounds: Smallest and largest temperature allowed.

    Raises:
        InputError: On mismatched shapes, labels outside the columns or no rows.
    """
    z = np.asarray(logits, dtype=np.float64)
    target = np.asarray(y)
    if z.ndim != 2 or len(z) != len(target) or not len(z):
        raise InputError(
            f"fit_temperature needs logits of shape (n, n_classes) and n labels, n >= 1; got {z.shape} and "
            f"{target.shape}"
        )
    if not np.issubdtype(target.dtype, np.integer) or target.min() < 0 or target.max() >= z.shape[1]:
        raise InputError(f"Labels must be column indices 0..{z.shape[1] - 1} of the logits, got {np.unique(target)}")
    rows = np.arange(len(target))

    def nll(log_t: float) -> float:
        scaled = z / math.exp(log_t)
        return float(np.mean(logsumexp(scaled, axis=1) - scaled[rows, target]))

    lo, hi = bounds
    res = minimize_scalar(nll, bounds=(math.log(lo), math.log(hi)), method="bounded", options={"xatol": 1e-7})
    return float(np.clip(math.exp(res.x), lo, hi))
