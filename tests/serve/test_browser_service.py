# ruff: noqa: F811  (pytest fixtures imported from tests.serve.browser are redefined as parameters)
"""``sciwire serve`` in a real headless Chromium: log in, upload, follow the job, read the report.

One live server per module (uvicorn on 127.0.0.1, its job worker on, the real models; the job
runs the discourse and newsworthiness steps only, like tests/serve/test_flow.py), with a
labelling task of five records. The upload runs once (:func:`uploaded`); the axe-core scans
reuse its job and report pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.serve.browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    PHONE,
    Watched,
    axe_violations,
    browser,
    open_page,
    overflow,
    watch,
)

from sciwire.examples import paper_path, story_paths

pytest.importorskip("fastapi", reason="sciwire serve needs the serve extra")
from sciwire.serve.testing import LiveServer, live_server

pytestmark = pytest.mark.slow
OVERRIDES = ["pipeline.steps=discourse,newsworthiness", "serve.rate_per_minute=6000", "serve.rate_burst=200"]
#: How long the job may take (the models load in the worker on the first job).
JOB_TIMEOUT_MS = 600_000


#: Records of the labelling task (made up; the model suggests a label for each).
RECORDS = [
    "Sea ice in the Arctic is thinning faster than models predicted.",
    "Flu vaccination cut hospital admissions among older adults.",
    "Coral reefs bleach when ocean temperatures rise.",
    "A new antibiotic cleared resistant infections in mice.",
    "Glaciers in the Alps lost a tenth of their volume in two years.",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service with a labelling task ``topic`` (climate, health) of five records."""
    from sciwire.learn.task import Record, TaskDB, task_db_path

    with live_server(tmp_path_factory.mktemp("browser"), overrides=OVERRIDES) as running:
        with TaskDB(task_db_path(running.settings.config)) as db:
            db.create_task("topic", ["climate", "health"])
            db.add_records("topic", [Record(f"r{i}", text, f"p{i}") for i, text in enumerate(RECORDS)])
        yield running


def log_in(seen: Watched, server: LiveServer, role: str = "editor") -> None:
    """Log in through the login form with ``role``'s key."""
    page = seen.page
    page.goto(server.url + "/login")
    page.fill("#key", server.keys[role])
    page.click("#login-submit")
    page.wait_for_url(server.url + "/")
    assert role in page.inner_text("#signed-in-as")


@pytest.fixture(scope="module")
def uploaded(browser: Any, server: LiveServer) -> dict[str, Any]:
    """Log in as an editor, upload the example paper and its faithful story, follow the job to its report."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        seen = watch(context.new_page())
        page = seen.page
        log_in(seen, server)
        page.set_input_files("#paper", str(paper_path()))
        page.set_input_files("#stories", [str(story_paths()[0])])
        page.click("#analyze-submit")
        page.wait_for_url("**/jobs/*")
        job_url = page.url
        states = [page.inner_text("#job-status")]
        progress = page.locator("progress#job-progress").count()
        page.wait_for_selector("#report-link", timeout=JOB_TIMEOUT_MS)
        states.append(page.inner_text("#job-status"))
        before = len(seen.requests)
        page.click("#report-link")
        page.wait_for_load_state()
        report = {
            "url": page.url,
            "sentences": page.locator(".sent").count(),
            "policy": page.evaluate("() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content"),
        }
        story = page.locator(".news .sent.reports").first
        story.hover()
        report["hover"] = (story.get_attribute("data-links").split(), page.locator(".paper .sent.hl").count())
        story.focus()
        page.keyboard.press("Enter")
        report["after_enter"] = page.evaluate("() => document.activeElement.id")
        return {
            "job_url": job_url,
            "states": states,
            "progress": progress,
            "report": report,
            "errors": list(seen.errors),
            "requests_on_report": [u for u in seen.requests[before:] if u.split("#")[0] != report["url"]],
        }
    finally:
        context.close()


def test_upload_shows_progress_then_the_report(uploaded: dict[str, Any], server: LiveServer) -> None:
    assert uploaded["job_url"].startswith(server.url + "/jobs/")
    assert uploaded["states"][0].split(":")[0] in ("queued", "running"), uploaded["states"]
    assert uploaded["progress"] == 1, "a progress bar while the job runs"
    assert uploaded["states"][-1].startswith("done")
    report = uploaded["report"]
    assert report["url"] == uploaded["job_url"] + "/report" and report["sentences"] > 20
    assert "script-src 'sha256-" in report["policy"] and "unsafe-inline" not in report["policy"].split(";")[1]
    links, highlighted = report["hover"]
    assert links and highlighted == len(links), "hover linking works on the served report"
    assert report["after_enter"] == f"p-{links[0]}", "Enter jumps to the linked paper sentence"
    assert uploaded["errors"] == [], "no console errors on login, upload, job and report pages"
    assert uploaded["requests_on_report"] == [], "the served report loads nothing else"


def pages(uploaded: dict[str, Any]) -> dict[str, str]:
    job = uploaded["job_url"].split("/jobs/", 1)[1]
    return {
        "home": "/",
        "job": f"/jobs/{job}",
        "report": f"/jobs/{job}/report",
        "corpus": "/corpus",
        "rank": "/rank",
        "ask": "/ask",
        "playground": "/playground?text=Mice+that+ate+within+8+hours+slept+longer.",
        "tasks": "/label",
        "label": "/label/topic",
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_service_pages_pass_axe_without_overflow_or_console_errors(
    open_page: Any, server: LiveServer, uploaded: dict[str, Any], viewport: dict[str, int]
) -> None:
    seen = open_page(viewport)
    seen.page.goto(server.url + "/login")
    problems = {"login": axe_violations(seen.page)}
    log_in(seen, server, "reader")
    for name, path in pages(uploaded).items():
        seen.page.goto(server.url + path)
        found = axe_violations(seen.page)
        measured = overflow(seen.page)
        if measured["scroll"] > measured["client"]:
            found.append(f"horizontal overflow: {measured}")
        if found:
            problems[name] = found
    assert {k: v for k, v in problems.items() if v} == {}
    assert seen.errors == []
    assert not [u for u in seen.requests if not u.startswith(server.url)], "no request leaves the service"


def test_label_three_records_with_keys_and_buttons(open_page: Any, server: LiveServer) -> None:
    seen = open_page(PHONE)
    page = seen.page
    log_in(seen, server)
    page.goto(server.url + "/label/topic")
    assert "The model suggests" in page.inner_text("#suggestion")
    assert axe_violations(page) == []
    labelled = []
    for how, label in (("1", "climate"), ("click", "health"), ("2", "health")):
        record = page.locator("#label-form input[name=record]").get_attribute("value")
        with page.expect_navigation():
            if how == "click":
                page.click(f"#label-form button[value={label}]")
            else:
                page.keyboard.press(how)  # the page's shortcut: a label's number chooses it
        assert f"labelled {record} {label}" in page.inner_text("#label-status")
        labelled.append(record)
    assert len(set(labelled)) == 3
    assert page.inner_text("#label-progress").startswith("3 of 5 records labelled")
    with page.expect_navigation():
        page.keyboard.press("u")
    assert f"undid {labelled[-1]}" in page.inner_text("#label-status")
    assert page.inner_text("#label-progress").startswith("2 of 5")
    assert seen.errors == []
