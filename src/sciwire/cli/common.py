"""What every command shares: config from options, logging, progress bars, error handling."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sciwire.config import Config, load_config
from sciwire.errors import SciwireError

err_console = Console(stderr=True)
out_console = Console()

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="A TOML config file (see docs/config.md).")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", "-s", help="Override a setting, e.g. --set align.threshold=0.6 (repeatable)."),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show log messages on stderr.")]
GpuOpt = Annotated[bool, typer.Option("--gpu", help="Use a CUDA GPU when present; says so when it falls back to CPU.")]


def setup_logging(verbose: bool) -> None:
    """Log to stderr through rich: warnings by default, everything with --verbose."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = RichHandler(console=err_console, show_path=False, show_time=verbose)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("sciwire").setLevel(logging.DEBUG if verbose else logging.WARNING)
    if not verbose:  # transformers' "Loading weights" bars are noise for CLI users
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    for noisy in ("transformers", "sentence_transformers", "huggingface_hub", "urllib3", "filelock"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.ERROR)


def build_config(config: Path | None, sets: list[str] | None, gpu: bool = False) -> Config:
    """The resolved config: file, environment, --set overrides, then --gpu."""
    overrides = list(sets or [])
    if gpu:
        overrides.append("runtime.device=gpu")
    return load_config(config, overrides)


class RichProgress:
    """Progress bars on stderr when it is a terminal; silent otherwise."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._task: Any = None

    def start(self, step: str, total: int) -> None:
        if self._progress is None:
            return
        if self._task is not None:
            self._progress.update(self._task, completed=self._progress.tasks[-1].total)
        self._task = self._progress.add_task(step, total=max(total, 1))

    def advance(self, n: int = 1) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)


@contextmanager
def progress_bars() -> Iterator[RichProgress]:
    """A :class:`RichProgress`, live only when stderr is a TTY."""
    if not err_console.is_terminal:
        yield RichProgress(None)
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=False) as progress:
        yield RichProgress(progress)


def run_safely(fn: Callable[[], Any]) -> Any:
    """Run a command body; turn sciwire errors into a red message and exit code 1."""
    try:
        return fn()
    except SciwireError as exc:
        err_console.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err_console.print("[yellow]Interrupted; nothing was written.[/]")
        raise typer.Exit(130) from None
    except MemoryError:
        err_console.print("[bold red]Error:[/] out of memory; try a smaller input or raise input.max_mb carefully")
        raise typer.Exit(1) from None


def fail(message: str) -> None:
    """Print an error and exit 1 (for CLI-only checks)."""
    err_console.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)
    sys.exit(1)
