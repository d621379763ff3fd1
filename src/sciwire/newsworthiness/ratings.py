"""Newsworthiness ratings: the study's schema, validation, aggregation and Krippendorff's alpha.

**Schema** (Nishal & Diakopoulos 2022): one row per paper per rater, as CSV (header row)
or JSONL, with the four news values on a 1-5 Likert scale (integers)::

    paper_id,rater_id,actuality,controversy,relevance_magnitude,relevance_valence
    2101.00001,r1,4,2,3,4

``controversy`` is the study's "controversy/surprise". ``paper_id`` must be an ``id`` of the
papers file (JSONL of title + abstract + metadata, see :mod:`.papers`). A paper's score is
the mean over raters of the mean of its four values; it is *newsworthy* when that is >= 3.

Every problem (a missing value, a rating outside 1-5 such as 7, an unknown paper id, a
repeated paper/rater pair, a missing column) is collected and reported in one
:class:`~sciwire.errors.InputError` that lists the offending rows.

Example:
    >>> alpha = krippendorff_alpha([[1, 1], [2, 3], [4, 4]], level="interval")
    >>> round(alpha, 4)      # 1 - (1/3) / (114/30) = 52/57, worked by hand in the tests
    0.9123
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sciwire.errors import InputError

VALUES: tuple[str, ...] = ("actuality", "controversy", "relevance_magnitude", "relevance_valence")
#: How each value is shown (the study's four dimensions).
VALUE_LABELS: dict[str, str] = {
    "actuality": "actuality",
    "controversy": "surprise",
    "relevance_magnitude": "impact magnitude",
    "relevance_valence": "impact valence",
}
COLUMNS: tuple[str, ...] = ("paper_id", "rater_id", *VALUES)
NEWSWORTHY_THRESHOLD = 3.0
MAX_LISTED = 25
#: Training needs at least this many papers rated high (mean >= 3) and as many rated low, overall
#: and on every one of the four values (cross-validation with calibration inside each fold).
MIN_PER_CLASS = 4
MIN_PAPERS = 2 * MIN_PER_CLASS


@dataclass(frozen=True)
class Rating:
    """One rater's four news-value ratings (1-5) of one paper."""

    paper_id: str
    rater_id: str
    values: tuple[int, int, int, int]

    @property
    def score(self) -> float:
        """Mean of the four values."""
        return sum(self.values) / len(self.values)


@dataclass(frozen=True)
class PaperRating:
    """A paper's ratings aggregated over raters."""

    paper_id: str
    means: tuple[float, float, float, float]
    score: float
    raters: int

    @property
    def newsworthy(self) -> bool:
        """Mean rating >= 3, as in the study."""
        return self.score >= NEWSWORTHY_THRESHOLD


def _rows(path: Path) -> list[tuple[int, dict[str, object]]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".jsonl", ".ndjson") or text.lstrip().startswith("{"):
        rows = []
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path.name} line {n} is not valid JSON: {exc}") from exc
                if not isinstance(row, dict):
                    raise InputError(f"{path.name} line {n}: expected a JSON object, got {type(row).__name__}")
                rows.append((n, row))
        return rows
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"{path.name}: missing column(s) {', '.join(missing)}; expected the header {','.join(COLUMNS)}"
        )
    return [(n, dict(row)) for n, row in enumerate(reader, start=2)]


