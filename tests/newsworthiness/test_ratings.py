"""Ratings schema, validation with every bad row listed, aggregation and Krippendorff's alpha."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from sciwire.errors import InputError
from sciwire.newsworthiness.ratings import (
    COLUMNS,
    aggregate,
    agreement,
    krippendorff_alpha,
    rating_matrix,
    read_ratings,
)

NAN = float("nan")


def test_alpha_interval_worked_by_hand():
    # Two raters, three papers: (1, 1), (2, 3), (4, 4); n = 6 pairable values.
    # Observed: only paper 2 disagrees; its ordered pairs (2,3), (3,2) each weigh 1/(m-1) = 1,
    #   D_o = (1 + 1) / 6 = 1/3.
    # Expected: over all ordered pairs of the six values {1,1,2,3,4,4}:
    #   sum_{i != j} (v_i - v_j)^2 = 2 * (n * sum v^2 - (sum v)^2) = 2 * (6 * 47 - 15^2) = 114,
    #   D_e = 114 / (6 * 5) = 3.8.
    # alpha = 1 - (1/3) / 3.8 = 1 - 5/57 = 52/57.
    assert krippendorff_alpha([[1, 1], [2, 3], [4, 4]], "interval") == pytest.approx(52 / 57)


def test_alpha_nominal_worked_by_hand():
    # Values {1,1,2,3,4,4}: observed mismatches 2 (paper 2) -> D_o = 2/6;
    # expected: n_c = (2,1,1,2); mismatching ordered pairs = n^2 - sum n_c^2 = 36 - 10 = 26 -> D_e = 26/30.
    # alpha = 1 - (1/3) / (26/30) = 1 - 10/26 = 8/13.
    assert krippendorff_alpha([[1, 1], [2, 3], [4, 4]], "nominal") == pytest.approx(8 / 13)


def test_alpha_matches_krippendorff_2011_reference_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": 4 coders, 12 units, missing data.
    data = np.array(
        [
            [1, 1, NAN, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
            [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [NAN, 5, 5, 5], [NAN, NAN, 1, 1], [NAN, 3, NAN, NAN],
        ]
    )  # fmt: skip
    assert krippendorff_alpha(data, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(data, "ordinal") == pytest.approx(0.815, abs=5e-4)
    assert krippendorff_alpha(data, "interval") == pytest.approx(0.849, abs=5e-4)


def test_alpha_edge_cases():
    assert krippendorff_alpha([[1, 1], [2, 2]], "ordinal") == pytest.approx(1.0)
    assert math.isnan(krippendorff_alpha([[3, 3], [3, 3]]))  # no variation: undefined
    assert math.isnan(krippendorff_alpha([[1, NAN], [2, NAN]]))  # nothing pairable
    with pytest.raises(InputError, match="level must be"):
        krippendorff_alpha([[1, 2]], "ratio")


def write(path, rows):
    path.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_read_aggregate_and_agreement(tmp_path):
    path = write(tmp_path / "r.csv", ["p1,a,4,3,4,5", "p1,b,3,3,3,3", "p2,a,1,2,1,2", "p2,b,2,1,2,1"])
    ratings = read_ratings(path, {"p1", "p2"})
    agg = {r.paper_id: r for r in aggregate(ratings)}
    assert agg["p1"].score == pytest.approx(3.5) and agg["p1"].newsworthy and agg["p1"].raters == 2
    assert agg["p2"].score == pytest.approx(1.5) and not agg["p2"].newsworthy
    assert rating_matrix(ratings).shape == (2, 2)
    assert set(agreement(ratings)) >= {"alpha_interval_score", "alpha_ordinal_actuality"}


def test_every_bad_row_is_listed(tmp_path):
    path = write(
        tmp_path / "bad.csv",
        ["p1,a,4,3,4,5", "p1,b,3,,3,3", "p2,a,1,2,7,2", "ghost,a,2,2,2,2", "p1,a,4,4,4,4", "p2,b,2.5,1,2,1"],
    )
    with pytest.raises(InputError) as info:
        read_ratings(path, {"p1", "p2"})
    msg = str(info.value)
    assert "5 bad row(s)" in msg
    assert "row 3 (paper p1, rater b): controversy: missing value" in msg
    assert "row 4 (paper p2, rater a): relevance_magnitude: rating '7' outside the 1-5 scale" in msg
    assert "row 5 (paper ghost, rater a): unknown paper id 'ghost'" in msg
    assert "row 6 (paper p1, rater a): rater 'a' already rated 'p1' in row 2" in msg
    assert "row 7 (paper p2, rater b): actuality: rating '2.5' is not a whole number" in msg


def test_jsonl_ratings_and_missing_columns(tmp_path):
    jsonl = tmp_path / "r.jsonl"
    jsonl.write_text(
        '{"paper_id": "p1", "rater_id": "a", "actuality": 4, "controversy": 2, "relevance_magnitude": 3}\n'
    )
    with pytest.raises(InputError, match=r"line 1 \(paper p1, rater a\): relevance_valence: missing value"):
        read_ratings(jsonl)
    csv = tmp_path / "r.csv"
    csv.write_text("paper_id,rater_id,actuality\np1,a,3\n")
    with pytest.raises(InputError, match="missing column"):
        read_ratings(csv)
    with pytest.raises(InputError, match="does not exist"):
        read_ratings(tmp_path / "nope.csv")


def _cli_error(args):
    from typer.testing import CliRunner

    from sciwire.cli.main import app

    result = CliRunner().invoke(app, [str(a) for a in args], env={"HF_HUB_OFFLINE": "1", "COLUMNS": "400"})
    assert result.exit_code == 1, result.output
    return result.output.strip()


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing column", r"^Error: ratings\.csv: missing column\(s\) relevance_valence; expected the header "),
        ("three rows", r"^Error: ratings\.csv has 3 rating row\(s\) covering 1 paper\(s\); training needs at least 8 "),
        ("outside the scale", r"^Error: ratings\.csv has 1 bad row\(s\); .*: row 3 \(paper p1, rater b\): "
         r"relevance_magnitude: rating '6' outside the 1-5 scale$"),
    ],
)  # fmt: skip
def test_the_issue_s_three_bad_ratings_files_fail_clearly_at_the_cli(tmp_path, case, expected):
    """Issue 15: a missing column, a value outside the scale and 3 rows each end `sciwire train newsworthiness`
    with exit code 1 before any model loads, in one line (bad rows are listed in it, separated by ' | ')."""
    rows = ["p1,a,4,3,4,5", "p1,b,3,3,6,3", "p1,c,2,2,2,2"] if case == "outside the scale" else [
        "p1,a,4,3,4,5", "p1,b,3,3,3,3", "p1,c,2,2,2,2"]  # fmt: skip
    path = write(tmp_path / "ratings.csv", rows)
    if case == "missing column":
        path.write_text("\n".join(line.rsplit(",", 1)[0] for line in path.read_text().splitlines()) + "\n")
    papers = tmp_path / "papers.jsonl"
    papers.write_text('{"id": "p1", "title": "A study", "abstract": "We studied it."}\n')
    output = _cli_error(["train", "newsworthiness", "--ratings", path, "--papers", papers, "--out", tmp_path / "m"])
    assert re.search(expected, output), output
    assert len(output.splitlines()) == 1, output
    assert not (tmp_path / "m").exists()
