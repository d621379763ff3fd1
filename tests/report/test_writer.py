"""The report files are written as a set: a failure between renames leaves the old set."""

from __future__ import annotations

import pytest

from sciwire.errors import OutputError
from sciwire.report import writer as writer_module
from sciwire.report.writer import write_files_atomically

OLD = {"report.json": "old json", "report.html": "old html", "config.toml": "old toml"}
NEW = {"report.json": "new json", "report.html": "new html", "config.toml": "new toml"}


def contents(folder):
    return {p.name: p.read_text() for p in folder.iterdir()}


def fail_on_call(monkeypatch, n, exc):
    """Make the n-th os.replace call of the writer raise ``exc`` (like a kill between renames)."""
    real = writer_module.os.replace
    calls = []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == n:
            raise exc
        return real(src, dst)

    monkeypatch.setattr(writer_module.os, "replace", replace)
    return calls


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failure_between_renames_keeps_the_complete_old_set(tmp_path, monkeypatch, exc):
    write_files_atomically(tmp_path, OLD)
    (tmp_path / "notes.txt").write_text("the user's")
    fail_on_call(monkeypatch, 2, exc)
    with pytest.raises(OutputError if isinstance(exc, OSError) else KeyboardInterrupt):
        write_files_atomically(tmp_path, NEW)
    assert contents(tmp_path) == {**OLD, "notes.txt": "the user's"}, "old set intact, no temporaries left"


def test_failure_between_renames_of_a_first_report_leaves_nothing(tmp_path, monkeypatch):
    fail_on_call(monkeypatch, 2, OSError(5, "Input/output error"))
    with pytest.raises(OutputError, match="Input/output error"):
        write_files_atomically(tmp_path / "out", NEW)
    assert contents(tmp_path / "out") == {}


def test_new_set_replaces_old_set_and_leaves_no_temporaries(tmp_path):
    write_files_atomically(tmp_path, OLD)
    paths = write_files_atomically(tmp_path, NEW)
    assert [p.name for p in paths] == list(NEW)
    assert contents(tmp_path) == NEW


def test_failure_while_writing_a_temporary_leaves_no_temporaries(tmp_path, monkeypatch):
    write_files_atomically(tmp_path, OLD)

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.os, "fsync", no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        write_files_atomically(tmp_path, NEW)
    assert contents(tmp_path) == OLD


KILL_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from sciwire.report import writer
real, calls = os.replace, []
def replace(src, dst):
    calls.append(dst)
    if len(calls) == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)  # no except, no finally: like kill -9 or a power cut
    return real(src, dst)
writer.os.replace = replace
writer.write_files_atomically(Path(sys.argv[1]), {"report.json": "new json", "report.html": "new html",
                                                  "config.toml": "new toml", "extra.txt": "new extra"})
"""


@pytest.mark.parametrize("killed_at", [1, 2, 4])
def test_a_write_killed_between_renames_is_rolled_back_by_the_next_write(tmp_path, killed_at):
    import subprocess
    import sys

    write_files_atomically(tmp_path, OLD)
    proc = subprocess.run([sys.executable, "-c", KILL_BETWEEN_RENAMES, str(tmp_path), str(killed_at)], check=False)
    assert proc.returncode == -9
    assert [p.name for p in tmp_path.glob(".report.*.tmp")], "the killed write should leave its staging folder"
    assert writer_module.recover_interrupted_writes(tmp_path)  # what the next write does first
    assert contents(tmp_path) == OLD  # the old set, complete; extra.txt (new) removed; no staging folder


def test_recovery_leaves_a_live_write_alone(tmp_path):
    write_files_atomically(tmp_path, OLD)
    staging = tmp_path / ".report.live.tmp"
    staging.mkdir()
    lock = writer_module._lock(staging)
    try:
        assert writer_module.recover_interrupted_writes(tmp_path) == []
        assert staging.exists()
    finally:
        lock.close()
    writer_module.recover_interrupted_writes(tmp_path)
    assert not staging.exists()
