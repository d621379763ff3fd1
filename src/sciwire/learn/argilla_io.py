"""Argilla v2: send a task's records with model suggestions out for annotation, read the answers back.

The dataset is built with the ``argilla`` client's own objects (``rg.Settings`` with a
``rg.TextField`` "text", a ``rg.LabelQuestion`` "label" (``rg.MultiLabelQuestion`` for
multi-label tasks) and a "group" metadata property; one ``rg.Record`` per record, id = the
record id, with a ``rg.Suggestion`` of the model's label and its probability) and written in
the client's on-disk layout (``Dataset.to_disk``): ``.argilla/settings.json``,
``.argilla/dataset.json`` and ``records.json``.

No server is needed for the files: the objects are made with a client that never connects.
With a server, upload the folder and download the annotated records::

    import argilla as rg
    client = rg.Argilla(api_url="https://argilla.example.org", api_key="...")
    dataset = rg.Dataset.from_disk("to_label/", client=client)      # annotate in the web UI
    ...
    rg.Dataset(name=dataset.name, client=client).to_disk("labelled/")  # then: sciwire learn import-argilla

Each submitted response becomes a label with who (``argilla:<user id>``) and when (the import).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.errors import InputError, MissingDependencyError, OutputError
from sciwire.learn.task import Record, Task

FIELD = "text"
QUESTION = "label"
SETTINGS = Path(".argilla") / "settings.json"
DATASET = Path(".argilla") / "dataset.json"
RECORDS = "records.json"
LAYOUT = "expected the layout of argilla's Dataset.to_disk: .argilla/settings.json, .argilla/dataset.json, records.json"


def _argilla() -> Any:
    try:
        import argilla as rg
    except ImportError as exc:
        raise MissingDependencyError("argilla", "Argilla export and import", "learn") from exc
    return rg


@contextmanager
def offline_client() -> Iterator[Any]:
    """An ``rg.Argilla`` client that never connects, as the default client while the block runs.

    argilla's settings objects need a client even to be written to or read from disk; this one
    skips the login check and points at an address that cannot resolve, so nothing is sent.
    """
    rg = _argilla()

    class OfflineArgilla(rg.Argilla):  # type: ignore[name-defined]
        def _validate_connection(self) -> None:
            """No server: these objects are only written to and read from files."""

    previous = rg.Argilla._default_client
    client = OfflineArgilla(api_url="http://argilla.offline.invalid", api_key="sciwire-offline", retries=0)
    rg.Argilla._default_client = client
    try:
        yield client
    finally:
        rg.Argilla._default_client = previous


def export_argilla(
    task: Task,
    records: Sequence[Record],
    folder: str | os.PathLike[str],
    *,
    proba: np.ndarray | None = None,
    classes: Sequence[str] = (),
    agent: str = "sciwire",
) -> Path:
    """Write ``records`` of ``task`` as an Argilla dataset folder, with suggestions when ``proba`` is given.

    Args:
        task: The task (its labels become the question's options).
        records: The records to annotate.
        folder: A new or empty folder.
        proba: Predicted probabilities of ``records`` (columns ``classes``): the top label is suggested
            with its probability as the score (multi-label: every label >= 0.5).
        classes: The columns of ``proba``.
        agent: The suggestion's agent (the model).

    Raises:
        OutputError: When the folder exists and is not empty.
    """
    rg = _argilla()
    out = Path(folder)
    if out.exists() and any(out.iterdir()):
        raise OutputError(f"{out} is not empty; give a new folder for the Argilla dataset")
    out.mkdir(parents=True, exist_ok=True)
    with offline_client() as client:
        question_kind = rg.MultiLabelQuestion if task.multi_label else rg.LabelQuestion
        settings = rg.Settings(
            fields=[rg.TextField(name=FIELD, client=client)],
            questions=[question_kind(name=QUESTION, labels=list(task.labels), client=client)],
            metadata=[rg.TermsMetadataProperty(name="group", client=client)],
            guidelines=f"Label each {task.unit} of the sciwire task {task.name!r}: " + "; ".join(
                f"{lab} = {task.description(lab)}" for lab in task.labels
            ),
        )  # fmt: skip
        workspace = rg.Workspace(name="sciwire", id=uuid.uuid5(uuid.NAMESPACE_URL, "sciwire"), client=client)
        dataset = rg.Dataset(name=f"sciwire-{task.name}", settings=settings, workspace=workspace, client=client)
        dataset.to_disk(str(out), with_records=False)
        rows = []
        for i, rec in enumerate(records):
            suggestions = []
            if proba is not None:
                suggestions = [_suggestion(rg, proba[i], classes, task.multi_label, agent)]
            rows.append(
                rg.Record(id=rec.id, fields={FIELD: rec.text}, metadata={"group": rec.group}, suggestions=suggestions)
            )
        (out / RECORDS).write_text(json.dumps([r.to_dict() for r in rows], ensure_ascii=False), encoding="utf-8")
    return out


def _suggestion(rg: Any, p: np.ndarray, classes: Sequence[str], multi: bool, agent: str) -> Any:
    if multi:
        chosen = [str(c) for c, v in zip(classes, p, strict=True) if v >= 0.5] or [str(classes[int(np.argmax(p))])]
        scores = [round(float(p[list(classes).index(c)]), 4) for c in chosen]
        return rg.Suggestion(question_name=QUESTION, value=chosen, score=scores, agent=agent)
    top = int(np.argmax(p))
    return rg.Suggestion(question_name=QUESTION, value=str(classes[top]), score=round(float(p[top]), 4), agent=agent)


def read_argilla(folder: str | os.PathLike[str], task: Task) -> list[tuple[str, tuple[str, ...], str]]:
    """The answers in an Argilla dataset folder: ``(record id, labels, who)`` per submitted response.

    Raises:
        InputError: When the folder does not have the ``to_disk`` layout, its question does not
            match the task, or a response names a record or label the task does not have.
    """
    rg = _argilla()
    root = Path(folder)
    for part in (SETTINGS, RECORDS):
        if not (root / part).is_file():
            raise InputError(f"Not an Argilla dataset folder: {root} has no {part}; {LAYOUT}")
    with offline_client():
        try:
            settings = rg.Settings.from_json(str(root / SETTINGS))
            rows = json.loads((root / RECORDS).read_text(encoding="utf-8"))
            if not isinstance(rows, list):
                raise ValueError(f"{RECORDS} holds a {type(rows).__name__}, not a list of records")
            records = [rg.Record.from_dict(row) for row in rows]
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"Not an Argilla dataset folder: {root} cannot be read ({detail}); {LAYOUT}") from exc
        questions = {q.name: q for q in settings.questions}
        if QUESTION not in questions or not hasattr(questions[QUESTION], "labels"):
            raise InputError(
                f"The Argilla dataset in {root} has no label question {QUESTION!r} (questions: "
                f"{', '.join(questions) or 'none'}); export it with `sciwire learn export-argilla`"
            )
        known = {r.id for r in task.records}
        answers: list[tuple[str, tuple[str, ...], str]] = []
        for rec in records:
            for response in rec.responses[QUESTION]:  # a list, empty when unanswered
                if getattr(response, "status", "submitted") not in (None, "submitted"):
                    continue
                value = response.value
                labels = tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else (str(value),)
                if str(rec.id) not in known:
                    raise InputError(
                        f"The Argilla record {rec.id!r} is not a record of task {task.name!r}; nothing was labelled"
                    )
                bad = [lab for lab in labels if lab not in task.labels]
                if bad:
                    raise InputError(
                        f"Unknown label {bad[0]!r} for record {rec.id!r}; task {task.name!r} has labels "
                        f"{', '.join(task.labels)}; nothing was labelled"
                    )
                answers.append((str(rec.id), labels, f"argilla:{response.user_id}"))
    return answers
