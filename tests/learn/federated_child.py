"""Run by tests/learn/test_federated.py and tests/cli/test_learn_cli.py in a fresh process: Flower's
simulation engine (Ray) on a toy federation, or ``sciwire learn federated`` on a stored task.

A fresh process because Ray (started by Flower) can abort the interpreter when libraries that other
tests load first (psycopg, usearch: tests/store) are already in it; a child process makes the test
order irrelevant. The last line of stdout is a JSON report.

Usage: ``python -m tests.learn.federated_child toy`` or
``python -m tests.learn.federated_child cli LEARN_DB TASK [ARGS...]``.
"""

from __future__ import annotations

import json
import sys

import numpy as np


def toy_sites(n_sites: int = 2, n: int = 40, seed: int = 0):
    from sciwire.learn.federated import Site

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n * n_sites, 6))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int)
    return [Site(f"site{i}", x[i * n : (i + 1) * n], y[i * n : (i + 1) * n]) for i in range(n_sites)], x, y


def toy() -> dict:
    """One FedAvg round in the simulation engine, and the count-weighted mean of the sites' local heads."""
    from sciwire.learn.federated import FederatedSettings, local_train, train_federated

    sites, x, y = toy_sites()
    result = train_federated(sites, 2, FederatedSettings(rounds=1, epochs=30, num_cpus=1))
    heads = [local_train(np.zeros((2, 6)), np.zeros(2), s.x, s.y, 30, 1.0, 1e-3) for s in sites]
    return {
        "coef": result.coef.tolist(),
        "rounds": len(result.rounds),
        "accuracy": float(np.mean(result.predict_proba(x).argmax(1) == y)),
        "mean_of_local_heads": np.mean([h[0] for h in heads], axis=0).tolist(),
    }


def cli(db: str, args: list[str]) -> dict:
    """``sciwire learn federated ARGS --json`` against the task database ``db``."""
    from typer.testing import CliRunner

    from sciwire.cli.main import app

    result = CliRunner().invoke(app, ["learn", "federated", *args, "--json", "--set", f"learn.db={db}"],
                                env={"COLUMNS": "200"})  # fmt: skip
    return {"exit_code": result.exit_code, "stdout": result.stdout, "output": result.output}


if __name__ == "__main__":
    report = toy() if sys.argv[1] == "toy" else cli(sys.argv[2], sys.argv[3:])
    print(json.dumps(report))
