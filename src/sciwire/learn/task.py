"""Tasks, their records and their labels, kept in one SQLite database (the task database).

A task is a name, its label names, whether a record may carry several labels, and the unit
of its records (sentence, paragraph or document). Records carry a ``group`` (the paper they
come from) so that every split keeps a paper's records together. Labels are never
overwritten: each labelling is a row with who, when, how (``via``) and a receipt; a record's
label is its latest labelling that was not undone.

The database is ``learn.db`` when set, else ``learn.sqlite`` in the folder of the corpus store
(``paths.store``): see :func:`task_db_path`.

Example:
    >>> db = TaskDB(":memory:")
    >>> _ = db.create_task("topic", ["climate", "health", "other"])
    >>> _ = db.add_records("topic", [Record("r1", "Sea ice is thinning.", "p1"), Record("r2", "Flu shots work.", "p2")])
    >>> _ = db.add_labels("topic", [("r1", "climate"), ("r2", "health")], who="ana")
    >>> task = db.load_task("topic")
    >>> task.labelled()
    (['Sea ice is thinning.', 'Flu shots work.'], ['climate', 'health'], ['p1', 'p2'])
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sciwire.errors import InputError, OutputError

if TYPE_CHECKING:
    from sciwire.config import Config

UNITS: tuple[str, ...] = ("sentence", "paragraph", "document")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (name TEXT PRIMARY KEY, labels TEXT NOT NULL, multi_label INTEGER NOT NULL,
    unit TEXT NOT NULL, descriptions TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (task TEXT NOT NULL, id TEXT NOT NULL, text TEXT NOT NULL, grp TEXT NOT NULL,
    source TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (task, id));
CREATE TABLE IF NOT EXISTS labels (seq INTEGER PRIMARY KEY AUTOINCREMENT, task TEXT NOT NULL, batch INTEGER NOT NULL,
    record_id TEXT NOT NULL, label TEXT NOT NULL, who TEXT NOT NULL, at TEXT NOT NULL, via TEXT NOT NULL,
    receipt TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS labels_task ON labels (task, undone, batch);
"""


def task_db_path(config: Config) -> str:
    """The task database: ``learn.db`` when set, else ``learn.sqlite`` next to the corpus store."""
    learn = getattr(config, "learn", None)
    explicit = learn.db if learn is not None else ""
    if explicit:
        return str(Path(explicit).expanduser())
    return str(Path(config.paths.store).expanduser().with_name("learn.sqlite"))


@dataclass(frozen=True)
class Record:
    """One thing to label: ``group`` is the paper (or other unit) it comes from, for grouped splits."""

    id: str
    text: str
    group: str
    source: str = ""


@dataclass(frozen=True)
class Labelling:
    """One labelling of a record: who gave which labels when, how, with its receipt."""

    record_id: str
    labels: tuple[str, ...]
    who: str
    at: str
    via: str
    batch: int
    receipt: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """A task as stored: its labels, records and current labellings (undone ones left out)."""

    name: str
    labels: tuple[str, ...]
    multi_label: bool = False
    unit: str = "sentence"
    descriptions: dict[str, str] = field(default_factory=dict)
    created: str = ""
    records: tuple[Record, ...] = ()
    labellings: dict[str, Labelling] = field(default_factory=dict)

    def record(self, record_id: str) -> Record:
        """The record with this id (InputError when absent)."""
        for rec in self.records:
            if rec.id == record_id:
                return rec
        raise InputError(f"Task {self.name!r} has no record {record_id!r}")

    def description(self, label: str) -> str:
        """What the label means, in words (its name when no description was given)."""
        return self.descriptions.get(label) or label.replace("_", " ")

    def labelled(self) -> tuple[list[str], list[str], list[str]]:
        """``(texts, labels, groups)`` of the labelled records, in record order (first label of multi-label ones)."""
        texts, labels, groups = [], [], []
        for rec in self.records:
            done = self.labellings.get(rec.id)
            if done is not None and done.labels:
                texts.append(rec.text)
                labels.append(done.labels[0])
                groups.append(rec.group)
        return texts, labels, groups

    def labelled_sets(self) -> tuple[list[str], list[tuple[str, ...]], list[str]]:
        """``(texts, label tuples, groups)`` of the labelled records (multi-label tasks)."""
        rows = [(r, self.labellings[r.id]) for r in self.records if r.id in self.labellings]
        return [r.text for r, _ in rows], [lab.labels for _, lab in rows], [r.group for r, _ in rows]

    def unlabelled(self) -> list[Record]:
        """Records nobody has labelled yet."""
        return [r for r in self.records if r.id not in self.labellings]

    def counts(self) -> dict[str, int]:
        """Labelled records per label."""
        out = dict.fromkeys(self.labels, 0)
        for lab in self.labellings.values():
            for name in lab.labels:
                out[name] = out.get(name, 0) + 1
        return out


