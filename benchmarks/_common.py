"""Shared helpers for benchmark scripts: machine description and docs/benchmarks.md sections."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"


def machine() -> str:
    """One line: CPU model, cores, Python, torch threads."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def code_version() -> str:
    """The git commit of the checkout, with '+dirty' when there are uncommitted changes."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        )
        return sha.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header(command: str) -> str:
    """The provenance lines every benchmark section starts with."""
    return (
        f"- Command: `{command}`\n- Machine: {machine()}\n- Date: {date.today().isoformat()}\n"
        f"- Code: {code_version()}\n"
    )


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    """A GitHub-flavoured Markdown table."""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def update_section(name: str, title: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or append) the section between ``<!-- BEGIN name -->`` and ``<!-- END name -->``."""
    block = f"<!-- BEGIN {name} -->\n## {title}\n\n{body.strip()}\n<!-- END {name} -->"
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else "# Benchmarks\n\nEach section is written by the script named in it.\n"
    )
    pattern = re.compile(rf"<!-- BEGIN {re.escape(name)} -->.*?<!-- END {re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    print(f"updated {path.relative_to(ROOT)} [{name}]", file=sys.stderr)


def cpu_encoder(cfg: Any, *, cache: bool = True, backend: str | None = None) -> Any:
    """The configured sentence encoder (:meth:`Embedder.from_config`) on the CPU, where benchmarks time.

    Args:
        cfg: The resolved config.
        cache: Keep the on-disk embedding cache (off: every text is embedded, for speed).
        backend: Another embedding runtime than ``models.embedding_backend`` (torch, onnx, openvino).
    """
    from dataclasses import replace

    from sciwire.backends.embeddings import Embedder

    models = replace(cfg.models, embedding_backend=backend or cfg.models.embedding_backend)
    runtime = replace(cfg.runtime, device="cpu", embedding_cache=cache)
    return Embedder.from_config(replace(cfg, models=models, runtime=runtime))
