"""kill -9 of the server in the middle of a job: the store keeps only whole papers, the job is marked failed.

The server is a real subprocess (``sciwire serve``: uvicorn, its worker thread, the real
models). It adds papers longer than one store batch each (so every paper is its own
transaction); the test kills it with SIGKILL as soon as the first paper is committed,
checks the SQLite store file directly, starts the server again and reads the job.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sciwire.serve.jobs import INTERRUPTED
from sciwire.serve.keys import append_key
from sciwire.store.ingest import BATCH_CHARS

pytestmark = pytest.mark.slow
PAPERS = 6


def paper(n: int) -> bytes:
    """A made-up paper longer than one store batch (so it is committed on its own)."""
    lines = [f"# Sleep and feeding in cohort {n}", "", "## Results", ""]
    i = 0
    while sum(len(line) for line in lines) < BATCH_CHARS + 2000:
        lines.append(
            f"In trial {i} of cohort {n}, mice fed within a {6 + i % 5}-hour window slept {i % 37 + 3} minutes longer "
            f"than controls, and their body weight fell by {i % 11 + 1} percent over {i % 7 + 2} weeks."
        )
        i += 1
    return "\n".join(lines).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(folder: Path, port: int) -> subprocess.Popen[bytes]:
    args = ["serve", "--port", str(port), "--keys", str(folder / "keys.toml")]
    args += ["--store", str(folder / "corpus.sqlite"), "--data-dir", str(folder / "serve")]
    code = "from sciwire.cli.main import app; app()"
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "server exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start in 120 s")


def stored(store: Path) -> list[tuple[str, int, int, int, int]]:
    """Per document: id, its sentence count, and the sentence, vector and text-index rows it has."""
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute(
            "SELECT d.id, d.n_sentences, "
            "(SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.id), "
            "(SELECT COUNT(DISTINCT idx) FROM vectors v WHERE v.doc_id = d.id), "
            "(SELECT COUNT(*) FROM sentences_fts f WHERE f.doc_id = d.id) FROM documents d"
        ).fetchall()


def test_kill_9_mid_job_keeps_only_whole_papers_and_fails_the_job(tmp_path: Path) -> None:
    key = append_key(tmp_path / "keys.toml", "editor", "editor")
    headers = {"Authorization": f"Bearer {key}"}
    port = free_port()
    server = start(tmp_path, port)
    url = f"http://127.0.0.1:{port}"
    try:
        files = [("files", (f"cohort-{n}.md", paper(n), "text/markdown")) for n in range(PAPERS)]
        job = httpx.post(url + "/api/jobs/add", files=files, headers=headers, timeout=60).json()
        deadline = time.monotonic() + 300
        docs: list = []
        while time.monotonic() < deadline:
            # at most the key's 120 requests a minute: a 429's JSON is not a list of documents
            response = httpx.get(url + "/api/documents", headers=headers, timeout=30)
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            response.raise_for_status()
            docs = response.json()
            if docs:
                break
            time.sleep(0.5)
        status = httpx.get(f"{url}/api/jobs/{job['id']}", headers=headers, timeout=30).json()
        os.kill(server.pid, signal.SIGKILL)
        server.wait(30)
    finally:
        if server.poll() is None:
            server.kill()
    assert docs and status["status"] == "running", status
    rows = stored(tmp_path / "corpus.sqlite")
    assert 1 <= len(rows) < PAPERS
    for doc_id, n_sentences, sentences, vectors, indexed in rows:
        assert n_sentences > 0 and sentences > 0, doc_id
        assert sentences == vectors == indexed, (doc_id, sentences, vectors, indexed)  # all of a paper, or none

    server = start(tmp_path, port)
    try:
        after = httpx.get(f"{url}/api/jobs/{job['id']}", headers=headers, timeout=30).json()
        listed = httpx.get(url + "/api/documents", headers=headers, timeout=30).json()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    assert after["status"] == "failed" and after["message"] == INTERRUPTED
    assert sorted(d["id"] for d in listed) == sorted(row[0] for row in rows)
