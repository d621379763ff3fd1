"""Access rules of the service against a real uvicorn: each refusal has its status and no side effect.

The server here runs no job worker and loads no model: every request is refused (or served)
by the access layer, and the store, the job table and the uploads folder are compared before
and after.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from sciwire.document import Document, Sentence
from sciwire.serve.testing import LiveServer, live_server
from sciwire.store import SQLiteStore

DOC = Document(
    "mice-sleep",
    "paper",
    "Mice sleep",
    "Mice sleep more in winter. Rats eat at night.",
    sentences=(Sentence(0, 0, 26), Sentence(1, 27, 45)),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("security")
    with SQLiteStore(folder / "corpus.sqlite") as store:
        store.add(DOC, np.eye(2, 4, dtype=np.float32), "hash-1", "test-model")
    overrides = ["serve.max_upload_mb=1", "serve.rate_burst=1000", "serve.rate_per_minute=60000"]
    with live_server(folder, overrides=overrides, run_jobs=False) as running:
        yield running


@pytest.fixture()
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as c:
        yield c


def state(server: LiveServer) -> tuple[list[str], int, list[str]]:
    """What a refused request must not change: stored ids, job rows, files under jobs/."""
    with SQLiteStore(server.settings.store) as store:
        ids = [d.id for d in store.documents()]
    from sciwire.serve.jobs import JobTable

    table = JobTable(server.settings.data_dir / "jobs.sqlite")
    jobs = table.count()
    table.close()
    files = sorted(str(p) for p in server.settings.jobs_dir.rglob("*")) if server.settings.jobs_dir.exists() else []
    return ids, jobs, files


@pytest.fixture()
def unchanged(server: LiveServer) -> Iterator[None]:
    before = state(server)
    yield
    assert state(server) == before


def login(client: httpx.Client, key: str) -> str:
    """Log in through the form; the session's CSRF token (from a page)."""
    page = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"key": key, "csrf": token, "next": "/corpus"})
    assert response.status_code == 303, response.text
    corpus = client.get("/corpus")
    return re.search(r'name="csrf" value="([^"]+)"', corpus.text).group(1)


PAPER = {"files": ("paper.md", b"# A paper\n\nMice sleep more in winter than in summer.", "text/markdown")}


@pytest.mark.usefixtures("unchanged")
def test_no_key_is_401(client: httpx.Client) -> None:
    response = client.post("/api/jobs/add", files=PAPER)
    assert response.status_code == 401
    assert response.json()["detail"] == "An API key is needed: send 'Authorization: Bearer <key>', or log in at /login"
    assert response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/documents").status_code == 401
    assert client.delete("/api/documents/mice-sleep").status_code == 401


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize("key", ["sw_00000000_" + "a" * 43, "not-a-key", "sw_", "sw_../../etc_passwd"])
def test_wrong_key_is_401(client: httpx.Client, server: LiveServer, key: str) -> None:
    response = client.post("/api/jobs/add", files=PAPER, headers={"Authorization": f"Bearer {key}"})
    expected = "Invalid API key"
    assert response.status_code == 401
    assert response.json()["detail"].startswith(expected)


