"""Federated training with Flower: a logistic head on frozen MiniLM vectors, across sites that keep their records.

Each *site* (a newsroom, a press office, a lab) holds its own labelled records. A Flower
``ServerApp`` runs FedAvg: every round it sends the current head (weights and biases) to each
site's ``ClientApp``, which trains it for a few epochs on its own vectors and sends back only
the new weights and its record count; the server averages them, weighted by the counts. No
record, vector or label ever leaves its site. Here the sites run in Flower's simulation engine
(Ray, in this process's machine); the same two apps run against a real SuperLink in deployment
(docs/learning.md).

The head is multinomial logistic regression trained by full-batch gradient descent in numpy
(:func:`local_train`): the same optimiser serves the pooled baseline (:func:`train_pooled`, all
records in one place) and local-only heads, so the comparison measures federation only.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(20, 3)); y = (x[:, 0] > 0).astype(int)
    >>> w, b = local_train(np.zeros((2, 3)), np.zeros(2), x, y, epochs=200, lr=0.5)
    >>> float(np.mean(head_proba(w, b, x).argmax(1) == y)) > 0.9
    True
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sciwire.errors import FederatedError, InputError, MissingDependencyError
from sciwire.fitting import softmax

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Site:
    """One site's records as vectors ``x`` and class indices ``y`` (they stay with the site)."""

    name: str
    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class FederatedSettings:
    """How the federation trains.

    Attributes:
        rounds: FedAvg rounds.
        epochs: Gradient steps each site takes per round.
        lr: Step size.
        l2: L2 penalty on the weights.
        num_cpus: CPUs Ray may use for the simulated sites (each site takes one).
    """

    rounds: int = 5
    epochs: int = 20
    lr: float = 1.0
    l2: float = 1e-3
    num_cpus: int = 1

    def __post_init__(self) -> None:
        if self.rounds < 1 or self.epochs < 1 or not self.lr > 0 or self.l2 < 0 or self.num_cpus < 1:
            raise InputError(f"Federated settings need rounds, epochs, num_cpus >= 1, lr > 0 and l2 >= 0; got {self}")


@dataclass
class FederatedResult:
    """The trained head and what each round reported."""

    coef: np.ndarray
    intercept: np.ndarray
    rounds: list[dict[str, float]] = field(default_factory=list)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return head_proba(self.coef, self.intercept, x)


