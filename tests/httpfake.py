"""A tiny HTTP server on 127.0.0.1 answering what a test says (failure modes real servers rarely show)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, bytes] | None  # None: never answer (a hung server)


@contextmanager
def serve(answer: Callable[[str, str, Any, Mapping[str, str]], Answer]) -> Iterator[str]:
    """Run a server whose every request gets ``answer(method, path, json_body, headers)``; yields its base URL.

    A body that is not JSON is passed as bytes; an answer of None never comes (a hung server).
    """

    class Handler(BaseHTTPRequestHandler):
        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            out = answer(method, self.path, body, self.headers)
            if out is None:
                time.sleep(5)
                return
            status, data = out
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._handle("GET")

        def do_POST(self) -> None:
            self._handle("POST")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
