"""``sciwire learn train TASK --method NAME``: a task's labels -> a model folder with card and receipt.

Held-out metrics come first (grouped folds over the labelled records: macro-F1, ECE before and
after temperature scaling); the temperature fitted on all held-out predictions then calibrates
the final model, fitted on every labelled record.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sciwire.errors import InputError
from sciwire.fitting import ModelCard, Receipt, TrainResult
from sciwire.learn.base import TextClassifier, one_class_error
from sciwire.learn.evaluate import evaluate_method
from sciwire.learn.methods import METHODS, ZERO_SHOT, make_method
from sciwire.learn.model import LearnedModel
from sciwire.learn.task import Task, task_db_path

if TYPE_CHECKING:
    from sciwire.config import Config

logger = logging.getLogger(__name__)


def models_dir(config: Config) -> Path:
    """Where ``learn train`` writes model folders: ``learn.models_dir``, else ``learn_models`` by the task database."""
    if config.learn.models_dir:
        return Path(config.learn.models_dir).expanduser()
    return Path(task_db_path(config)).with_name("learn_models")


def method_params(name: str, task: Task, config: Config) -> dict[str, Any]:
    """The parameters a method gets from the task (labels, descriptions) and from ``[learn]``."""
    params: dict[str, Any] = {}
    if name in ZERO_SHOT:
        params.update(labels=list(task.labels), descriptions={lab: task.description(lab) for lab in task.labels})
    if name in ("zero-shot", "logistic"):
        params["embedding"] = config.models.embedding
    if name == "nli":
        params.update(model=config.learn.nli_model, hypothesis=config.learn.hypothesis)
    if name == "setfit":
        params.update(
            body=config.models.embedding,
            num_iterations=config.learn.setfit_iterations,
            max_steps=config.learn.setfit_max_steps,
        )
    return params


def pet_pool(task: Task, limit: int) -> list[str]:
    """The unlabelled texts PET's LM labels for its student (the first ``limit`` in record order).

    Raises:
        InputError: When the task has no unlabelled records (PET would be a logistic head on the labels alone).
    """
    pool = [r.text for r in task.unlabelled()][:limit]
    if not pool:
        raise InputError(
            f"--method pet distils the LM's answers on unlabelled records, and task {task.name!r} has none: add "
            f"records without labels (sciwire learn add {task.name} FILE), or use --method logistic"
        )
    return pool


def labels_hash(task: Task) -> str:
    """SHA-256 of the labelled records (id, text, labels): the receipt's data fingerprint."""
    rows = [[r.id, r.text, list(task.labellings[r.id].labels)] for r in task.records if r.id in task.labellings]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def train_task(
    task: Task,
    method: str,
    config: Config,
    *,
    out: str | os.PathLike[str] | None = None,
    command: str = "",
    seed: int = 0,
    on_progress: Callable[[int], None] | None = None,
) -> TrainResult:
    """Train ``method`` on ``task``'s labels and write the model folder.

    Args:
        task: The task (see :meth:`~sciwire.learn.task.TaskDB.load_task`).
        method: A name in :data:`~sciwire.learn.methods.METHODS`.
        config: The resolved config (``[learn]``, ``models.embedding``).
        out: The model folder (default: ``<models_dir>/<task>/<method>``).
        command: The command line, for the receipt.
        seed: Seed of folds and of the method where it has one.
        on_progress: Called with 1 after each step (evaluation, final fit, saving).

    Raises:
        InputError: On an unknown method, a multi-label task, or labels of fewer than 2 classes
            (zero-shot methods need none).
    """
    if method not in METHODS:
        raise InputError(f"Unknown method {method!r}; expected one of {', '.join(sorted(METHODS))}")
    if task.multi_label:
        raise InputError(f"Task {task.name!r} is multi-label; learn train handles single-label tasks (see sciwire tag)")
    texts, labels, groups = task.labelled()
    present = sorted(set(labels))
    if method not in ZERO_SHOT and len(present) < 2:
        raise one_class_error(present)
    params = method_params(method, task, config)
    if "seed" in METHODS[method]().get_params():
        params["seed"] = seed
    data: dict[str, Any] = {}  # what a method learns from besides labels (kept out of the receipt's params)
    if method == "pet":
        data["unlabeled"] = pet_pool(task, config.learn.pet_unlabelled)

    def make() -> TextClassifier:
        return make_method(method, **params, **data)

    step = on_progress or (lambda n: None)
    classes = list(task.labels) if method in ZERO_SHOT else present
    metrics: dict[str, Any] = {"labelled": len(texts), "per_label": task.counts()}
    if method == "pet":
        metrics["unlabelled_used"] = len(data["unlabeled"])
    folds = config.learn.cv_folds
    if folds and len(present) >= 2 and len(set(groups)) >= 2:
        metrics.update(evaluate_method(make, texts, labels, groups, classes=classes, n_splits=folds, seed=seed))
    else:
        logger.warning("No held-out metrics for task %s: cv_folds is 0, or fewer than 2 classes or papers", task.name)
    step(1)
    clf = make().fit(texts, labels)
    step(1)
    model = LearnedModel(method, clf, float(metrics.get("temperature", 1.0)), task.name)
    folder = Path(out) if out is not None else models_dir(config) / task.name / method
    receipt = Receipt(
        command=command or f"sciwire learn train {task.name} --method {method}",
        config={"learn": config.to_dict()["learn"], "method": method, "params": _jsonable(params), "seed": seed},
        data={f"task:{task.name}": labels_hash(task)},
        metrics=metrics,
    )
    model.save(folder, receipt=receipt, card=_card(task, method, metrics, receipt.command))
    step(1)
    logger.info("Trained %s on task %s (%d labels) -> %s", method, task.name, len(texts), folder)
    return TrainResult(folder, metrics)


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(params, default=str))


def _card(task: Task, method: str, metrics: dict[str, Any], command: str) -> ModelCard:
    if "macro_f1" in metrics:
        table = (
            f"Grouped {metrics['folds']}-fold cross-validation over {metrics['records']} labelled records "
            f"(a paper's records stay together).\n\n| macro-F1 | accuracy | ECE before | ECE after | temperature |\n"
            f"|---|---|---|---|---|\n| {metrics['macro_f1']} | {metrics['accuracy']} | {metrics['ece_before']} | "
            f"{metrics['ece_after']} | {metrics['temperature']} |"
        )
    else:
        table = "Not measured (no held-out labels: cv_folds 0, or fewer than 2 labelled classes or papers)."
    return ModelCard(
        name=f"{task.name} ({method})",
        summary=(
            f"Classifies {task.unit}s into {', '.join(task.labels)} for the sciwire learn task {task.name!r}, "
            f"with the {method} method. Probabilities are temperature-scaled."
        ),
        data=(
            f"{metrics['labelled']} records labelled in the task database (labels per class: "
            f"{', '.join(f'{k} {v}' for k, v in metrics['per_label'].items())}); "
            "each label has who/when in the database."
        ),
        licence="the licence of the labelled texts and of their labels (yours)",
        metrics_markdown=table,
        command=command,
        limits=(
            "Learned from few labels: check the held-out numbers above before trusting it, and label more "
            "(sciwire learn next) where it is unsure. Metrics from folds of a few dozen records vary a lot."
        ),
    )
