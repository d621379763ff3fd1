from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import InputError
from sciwire.fitting import fit_temperature, sigmoid, softmax


def nll(logits: np.ndarray, y: np.ndarray, t: float) -> float:
    p = softmax(logits, t)[np.arange(len(y)), y]
    return float(-np.log(p).mean())


def test_sigmoid_values_precision_and_no_overflow_warning():
    assert sigmoid(0.0) == 0.5
    np.testing.assert_allclose(sigmoid(np.array([-2.0, 2.0])), [1 / (1 + np.e**2), 1 / (1 + np.e**-2)])
    assert sigmoid(np.array([0.5], dtype=np.float32)).dtype == np.float32
    assert sigmoid(np.array([1, 2])).dtype == np.float64
    with np.errstate(over="raise"):
        assert sigmoid(-1000.0) == 0.0


def test_softmax_rows_sum_to_one_keeps_float32_and_uses_the_temperature():
    logits = np.array([[1000.0, 0.0], [1.0, 1.0]])
    np.testing.assert_allclose(softmax(logits), [[1.0, 0.0], [0.5, 0.5]])
    z = np.array([[2.0, 0.0, -1.0]], dtype=np.float32)
    assert softmax(z).dtype == np.float32
    np.testing.assert_allclose(softmax(z, 2.0), softmax(z / 2.0), rtol=1e-6)
    assert softmax(z, 2.0).max() < softmax(z).max()
    assert softmax(np.zeros((2, 3, 4))).shape == (2, 3, 4)
    with pytest.raises(InputError, match="temperature must be positive, got 0"):
        softmax(z, 0.0)


def test_fit_temperature_finds_the_nll_minimum():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=400)
    logits = rng.normal(size=(400, 3)) + 2.0 * np.eye(3)[y]
    over, under = logits * 3.0, logits * 0.3
    for z in (over, under):
        t = fit_temperature(z, y)
        grid = np.exp(np.linspace(np.log(0.05), np.log(20), 4001))
        best = grid[np.argmin([nll(z, y, g) for g in grid])]
        assert t == pytest.approx(best, rel=5e-3)
    assert fit_temperature(over, y) > 1.0 > fit_temperature(under, y)


def test_fit_temperature_is_clipped_and_checks_its_input():
    separable = np.array([[1.0, 0.0], [0.0, 1.0]])  # the NLL keeps falling as T shrinks
    assert fit_temperature(separable, np.array([0, 1])) == pytest.approx(0.05, abs=1e-3)
    assert fit_temperature(separable, np.array([1, 0])) == pytest.approx(20.0, abs=1e-2)
    with pytest.raises(InputError, match=r"shape \(n, n_classes\) and n labels"):
        fit_temperature(np.zeros((3, 2)), np.array([0, 1]))
    with pytest.raises(InputError, match=r"column indices 0..1"):
        fit_temperature(np.zeros((2, 2)), np.array([0, 2]))


def test_temperature_scaling_softens_overconfident_logits_as_fidelity_needs():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    logits = np.stack([np.zeros(400), np.where(y == 1, 4.0, -4.0) * rng.choice([1, -1], 400, p=[0.8, 0.2])], 1)
    t = fit_temperature(logits, y)
    assert t > 1.5  # 20% of these confident logits are wrong: they must be softened
    assert softmax(logits, t).max() < softmax(logits).max()


def test_temperature_on_the_tagger_example():
    logits = np.array([[3.0, 0.0], [3.0, 0.0], [0.0, 3.0], [3.0, 0.0]])
    assert fit_temperature(logits, np.array([0, 1, 1, 0])) > 1.0  # over-confident
    assert fit_temperature(logits, np.array([0, 0, 1, 0])) < 1.0  # under-confident
    np.testing.assert_allclose(softmax(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])
