"""The "none of these" head and the few-shot classifier on synthetic clusters (no encoder)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sciwire.errors import InputError, ModelLoadError
from sciwire.relations.evaluate import accuracy, sample_episodes
from sciwire.relations.model import FewShotRelationClassifier, NotaHead, best_threshold, load_head, save_head
from sciwire.relations.schema import NOTA


def clusters(n_rel: int = 12, per: int = 12, dim: int = 16, noise: float = 0.35, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_rel, dim))
    X = np.repeat(centres, per, axis=0) + noise * rng.normal(size=(n_rel * per, dim))
    return X.astype(np.float32), np.repeat(np.arange(n_rel), per)


def test_the_head_learns_a_threshold_that_separates_outside_relations():
    X, y = clusters()
    head = NotaHead(rank=0, episodes=30, threshold_episodes=60, seed=0).fit(X[y < 6], y[y < 6])
    assert 0.0 < head.threshold_ < 1.0 and head.scale_ > 0
    Z = head.transform(X[y >= 6])
    acc, ci = accuracy(Z, sample_episodes(y[y >= 6], 5, 1, 0.5, 100, 0), head.threshold_)
    assert acc > 0.8 and 0 <= ci < 0.1
    assert set(head.centred_thresholds_) == {1, 5}


def test_the_projection_starts_from_identity_and_round_trips_through_its_folder(tmp_path):
    X, y = clusters()
    head = NotaHead(rank=4, episodes=20, threshold_episodes=20, seed=0).fit(X, y)
    assert head.U_ is not None and head.U_.shape == (16, 4) and head.V_.shape == (4, 16)
    save_head(head, tmp_path / "m", {"layers": [4], "parts": ["head", "tail", "mean"], "style": "none"})
    loaded, features = load_head(tmp_path / "m")
    assert features["layers"] == [4] and features["folder"] == str(tmp_path / "m")
    np.testing.assert_allclose(loaded.transform(X), head.transform(X), atol=1e-5)
    assert loaded.threshold_ == pytest.approx(head.threshold_, abs=1e-6)


def test_an_altered_projection_file_is_refused(tmp_path):
    X, y = clusters()
    save_head(NotaHead(rank=2, episodes=5, threshold_episodes=5).fit(X, y), tmp_path, {"layers": [4]})
    blob = (tmp_path / "projection.safetensors").read_bytes()
    (tmp_path / "projection.safetensors").write_bytes(blob[:-4] + b"\0\0\0\0")
    with pytest.raises(ModelLoadError, match="does not match its recorded sha256"):
        load_head(tmp_path)


def test_a_missing_folder_names_the_train_command(tmp_path):
    with pytest.raises(ModelLoadError, match="sciwire train relations"):
        load_head(tmp_path / "nothing")


def test_too_few_relations_for_episodes_is_an_input_error():
    X, y = clusters(n_rel=4)
    with pytest.raises(InputError, match="needs at least 6 relations with 6 examples each; got 4"):
        NotaHead(n_way=5).fit(X, y)


def test_the_classifier_follows_the_estimator_contract():
    X, y = clusters(n_rel=3, per=4)
    head = NotaHead(rank=0).set_fixed(scale=10.0, threshold=0.5)
    clf = FewShotRelationClassifier(head)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    clf.fit(X, [f"r{v}" for v in y])
    assert clf.classes_.tolist() == ["r0", "r1", "r2", NOTA]
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert (clf.predict(X) == np.array([f"r{v}" for v in y])).mean() > 0.9
    far = -clf.prototypes_.sum(axis=0, keepdims=True)
    assert clf.predict(far).tolist() == [NOTA]
    assert FewShotRelationClassifier(head, nota=False).fit(X, y).predict(far).tolist() != [NOTA]


def test_best_threshold_maximises_accuracy_on_the_episodes():
    cos = [np.array([[0.9, 0.1], [0.3, 0.2], [0.5, 0.7]])]
    assert best_threshold(cos, [np.array([0, 2, 1])]) == pytest.approx(0.5)


def test_episodes_are_seeded_and_have_the_asked_shape():
    y = np.repeat(np.arange(8), 10)
    a = sample_episodes(y, 5, 2, 0.5, 20, seed=3)
    b = sample_episodes(y, 5, 2, 0.5, 20, seed=3)
    assert all((s1 == s2).all() and (q1 == q2).all() for (s1, q1, _), (s2, q2, _) in zip(a, b, strict=True))
    support, queries, target = a[0]
    assert support.shape == (5, 2) and len(queries) == len(target) == 5
    chosen = {int(y[s]) for s in support[:, 0]}
    for q, t in zip(queries, target, strict=True):  # a NOTA query comes from a relation outside the episode
        assert (int(y[q]) not in chosen) == (t == 5)
    assert 0 < np.mean([(t == 5).mean() for _, _, t in a]) < 1