@pytest.mark.usefixtures("unchanged")
def test_a_key_of_another_id_with_a_real_secret_is_401(client: httpx.Client, server: LiveServer) -> None:
    secret = server.keys["admin"].split("_", 2)[2]
    forged = f"sw_{server.keys['reader'].split('_')[1]}_{secret}"
    response = client.get("/api/documents", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


@pytest.mark.usefixtures("unchanged")
def test_reader_key_on_editor_and_admin_routes_is_403(client: httpx.Client, server: LiveServer) -> None:
    response = client.post("/api/jobs/add", files=PAPER, headers=server.auth("reader"))
    assert response.status_code == 403
    assert response.json()["detail"] == "This needs the editor role; your key 'reader' is a reader"
    analyze = client.post("/api/jobs/analyze", files={"paper": PAPER["files"]}, headers=server.auth("reader"))
    assert analyze.status_code == 403
    response = client.delete("/api/documents/mice-sleep", headers=server.auth("editor"))
    assert response.status_code == 403
    assert response.json()["detail"] == "This needs the admin role; your key 'editor' is a editor"


@pytest.mark.usefixtures("unchanged")
def test_oversized_upload_is_413_before_and_while_reading(client: httpx.Client, server: LiveServer) -> None:
    big = {"files": ("paper.md", b"x" * (1024 * 1024 + 1), "text/markdown")}
    response = client.post("/api/jobs/add", files=big, headers=server.auth("editor"))
    assert response.status_code == 413
    assert response.json()["detail"] == "Request body too large: at most 1048576 bytes"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap is counted while reading
        boundary = b"--b\r\n"
        yield boundary + b'Content-Disposition: form-data; name="files"; filename="p.md"\r\n'
        yield b"Content-Type: text/markdown\r\n\r\n"
        for _ in range(40):
            yield b"y" * 65536
        yield b"\r\n--b--\r\n"

    headers = {**server.auth("editor"), "Content-Type": "multipart/form-data; boundary=b"}
    response = client.post("/api/jobs/add", content=chunks(), headers=headers)
    assert response.status_code == 413
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(server.url)
    with socket.create_connection((where.hostname, where.port), timeout=10) as raw:  # a Content-Length that lies
        raw.sendall(
            b"POST /api/jobs/add HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n"
            + f"Authorization: Bearer {server.keys['editor']}\r\n\r\n".encode()
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 413")


@pytest.mark.usefixtures("unchanged")
def test_wrong_content_type_is_415(client: httpx.Client, server: LiveServer) -> None:
    response = client.post("/api/jobs/add", json={"files": ["/etc/passwd"]}, headers=server.auth("editor"))
    assert response.status_code == 415
    assert response.json()["detail"] == "Expected multipart/form-data, got 'application/json'"
    exe = {"files": ("tool.exe", b"MZ\x90\x00", "application/x-msdownload")}
    response = client.post("/api/jobs/add", files=exe, headers=server.auth("editor"))
    assert response.status_code == 415
    assert response.json()["detail"].startswith("Unsupported file type '.exe' for 'tool.exe': expected one of .pdf")
    disguised = {"files": ("paper.md", b"MZ\x90\x00", "application/x-msdownload")}
    response = client.post("/api/jobs/add", files=disguised, headers=server.auth("editor"))
    assert response.status_code == 415
    assert response.json()["detail"] == "Unsupported content type 'application/x-msdownload' for 'paper.md'"
    story = {"paper": PAPER["files"], "stories": ("story.pdf", b"%PDF-1.4", "application/pdf")}
    assert client.post("/api/jobs/analyze", files=story, headers=server.auth("editor")).status_code == 415


@pytest.mark.usefixtures("unchanged")
@pytest.mark.parametrize(
    "path",
    [
        "/api/jobs/..%2F..%2Fetc%2Fpasswd",
        "/api/jobs/%2e%2e",
        "/api/jobs/" + "0" * 32,
        "/api/jobs/" + "0" * 32 + "/files/..%2F..%2Fjobs.sqlite",
        "/api/jobs/" + "0" * 32 + "/files/report.html",
        "/api/jobs/..%2Fsession.key/files/report.html",
        "/api/documents/..%2F..%2Fcorpus.sqlite",
        "/api/documents/%2e%2e",
        "/api/documents/no-such-doc",
        "/jobs/..%2F..%2Fsession.key",
        "/jobs/" + "0" * 32 + "/report",
        "/static/..%2F..%2Fserve%2Fkeys.py",
        "/static/%2e%2e/%2e%2e/serve/session.key",
    ],
)
def test_path_traversal_is_404(client: httpx.Client, server: LiveServer, path: str) -> None:
    response = client.get(path, headers=server.auth("admin"))
    assert response.status_code == 404, (path, response.text)
    assert b"scrypt" not in response.content and len(response.content) < 2000


@pytest.mark.usefixtures("unchanged")
def test_traversal_in_an_uploaded_file_name_stays_in_the_job_folder(server: LiveServer) -> None:
    from sciwire.serve.uploads import safe_name

    assert safe_name("../../serve/jobs.sqlite") == "jobs.sqlite"
    assert safe_name("..\\..\\x.md") == "x.md"
    assert safe_name("..") == "file"


@pytest.mark.usefixtures("unchanged")
def test_remove_with_a_session_but_no_csrf_token_is_403(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, follow_redirects=False) as browser:
        token = login(browser, server.keys["admin"])
        assert browser.post("/corpus/mice-sleep/remove", data={"confirm": "1"}).status_code == 403
        response = browser.post("/corpus/mice-sleep/remove", data={"csrf": token[:-2] + "xx"})
        assert response.status_code == 403
        assert "Missing or wrong CSRF token" in response.text
        assert browser.delete("/api/documents/mice-sleep").status_code == 403
        assert browser.post("/corpus/add", files=PAPER).status_code == 403
        assert browser.post("/api/jobs/add", files=PAPER).status_code == 403
        # another site's form, even with the token (Origin / Sec-Fetch-Site say so)
        evil = {"Origin": "https://evil.example"}
        assert browser.post("/corpus/mice-sleep/remove", data={"csrf": token}, headers=evil).status_code == 403


def test_login_needs_its_csrf_cookie_and_gives_a_strict_httponly_cookie(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, follow_redirects=False) as browser:
        response = browser.post("/login", data={"key": server.keys["reader"], "csrf": "guess"})
        assert response.status_code == 403
        assert "sciwire_session" not in browser.cookies
        page = browser.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        wrong = browser.post("/login", data={"key": "sw_00000000_" + "b" * 43, "csrf": token})
        assert wrong.status_code == 401 and "That key is not valid." in wrong.text
        token = re.search(r'name="csrf" value="([^"]+)"', wrong.text).group(1)
        response = browser.post("/login", data={"key": server.keys["reader"], "csrf": token, "next": "//evil.example"})
        assert response.status_code == 303 and response.headers["location"] == "/"
        cookie = response.headers["set-cookie"]
        assert "sciwire_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert browser.get("/api/me").json() == {"name": "reader", "role": "reader"}
        assert browser.get("/corpus").status_code == 200


def test_forged_or_tampered_session_cookies_are_refused(client: httpx.Client, server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as browser:
        login(browser, server.keys["reader"])
        value = browser.cookies["sciwire_session"]
    version, key_id, expires, sig = value.split(".")
    admin_id = server.keys["admin"].split("_")[1]
    for forged in (f"{version}.{admin_id}.{expires}.{sig}", f"{version}.{key_id}.{int(expires) + 9}.{sig}", "v1.x.1.y"):
        with httpx.Client(base_url=server.url, cookies={"sciwire_session": forged}) as forger:
            assert forger.get("/api/me").status_code == 401


def test_pages_redirect_to_login_without_a_session(client: httpx.Client) -> None:
    response = client.get("/corpus")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/corpus"


def test_security_headers(client: httpx.Client, server: LiveServer) -> None:
    for path in ("/login", "/api/health", "/static/job.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in client.get("/login").text


def test_rate_limit_is_per_key_with_retry_after(tmp_path: Path) -> None:
    overrides = ["serve.rate_burst=3", "serve.rate_per_minute=1"]
    with live_server(tmp_path, overrides=overrides, run_jobs=False) as small, httpx.Client(base_url=small.url) as c:
        codes = [c.get("/api/me", headers=small.auth("reader")).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        response = c.get("/api/me", headers=small.auth("reader"))
        assert response.json()["detail"].startswith("Too many requests; retry in ")
        assert int(response.headers["retry-after"]) >= 1
        assert c.get("/api/me", headers=small.auth("editor")).status_code == 200  # another key, another bucket


def test_admin_may_remove_and_the_store_changes(server: LiveServer, client: httpx.Client) -> None:
    response = client.delete("/api/documents/mice-sleep", headers=server.auth("admin"))
    assert response.status_code == 200 and response.json() == {"removed": 1}
    assert client.get("/api/documents", headers=server.auth("reader")).json() == []
    response = client.delete("/api/documents/mice-sleep", headers=server.auth("admin"))
    assert response.status_code == 404
    assert response.json()["detail"] == "No document 'mice-sleep' in the corpus"


@pytest.mark.usefixtures("unchanged")
def test_bad_fields_are_400_before_anything_is_queued(client: httpx.Client, server: LiveServer) -> None:
    empty = {"files": ("paper.md", b"", "text/markdown")}
    response = client.post("/api/jobs/add", files=empty, headers=server.auth("editor"))
    assert response.status_code == 400 and response.json()["detail"] == "paper.md is empty; nothing was queued"
    response = client.post("/api/jobs/rank", files=PAPER, data={"top": "-1"}, headers=server.auth("editor"))
    assert response.status_code == 400
    assert response.json()["detail"] == "top must be a whole number from 1 to 10000, got '-1'"
    response = client.post("/api/jobs/analyze", files=PAPER, headers=server.auth("editor"))  # no 'paper' field
    assert response.json() == {"detail": "An analysis needs exactly one paper file (field 'paper')"}
    many = [("files", (f"p{i}.md", b"Mice sleep.", "text/markdown")) for i in range(21)]
    response = client.post("/api/jobs/add", files=many, headers=server.auth("editor"))
    assert response.status_code == 400 and response.json()["detail"].startswith("Too many files")


def test_an_open_service_answers_only_to_loopback_host_names(tmp_path: Path) -> None:
    with live_server(tmp_path, keys=False, run_jobs=False) as open_server, httpx.Client(base_url=open_server.url) as c:
        assert c.get("/api/me").json() == {"name": "local", "role": "admin"}
        rebound = c.get("/api/me", headers={"Host": "evil.example:8000"})
        assert rebound.status_code == 421
        assert rebound.json()["detail"] == "This service without API keys answers only to 127.0.0.1 or localhost"
        assert c.get("/api/me", headers={"Host": "localhost"}).status_code == 200
        # a page of another site posting a form to the open service
        evil = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        assert c.post("/api/jobs/add", files=PAPER, headers=evil).status_code == 403
