"""The labelling page on a ``sciwire.learn`` task: one record at a time, suggestion, keys, skip, undo."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from sciwire.learn.task import Record, TaskDB, task_db_path
from sciwire.serve.testing import LiveServer, live_server

pytestmark = pytest.mark.slow
TEXTS = [
    "Sea ice in the Arctic is thinning faster than models predicted.",
    "Flu vaccination cut hospital admissions among older adults.",
    "Coral reefs bleach when ocean temperatures rise.",
    "A new antibiotic cleared resistant infections in mice.",
    "Glaciers in the Alps lost a tenth of their volume in two years.",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("labels"), run_jobs=False) as running:
        with TaskDB(task_db_path(running.settings.config)) as db:
            db.create_task("topic", ["climate", "health"])
            db.add_records("topic", [Record(f"r{i}", text, f"p{i}") for i, text in enumerate(TEXTS)])
        yield running


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def current(html: str) -> str:
    return re.search(r'name="record" value="([^"]+)"', html).group(1)


def test_label_three_records_skip_and_undo_in_the_browser_forms(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=120) as browser:
        page = browser.get("/login")
        browser.post("/login", data={"key": server.keys["editor"], "csrf": csrf(page.text), "next": "/label/topic"})
        page = browser.get("/label/topic")
        assert page.status_code == 200 and "The model suggests" in page.text and 'aria-keyshortcuts="1"' in page.text
        assert '<script src="/static/label.js" defer></script>' in page.text
        labelled = []
        for label in ("climate", "health", "climate"):
            record = current(page.text)
            page = browser.post("/label/topic", data={"csrf": csrf(page.text), "record": record, "label": label})
            assert page.status_code == 200 and f"labelled {record} {label}" in page.text
            labelled.append(record)
        assert "3 of 5 records labelled" in page.text
        skipped = current(page.text)
        page = browser.post("/label/topic", data={"csrf": csrf(page.text), "record": skipped, "action": "skip"})
        assert current(page.text) != skipped
        page = browser.post("/label/topic", data={"csrf": csrf(page.text), "action": "undo"})
        assert f"undid {labelled[-1]}" in page.text and current(page.text) == labelled[-1]
        assert "2 of 5 records labelled" in page.text
        assert browser.post("/label/topic", data={"record": "r0", "label": "health"}).status_code == 403
    with TaskDB(task_db_path(server.settings.config)) as db:
        history = db.history("topic")
    assert [(h["record_id"], h["label"], h["who"], h["undone"]) for h in history] == [
        (labelled[0], "climate", "editor", 0),
        (labelled[1], "health", "editor", 0),
        (labelled[2], "climate", "editor", 1),
    ]


def test_labelling_api(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        tasks = client.get("/api/tasks", headers=server.auth("reader")).json()
        assert [t["name"] for t in tasks] == ["topic"]
        nxt = client.get("/api/tasks/topic/next", headers=server.auth("reader")).json()
        record = nxt["record"]  # the one the first test's undo put back: no suggestion
        assert nxt["task"]["labelled"] == 2 and record["suggestion"] is None
        refused = client.post("/api/tasks/topic/labels", json={"record": record["id"], "labels": ["climate"]},
                              headers=server.auth("reader"))  # fmt: skip
        assert refused.status_code == 403
        bad = client.post("/api/tasks/topic/labels", json={"record": record["id"], "labels": ["sports"]},
                          headers=server.auth("editor"))  # fmt: skip
        assert bad.status_code == 400 and bad.json()["detail"].startswith("Unknown label 'sports'")
        done = client.post("/api/tasks/topic/labels", json={"record": record["id"], "labels": ["climate"]},
                           headers=server.auth("editor"))  # fmt: skip
        assert done.json() == {"labelled": 1}
        record = client.get("/api/tasks/topic/next", headers=server.auth("reader")).json()["record"]
        assert record["suggestion"] in ("climate", "health") and 0 < record["probability"] <= 1
        assert client.get("/api/tasks/..%2Fx/next", headers=server.auth("reader")).status_code == 404
        assert client.get("/label/nope", headers=server.auth("reader")).status_code == 404