class TaskDB:
    """The task database (SQLite). Every write is one transaction: it all lands or none of it.

    Args:
        path: The database file (created with its folder), or ``":memory:"``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, timeout=10)
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(
                f"Cannot open the task database {self.path}: {exc}; set learn.db to a writable file"
            ) from exc

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> TaskDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- tasks ------------------------------------------------------------------------
    def create_task(
        self,
        name: str,
        labels: Sequence[str],
        *,
        multi_label: bool = False,
        unit: str = "sentence",
        descriptions: dict[str, str] | None = None,
    ) -> Task:
        """Create a task.

        Raises:
            InputError: On a bad name, fewer than 2 distinct labels, an unknown unit, or a name in use.
        """
        if not _NAME.match(name):
            raise InputError(
                f"Task names are 1-64 letters, digits, '_', '.' or '-' (starting alphanumeric); got {name!r}"
            )
        names = [lab.strip() for lab in labels if lab.strip()]
        if len(set(names)) < 2 or len(set(names)) != len(names):
            raise InputError(f"A task needs at least 2 distinct labels, got {names}; e.g. --labels method,result,other")
        if unit not in UNITS:
            raise InputError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
        extra = sorted(set(descriptions or {}) - set(names))
        if extra:
            raise InputError(f"Descriptions given for labels the task does not have: {extra}; labels are {names}")
        if self._row(name) is not None:
            raise InputError(
                f"A task named {name!r} exists already; pick another name or see `sciwire learn show {name}`"
            )
        created = _now()
        with self._conn:
            self._conn.execute(
                "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?)",
                (name, json.dumps(names), int(multi_label), unit, json.dumps(descriptions or {}), created),
            )
        return Task(name, tuple(names), multi_label, unit, dict(descriptions or {}), created)

    def _row(self, name: str) -> tuple[Any, ...] | None:
        return self._conn.execute("SELECT * FROM tasks WHERE name = ?", (name,)).fetchone()

    def task_names(self) -> list[str]:
        """Every task, oldest first."""
        return [r[0] for r in self._conn.execute("SELECT name FROM tasks ORDER BY created, name")]

    def load_task(self, name: str) -> Task:
        """The task with its records and current labellings.

        Raises:
            InputError: When there is no such task.
        """
        row = self._row(name)
        if row is None:
            known = ", ".join(self.task_names()) or "none yet"
            raise InputError(
                f"No task named {name!r} (tasks: {known}); create it with `sciwire learn new {name} --labels a,b`"
            )
        _, labels, multi, unit, descriptions, created = row
        records = tuple(
            Record(i, t, g, s)
            for i, t, g, s in self._conn.execute(
                "SELECT id, text, grp, source FROM records WHERE task = ? ORDER BY seq", (name,)
            )
        )
        return Task(name, tuple(json.loads(labels)), bool(multi), unit, json.loads(descriptions), created, records,
                    self._labellings(name))  # fmt: skip

    def _labellings(self, name: str) -> dict[str, Labelling]:
        rows = self._conn.execute(
            "SELECT record_id, label, who, at, via, batch, receipt FROM labels WHERE task = ? AND undone = 0 "
            "ORDER BY batch, seq",
            (name,),
        ).fetchall()
        latest: dict[str, Labelling] = {}
        for rid, label, who, at, via, batch, receipt in rows:
            prev = latest.get(rid)
            if prev is not None and prev.batch == batch:
                latest[rid] = Labelling(rid, (*prev.labels, label), who, at, via, batch, prev.receipt)
            else:
                latest[rid] = Labelling(rid, (label,), who, at, via, batch, json.loads(receipt))
        return latest

    # ---- records ----------------------------------------------------------------------
    def add_records(self, name: str, records: Iterable[Record]) -> int:
        """Add records (ids already in the task are skipped); how many were new."""
        self.load_task(name)
        seq = self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM records WHERE task = ?", (name,)).fetchone()[0]
        rows = [(name, r.id, r.text, r.group, r.source, seq + i + 1) for i, r in enumerate(records)]
        with self._conn:
            before = self._conn.total_changes
            self._conn.executemany("INSERT OR IGNORE INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
            return self._conn.total_changes - before

    # ---- labels -----------------------------------------------------------------------
    def add_labels(
        self,
        name: str,
        items: Sequence[tuple[str, str | Sequence[str]]],
        *,
        who: str,
        via: str = "cli",
        receipt: dict[str, Any] | None = None,
    ) -> int:
        """Label records: ``items`` are ``(record id, label or labels)``; one batch, all or nothing.

        Raises:
            InputError: On an unknown label, a record id the task does not have, several labels
                for a single-label task, or no items (then nothing is written).
        """
        task = self.load_task(name)
        known_ids = {r.id for r in task.records}
        rows: list[tuple[str, str]] = []
        for n, (rid, value) in enumerate(items, start=1):
            labels = [value] if isinstance(value, str) else list(value)
            labels = [lab.strip() for lab in labels if lab.strip()]
            if rid not in known_ids:
                raise InputError(
                    f"Label {n} names record {rid!r}, which task {name!r} does not have; nothing was labelled "
                    "(check the ids in the records file)"
                )
            unknown = [lab for lab in labels if lab not in task.labels]
            if unknown or not labels:
                raise InputError(
                    f"Unknown label {(unknown or [''])[0]!r} for record {rid!r}; task {name!r} has labels "
                    f"{', '.join(task.labels)}; nothing was labelled"
                )
            if len(labels) > 1 and not task.multi_label:
                raise InputError(
                    f"Record {rid!r} got {len(labels)} labels but task {name!r} is single-label; nothing was labelled"
                )
            rows.extend((rid, lab) for lab in dict.fromkeys(labels))
        if not rows:
            raise InputError("No labels given; nothing was labelled")
        at = _now()
        stamp = json.dumps({"who": who, "at": at, "via": via, **(receipt or {})}, ensure_ascii=False, default=str)
        with self._conn:
            batch = self._conn.execute(
                "SELECT COALESCE(MAX(batch), 0) + 1 FROM labels WHERE task = ?", (name,)
            ).fetchone()[0]
            self._conn.executemany(
                "INSERT INTO labels (task, batch, record_id, label, who, at, via, receipt) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(name, batch, rid, lab, who, at, via, stamp) for rid, lab in rows],
            )
        return len({rid for rid, _ in rows})

    def undo_last(self, name: str) -> int:
        """Undo the latest labelling batch that is not undone yet (kept, marked undone); how many records it had.

        Raises:
            InputError: When there is nothing to undo.
        """
        self.load_task(name)
        row = self._conn.execute("SELECT MAX(batch) FROM labels WHERE task = ? AND undone = 0", (name,)).fetchone()
        if row[0] is None:
            raise InputError(f"Task {name!r} has no labels to undo")
        with self._conn:
            cur = self._conn.execute("UPDATE labels SET undone = 1 WHERE task = ? AND batch = ?", (name, row[0]))
        return int(cur.rowcount)

    def history(self, name: str) -> list[dict[str, Any]]:
        """Every labelling row of the task, undone ones included, oldest first (the audit trail)."""
        cols = ("batch", "record_id", "label", "who", "at", "via", "undone")
        sql = f"SELECT {', '.join(cols)} FROM labels WHERE task = ? ORDER BY seq"
        return [dict(zip(cols, r, strict=True)) for r in self._conn.execute(sql, (name,))]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
