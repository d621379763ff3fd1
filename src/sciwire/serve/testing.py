"""Run the service for tests and benchmarks: uvicorn on a free 127.0.0.1 port in a background thread.

Example:
    >>> with live_server(tmp_path) as server:                                      # doctest: +SKIP
    ...     httpx.get(server.url + "/api/me", headers=server.auth("editor")).json()
    {'name': 'editor', 'role': 'editor'}

``server.keys`` holds a fresh key per role (``reader``, ``editor``, ``admin``); the keys file
(hashes only) is ``server.keys_file``. A browser logs in at ``server.url + "/login"`` with one.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciwire.config import Config, load_config
from sciwire.serve.keys import ROLES, KeyRing, new_key
from sciwire.serve.settings import ServeSettings


@dataclass
class LiveServer:
    """A running test server: its URL, a key per role and its settings."""

    url: str
    keys: dict[str, str]
    settings: ServeSettings
    app: Any

    def auth(self, role: str) -> dict[str, str]:
        """The ``Authorization`` header of ``role``'s key."""
        return {"Authorization": f"Bearer {self.keys[role]}"}

    @property
    def keys_file(self) -> Path:
        """The keys file (hashes only)."""
        return self.settings.data_dir / "keys.toml"


def make_settings(
    folder: str | os.PathLike[str],
    *,
    config: Config | None = None,
    overrides: Sequence[str] = (),
    keys: bool = True,
    run_jobs: bool = True,
) -> tuple[ServeSettings, dict[str, str]]:
    """Settings with a store and data folder under ``folder`` and a fresh key per role (unless ``keys=False``)."""
    folder = Path(folder)
    config = config or load_config(overrides=list(overrides))
    made = {role: new_key(role, role) for role in ROLES} if keys else {}
    ring = KeyRing(row for _, row in made.values())
    settings = ServeSettings.from_config(
        config,
        host="127.0.0.1",
        port=0,
        store=str(folder / "corpus.sqlite"),
        keys=ring,
        data_dir=folder / "serve",
        run_jobs=run_jobs,
    )
    if made:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        text = "".join(
            f'[[keys]]\nid = "{row.id}"\nname = "{row.name}"\nrole = "{row.role}"\nhash = "{row.hash}"\n\n'
            for _, row in made.values()
        )
        (settings.data_dir / "keys.toml").write_text(text, encoding="utf-8")
    return settings, {role: key for role, (key, _) in made.items()}


@contextmanager
def live_server(
    folder: str | os.PathLike[str] | None = None,
    *,
    settings: ServeSettings | None = None,
    role_keys: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    **options: Any,
) -> Iterator[LiveServer]:
    """Run the app with uvicorn on a free 127.0.0.1 port in a daemon thread; stop it on exit.

    Args:
        folder: Where the store and data folder go (made by :func:`make_settings` with ``options``).
        settings: Ready settings instead (then ``role_keys`` are the plain keys to hand out).
        role_keys: Plain keys by role, with ``settings``.
        timeout: Seconds to wait for the server to start.
    """
    import uvicorn

    from sciwire.serve.app import create_app

    if settings is None:
        if folder is None:
            raise ValueError("live_server needs a folder or settings")
        settings, made = make_settings(folder, **options)
        role_keys = made
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    settings.port = sock.getsockname()[1]
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="on", ws="none", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="sciwire-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(settings.base_url, dict(role_keys or {}), settings, app)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
