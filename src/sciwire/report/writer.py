"""Write report.json, report.html and config.toml atomically: all of them or none."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sciwire.analysis import Analysis
from sciwire.config import Config
from sciwire.errors import OutputError
from sciwire.pipeline import Progress, Source, analyze
from sciwire.report.build import report_dict
from sciwire.report.html import render_html

logger = logging.getLogger(__name__)
REPORT_FILES = ("report.json", "report.html", "config.toml")


def _file_mode() -> int:
    """What open() would give a new file: 0o666 minus the process umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_files_atomically(out_dir: Path, contents: dict[str, str]) -> list[Path]:
    """Write every file to a temporary name in ``out_dir`` first, then rename them all.

    If rendering or writing fails, no target file is touched and the temporaries are removed.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
    temps: dict[str, str] = {}
    mode = _file_mode()
    try:
        for name, text in contents.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            temps[name] = tmp
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, mode)  # mkstemp makes private files; reports are ordinary files
        written = []
        for name, tmp in temps.items():
            os.replace(tmp, out_dir / name)
            written.append(out_dir / name)
        return written
    except OSError as exc:
        raise OutputError(f"Cannot write the report to {out_dir}: {exc.strerror or exc}") from exc
    finally:
        for tmp in temps.values():
            if os.path.exists(tmp):
                os.unlink(tmp)


def analyze_to_folder(
    paper: Source,
    stories: Sequence[Source],
    out_dir: str | os.PathLike[str],
    config: Config | None = None,
    *,
    steps: Sequence[str] | None = None,
    questions: Sequence[str] = (),
    progress: Progress | None = None,
) -> tuple[Analysis, list[Path]]:
    """Read, analyse and write the report: the library function behind ``sciwire analyze``.

    Args:
        paper: The paper (a path or a Document).
        stories: The news stories (paths or Documents).
        out_dir: Folder for ``report.json``, ``report.html`` and ``config.toml``.
        config: Settings (default: :func:`~sciwire.config.load_config`).
        steps: Step names (default: ``pipeline.steps``); ``answers`` is added for questions.
        questions: Questions to answer from the paper.
        progress: Receives progress.

    Returns:
        The analysis and the paths written.

    Raises:
        InputError, ConfigError: Before anything is written.
        OutputError: When the folder cannot be written (nothing is half-written).
    """
    analysis = analyze(paper, stories, config, progress, steps=steps, questions=questions)
    return analysis, write_report(analysis, out_dir)


def write_report(analysis: Analysis, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Render and write ``report.json``, ``report.html`` and the resolved ``config.toml``.

    Everything is rendered in memory before the first byte is written.

    Returns:
        The paths written.

    Raises:
        OutputError: When the folder cannot be created or written.
    """
    contents = {
        "report.json": json.dumps(report_dict(analysis), ensure_ascii=False, indent=1),
        "report.html": render_html(analysis),
        "config.toml": analysis.config.to_toml(),
    }
    paths = write_files_atomically(Path(out_dir), contents)
    logger.info("Wrote %s", ", ".join(str(p) for p in paths))
    return paths
