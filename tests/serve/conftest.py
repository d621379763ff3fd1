"""Fixtures of the service tests: a live server (uvicorn on a free 127.0.0.1 port) with a key per role.

``live_server`` (module scope) yields a :class:`sciwire.serve.testing.LiveServer`:
``server.url``, ``server.keys["reader" | "editor" | "admin"]``, ``server.auth(role)`` (the
``Authorization`` header) and ``server.settings`` (store and data folder under a temporary
folder). Its worker runs jobs with the real models. Browser tests log in at ``server.url +
"/login"`` with one of the keys.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="sciwire serve needs the serve extra")
pytest.importorskip("uvicorn", reason="sciwire serve needs the serve extra")

from sciwire.serve.testing import LiveServer
from sciwire.serve.testing import live_server as run_live_server


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A running service with a reader, an editor and an admin key; its job worker is on.

    The per-key rate limit is raised (6000 a minute, bursts of 500) so that a browser test that
    visits many pages is not throttled; tests/serve/test_security.py tests the limiter itself.
    """
    overrides = ["serve.rate_per_minute=6000", "serve.rate_burst=500"]
    with run_live_server(tmp_path_factory.mktemp("serve"), overrides=overrides) as server:
        yield server