def _rating(value: object) -> int | str:
    """The rating as an int 1-5, or the reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "missing value"
    try:
        number = float(str(value).strip())
    except ValueError:
        return f"{value!r} is not a number"
    if not number.is_integer() or not 1 <= number <= 5:
        return (
            f"rating {value!r} outside the 1-5 scale"
            if number.is_integer()
            else f"rating {value!r} is not a whole number"
        )
    return int(number)


def read_ratings(path: str | os.PathLike[str], paper_ids: Collection[str] | None = None) -> list[Rating]:
    """Read and validate a ratings file (CSV or JSONL, see the module docstring).

    Args:
        path: The ratings file.
        paper_ids: Known paper ids; a rating of any other paper is an error.

    Raises:
        InputError: Listing every bad row (missing value, rating outside 1-5, unknown paper id,
            duplicate paper/rater), or when the file has no ratings.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Ratings file {path} does not exist")
    ratings: list[Rating] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    known = set(paper_ids) if paper_ids is not None else None
    for n, row in _rows(path):
        where = f"row {n}" if path.suffix.lower() not in (".jsonl", ".ndjson") else f"line {n}"
        paper, rater = str(row.get("paper_id") or "").strip(), str(row.get("rater_id") or "").strip()
        issues = []
        if not paper:
            issues.append("missing paper_id")
        elif known is not None and paper not in known:
            issues.append(f"unknown paper id {paper!r} (not in the papers file)")
        if not rater:
            issues.append("missing rater_id")
        parsed = {name: _rating(row.get(name)) for name in VALUES}
        issues += [f"{name}: {v}" for name, v in parsed.items() if isinstance(v, str)]
        if paper and rater and (paper, rater) in seen:
            issues.append(f"rater {rater!r} already rated {paper!r} in {seen[(paper, rater)]}")
        if issues:
            problems.append(f"{where} (paper {paper or '?'}, rater {rater or '?'}): {'; '.join(issues)}")
            continue
        seen[(paper, rater)] = where
        ratings.append(Rating(paper, rater, tuple(int(parsed[v]) for v in VALUES)))  # type: ignore[arg-type]
    if problems:
        listed = " | ".join(problems[:MAX_LISTED])
        more = f" | ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        raise InputError(
            f"{path.name} has {len(problems)} bad row(s); each needs paper_id, rater_id and the four values "
            f"{', '.join(VALUES)} as whole numbers 1-5: {listed}{more}"
        )
    if not ratings:
        raise InputError(
            f"{path.name} holds no ratings; expected the header {','.join(COLUMNS)} and one row per rating"
        )
    return ratings


def aggregate(ratings: Sequence[Rating]) -> list[PaperRating]:
    """Mean of each value over a paper's raters; papers in first-seen order."""
    by_paper: dict[str, list[Rating]] = {}
    for r in ratings:
        by_paper.setdefault(r.paper_id, []).append(r)
    out = []
    for paper, rs in by_paper.items():
        means = np.mean([r.values for r in rs], axis=0)
        out.append(PaperRating(paper, tuple(float(m) for m in means), float(means.mean()), len(rs)))  # type: ignore[arg-type]
    return out


def rating_matrix(ratings: Sequence[Rating], value: str | None = None) -> np.ndarray:
    """Units (papers) x coders (raters) matrix of one value (or the mean score), NaN when missing."""
    papers = list(dict.fromkeys(r.paper_id for r in ratings))
    raters = list(dict.fromkeys(r.rater_id for r in ratings))
    matrix = np.full((len(papers), len(raters)), np.nan)
    pi, ri = {p: i for i, p in enumerate(papers)}, {r: i for i, r in enumerate(raters)}
    for r in ratings:
        matrix[pi[r.paper_id], ri[r.rater_id]] = r.score if value is None else r.values[VALUES.index(value)]
    return matrix


