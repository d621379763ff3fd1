"""The library functions behind ``sciwire learn ...`` (one per command); each opens the task database.

Example:
    >>> from sciwire.config import load_config
    >>> cfg = load_config(overrides=["learn.db=:memory:"], environ={})
    >>> task_db_path(cfg)
    ':memory:'
"""

from __future__ import annotations

import csv
import getpass
import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.errors import InputError
from sciwire.learn.active import select, uncertainty
from sciwire.learn.model import LearnedModel
from sciwire.learn.records import records_from_file, records_from_store
from sciwire.learn.task import Record, Task, TaskDB, task_db_path
from sciwire.learn.train import method_params, models_dir, train_task

if TYPE_CHECKING:
    from sciwire.config import Config
    from sciwire.fitting import TrainResult

logger = logging.getLogger(__name__)


def open_tasks(config: Config) -> TaskDB:
    """The task database (``learn.db``, else ``learn.sqlite`` beside the corpus store)."""
    return TaskDB(task_db_path(config))


def load_task(name: str, config: Config) -> Task:
    """The task ``name`` with its records and current labels."""
    with open_tasks(config) as db:
        return db.load_task(name)


def default_annotator() -> str:
    """Who labels when nobody says: ``$SCIWIRE_ANNOTATOR``, else the login name."""
    try:
        return os.environ.get("SCIWIRE_ANNOTATOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def gather_records(
    files: Sequence[str | os.PathLike[str]], unit: str, config: Config, *, from_store: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> list[Record]:  # fmt: skip
    """Records from ``files`` (and the corpus store when asked), cut into ``unit``."""
    out: list[Record] = []
    for path in files:
        out.extend(records_from_file(path, unit, config))
    if from_store:
        from sciwire.store import open_store

        with open_store(config, store) as opened:
            out.extend(records_from_store(opened, unit, config))
    return out


def new_task(
    name: str,
    labels: Sequence[str],
    config: Config,
    *,
    multi_label: bool = False,
    unit: str = "sentence",
    descriptions: dict[str, str] | None = None,
    files: Sequence[str | os.PathLike[str]] = (),
    from_store: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """``learn new``: create a task and add records from files or the store; returns :func:`show_task`'s summary."""
    records = gather_records(files, unit, config, from_store=from_store, store=store)  # read before writing
    with open_tasks(config) as db:
        db.create_task(name, labels, multi_label=multi_label, unit=unit, descriptions=descriptions)
        if records:
            db.add_records(name, records)
    return show_task(name, config)


def add_records(
    name: str, files: Sequence[str | os.PathLike[str]], config: Config, *, from_store: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> int:  # fmt: skip
    """``learn add``: more records for a task (ids it has are skipped); how many were new."""
    task = load_task(name, config)
    records = gather_records(files, task.unit, config, from_store=from_store, store=store)
    with open_tasks(config) as db:
        return db.add_records(name, records)


def read_label_file(path: str | os.PathLike[str]) -> list[tuple[str, list[str]]]:
    """``(record id, labels)`` rows of a CSV (columns ``id`` or ``record_id``, and ``label``; several
    labels separated by ``|``) or JSONL file (``{"id": ..., "label": ... or [...]}``). Rows with an
    empty label are skipped (a ``learn next --out`` sheet filled in part of the way).

    Raises:
        InputError: On a missing file or a row without an id or label.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"Cannot read labels from {p}: no such file")
    if p.suffix.lower() == ".jsonl":
        rows: list[dict[str, Any]] = [
            json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    else:
        with p.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    out = []
    for n, row in enumerate(rows, start=1):
        rid = str(row.get("id") or row.get("record_id") or "").strip()
        value = row.get("label", row.get("labels"))
        labels = [str(v) for v in value] if isinstance(value, list) else str(value or "").split("|")
        if not rid:
            raise InputError(f"{p}: row {n} has no id (or record_id); nothing was labelled")
        names = [lab.strip() for lab in labels if lab.strip()]
        if names:
            out.append((rid, names))
    if len(out) < len(rows):
        logger.info(
            "%s: %d rows without a label skipped (a `learn next --out` sheet not filled in)", p, len(rows) - len(out)
        )
    return out


def label_records(
    name: str,
    config: Config,
    *,
    file: str | os.PathLike[str] | None = None,
    record: str | None = None,
    label: str | None = None,
    who: str | None = None,
) -> int:
    """``learn label``: labels from a file, or one ``record`` = ``label`` (``a|b`` for several); all or nothing."""
    items: list[tuple[str, str | Sequence[str]]] = []
    if file is not None:
        items.extend(read_label_file(file))
    if record is not None:
        if not label:
            raise InputError("Give the label of the record too, e.g. --record paper:3 --label method")
        items.append((record, label.split("|")))
    if not items:
        raise InputError("Give labels: --file labels.csv, or --record ID --label LABEL")
    receipt = {"file": str(file)} if file is not None else {}
    with open_tasks(config) as db:
        return db.add_labels(
            name, items, who=who or default_annotator(), via="file" if file else "cli", receipt=receipt
        )


def undo_label(name: str, config: Config) -> int:
    """``learn undo``: undo the latest labelling (kept in the history, marked undone); how many records it had."""
    with open_tasks(config) as db:
        return db.undo_last(name)


def list_tasks(config: Config) -> list[dict[str, Any]]:
    """``learn list``: every task with its labels and how many records are labelled."""
    with open_tasks(config) as db:
        return [_summary(db.load_task(name)) for name in db.task_names()]


def _summary(task: Task) -> dict[str, Any]:
    return {
        "name": task.name,
        "labels": list(task.labels),
        "multi_label": task.multi_label,
        "unit": task.unit,
        "records": len(task.records),
        "labelled": len(task.labellings),
        "per_label": task.counts(),
        "created": task.created,
    }


def show_task(name: str, config: Config) -> dict[str, Any]:
    """``learn show``: a task's summary, its trained models and its latest labels."""
    task = load_task(name, config)
    folder = models_dir(config) / name
    models = sorted(p.name for p in folder.iterdir() if (p / "weights.json").is_file()) if folder.is_dir() else []
    latest = sorted(task.labellings.values(), key=lambda lab: (lab.batch, lab.record_id))[-5:]
    return {
        **_summary(task),
        "descriptions": {lab: task.description(lab) for lab in task.labels},
        "database": task_db_path(config),
        "models": {m: str(folder / m) for m in models},
        "latest_labels": [
            {"record": lab.record_id, "labels": list(lab.labels), "who": lab.who, "at": lab.at, "via": lab.via}
            for lab in latest
        ],
    }


def train(
    name: str, method: str, config: Config, *, out: str | os.PathLike[str] | None = None, command: str = "",
    seed: int = 0, on_progress: Callable[[int], None] | None = None,
) -> TrainResult:  # fmt: skip
    """``learn train``: see :func:`sciwire.learn.train.train_task`."""
    return train_task(load_task(name, config), method, config, out=out, command=command, seed=seed,
                      on_progress=on_progress)  # fmt: skip


def learned_model(task: Task, config: Config, *, model: str | os.PathLike[str] | None = None,
                  method: str | None = None) -> LearnedModel:  # fmt: skip
    """The model to predict with: the folder ``model``; else the task's trained ``method``; else its most
    recently trained model; else zero-shot on the label descriptions (nothing trained yet)."""
    if model is not None:
        return LearnedModel.load(model)
    folder = models_dir(config) / task.name
    if method is not None and method not in ("zero-shot",):
        return LearnedModel.load(folder / method)
    trained = sorted(
        (p for p in folder.glob("*") if (p / "weights.json").is_file() and (method is None or p.name == method)),
        key=lambda p: (p / "weights.json").stat().st_mtime,
    ) if folder.is_dir() else []  # fmt: skip
    if trained:
        return LearnedModel.load(trained[-1])
    from sciwire.learn.methods import make_method

    logger.info("Task %s has no trained model; predicting zero-shot from the label descriptions", task.name)
    clf = make_method("zero-shot", **method_params("zero-shot", task, config)).fit([], [])
    return LearnedModel("zero-shot", clf, 1.0, task.name)


def predict(
    name: str,
    file: str | os.PathLike[str],
    config: Config,
    *,
    model: str | os.PathLike[str] | None = None,
    method: str | None = None,
    explain: bool = False,
) -> list[dict[str, Any]]:
    """``learn predict``: the label and probabilities of every record of ``file`` (cut into the task's unit)."""
    task = load_task(name, config)
    records = records_from_file(file, task.unit, config)
    learned = learned_model(task, config, model=model, method=method)
    proba = learned.predict_proba([r.text for r in records])
    classes = [str(c) for c in learned.classes_]
    rows = []
    for rec, p in zip(records, proba, strict=True):
        top = int(np.argmax(p))
        rows.append({"id": rec.id, "text": rec.text, "label": classes[top], "probability": round(float(p[top]), 4),
                     "probabilities": {c: round(float(v), 4) for c, v in zip(classes, p, strict=True)},
                     "method": learned.method})  # fmt: skip
    if explain and rows:
        from sciwire.learn.explain import Explainer

        texts, labels = [str(r["text"]) for r in rows], [str(r["label"]) for r in rows]
        why = Explainer(task, embedding=config.models.embedding).explain(texts, labels)
        for row, w in zip(rows, why, strict=True):
            row["why"] = w
    return rows


def next_records(
    name: str,
    config: Config,
    *,
    n: int = 20,
    strategy: str = "margin",
    model: str | os.PathLike[str] | None = None,
    method: str | None = None,
    diversity: bool = True,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """``learn next``: the ``n`` unlabelled records most worth labelling, with the model's suggestion."""
    task = load_task(name, config)
    pool = task.unlabelled()
    if not pool:
        raise InputError(f"Task {name!r} has no unlabelled records; add some with `sciwire learn add {name} FILES`")
    uncertainty(np.zeros((0, 2)), strategy)  # checks the name before any model loads
    learned = learned_model(task, config, model=model, method=method)
    texts = [r.text for r in pool]
    proba = learned.predict_proba(texts)
    vectors = None
    if diversity and strategy != "random":
        from sciwire.learn.vectors import embed

        vectors = embed(texts, config.models.embedding)
    picked = select(proba, vectors, n, strategy, seed=seed)
    unsure = uncertainty(proba, strategy if strategy != "random" else "least-confidence")
    classes = [str(c) for c in learned.classes_]
    return [
        {
            "id": pool[i].id,
            "text": pool[i].text,
            "group": pool[i].group,
            "suggestion": classes[int(np.argmax(proba[i]))],
            "probability": round(float(proba[i].max()), 4),
            "uncertainty": round(float(unsure[i]), 4),
            "method": learned.method,
        }
        for i in picked
    ]


def export_argilla_task(
    name: str, folder: str | os.PathLike[str], config: Config, *, model: str | os.PathLike[str] | None = None,
    method: str | None = None, include_labelled: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """``learn export-argilla``: the task's unlabelled records (all with ``include_labelled``) with suggestions."""
    from sciwire.learn.argilla_io import export_argilla

    task = load_task(name, config)
    records = list(task.records) if include_labelled else task.unlabelled()
    learned = learned_model(task, config, model=model, method=method)
    proba = learned.predict_proba([r.text for r in records]) if records else None
    out = export_argilla(task, records, folder, proba=proba, classes=[str(c) for c in learned.classes_],
                         agent=f"sciwire-{learned.method}")  # fmt: skip
    return {"folder": str(out), "records": len(records), "method": learned.method}


def import_argilla_task(name: str, folder: str | os.PathLike[str], config: Config) -> int:
    """``learn import-argilla``: submitted responses -> labels (one batch per annotator); how many records."""
    from sciwire.learn.argilla_io import read_argilla

    task = load_task(name, config)
    answers = read_argilla(folder, task)  # checks everything before anything is written
    if not answers:
        raise InputError(f"The Argilla dataset in {folder} has no submitted responses; nothing was labelled")
    by_who: dict[str, list[tuple[str, Sequence[str]]]] = {}
    for rid, labels, who in answers:
        by_who.setdefault(who, []).append((rid, labels))
    done = 0
    with open_tasks(config) as db:
        for who, items in by_who.items():
            done += db.add_labels(name, items, who=who, via="argilla", receipt={"folder": str(folder)})
    return done
