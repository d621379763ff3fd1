"""Jobs that outlive the request and the process: rows in an SQLite file, run by one worker thread.

A job is ``queued`` -> ``running`` -> ``done`` or ``failed``. Every change is committed at
once, so a killed server leaves the table as it was. When the service starts again,
:meth:`JobTable.recover` marks every job it finds ``running`` as ``failed`` (it was cut off:
the corpus store holds none of its half-done batch, since the store commits a batch in one
transaction) and queued jobs simply run.

Example:
    >>> table = JobTable(":memory:")
    >>> job = table.create("add", owner="alice", params={"files": ["a.md"]})
    >>> table.claim().status
    'running'
    >>> table.finish(job.id, {"added": 1}).status
    'done'
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sciwire.errors import NotFoundError

logger = logging.getLogger(__name__)
JOB_ID = re.compile(r"[0-9a-f]{32}")
#: What a job row's ``message`` says after a restart found it running.
INTERRUPTED = "interrupted: the server stopped while this job ran; nothing of its unfinished batch was stored"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, owner TEXT NOT NULL, status TEXT NOT NULL,
    step TEXT NOT NULL DEFAULT '', done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '', params TEXT NOT NULL, result TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL, steps TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, created);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Job:
    """One row of the job table."""

    id: str
    kind: str
    owner: str
    status: str
    step: str
    done: int
    total: int
    message: str
    params: dict[str, Any]
    result: dict[str, Any] | None
    created: str
    updated: str
    #: Every step the job has reported, in order (a short step is listed even if no poll saw it).
    steps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form (what ``GET /api/jobs/{id}`` returns)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "owner": self.owner,
            "status": self.status,
            "step": self.step,
            "done": self.done,
            "total": self.total,
            "message": self.message,
            "params": self.params,
            "result": self.result,
            "created": self.created,
            "updated": self.updated,
            "steps": list(self.steps),
        }


def check_job_id(job_id: str) -> str:
    """``job_id`` when it is one (32 hex digits).

    Raises:
        NotFoundError: Otherwise (a path, a traversal attempt...).
    """
    if not JOB_ID.fullmatch(job_id):
        raise NotFoundError(f"No job {job_id[:40]!r}: a job id is 32 hex digits")
    return job_id


class JobTable:
    """The job rows, in one SQLite file (WAL; every change committed at once).

    Args:
        path: The file (``":memory:"`` for tests).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.executescript(_SCHEMA)
        columns = {row[1] for row in self._conn.execute("PRAGMA table_info(jobs)")}
        if "steps" not in columns:  # a table written before steps were kept
            self._conn.execute("ALTER TABLE jobs ADD COLUMN steps TEXT NOT NULL DEFAULT '[]'")

    def _row(self, row: tuple[Any, ...] | None) -> Job | None:
        if row is None:
            return None
        values = list(row)
        values[8] = json.loads(values[8])
        values[9] = json.loads(values[9]) if values[9] else None
        values[12] = tuple(json.loads(values[12]))
        return Job(*values)

    def _select(self, where: str, args: tuple[Any, ...] = ()) -> list[Job]:
        cols = "id, kind, owner, status, step, done, total, message, params, result, created, updated, steps"
        with self._lock:
            rows = self._conn.execute(f"SELECT {cols} FROM jobs {where}", args).fetchall()
        return [job for job in map(self._row, rows) if job is not None]

    def create(self, kind: str, owner: str, params: Mapping[str, Any], job_id: str | None = None) -> Job:
        """A queued job."""
        job_id = job_id or uuid.uuid4().hex
        now = _now()
        with self._lock:
            self._conn.execute(
                "INSERT INTO jobs (id, kind, owner, status, params, created, updated) "
                "VALUES (?, ?, ?, 'queued', ?, ?, ?)",
                (job_id, kind, owner, json.dumps(dict(params)), now, now),
            )
        return self.get(job_id)

    def get(self, job_id: str) -> Job:
        """The job with this id.

        Raises:
            NotFoundError: When there is none (or the id is not a job id).
        """
        found = self._select("WHERE id = ?", (check_job_id(job_id),))
        if not found:
            raise NotFoundError(f"No job {job_id}")
        return found[0]

    def recent(self, limit: int = 50) -> list[Job]:
        """The newest jobs first."""
        return self._select("ORDER BY created DESC LIMIT ?", (limit,))

    def count(self) -> int:
        """How many jobs there are."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])

    def claim(self) -> Job | None:
        """The oldest queued job, now ``running``; None when none waits."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created LIMIT 1"
                ).fetchone()
                if row is not None:
                    self._conn.execute("UPDATE jobs SET status = 'running', updated = ? WHERE id = ?", (_now(), row[0]))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return self.get(row[0]) if row is not None else None

    def _set(self, job_id: str, **values: Any) -> None:
        """Write ``values`` (and ``updated``) to the job's row; the caller holds the lock."""
        sets = ", ".join(f"{k} = ?" for k in values)
        self._conn.execute(f"UPDATE jobs SET {sets}, updated = ? WHERE id = ?", (*values.values(), _now(), job_id))

    def _update(self, job_id: str, **values: Any) -> None:
        with self._lock:
            self._set(job_id, **values)

    def progress(self, job_id: str, step: str, done: int, total: int) -> None:
        """Record where a running job is; a new step is also appended to the job's ``steps``."""
        with self._lock:  # read and write the steps in one hold of the lock
            row = self._conn.execute("SELECT steps FROM jobs WHERE id = ?", (job_id,)).fetchone()
            steps = json.loads(row[0]) if row is not None else []
            if step and (not steps or steps[-1] != step):
                steps.append(step)
            self._set(job_id, step=step, done=done, total=total, steps=json.dumps(steps))

    def finish(self, job_id: str, result: Mapping[str, Any]) -> Job:
        """Mark a job ``done`` with its result."""
        self._update(job_id, status="done", result=json.dumps(dict(result)), message="")
        return self.get(job_id)

    def fail(self, job_id: str, message: str) -> Job:
        """Mark a job ``failed`` with a one-line reason."""
        self._update(job_id, status="failed", message=message.splitlines()[0] if message else "failed")
        return self.get(job_id)

    def recover(self) -> list[str]:
        """Mark the jobs a stopped server left ``running`` as ``failed``; their ids."""
        ids = [job.id for job in self._select("WHERE status = 'running'")]
        for job_id in ids:
            self.fail(job_id, INTERRUPTED)
            logger.warning("Job %s was running when the server stopped; marked failed", job_id)
        return ids

    def close(self) -> None:
        """Release the connection."""
        with self._lock:
            self._conn.close()


