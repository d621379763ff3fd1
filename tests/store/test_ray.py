"""add on Ray: a local Ray instance started by the test gives the same store content as the local run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.errors import ExecutorError, InputError
from sciwire.store import SQLiteStore, add_files
from tests.store.ray_compare import HashEncoder

ray = pytest.importorskip("ray", reason="add --executor ray needs Ray (pip install 'sciwire[ray]')")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # the real spaCy pipeline, in the driver and in a Ray actor
def test_ray_gives_the_same_store_content_as_local(tmp_path):
    """tests/store/ray_compare.py starts a local Ray instance (1 CPU, no dashboard), adds the same
    files with both executors and shuts Ray down; in its own process, as a failed Ray start aborts."""
    run = subprocess.run(
        [sys.executable, "-m", "tests.store.ray_compare", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    local, on_ray = report["local"], report["ray"]
    assert on_ray["results"] == local["results"]
    assert [s for s, *_ in on_ray["results"]] == ["added"] * 5 + ["failed", "unchanged", "added"]
    assert on_ray["docs"] == local["docs"] and on_ray["docs"][-1][0].startswith("a1-")
    assert on_ray["keys"] == local["keys"] and np.allclose(on_ray["vectors"], local["vectors"])


def test_unknown_executor_and_unreachable_cluster(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Mice sleep.\n")
    with SQLiteStore(":memory:") as store:
        with pytest.raises(InputError, match="executor must be one of local, ray, got 'dask'"):
            add_files(store, [tmp_path], load_config(environ={}), HashEncoder(), executor="dask")
        monkeypatch.setattr(ray, "is_initialized", lambda: False)

        def refuse(**kwargs):
            raise ConnectionError("Failed to connect to 127.0.0.1:1")

        monkeypatch.setattr(ray, "init", refuse)
        with pytest.raises(ExecutorError, match=r"^Cannot start or reach Ray at ray://127.0.0.1:1: Failed to connect"):
            add_files(
                store, [tmp_path], load_config(environ={}), HashEncoder(), executor="ray", address="ray://127.0.0.1:1"
            )
        assert len(store) == 0
