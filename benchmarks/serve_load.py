"""Load test of ``sciwire serve`` on 127.0.0.1: latency of ask, list and small uploads under concurrency.

- starts ``sciwire serve`` as a subprocess (fresh store, data folder and keys file in a temporary
  folder; the per-key rate limit raised so that it measures latency, not the limiter);
- adds the bundled example paper (one add job) and asks one question, so the models are warm
  and the corpus is not empty (the model-loading add and the first ask are reported on their own);
- sends ``--requests`` requests (default 500) at ``--concurrency`` (default 20), the kinds
  shuffled with a fixed seed, a third each: ``ask`` (POST /api/ask, a question from a list),
  ``list`` (GET /api/documents) and ``upload`` (POST /api/jobs/add of a ~600-byte Markdown
  paper: the request queues a job; the worker adds the papers while the test runs);
- reports p50/p95/max latency per kind, errors (any status other than 200/202, or no answer),
  throughput, and how many of the queued add jobs the worker had finished.

Run: ``python benchmarks/serve_load.py [--requests 500] [--concurrency 20] [--write]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from _common import header, markdown_table, update_section

from sciwire.examples import paper_path
from sciwire.serve.keys import append_key

QUESTIONS = [
    "Did time-restricted feeding change sleep in aged mice?",
    "How long was the daily eating window?",
    "Were older adults with a shorter eating window sleeping better?",
    "Does time-restricted feeding reduce body weight?",
    "How was sleep recorded in the mice?",
    "What was the sample size of the mouse study?",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(folder: Path, port: int) -> subprocess.Popen[bytes]:
    args = ["serve", "--port", str(port), "--keys", str(folder / "keys.toml"), "--store", str(folder / "corpus.sqlite")]
    args += ["--data-dir", str(folder / "serve"), "--set", "serve.rate_per_minute=1000000"]
    args += ["--set", "serve.rate_burst=100000"]
    code = "from sciwire.cli.main import app; app()"
    process = subprocess.Popen([sys.executable, "-c", code, *args], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(process.stderr.read().decode() if process.stderr else "the server exited")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start in 180 s")


def small_paper(n: int) -> bytes:
    return (
        f"# Feeding windows and sleep, cohort {n}\n\n## Results\n\n"
        f"In cohort {n}, mice fed within an eight-hour window slept {n % 40 + 5} minutes longer than controls. "
        f"Their sleep was less fragmented, with {n % 9 + 2} fewer awakenings per night. "
        "Body weight did not differ between the groups after ten weeks of feeding.\n"
    ).encode()


async def one(client: httpx.AsyncClient, kind: str, n: int) -> tuple[str, float, bool]:
    start = time.perf_counter()
    try:
        if kind == "ask":
            response = await client.post("/api/ask", json={"question": QUESTIONS[n % len(QUESTIONS)], "top_k": 3})
        elif kind == "list":
            response = await client.get("/api/documents")
        else:
            files = {"files": (f"cohort-{n}.md", small_paper(n), "text/markdown")}
            response = await client.post("/api/jobs/add", files=files)
        ok = response.status_code in (200, 202)
    except httpx.HTTPError:
        ok = False
    return kind, time.perf_counter() - start, ok


async def load(url: str, key: str, kinds: list[str], concurrency: int) -> tuple[list[tuple[str, float, bool]], float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {key}"}
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=300) as client:

        async def bounded(kind: str, n: int) -> tuple[str, float, bool]:
            async with semaphore:
                return await one(client, kind, n)

        start = time.perf_counter()
        results = await asyncio.gather(*(bounded(kind, n) for n, kind in enumerate(kinds)))
        return list(results), time.perf_counter() - start


def wait_job(url: str, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    while True:
        job = httpx.get(f"{url}/api/jobs/{job_id}", headers=headers, timeout=60).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", action="store_true", help="write the table to docs/benchmarks.md")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        key = append_key(folder / "keys.toml", "load", "editor")
        headers = {"Authorization": f"Bearer {key}"}
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        server = start_server(folder, port)
        startup = time.perf_counter() - started
        try:
            files = {"files": (paper_path().name, paper_path().read_bytes(), "text/markdown")}
            seed_job = httpx.post(url + "/api/jobs/add", files=files, headers=headers, timeout=60).json()
            t = time.perf_counter()
            seeded = wait_job(url, headers, seed_job["id"])
            seed_s = time.perf_counter() - t
            assert seeded["status"] == "done", seeded["message"]
            t = time.perf_counter()
            first = httpx.post(url + "/api/ask", json={"question": QUESTIONS[0]}, headers=headers, timeout=300)
            cold_ask = time.perf_counter() - t
            assert first.status_code == 200, first.text
            kinds = (["ask", "list", "upload"] * (args.requests // 3 + 1))[: args.requests]
            random.Random(args.seed).shuffle(kinds)
            results, wall = asyncio.run(load(url, key, kinds, args.concurrency))
            jobs = httpx.get(url + "/api/jobs?limit=500", headers=headers, timeout=60).json()
            finished = sum(j["status"] == "done" for j in jobs if j["id"] != seed_job["id"])
            queued = sum(1 for j in jobs if j["id"] != seed_job["id"])
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    rows = []
    for kind in ("ask", "list", "upload"):
        times = sorted(t for k, t, _ in results if k == kind)
        errors = sum(1 for k, _, ok in results if k == kind and not ok)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows.append([kind, len(times), f"{statistics.median(times) * 1000:.0f}", f"{p95 * 1000:.0f}",
                     f"{times[-1] * 1000:.0f}", errors])  # fmt: skip
    total_errors = sum(1 for *_, ok in results if not ok)
    table = markdown_table(["kind", "requests", "p50 ms", "p95 ms", "max ms", "errors"], rows)
    summary = (
        f"{len(results)} requests at concurrency {args.concurrency} in {wall:.1f} s "
        f"({len(results) / wall:.1f} requests/s), {total_errors} errors. Server start {startup:.1f} s; "
        f"adding the bundled paper (models loading) {seed_s:.1f} s; first ask {cold_ask:.1f} s. "
        f"The worker had added {finished} of the {queued} uploaded papers when the requests ended "
        "(uploads return 202 once the job is queued)."
    )
    print(table)
    print(summary)
    if args.write:
        command = f"python benchmarks/serve_load.py --requests {args.requests} --concurrency {args.concurrency} --write"
        body = (
            header(command)
            + "- Server: `sciwire serve` subprocess on 127.0.0.1 (uvicorn, one worker process, job worker thread), "
            "fresh SQLite store holding the bundled example paper, per-key rate limit raised for the test\n"
            + "- Client: httpx.AsyncClient in another process, kinds shuffled with seed "
            + f"{args.seed}: ask (POST /api/ask, top 3), list (GET /api/documents), "
            + "upload (POST /api/jobs/add of a ~600-byte Markdown paper)\n\n"
            + table
            + "\n\n"
            + summary
            + "\n"
        )
        update_section("serve-load", "sciwire serve under load (127.0.0.1)", body)


if __name__ == "__main__":
    main()
