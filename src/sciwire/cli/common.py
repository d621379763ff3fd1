"""What every command shares: config from options, logging, progress bars, error handling.

A command module declares its own arguments and options and decorates its function with
:func:`command`, which adds ``--config``/``--set`` (and ``--verbose``, ``--gpu`` where asked),
sets up logging and turns sciwire errors into one red line and exit code 1. The function
then does one thing: call its library function and print what it returns.
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
JsonTableOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Research data folder (default: paths.data_dir).")]
StoreOpt = Annotated[  # a str: pathlib would fold the '//' of a postgresql:// URL
    str | None,
    typer.Option(
        "--store", help="The store: a file, or postgresql://user@host/db (default: paths.store / SCIWIRE_STORE)."
    ),
]


def command_line() -> str:
    """The command as the user typed it (``sciwire train ...``), for receipts."""
    return "sciwire " + " ".join(shlex.quote(a) for a in sys.argv[1:])


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
    noisy_loggers = ("transformers", "sentence_transformers", "huggingface_hub", "urllib3", "filelock")
    for noisy in (*noisy_loggers, "trafilatura", "pypdf"):  # pypdf: thousands of repair warnings per bad PDF
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.ERROR)


def build_config(config: Path | None, sets: list[str] | None, gpu: bool = False) -> Config:
    """The resolved config: file, environment, --set overrides, then --gpu."""
    overrides = list(sets or [])
    if gpu:
        overrides.append("runtime.device=gpu")
    return load_config(config, overrides)


@dataclass(frozen=True)
class Common:
    """The shared options of one command call (see :func:`command`)."""

    config_file: Path | None = None
    sets: tuple[str, ...] = ()
    gpu: bool = False

    def config(self, *overrides: str) -> Config:
        """The resolved config: file, environment, --set, then ``overrides`` (the command's own options), then --gpu."""
        return build_config(self.config_file, [*self.sets, *overrides], self.gpu)


def command(*, verbose: bool = True, gpu: bool = False) -> Callable[[Callable[..., Any]], Callable[..., None]]:
    """Give a command the shared options and run its body safely.

    The decorated function declares its own arguments and options and a last parameter
    ``common: Common``. The command typer sees has those options plus ``--config``, ``--set``
    and, when asked, ``--gpu`` and ``--verbose``; logging is set up before the function runs.

    Args:
        verbose: Offer ``--verbose`` (and set up logging).
        gpu: Offer ``--gpu``.
    """
    shared: list[tuple[str, Any, Any]] = [("config", ConfigOpt, None), ("set_", SetOpt, None)]
    shared += [("gpu", GpuOpt, False)] if gpu else []
    shared += [("verbose", VerboseOpt, False)] if verbose else []

    def decorate(fn: Callable[..., Any]) -> Callable[..., None]:
        signature = inspect.signature(fn, eval_str=True)
        own = [p for name, p in signature.parameters.items() if name != "common"]
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        params = own + [inspect.Parameter(name, kind, default=d, annotation=a) for name, a, d in shared]

        @functools.wraps(fn)
        def run(**kwargs: Any) -> None:
            if verbose:
                setup_logging(kwargs.pop("verbose"))
            common = Common(kwargs.pop("config"), tuple(kwargs.pop("set_") or ()), kwargs.pop("gpu", False))
            run_safely(lambda: fn(**kwargs, common=common))

        run.__signature__ = signature.replace(parameters=params, return_annotation=None)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run

    return decorate


class RichProgress:
    """Progress bars on stderr when it is a terminal; silent otherwise."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._task: Any = None

    def start(self, step: str, total: int = 0) -> None:
        """A new bar; ``total`` 0 when the count is not known (the bar then pulses)."""
        if self._progress is None:
            return
        if self._task is not None:
            done = self._progress.tasks[-1]
            end = done.total or done.completed
            self._progress.update(self._task, total=end, completed=end)
        self._task = self._progress.add_task(step, total=total if total > 0 else None)

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
