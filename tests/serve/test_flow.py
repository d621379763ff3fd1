"""Upload -> job -> report, the corpus, ask, rank and the playground, with the real models.

One live server per module (uvicorn on 127.0.0.1, its job worker on); the models load once,
in the worker and the request threads of this process. The analysis runs the discourse and
newsworthiness steps only, to keep the suite fast: the report is the writer's all the same.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sciwire.examples import paper_path, story_paths
from sciwire.serve.testing import LiveServer, live_server

pytestmark = pytest.mark.slow
EXAMPLES = paper_path().parent
OVERRIDES = ["pipeline.steps=discourse,newsworthiness", "serve.rate_per_minute=6000", "serve.rate_burst=200"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("flow"), overrides=OVERRIDES) as running:
        yield running


@pytest.fixture(scope="module")
def editor(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers=server.auth("editor"), timeout=120) as client:
        yield client


def wait(client: httpx.Client, job_id: str, seen: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Poll a job until it ends; ``seen`` collects its (status, step) pairs."""
    limit = 600.0
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if seen is not None and (job["status"], job["step"]) not in seen:
            seen.append((job["status"], job["step"]))
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.25)
    raise AssertionError(f"job {job_id} did not end in {limit} s")


@pytest.fixture(scope="module")
def analysed(editor: httpx.Client) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    files = [("paper", (paper_path().name, paper_path().read_bytes(), "text/markdown"))]
    files += [("stories", (p.name, p.read_bytes(), "text/html")) for p in story_paths()]
    response = editor.post("/api/jobs/analyze", files=files, data={"add_to_corpus": "true"})
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    seen: list[tuple[str, str]] = []
    return wait(editor, response.json()["id"], seen), seen


def test_upload_shows_progress_and_ends_with_the_writers_report(
    analysed: tuple[dict[str, Any], list[tuple[str, str]]], editor: httpx.Client, server: LiveServer
) -> None:
    job, seen = analysed
    assert job["status"] == "done", job["message"]
    assert ("running", "Sentences and entities") in seen  # a poll saw the job run
    assert {"Sentences and entities", "discourse", "newsworthiness"} <= set(job["steps"])  # and every step
    assert job["result"]["added"]["status"] == "added"
    written = server.settings.jobs_dir / job["id"] / "out" / "report.html"
    response = editor.get(f"/jobs/{job['id']}/report")
    assert response.status_code == 200 and response.content == written.read_bytes()
    script = re.search(rb"<script>(.*?)</script>", response.content, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"script-src 'sha256-{digest}';" in policy and "frame-ancestors 'none'" in policy
    report = editor.get(f"/api/jobs/{job['id']}/files/report.json").json()
    assert set(report["summary"]) >= {"discourse", "newsworthiness"}
    page = editor.get(f"/jobs/{job['id']}").text
    assert f'href="/jobs/{job["id"]}/report"' in page and "<script" not in page  # no polling once done


def test_the_added_paper_is_listed_searched_and_answers_questions(
    analysed: tuple[dict[str, Any], list[tuple[str, str]]], editor: httpx.Client
) -> None:
    docs = editor.get("/api/documents").json()
    assert [(d["id"], d["source"]) for d in docs] == [("paper", "paper.md")]  # no server folders
    doc = editor.get("/api/documents/paper").json()
    assert doc["sentences"] == len(doc["sentences_text"]) > 100
    hits = editor.get("/api/search", params={"q": "sleep fragmentation"}).json()
    assert hits and hits[0]["doc_id"] == "paper" and "sleep" in hits[0]["text"].lower()
    answer = editor.post("/api/ask", json={"question": "Did time-restricted feeding change sleep in aged mice?"})
    assert answer.status_code == 200, answer.text
    best = answer.json()["answers"][0]
    assert best["doc_id"] == "paper" and 0 <= best["confidence"] <= 1 and best["before"] is not None
    assert editor.post("/api/ask", json={"question": "  "}).json()["detail"] == "The question is empty; type some words"
    page = editor.get("/ask", params={"q": "Did time-restricted feeding change sleep in aged mice?"})
    assert page.status_code == 200 and 'id="answers"' in page.text


def test_playground_shows_every_sentence_model_with_confidence_and_words(editor: httpx.Client) -> None:
    response = editor.post("/api/playground", json={"text": "Coffee drinking proves to prevent heart disease."})
    assert response.status_code == 200, response.text
    models = {m["model"]: m for m in response.json()["models"]}
    assert {"discourse.coresc", "discourse.abstract", "fidelity.strength"} <= set(models)
    for name in ("discourse.coresc", "discourse.abstract", "fidelity.strength"):
        probs = models[name]["probabilities"]
        assert abs(sum(probs.values()) - 1) < 0.01 and models[name]["probability"] == max(probs.values())
        assert models[name]["words"], name
    assert ["booster", "proves"] in models["fidelity.strength"]["words"] or models["fidelity.strength"]["words"]
    page = editor.get("/playground", params={"text": "Mice slept longer."})
    assert page.status_code == 200 and page.text.count("<h3>") == len(models)


def test_rank_a_batch(editor: httpx.Client) -> None:
    records = EXAMPLES / "newsworthiness_papers.jsonl"
    files = {"files": (records.name, records.read_bytes(), "application/jsonl")}
    response = editor.post("/api/jobs/rank", files=files, data={"top": "3"})
    assert response.status_code == 202, response.text
    job = wait(editor, response.json()["id"])
    assert job["status"] == "done", job["message"]
    papers = job["result"]["papers"]
    assert [p["rank"] for p in papers] == [1, 2, 3] and all(p["reasons"] for p in papers)
    assert job["result"]["total"] == 12
    assert 'id="ranking"' in editor.get(f"/jobs/{job['id']}").text


def test_a_job_that_fails_says_why_in_one_line(editor: httpx.Client, server: LiveServer) -> None:
    files = {"paper": ("broken.pdf", b"%PDF-1.4 not really a pdf", "application/pdf")}
    job = wait(editor, editor.post("/api/jobs/analyze", files=files).json()["id"])
    assert job["status"] == "failed" and job["message"] and "\n" not in job["message"]
    assert not (server.settings.jobs_dir / job["id"] / "out" / "report.html").exists()
    assert editor.get(f"/api/jobs/{job['id']}/files/report.html").status_code == 404


@pytest.mark.parametrize("path", ["/", "/corpus", "/ask", "/rank", "/playground", "/login", "/docs", "/label"])
def test_pages_have_one_h1_labelled_inputs_and_no_inline_script(
    server: LiveServer, path: str, analysed: tuple[dict[str, Any], list[tuple[str, str]]]
) -> None:
    with httpx.Client(base_url=server.url, headers=server.auth("admin")) as client:
        html = client.get(path).text
    assert html.count("<h1") == 1 and "<main" in html and 'lang="en"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html and " on" + "click" not in html
    for input_id in re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, (path, input_id)
    headings = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), headings


def test_openapi_documents_every_route(server: LiveServer) -> None:
    spec = json.loads(httpx.get(server.url + "/openapi.json").text)
    paths = set(spec["paths"])
    for route in ("/api/jobs/analyze", "/api/jobs/add", "/api/jobs/rank", "/api/jobs/{job_id}", "/api/documents"):
        assert route in paths
    assert {"/api/ask", "/api/search", "/api/playground", "/api/documents/{doc_id}"} <= paths
    assert "multipart/form-data" in spec["paths"]["/api/jobs/analyze"]["post"]["requestBody"]["content"]
