"""The labelling page's queue: one record at a time from :func:`sciwire.learn.api.next_records`.

The records most worth labelling and the model's suggestion come from ``sciwire.learn`` (its
latest trained model, else zero-shot on the label descriptions), ``BATCH`` at a time, kept
here in memory per task. Labels go to the task database through
:meth:`sciwire.learn.task.TaskDB.add_labels` (``via="web"``, who = the key's name); undo is
:meth:`~sciwire.learn.task.TaskDB.undo_last` (the task's latest labelling, by anyone), and the
record it un-labels comes back first. Skipping moves a record to the end of the queue.
"""

from __future__ import annotations

import threading
from typing import Any

from sciwire.config import Config
from sciwire.errors import InputError, NotFoundError

#: Records fetched from ``next_records`` at a time.
BATCH = 10


class LabelQueue:
    """Per task, the records to show next (suggestions included).

    Args:
        config: Settings (``learn.db`` or the task database beside ``paths.store``).
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self._queues: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def tasks(self) -> list[dict[str, Any]]:
        """Every task with its labels and counts."""
        from sciwire.learn.api import list_tasks

        return list_tasks(self.config)

    def task(self, name: str) -> dict[str, Any]:
        """One task's summary.

        Raises:
            NotFoundError: When there is no such task.
        """
        for task in self.tasks():
            if task["name"] == name:
                return task
        raise NotFoundError(f"No labelling task {name[:64]!r}")

    def current(self, name: str) -> dict[str, Any] | None:
        """The record to label now (with ``suggestion``, ``probability``), or None when none is left."""
        from sciwire.learn.api import load_task, next_records

        self.task(name)
        labelled = set(load_task(name, self.config).labellings)
        with self._lock:
            queue = [r for r in self._queues.get(name, []) if r["id"] not in labelled]
            self._queues[name] = queue
            if queue:
                return queue[0]
        try:
            fresh = next_records(name, self.config, n=BATCH, diversity=False)
        except InputError as exc:
            if "no unlabelled records" in str(exc):
                return None
            raise
        with self._lock:
            self._queues[name] = fresh
            return fresh[0] if fresh else None

    def label(self, name: str, record_id: str, labels: list[str], who: str) -> int:
        """Give ``record_id`` its labels (one batch; all or nothing).

        Raises:
            InputError: On an unknown record or label, or several labels for a single-label task.
        """
        from sciwire.learn.api import open_tasks

        self.task(name)
        with open_tasks(self.config) as db:
            done = db.add_labels(name, [(record_id, labels)], who=who, via="web", receipt={"page": "/label"})
        with self._lock:
            self._queues[name] = [r for r in self._queues.get(name, []) if r["id"] != record_id]
        return done

    def skip(self, name: str, record_id: str) -> None:
        """Show ``record_id`` after the others."""
        self.task(name)
        with self._lock:
            queue = self._queues.get(name, [])
            picked = [r for r in queue if r["id"] == record_id]
            self._queues[name] = [r for r in queue if r["id"] != record_id] + picked

    def undo(self, name: str) -> str | None:
        """Undo the task's latest labelling; the record it un-labelled (shown next), if one.

        Raises:
            InputError: When there is nothing to undo.
        """
        from sciwire.learn.api import load_task, open_tasks

        self.task(name)
        with open_tasks(self.config) as db:
            history = [row for row in db.history(name) if not row["undone"]]
            db.undo_last(name)
        if not history:
            return None
        last = max(row["batch"] for row in history)
        record_id = str(next(row["record_id"] for row in history if row["batch"] == last))
        task = load_task(name, self.config)
        record = task.record(record_id)
        with self._lock:
            queue = [r for r in self._queues.get(name, []) if r["id"] != record_id]
            back = {"id": record.id, "text": record.text, "group": record.group, "suggestion": None}
            self._queues[name] = [back, *queue]
        return record_id
