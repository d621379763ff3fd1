"""Model folders of the term typers: round trips, one-line errors, the estimator contract."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from sciwire.config import load_config
from sciwire.errors import ModelLoadError
from sciwire.terms.model import SpanTyper, load_span_typer, load_zero_shot, write_weights
from sciwire.terms.train import DEFAULT_DESCRIPTIONS, DEFAULT_THRESHOLD, write_zero_shot_folder


def test_the_shipped_folder_is_what_train_terms_writes(tmp_path):
    write_zero_shot_folder(tmp_path / "m", load_config(environ={}))
    shipped, fresh = load_zero_shot("default"), load_zero_shot(tmp_path / "m")
    assert shipped.to_weights() == fresh.to_weights()
    assert fresh.descriptions == DEFAULT_DESCRIPTIONS and fresh.threshold == DEFAULT_THRESHOLD
    assert (tmp_path / "m" / "MODEL_CARD.md").is_file() and (tmp_path / "m" / "receipt.json").is_file()


@pytest.mark.parametrize(
    "damage",
    ["{not json", json.dumps({"format": "sciwire-terms-zero-shot/1", "threshold": 0.3}),
     json.dumps({"format": "sciwire-terms-zero-shot/1", "descriptions": {"colour": ["red"]}, "threshold": 0.3})],
)  # fmt: skip
def test_a_damaged_folder_is_a_one_line_error_naming_the_command(tmp_path, damage):
    write_zero_shot_folder(tmp_path, load_config(environ={}))
    (tmp_path / "weights.json").write_text(damage, encoding="utf-8")
    with pytest.raises(ModelLoadError, match=r"sciwire train terms") as info:
        load_zero_shot(tmp_path)
    assert "\n" not in str(info.value) and str(tmp_path) in str(info.value)


def test_a_missing_folder_is_a_one_line_error(tmp_path):
    with pytest.raises(ModelLoadError, match=r"does not exist.*sciwire train terms"):
        load_zero_shot(tmp_path / "nowhere")


def test_span_typer_follows_the_estimator_contract(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 6))
    y = np.array(["Task", "Method", "none"])[X[:, :3].argmax(axis=1)]
    with pytest.raises(NotFittedError):
        SpanTyper().predict(X)
    typer = clone(SpanTyper(C=2.0)).fit(X, y)
    proba = typer.predict_proba(X)
    assert proba.shape == (60, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert list(typer.classes_) == ["Method", "Task", "none"] and (typer.predict(X) == y).mean() > 0.8
    write_weights(tmp_path, typer.to_weights())
    again = load_span_typer(tmp_path)
    assert np.allclose(again.predict_proba(X), proba, atol=1e-4) and again.get_params()["C"] == 2.0


def test_the_zero_shot_folder_is_not_a_span_typer():
    with pytest.raises(ModelLoadError, match=r"expected sciwire-terms-span-typer/1.*sciwire train entities"):
        load_span_typer("default")