#: Runs one job: gets the job and a progress callback ``(step, done, total)``, returns its result.
Runner = Callable[[Job, Callable[[str, int, int], None]], Mapping[str, Any]]


@dataclass
class Worker:
    """One thread that runs queued jobs in order, by kind.

    Args:
        table: The job table.
        runners: A :data:`Runner` per job kind.
        poll_s: How often to look for work when idle (a new job also wakes it).
    """

    table: JobTable
    runners: Mapping[str, Runner]
    poll_s: float = 1.0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Worker:
        """Start the thread (jobs found running are failed first)."""
        self.table.recover()
        self._thread = threading.Thread(target=self._loop, name="sciwire-jobs", daemon=True)
        self._thread.start()
        return self

    def notify(self) -> None:
        """Say a job was queued."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current job (waits up to ``timeout`` seconds)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            job = self.table.claim()
            if job is None:
                self._wake.wait(self.poll_s)
                self._wake.clear()
                continue
            self.run(job)

    def run(self, job: Job) -> Job:
        """Run one claimed job and record how it ended."""
        runner = self.runners.get(job.kind)
        if runner is None:
            return self.table.fail(job.id, f"unknown job kind {job.kind!r}")

        def progress(step: str, done: int, total: int) -> None:
            self.table.progress(job.id, step, done, total)

        try:
            result = runner(job, progress)
        except Exception as exc:  # a job's failure is recorded, never kills the worker
            from sciwire.errors import SciwireError

            if not isinstance(exc, SciwireError):
                logger.exception("Job %s (%s) failed", job.id, job.kind)
            return self.table.fail(job.id, str(exc) or type(exc).__name__)
        return self.table.finish(job.id, result)
