"""A throw-away PostgreSQL cluster for tests: initdb in a temporary folder, a unix socket, trust auth.

PostgreSQL refuses to run as root, so as root (CI, containers) the cluster runs as the
``postgres`` user (``runuser``); Debian's ``postgresql`` package provides both (``.ci/run``
installs it when absent). The cluster is fast, not durable (``fsync=off``): it is deleted at
the end of the session.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return versions[-1].parent if versions else None


class Cluster:
    """One PostgreSQL server on a unix socket in a temporary folder (:meth:`start`, :meth:`stop`).

    Raises (from :meth:`start`):
        RuntimeError: With the reason, when there is no PostgreSQL or it will not start.
    """

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="sciwire-pg-", dir="/tmp"))
        self._bin = bin_dir()
        self._as: list[str] = []
        self._names = itertools.count()

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {(result.stderr or result.stdout).strip()[-300:]}")

    def start(self) -> Cluster:
        if self._bin is None:
            raise RuntimeError("PostgreSQL's initdb was not found (apt-get install postgresql)")
        if os.geteuid() == 0:  # postgres refuses root
            if shutil.which("runuser") is None:
                raise RuntimeError("running as root without runuser to start PostgreSQL as another user")
            try:
                user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise RuntimeError("running as root and there is no 'postgres' user to run PostgreSQL") from exc
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        data = self.folder / "data"
        self._run(str(self._bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync",
                  "-E", "UTF8", "--locale=C")  # fmt: skip
        options = f"-k {self.folder} -h '' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self._bin / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(self.folder / "log"),
                  "start")  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql:///{database}?host={self.folder}&user=postgres"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"t{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        if self._bin is not None and (self.folder / "data" / "postmaster.pid").exists():
            subprocess.run([*self._as, str(self._bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                            "-w", "stop"], capture_output=True, timeout=60)  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)