def krippendorff_alpha(data: Sequence[Sequence[float]] | np.ndarray, level: str = "interval") -> float:
    """Krippendorff's alpha of a units x coders matrix (NaN = not rated).

    ``alpha = 1 - D_o / D_e`` from the coincidence matrix: each unit with ``m >= 2`` values adds
    ``1/(m-1)`` for every ordered pair of its values; ``D_o`` averages the squared distance
    over those pairs, ``D_e`` over all pairs of pairable values. Distances: interval
    ``(c-k)^2``, ordinal ``(sum of n_g for g from c to k - (n_c+n_k)/2)^2``, nominal ``c != k``.

    Args:
        data: Rows are units (papers), columns coders (raters).
        level: ``"interval"``, ``"ordinal"`` or ``"nominal"``.

    Returns:
        Alpha (1 = perfect agreement, 0 = chance, < 0 = systematic disagreement); NaN when
        fewer than two pairable values exist or all values are the same (undefined).

    Raises:
        InputError: On an unknown level.
    """
    if level not in ("interval", "ordinal", "nominal"):
        raise InputError(f"level must be 'interval', 'ordinal' or 'nominal', got {level!r}")
    matrix = np.asarray(data, dtype=float)
    matrix = matrix[np.sum(~np.isnan(matrix), axis=1) >= 2]  # only pairable units count
    values = np.unique(matrix[~np.isnan(matrix)])
    if len(values) < 2:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    coincidence = np.zeros((len(values), len(values)))
    for unit in matrix:
        counts = np.zeros(len(values))
        for v in unit[~np.isnan(unit)]:
            counts[index[v]] += 1
        m = counts.sum()
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if level == "nominal":
        delta = 1.0 - np.eye(len(values))
    elif level == "interval":
        delta = (values[:, None] - values[None, :]) ** 2
    else:
        cum = np.cumsum(n_c)
        lo, hi = (
            np.minimum.outer(np.arange(len(values)), np.arange(len(values))),
            np.maximum.outer(np.arange(len(values)), np.arange(len(values))),
        )
        between = cum[hi] - cum[lo] + n_c[lo]
        delta = (between - (n_c[:, None] + n_c[None, :]) / 2) ** 2
    observed = float((coincidence * delta).sum() / n)
    expected = float((np.outer(n_c, n_c) * delta).sum() / (n * (n - 1)))
    return 1.0 - observed / expected if expected > 0 else float("nan")


def agreement(ratings: Sequence[Rating]) -> dict[str, float]:
    """Krippendorff's alpha per value (ordinal) and for the mean score (interval)."""
    out = {f"alpha_ordinal_{v}": krippendorff_alpha(rating_matrix(ratings, v), "ordinal") for v in VALUES}
    out["alpha_interval_score"] = krippendorff_alpha(rating_matrix(ratings), "interval")
    return out


def training_labels(
    ratings: Sequence[Rating], source: str = "the ratings"
) -> tuple[list[PaperRating], dict[str, np.ndarray]]:
    """Aggregated papers and their 0/1 labels: ``"newsworthy"`` (mean of the four >= 3) and each value (mean >= 3).

    Raises:
        InputError: With fewer than :data:`MIN_PAPERS` rated papers, or fewer than
            :data:`MIN_PER_CLASS` papers rated high or low overall or on any value.
    """
    rated = aggregate(ratings)
    if len(rated) < MIN_PAPERS:
        raise InputError(
            f"{source} has {len(ratings)} rating row(s) covering {len(rated)} paper(s); training needs at least "
            f"{MIN_PAPERS} rated papers ({MIN_PER_CLASS} rated newsworthy, mean >= 3, and {MIN_PER_CLASS} not). "
            "Rate more papers."
        )
    labels = {"newsworthy": np.array([int(r.newsworthy) for r in rated])}
    for j, value in enumerate(VALUES):
        labels[value] = np.array([int(r.means[j] >= NEWSWORTHY_THRESHOLD) for r in rated])
    for name, y in labels.items():
        high, low = int(y.sum()), int(len(y) - y.sum())
        if min(high, low) < MIN_PER_CLASS:
            what = "newsworthy (mean of the four values >= 3)" if name == "newsworthy" else f"high on {name} (>= 3)"
            raise InputError(
                f"{source}: {high} paper(s) rated {what} and {low} not; training needs at least {MIN_PER_CLASS} "
                f"of each, overall and on every value ({', '.join(VALUES)}). Rate more papers, or more varied ones."
            )
    return rated, labels
