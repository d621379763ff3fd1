"""Federated training: FedAvg in Flower's real simulation engine, against the pooled head."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import InputError
from sciwire.learn.federated import (
    FederatedSettings,
    Site,
    assign_sites,
    head_proba,
    local_train,
    train_federated,
    train_pooled,
)


def toy_sites(n_sites=2, n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n * n_sites, 6))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int)
    return [Site(f"site{i}", x[i * n : (i + 1) * n], y[i * n : (i + 1) * n]) for i in range(n_sites)], x, y


def test_local_training_and_pooled_baseline_learn():
    sites, x, y = toy_sites()
    pooled = train_pooled(sites, 2, FederatedSettings(rounds=5, epochs=20))
    assert np.mean(pooled.predict_proba(x).argmax(1) == y) > 0.9
    w, b = local_train(np.zeros((2, 6)), np.zeros(2), sites[0].x, sites[0].y, epochs=0)
    np.testing.assert_allclose(head_proba(w, b, x), 0.5)


def test_bad_federations_are_one_line_errors():
    sites, _, _ = toy_sites()
    with pytest.raises(InputError, match="Federated training needs at least 2 sites, got 1"):
        train_federated(sites[:1], 2)
    empty = Site("empty", np.zeros((0, 6)), np.zeros(0, dtype=int))
    with pytest.raises(InputError, match=r"Sites \['empty'\] have no labelled records"):
        train_federated([sites[0], empty], 2)
    with pytest.raises(InputError, match="Federated settings need rounds, epochs, num_cpus >= 1"):
        FederatedSettings(rounds=0)


def test_sites_keep_a_paper_together():
    groups = ["p1", "p1", "p2", "p3", "p2"]
    sites = assign_sites(groups, [""] * 5, 2, "group")
    assert sites == ["site1", "site1", "site2", "site1", "site2"]
    assert assign_sites(groups, ["paper", "press", "", "press", "paper"], 2, "source")[2] == "unknown"
    with pytest.raises(InputError, match=r"4 sites need records from at least 4 papers \(groups\), got 3"):
        assign_sites(groups, [""] * 5, 4, "group")
    with pytest.raises(InputError, match="Sites are made 'by' group or source, got 'field'"):
        assign_sites(groups, [""] * 5, 2, "field")


@pytest.mark.slow
def test_fedavg_in_flowers_simulation_engine():
    pytest.importorskip("flwr", reason="needs flwr[simulation] (pip install 'sciwire[learn]')")
    pytest.importorskip("ray", reason="Flower's simulation engine needs Ray")
    sites, x, y = toy_sites()
    result = train_federated(sites, 2, FederatedSettings(rounds=1, epochs=30, num_cpus=1))
    assert result.coef.shape == (2, 6) and len(result.rounds) == 1
    assert np.mean(result.predict_proba(x).argmax(1) == y) > 0.85
    # one round of FedAvg = the count-weighted mean of the sites' locally trained heads
    heads = [local_train(np.zeros((2, 6)), np.zeros(2), s.x, s.y, 30, 1.0, 1e-3) for s in sites]
    np.testing.assert_allclose(result.coef, np.mean([h[0] for h in heads], axis=0), atol=1e-6)
