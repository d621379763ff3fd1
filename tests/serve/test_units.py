"""Keys, rate limits, the job table and its worker, settings: the service's parts without a server."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from sciwire.config import load_config
from sciwire.errors import AccessError, ConfigError, NotFoundError, UnsupportedTypeError
from sciwire.serve.jobs import INTERRUPTED, JobTable, Worker
from sciwire.serve.keys import KeyRing, append_key, hash_secret, new_key, role_allows, verify_secret
from sciwire.serve.ratelimit import RateLimiter
from sciwire.serve.settings import ServeSettings, is_loopback
from sciwire.serve.uploads import PAPER_TYPES, check_type, safe_name


def test_keys_are_salted_hashes_checked_in_constant_time() -> None:
    first, second = hash_secret("s3cret"), hash_secret("s3cret")
    assert first != second and first.startswith("scrypt$16384$8$1$")  # a salt each
    assert verify_secret("s3cret", first) and not verify_secret("s3creT", first)
    assert not verify_secret("s3cret", "plain-text") and not verify_secret("x", "scrypt$1$2$3$!!$!!")


def test_keyring_authenticates_by_id_and_secret(tmp_path: Path) -> None:
    key = append_key(tmp_path / "keys.toml", "alice", "editor")
    assert "alice" in (tmp_path / "keys.toml").read_text() and key not in (tmp_path / "keys.toml").read_text()
    assert (tmp_path / "keys.toml").stat().st_mode & 0o077 == 0
    ring = KeyRing.from_file(tmp_path / "keys.toml")
    assert ring.authenticate(key).name == "alice"
    assert ring.authenticate(key).role == "editor"  # the second time from the memo
    with pytest.raises(AccessError, match=r"^Invalid API key$"):
        ring.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B"))
    with pytest.raises(AccessError, match=r"^Invalid API key$"):
        ring.authenticate("alice")


def test_keys_file_errors_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist; create one with sciwire serve --new-key NAME:ROLE"):
        KeyRing.from_file(tmp_path / "none.toml")
    (tmp_path / "bad.toml").write_text('[[keys]]\nid = "0badc0de"\nname = "bob"\nrole = "root"\nhash = "scrypt$x"\n')
    with pytest.raises(ConfigError, match="role must be one of reader, editor, admin, got 'root'"):
        KeyRing.from_file(tmp_path / "bad.toml")
    (tmp_path / "plain.toml").write_text('[[keys]]\nid = "0badc0de"\nname = "bob"\nrole = "admin"\nhash = "sw_x"\n')
    with pytest.raises(ConfigError, match=r"hash must be a salted scrypt hash \(scrypt\$...\), not a key"):
        KeyRing.from_file(tmp_path / "plain.toml")
    _, row = new_key("a", "reader")
    with pytest.raises(ConfigError, match="Two API keys share the id"):
        KeyRing([row, row])


def test_roles_are_ordered() -> None:
    assert role_allows("admin", "editor") and role_allows("editor", "editor") and not role_allows("reader", "editor")


def test_token_bucket_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(60, 2, clock=lambda: now[0])
    assert [limiter.wait("a"), limiter.wait("a"), limiter.wait("a")] == [0.0, 0.0, 1.0]
    assert limiter.wait("b") == 0.0
    now[0] = 1.0
    assert limiter.wait("a") == 0.0 and limiter.wait("a") > 0


def test_job_table_lifecycle_and_recovery(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite")
    job = table.create("add", "alice", {"files": ["a.md"]})
    assert table.claim().id == job.id and table.claim() is None
    table.progress(job.id, "Adding papers", 1, 3)
    table.close()
    reopened = JobTable(tmp_path / "jobs.sqlite")  # a restart
    assert reopened.get(job.id).step == "Adding papers"
    assert reopened.recover() == [job.id]
    failed = reopened.get(job.id)
    assert failed.status == "failed" and failed.message == INTERRUPTED
    with pytest.raises(NotFoundError, match=r"No job '\.\./x': a job id is 32 hex digits"):
        reopened.get("../x")
    with pytest.raises(NotFoundError, match=r"^No job 0{32}$"):
        reopened.get("0" * 32)


def test_job_keeps_every_step_it_reported_in_order(tmp_path: Path) -> None:
    table = JobTable(tmp_path / "jobs.sqlite")
    job = table.create("analyze", "alice", {})
    for step, done in [("Reading", 0), ("discourse", 0), ("discourse", 1), ("", 0), ("Adding", 1)]:
        table.progress(job.id, step, done, 2)
    got = table.get(job.id)
    assert got.step == "Adding" and got.steps == ("Reading", "discourse", "Adding")
    assert got.to_dict()["steps"] == ["Reading", "discourse", "Adding"]


def test_job_table_written_before_steps_were_kept_gains_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:  # the schema before the steps column
        conn.execute(
            "CREATE TABLE jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, owner TEXT NOT NULL, status TEXT NOT NULL,"
            " step TEXT NOT NULL DEFAULT '', done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,"
            " message TEXT NOT NULL DEFAULT '', params TEXT NOT NULL, result TEXT,"
            " created TEXT NOT NULL, updated TEXT NOT NULL)"
        )
        conn.execute(
            "INSERT INTO jobs (id, kind, owner, status, params, created, updated)"
            " VALUES (?, 'add', 'a', 'done', '{}', 'then', 'then')",
            ("a" * 32,),
        )
    conn.close()
    table = JobTable(path)
    assert table.get("a" * 32).steps == ()
    table.progress("a" * 32, "Adding", 1, 1)
    assert table.get("a" * 32).steps == ("Adding",)


def test_worker_runs_jobs_in_order_and_records_failures() -> None:
    table = JobTable(":memory:")
    done = threading.Event()
    ran: list[str] = []

    def ok(job, progress):
        progress("working", 1, 1)
        ran.append(job.id)
        return {"n": len(ran)}

    def boom(job, progress):
        done.set()
        raise ValueError("bad input\nwith a traceback-like second line")

    first = table.create("ok", "a", {})
    second = table.create("boom", "a", {})
    unknown = table.create("nope", "a", {})
    worker = Worker(table, {"ok": ok, "boom": boom}, poll_s=0.05).start()
    assert done.wait(10)
    deadline = time.monotonic() + 10
    while table.get(unknown.id).status != "failed" and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.stop()
    assert table.get(first.id).status == "done" and table.get(first.id).result == {"n": 1}
    assert table.get(second.id).message == "bad input"
    assert table.get(unknown.id).message == "unknown job kind 'nope'"


def test_non_loopback_without_keys_is_refused() -> None:
    config = load_config()
    with pytest.raises(ConfigError, match=r"^Refusing to listen on 0\.0\.0\.0 without API keys"):
        ServeSettings.from_config(config, host="0.0.0.0", data_dir="/tmp/unused")
    _, row = new_key("a", "admin")
    assert ServeSettings.from_config(config, host="0.0.0.0", keys=KeyRing([row]), data_dir="/tmp/unused").host
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and not is_loopback("8.8.8.8")


def test_upload_names_and_types() -> None:
    assert safe_name("../../a b/c?.PDF") == "c.pdf"
    check_type("paper.PDF", "application/pdf", PAPER_TYPES)
    with pytest.raises(UnsupportedTypeError, match=r"^Unsupported file type '\.html' for 'story\.html'"):
        check_type("story.html", "text/html", PAPER_TYPES)
    with pytest.raises(UnsupportedTypeError, match=r"^Unsupported content type 'image/png' for 'a\.md'$"):
        check_type("a.md", "image/png", PAPER_TYPES)


def test_one_service_per_data_folder(tmp_path: Path) -> None:
    from sciwire.serve.service import Service
    from sciwire.serve.testing import make_settings

    settings, _ = make_settings(tmp_path, run_jobs=False)
    first = Service(settings)
    with pytest.raises(ConfigError, match=r"^Another sciwire serve is using the data folder"):
        Service(settings)
    first.stop()
    Service(settings).stop()
