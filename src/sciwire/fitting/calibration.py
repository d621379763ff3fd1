"""Calibration metrics and a dependency-free reliability diagram (SVG).

Example:
    >>> import numpy as np
    >>> probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    >>> round(expected_calibration_error(probs, np.array([0, 1, 1])), 3)
    0.3
"""

from __future__ import annotations

from html import escape

import numpy as np

from sciwire.errors import DocumentError


def _top_label(probs: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    probs = np.asarray(probs, dtype=float)
    y = np.asarray(y)
    if probs.ndim == 1:  # binary: probability of the positive class
        probs = np.stack([1 - probs, probs], axis=1)
    if len(probs) != len(y):
        raise DocumentError(f"Got {len(probs)} probability rows for {len(y)} labels; they must match")
    conf = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == y).astype(float)
    return conf, correct


def reliability_bins(probs: np.ndarray, y: np.ndarray, n_bins: int = 15) -> list[tuple[float, float, int]]:
    """Per equal-width confidence bin: (mean confidence, accuracy, count), empty bins skipped.

    ``y`` holds class indices (columns of ``probs``); 1-D ``probs`` are binary P(class 1).
    """
    conf, correct = _top_label(probs, y)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, n_bins - 1)
    return [
        (float(conf[idx == b].mean()), float(correct[idx == b].mean()), int((idx == b).sum()))
        for b in range(n_bins)
        if (idx == b).any()
    ]


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, n_bins: int = 15) -> float:
    """Top-label ECE: sum over bins of |accuracy - confidence| weighted by the bin's share."""
    bins = reliability_bins(probs, y, n_bins)
    total = sum(n for _, _, n in bins)
    return float(sum(abs(acc - conf) * n for conf, acc, n in bins) / total) if total else 0.0


def reliability_svg(
    curves: dict[str, tuple[np.ndarray, np.ndarray]], title: str = "Reliability", n_bins: int = 15
) -> str:
    """An SVG reliability diagram: one line per named (probs, y) pair, plus the diagonal.

    Returns:
        The SVG document as a string (write it to a ``.svg`` file).
    """
    size, pad = 360, 40
    colors = ["#2456a6", "#d2691e", "#2e8b57", "#8b008b"]

    def xy(c: float, a: float) -> str:
        return f"{pad + c * size:.1f},{pad + (1 - a) * size:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size + 2 * pad + 160}" height="{size + 2 * pad}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="{pad}" y="20" font-size="14">{escape(title)}</text>',
        f'<rect x="{pad}" y="{pad}" width="{size}" height="{size}" fill="none" stroke="#999"/>',
        f'<line x1="{pad}" y1="{pad + size}" x2="{pad + size}" y2="{pad}" stroke="#bbb" stroke-dasharray="4"/>',
        f'<text x="{pad + size / 2 - 40}" y="{pad + size + 30}">confidence</text>',
        f'<text x="8" y="{pad + size / 2}" transform="rotate(-90 8 {pad + size / 2})">accuracy</text>',
    ]
    for i, (name, (probs, y)) in enumerate(curves.items()):
        color = colors[i % len(colors)]
        bins = reliability_bins(probs, y, n_bins)
        ece = expected_calibration_error(probs, y, n_bins)
        points = " ".join(xy(c, a) for c, a, _ in bins)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        parts.extend(
            f'<circle cx="{xy(c, a).split(",")[0]}" cy="{xy(c, a).split(",")[1]}" r="3" fill="{color}"/>'
            for c, a, _ in bins
        )
        parts.append(
            f'<text x="{pad + size + 10}" y="{pad + 16 + 18 * i}" fill="{color}">{escape(name)} (ECE {ece:.3f})</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
