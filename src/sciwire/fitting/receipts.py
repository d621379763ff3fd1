"""Receipts and model cards: every trained model and evaluation says how it was made.

A :class:`Receipt` records the command, config, data hash, code version, metrics and
time; it is written as ``receipt.json`` next to the model, and a ``MODEL_CARD.md`` says in
words what the model is for, what it was trained on (and its licence), how good it is and
where it fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sciwire.version import __version__


def data_hash(paths: Iterable[str | os.PathLike[str]]) -> str:
    """SHA-256 over the names and bytes of the given files (folders: all files inside, sorted)."""
    digest = hashlib.sha256()
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p])
    for f in files:
        digest.update(f.name.encode())
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def code_version() -> str:
    """sciwire's version plus the git commit when run from a checkout ('+dirty' if modified)."""
    root = Path(__file__).resolve().parents[3]
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+g{sha}{'.dirty' if dirty else ''}"


@dataclass
class Receipt:
    """What produced a model or an evaluation, reproducible by ``command``."""

    command: str
    config: Mapping[str, Any]
    data: Mapping[str, str]  # data set name -> hash
    metrics: Mapping[str, Any]
    code_version: str = field(default_factory=code_version)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    machine: str = field(
        default_factory=lambda: f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str)

    def write(self, folder: str | os.PathLike[str]) -> Path:
        path = Path(folder) / "receipt.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, folder: str | os.PathLike[str]) -> Receipt:
        return cls(**json.loads((Path(folder) / "receipt.json").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class ModelCard:
    """The words of a ``MODEL_CARD.md`` (see :func:`write_model_card`), to write into a model folder."""

    name: str
    summary: str
    data: str
    licence: str
    metrics_markdown: str
    command: str
    limits: str

    def write(self, folder: str | os.PathLike[str]) -> Path:
        """Write ``MODEL_CARD.md`` into ``folder``."""
        return write_model_card(folder, **asdict(self))


def write_model_card(
    folder: str | os.PathLike[str],
    *,
    name: str,
    summary: str,
    data: str,
    licence: str,
    metrics_markdown: str,
    command: str,
    limits: str,
) -> Path:
    """Write ``MODEL_CARD.md``: what, data + licence, metrics + reproducing command, limits."""
    text = (
        f"# Model card: {name}\n\n{summary.strip()}\n\n## Training data and licence\n\n{data.strip()}\n\n"
        f"Licence of these weights: **{licence}**\n\n## Metrics\n\n{metrics_markdown.strip()}\n\n"
        f"Reproduce: `{command}`\n\n## Limits\n\n{limits.strip()}\n"
    )
    path = Path(folder) / "MODEL_CARD.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
