"""The four news values: clear errors on bad ratings files, training on the bundled example, outputs."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.errors import InputError
from sciwire.examples import EXAMPLES_DIR
from sciwire.newsworthiness.ratings import MIN_PAPERS, VALUES, read_ratings, training_labels
from sciwire.newsworthiness.train import train_newsworthiness

PAPERS = EXAMPLES_DIR / "newsworthiness_papers.jsonl"
RATINGS = EXAMPLES_DIR / "newsworthiness_ratings.csv"
FAST = ["newsworthiness.n_estimators=30", "newsworthiness.cv_folds=3"]


def lines(n: int | None = None) -> list[str]:
    rows = RATINGS.read_text().splitlines()
    return rows if n is None else rows[: n + 1]


def write(tmp_path, rows: list[str], name="ratings.csv"):
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_bundled_example_is_trainable():
    ratings = read_ratings(RATINGS)
    rated, labels = training_labels(ratings)
    assert len(ratings) == 36 and len(rated) == 12 and {r.raters for r in rated} == {3}
    assert set(labels) == {"newsworthy", *VALUES}
    assert all(4 <= int(y.sum()) <= 8 for y in labels.values())


def test_missing_column_is_one_clear_line(tmp_path):
    header, *rows = lines()
    path = write(tmp_path, [header.replace(",relevance_valence", ""), *(r.rsplit(",", 1)[0] for r in rows)])
    with pytest.raises(InputError, match=r"^ratings\.csv: missing column\(s\) relevance_valence; expected the header "):
        read_ratings(path)


def test_value_outside_the_scale_names_the_row(tmp_path):
    rows = lines()
    rows[1] = "ex-01,r1,4,3,6,2"
    with pytest.raises(InputError, match=r"row 2 \(paper ex-01, rater r1\): relevance_magnitude: rating '6' outside "):
        read_ratings(write(tmp_path, rows))


def test_three_rows_are_too_few_and_say_how_many_are_needed(tmp_path):
    path = write(tmp_path, lines(3))
    msg = rf"has 3 rating row\(s\) covering 1 paper\(s\); training needs at least {MIN_PAPERS} rated papers"
    with pytest.raises(InputError, match=msg):
        training_labels(read_ratings(path), path.name)
    with pytest.raises(InputError, match=msg):  # before any model is loaded
        train_newsworthiness(path, PAPERS, tmp_path / "m", load_config(environ={}))
    assert not (tmp_path / "m").exists()


def test_a_value_without_variety_is_refused(tmp_path):
    header, *rows = lines()
    flat = [",".join([*r.split(",")[:5], "5"]) for r in rows]  # everyone rates valence 5
    with pytest.raises(InputError, match=r"12 paper\(s\) rated high on relevance_valence \(>= 3\) and 0 not"):
        training_labels(read_ratings(write(tmp_path, [header, *flat])))


@pytest.mark.slow
def test_train_on_example_gives_four_values_with_votes_and_probabilities(tmp_path, embedder):
    from sciwire.newsworthiness.model import TrainedModel
    from sciwire.newsworthiness.papers import read_papers
    from sciwire.newsworthiness.ranking import WHAT_IT_IS, Ranker
    from sciwire.newsworthiness.render import CSV_COLUMNS, ranking_csv, ranking_html

    config = load_config(environ={}, overrides=FAST)
    result = train_newsworthiness(RATINGS, PAPERS, tmp_path / "m", config, embedder=embedder)
    m = result.metrics
    assert set(m["values"]) == set(VALUES) and {"extra_trees", "logistic"} <= set(m["values"]["actuality"])
    assert {"auc", "ece_raw", "ece_calibrated"} <= set(m["extra_trees"])
    assert set(m["style_only"]) == {"raw", "style_neutral"}
    card = (result.folder / "MODEL_CARD.md").read_text()
    assert "Per news value" in card and "impact valence" in card and "Style cues only" in card

    model = TrainedModel.load(result.folder)
    assert model.dimension_names == VALUES
    ranking = Ranker(config, embedder, model).rank(read_papers([PAPERS]))
    top = ranking.papers[0]
    assert [d.label for d in top.dimensions] == ["actuality", "surprise", "impact magnitude", "impact valence"]
    assert top.probability == pytest.approx(np.mean([d.probability for d in top.dimensions]))
    assert top.vote_share == pytest.approx(np.mean([d.vote_share for d in top.dimensions]))
    assert all(0 <= d.probability <= 1 and 0 <= d.vote_share <= 1 and d.reason for d in top.dimensions)
    assert ranking.note.startswith(WHAT_IT_IS) and "mean of the four news values" in ranking.note
    rows = list(csv.DictReader(io.StringIO(ranking_csv(ranking))))
    assert tuple(rows[0]) == CSV_COLUMNS and rows[0]["impact_valence"]
    assert "news values" in ranking_html(ranking) and "not a fact about the paper" in ranking_html(ranking)
    newsy = {r.paper.id for r in ranking.papers[:6]}
    assert len(newsy & {"ex-01", "ex-02", "ex-03", "ex-04", "ex-05", "ex-06"}) >= 4
