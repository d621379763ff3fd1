"""Write report.json, report.html and config.toml atomically: all of them or none."""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; recovery then treats every staging folder as stale
    fcntl = None  # type: ignore[assignment]

from sciwire.analysis import Analysis
from sciwire.config import Config
from sciwire.errors import OutputError
from sciwire.pipeline import Progress, Source, analyze
from sciwire.report.build import report_dict
from sciwire.report.html import render_html

logger = logging.getLogger(__name__)
REPORT_FILES = ("report.json", "report.html", "config.toml")
STAGING_PREFIX, STAGING_SUFFIX = ".report.", ".tmp"
JOURNAL = "journal.json"


def _file_mode() -> int:
    """What open() would give a new file: 0o666 minus the process umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_files_atomically(out_dir: Path, contents: dict[str, str]) -> list[Path]:
    """Write the files as a set: afterwards ``out_dir`` holds all the new ones or all the old ones.

    The new files are written (and synced) into a temporary folder inside ``out_dir``, and the
    files they replace are hard-linked there too; then the new files are renamed into place.
    If anything fails or is interrupted on the way (an error, Ctrl-C), the renamed files are
    put back from those links, so the old set stays complete (a file that did not exist before
    is removed). The temporary folder is removed on every exit. A write killed outright
    (kill -9) between the renames is rolled back by the next write into the same folder, from
    the journal it left (:func:`recover_interrupted_writes`).

    Raises:
        OutputError: When the folder cannot be created or written (the old files are kept).
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        recover_interrupted_writes(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, suffix=STAGING_SUFFIX, dir=out_dir))
    except OSError as exc:
        raise OutputError(f"Cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
    mode = _file_mode()
    replaced: list[str] = []
    lock = None
    try:
        lock = _lock(staging)
        (staging / "new").mkdir()
        (staging / "old").mkdir()
        for name, text in contents.items():
            new = staging / "new" / name
            _write_synced(new, text)
            os.chmod(new, mode)
            if (out_dir / name).exists():
                _keep(out_dir / name, staging / "old" / name)
        journal = {"names": list(contents), "existed": [n for n in contents if (staging / "old" / n).exists()]}
        _write_synced(staging / JOURNAL, json.dumps(journal))
        for name in contents:
            os.replace(staging / "new" / name, out_dir / name)
            replaced.append(name)
        return [out_dir / name for name in contents]
    except BaseException as exc:
        _put_back(out_dir, staging / "old", replaced)
        if isinstance(exc, OSError):
            raise OutputError(
                f"Cannot write the report to {out_dir}: {exc.strerror or exc}; the previous files are kept"
            ) from exc
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if lock is not None:
            lock.close()


def _write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _lock(staging: Path) -> IO[str]:
    """Hold an exclusive lock on ``staging/lock`` while writing, so recovery leaves a live write alone."""
    fh = (staging / "lock").open("w", encoding="utf-8")
    if fcntl is not None:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fh


def _is_live(staging: Path) -> bool:
    if fcntl is None or not (staging / "lock").exists():
        return False
    with (staging / "lock").open("a", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def recover_interrupted_writes(out_dir: str | os.PathLike[str]) -> list[str]:
    """Roll back report writes in ``out_dir`` that were killed (kill -9, power loss) midway.

    A killed write leaves its staging folder behind. Once the renames have started it holds a
    journal of the files being replaced and links to the old ones: the old set is put back
    (files that did not exist before are removed) and the folder deleted. Staging folders of
    writes that are still running (they hold a lock) are left alone. Called by every write.

    Returns:
        The names of the files that were put back or removed.
    """
    restored: list[str] = []
    folder = Path(out_dir)
    for staging in sorted(folder.glob(f"{STAGING_PREFIX}*{STAGING_SUFFIX}")):
        if not staging.is_dir() or _is_live(staging):
            continue
        try:
            journal = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None  # killed before the renames began: nothing in out_dir was touched
        if isinstance(journal, dict):
            existed = set(journal.get("existed", []))
            for name in journal.get("names", []):
                if (staging / "old" / name).exists():
                    os.replace(staging / "old" / name, folder / name)
                    restored.append(name)
                elif name not in existed and not (staging / "new" / name).exists() and (folder / name).exists():
                    os.unlink(folder / name)  # it was renamed in by the killed write
                    restored.append(name)
        shutil.rmtree(staging, ignore_errors=True)
        logger.warning(
            "A report write to %s was interrupted; %s",
            folder,
            f"the previous {', '.join(restored)} put back" if restored else "its temporary files were removed",
        )
    return restored


def _keep(path: Path, backup: Path) -> None:
    """Keep the file about to be replaced, to put it back on failure (a hard link, else a copy)."""
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)


def _put_back(out_dir: Path, old: Path, names: list[str]) -> None:
    """Undo the renames of ``names``: restore the old file from ``old``, or remove a new one."""
    for name in reversed(names):
        try:
            if (old / name).exists():
                os.rename(old / name, out_dir / name)
            else:
                os.unlink(out_dir / name)
        except OSError as exc:  # the failure being reported matters more; say what is left
            logger.error("Could not restore %s after a failed write: %s", out_dir / name, exc)


def analyze_to_folder(
    paper: Source,
    stories: Sequence[Source],
    out_dir: str | os.PathLike[str],
    config: Config | None = None,
    *,
    steps: Sequence[str] | None = None,
    questions: Sequence[str] = (),
    progress: Progress | None = None,
    llm: Callable[[Analysis], dict[str, Any]] | None = None,
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
        llm: Builds the LLM section from the analysis (``sciwire.llm.report.llm_report`` for
            ``--llm``; docs/llm.md); it must not raise for a failing LLM but put the error in the section.

    Returns:
        The analysis and the paths written.

    Raises:
        InputError, ConfigError: Before anything is written.
        OutputError: When the folder cannot be written (nothing is half-written).
    """
    analysis = analyze(paper, stories, config, progress, steps=steps, questions=questions)
    return analysis, write_report(analysis, out_dir, llm=llm(analysis) if llm is not None else None)


def write_report(analysis: Analysis, out_dir: str | os.PathLike[str], llm: dict[str, Any] | None = None) -> list[Path]:
    """Render and write ``report.json``, ``report.html`` and the resolved ``config.toml``.

    ``llm``: the generated section of ``--llm`` (see :func:`sciwire.llm.report.llm_report`), or None.

    Everything is rendered in memory before the first byte is written.

    Returns:
        The paths written.

    Raises:
        OutputError: When the folder cannot be created or written, or report.json would hold a
            NaN or infinity (nothing is written then).
    """
    contents = {
        "report.json": _report_json(report_dict(analysis) if llm is None else report_dict(analysis, llm)),
        "report.html": render_html(analysis) if llm is None else render_html(analysis, llm),
        "config.toml": analysis.config.to_toml(),
    }
    paths = write_files_atomically(Path(out_dir), contents)
    logger.info("Wrote %s", ", ".join(str(p) for p in paths))
    return paths


def _report_json(data: dict[str, Any]) -> str:
    """``data`` as JSON; a NaN or infinity (which would make the file invalid JSON) is an error."""
    try:
        return json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    except ValueError as exc:
        raise OutputError(
            "report.json would hold a number that is not finite (NaN or infinity) at "
            f"{_non_finite_key(data, 'report') or 'some key'}, which is not valid JSON; nothing was written. "
            "Please report this as a bug"
        ) from exc


def _non_finite_key(value: Any, where: str) -> str | None:
    """The dotted path of the first NaN or infinity in ``value``, or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else where
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite_key(item, f"{where}.{key}")
        if found is not None:
            return found
    return None