def head_proba(coef: np.ndarray, intercept: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Softmax probabilities of the linear head."""
    return np.asarray(softmax(np.asarray(x, dtype=np.float64) @ coef.T + intercept))


def local_train(coef: np.ndarray, intercept: np.ndarray, x: np.ndarray, y: np.ndarray, epochs: int = 20,
                lr: float = 1.0, l2: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """``epochs`` full-batch gradient steps of L2-penalised softmax regression from ``(coef, intercept)``."""
    w, b = np.array(coef, dtype=np.float64), np.array(intercept, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    onehot = np.eye(len(b))[np.asarray(y, dtype=int)]
    for _ in range(epochs):
        grad = (head_proba(w, b, x) - onehot) / len(x)
        w -= lr * (grad.T @ x + l2 * w)
        b -= lr * grad.sum(axis=0)
    return w, b


def train_pooled(sites: Sequence[Site], n_classes: int, settings: FederatedSettings) -> FederatedResult:
    """The centralised baseline: every site's records in one place, the same number of steps."""
    x = np.vstack([s.x for s in sites])
    y = np.concatenate([s.y for s in sites])
    w, b = local_train(np.zeros((n_classes, x.shape[1])), np.zeros(n_classes), x, y,
                       settings.rounds * settings.epochs, settings.lr, settings.l2)  # fmt: skip
    return FederatedResult(w, b)


def _check_sites(sites: Sequence[Site], n_classes: int) -> None:
    if len(sites) < 2:
        raise InputError(f"Federated training needs at least 2 sites, got {len(sites)}")
    empty = [s.name for s in sites if len(s.y) == 0]
    if empty:
        raise InputError(f"Sites {empty} have no labelled records; every site needs some")
    if any(int(s.y.max()) >= n_classes for s in sites):
        raise InputError(f"Site labels must be class indices below {n_classes}")


def train_federated(
    sites: Sequence[Site], n_classes: int, settings: FederatedSettings | None = None
) -> FederatedResult:
    """FedAvg over ``sites`` in Flower's simulation engine (one simulated SuperNode per site).

    Raises:
        InputError: On fewer than 2 sites or a site without records.
        FederatedError: When the simulation cannot start (Ray) or ends without a model.
        MissingDependencyError: When Flower (``flwr[simulation]``) is not installed.
    """
    settings = settings or FederatedSettings()
    _check_sites(sites, n_classes)
    try:
        from flwr.app import ArrayRecord, ConfigRecord, Context, Message, MetricRecord, RecordDict
        from flwr.clientapp import ClientApp
        from flwr.serverapp import Grid, ServerApp
        from flwr.serverapp.strategy import FedAvg
        from flwr.simulation import run_simulation
    except ImportError as exc:
        raise MissingDependencyError("flwr[simulation]", "Federated training", extra="learn") from exc
    data = [(s.x.astype(np.float64), s.y.astype(int)) for s in sites]  # captured by the ClientApp, per site
    dim = data[0][0].shape[1]
    client = ClientApp()

    @client.train()
    def train(msg: Message, context: Context) -> Message:
        x, y = data[int(context.node_config["partition-id"])]
        w, b = msg.content.array_records["arrays"].to_numpy_ndarrays()
        cfg: dict[str, Any] = dict(msg.content.config_records["config"])
        w, b = local_train(w, b, x, y, int(cfg["epochs"]), float(cfg["lr"]), float(cfg["l2"]))
        loss = float(-np.mean(np.log(head_proba(w, b, x)[np.arange(len(y)), y] + 1e-12)))
        metrics = MetricRecord({"num-examples": len(y), "train_loss": loss})
        return Message(RecordDict({"arrays": ArrayRecord([w, b]), "metrics": metrics}), reply_to=msg)

    server = ServerApp()
    out: dict[str, Any] = {}

    @server.main()
    def main(grid: Grid, context: Context) -> None:
        n = len(data)
        strategy = FedAvg(fraction_train=1.0, fraction_evaluate=0.0, min_train_nodes=n, min_available_nodes=n)
        result = strategy.start(
            grid=grid,
            initial_arrays=ArrayRecord([np.zeros((n_classes, dim)), np.zeros(n_classes)]),
            num_rounds=settings.rounds,
            train_config=ConfigRecord({"epochs": settings.epochs, "lr": settings.lr, "l2": settings.l2}),
        )
        out["arrays"] = result.arrays.to_numpy_ndarrays()
        out["rounds"] = [{"round": r, **dict(m)} for r, m in sorted(result.train_metrics_clientapp.items())]

    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    ray_init = {"num_cpus": settings.num_cpus, "num_gpus": 0, "include_dashboard": False, "logging_level": "error"}
    backend: dict[str, Any] = {"client_resources": {"num_cpus": 1, "num_gpus": 0.0}, "init_args": ray_init}
    try:
        run_simulation(server_app=server, client_app=client, num_supernodes=len(data), backend_config=backend)
    except RuntimeError as exc:  # Flower wraps every failure (Ray start-up, a failing site) in RuntimeError
        cause = " ".join(str(exc.__cause__ or exc).split())[:200]
        raise FederatedError(f"The Flower simulation of {len(data)} sites failed: {cause}") from exc
    if "arrays" not in out:
        raise FederatedError("The Flower simulation ended without a model; see the log above for the failing site")
    w, b = out["arrays"]
    return FederatedResult(np.asarray(w), np.asarray(b), out["rounds"])


def compare(sites: Sequence[Site], test_x: np.ndarray, test_y: np.ndarray, n_classes: int,
            settings: FederatedSettings) -> tuple[dict[str, Any], FederatedResult]:  # fmt: skip
    """Macro-F1 on one test set of the federated head, the pooled head and each site's local-only head."""
    from sklearn.metrics import f1_score

    def f1(result: FederatedResult) -> float:
        pred = result.predict_proba(test_x).argmax(axis=1)
        return round(float(f1_score(test_y, pred, average="macro", labels=range(n_classes), zero_division=0)), 4)

    federated = train_federated(sites, n_classes, settings)
    local = {s.name: f1(train_pooled([s], n_classes, settings)) for s in sites}
    metrics = {
        "federated_macro_f1": f1(federated),
        "pooled_macro_f1": f1(train_pooled(sites, n_classes, settings)),
        "local_macro_f1": local,
        "local_mean_macro_f1": round(float(np.mean(list(local.values()))), 4),
        "sites": {s.name: len(s.y) for s in sites},
        "test_records": len(test_y),
        "rounds": federated.rounds,
    }
    return metrics, federated


def assign_sites(groups: Sequence[str], sources: Sequence[str], clients: int, by: str) -> list[str]:
    """The site of each record: its ``source`` (``by="source"``), or its group dealt round-robin to ``clients`` sites.

    A group (a paper) always lands at one site, so no paper is split between sites.

    Raises:
        InputError: On an unknown ``by`` or fewer groups than sites.
    """
    if by == "source":
        return [s or "unknown" for s in sources]
    if by != "group":
        raise InputError(f"Sites are made 'by' group or source, got {by!r}")
    order = sorted(set(groups))
    if len(order) < clients:
        raise InputError(f"{clients} sites need records from at least {clients} papers (groups), got {len(order)}")
    site_of = {g: f"site{i % clients + 1}" for i, g in enumerate(order)}
    return [site_of[g] for g in groups]


def learn_federated(name: str, config: Any, *, clients: int = 2, by: str = "group",
                    settings: FederatedSettings | None = None, out: str | os.PathLike[str] | None = None,
                    command: str = "", seed: int = 0) -> dict[str, Any]:  # fmt: skip
    """``sciwire learn federated TASK``: FedAvg over the task's records split into sites; a model folder.

    The labelled records are split by paper into train and held-out test (30% of the papers);
    the train records are dealt to sites (:func:`assign_sites`); the federated head is compared
    with the pooled and local-only heads on the same test records, then saved as a ``logistic``
    model folder that ``sciwire learn predict --model`` reads.

    Raises:
        InputError: On a missing task, labels of one class, too few papers or a bad ``by``.
    """
    from pathlib import Path

    from sciwire.fitting import ModelCard, Receipt
    from sciwire.learn.api import load_task
    from sciwire.learn.base import one_class_error
    from sciwire.learn.heads import EmbeddingLogistic
    from sciwire.learn.model import LearnedModel
    from sciwire.learn.splits import grouped_split
    from sciwire.learn.train import labels_hash, models_dir
    from sciwire.learn.vectors import embed

    settings = settings or FederatedSettings()
    task = load_task(name, config)
    texts, labels, groups = task.labelled()
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise one_class_error(classes)
    sources = {r.id: r.source for r in task.records}
    record_sources = [
        sources.get(r.id, "") for r in task.records if r.id in task.labellings and task.labellings[r.id].labels
    ]
    train, test = grouped_split(labels, groups, 0.3, seed)
    index = {c: i for i, c in enumerate(classes)}
    x = np.asarray(embed(texts, config.models.embedding), dtype=np.float64)
    y = np.array([index[v] for v in labels])
    where = assign_sites([groups[i] for i in train], [record_sources[i] for i in train], clients, by)
    sites = [Site(s, x[train][[w == s for w in where]], y[train][[w == s for w in where]]) for s in sorted(set(where))]
    metrics, head = compare(sites, x[test], y[test], len(classes), settings)
    model = EmbeddingLogistic(embedding=config.models.embedding)
    model.classes_ = np.array(classes, dtype=object)
    model.coef_, model.intercept_ = head.coef, head.intercept
    folder = Path(out) if out is not None else models_dir(config) / task.name / "federated"
    command = command or f"sciwire learn federated {task.name} --clients {clients}"
    receipt = Receipt(command, {"clients": clients, "by": by, "seed": seed, **settings.__dict__},
                      {f"task:{task.name}": labels_hash(task)}, metrics)  # fmt: skip
    card = ModelCard(
        name=f"{task.name}: logistic head on MiniLM, trained by FedAvg across {len(sites)} sites",
        summary="A logistic head on frozen MiniLM vectors, trained with Flower (FedAvg) across sites that never "
        "shared their records.",
        data=f"{len(train)} labelled records of task {task.name!r} dealt to sites by {by}; {len(test)} held out.",
        licence="as the task's records",
        metrics_markdown=f"Held-out macro-F1: federated {metrics['federated_macro_f1']}, pooled "
        f"{metrics['pooled_macro_f1']}, local-only mean {metrics['local_mean_macro_f1']}",
        command=command,
        limits="Simulated sites (Flower's simulation engine); a real deployment runs the same apps on a SuperLink.",
    )
    LearnedModel("logistic", model, 1.0, task.name).save(folder, receipt=receipt, card=card)
    return {"folder": str(folder), "metrics": metrics}
