"""Federated training: FedAvg in Flower's real simulation engine, against the pooled head."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
from tests.learn.federated_child import toy_sites

ROOT = Path(__file__).resolve().parents[2]


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
    """In a child process (tests/learn/federated_child.py): Ray aborts the interpreter when it starts after
    tests/store has loaded psycopg and usearch, so the simulation never shares a process with other tests."""
    pytest.importorskip("flwr", reason="needs flwr[simulation] (pip install 'sciwire[learn]')")
    pytest.importorskip("ray", reason="Flower's simulation engine needs Ray")
    run = subprocess.run([sys.executable, "-m", "tests.learn.federated_child", "toy"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert np.shape(report["coef"]) == (2, 6) and report["rounds"] == 1 and report["accuracy"] > 0.85
    # one round of FedAvg = the count-weighted mean of the sites' locally trained heads (equal counts here)
    np.testing.assert_allclose(report["coef"], report["mean_of_local_heads"], atol=1e-6)
    heads = [local_train(np.zeros((2, 6)), np.zeros(2), s.x, s.y, 30, 1.0, 1e-3) for s in toy_sites()[0]]
    np.testing.assert_allclose(report["coef"], np.mean([h[0] for h in heads], axis=0), atol=1e-6)
