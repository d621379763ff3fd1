"""The service on the PostgreSQL store (``--store postgresql://...``): add, list, search, ask, remove.

Runs on a throw-away cluster (:mod:`tests.store.pgcluster`); skips, with the reason, when
PostgreSQL is not installed (``.ci/run`` installs Debian's ``postgresql``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from sciwire.examples import paper_path
from sciwire.serve.testing import LiveServer, live_server, make_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg (sciwire[postgres])")
    from tests.store.pgcluster import Cluster

    try:
        cluster = Cluster().start()
    except RuntimeError as exc:
        pytest.skip(f"no PostgreSQL to test against: {exc}")
    try:
        overrides = ["serve.rate_per_minute=6000", "serve.rate_burst=200"]
        settings, keys = make_settings(tmp_path_factory.mktemp("pg"), overrides=overrides)
        settings.store = cluster.new_database()
        with live_server(settings=settings, role_keys=keys) as running:
            yield running
    finally:
        cluster.stop()


def test_add_list_search_ask_remove_on_postgresql(server: LiveServer) -> None:
    assert server.settings.store.startswith("postgresql://")
    with httpx.Client(base_url=server.url, headers=server.auth("admin"), timeout=300) as client:
        files = {"files": (paper_path().name, paper_path().read_bytes(), "text/markdown")}
        job = client.post("/api/jobs/add", files=files).json()
        while (job := client.get(f"/api/jobs/{job['id']}").json())["status"] not in ("done", "failed"):
            time.sleep(0.25)
        assert job["status"] == "done" and job["result"]["added"] == 1, job["message"]
        assert [d["id"] for d in client.get("/api/documents").json()] == ["paper"]
        hits = client.get("/api/search", params={"q": "sleep fragmentation"}).json()
        assert hits and hits[0]["doc_id"] == "paper"
        answer = client.post("/api/ask", json={"question": "Did time-restricted feeding change sleep in aged mice?"})
        assert answer.status_code == 200 and answer.json()["answers"][0]["doc_id"] == "paper"
        assert client.delete("/api/documents/paper").json() == {"removed": 1}
        assert client.get("/api/documents").json() == []
        assert client.delete("/api/documents/paper").status_code == 404
