"""``sciwire add / list / remove``: manage the corpus store."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from sciwire.cli.common import Common, JsonTableOpt, StoreOpt, command, err_console, out_console, progress_bars
from sciwire.readers._checks import strip_controls


class _CommitEcho(logging.Handler):
    """Prints ``added <id>`` on stderr as each paper is committed (the store logs each commit)."""

    def emit(self, record: logging.LogRecord) -> None:
        doc_id = getattr(record, "sciwire_added", None)
        if doc_id is not None:
            err_console.print(Text(strip_controls(f"added {doc_id}")), highlight=False)


@contextmanager
def _echo_commits() -> Iterator[None]:
    """Show every commit of ``add`` as it happens, once (also with --verbose), while the body runs."""
    log = logging.getLogger("sciwire.store.ingest")
    handler, level, propagate = _CommitEcho(), log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
        log.propagate = propagate


@command()
def add_cli(
    files: Annotated[list[Path], typer.Argument(help="Papers (files or folders) to add.")],
    store: StoreOpt = None,
    executor: Annotated[
        str | None,
        typer.Option("--executor", help="Where papers are read and embedded: local or ray (default: executor.kind)."),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address", help="The Ray cluster, e.g. ray://head:10001 (default: executor.address, else local)."
        ),
    ] = None,
    *,
    common: Common,
) -> None:
    """Add papers to the corpus store; unchanged files are skipped."""
    from sciwire.qa.api import add_papers
    from sciwire.store import AddInterrupted

    overrides = [f"executor.kind={executor}"] if executor is not None else []
    overrides += [f'executor.address="{address}"'] if address is not None else []
    try:
        with progress_bars() as progress, _echo_commits():
            progress.start("Adding papers")
            results = add_papers(files, common.config(*overrides), store, on_progress=progress.advance)
    except AddInterrupted as exc:
        err_console.print(Text(strip_controls(str(exc)), style="yellow"))
        raise typer.Exit(130) from None
    for r in results:
        line = f"{r.status:9} {r.doc_id or '-':30} {r.path}" + (f"  ({r.message})" if r.message else "")
        typer.echo(strip_controls(line))
    failed = [r for r in results if r.status == "failed"]
    if failed:
        err_console.print(f"[red]{len(failed)} of {len(results)} files could not be added[/]")
        raise typer.Exit(1)


@command(verbose=False)
def list_cli(store: StoreOpt = None, as_json: JsonTableOpt = False, *, common: Common) -> None:
    """List the papers in the corpus store."""
    from sciwire.store import list_documents, store_path

    cfg = common.config()
    docs = list_documents(cfg, store)
    if as_json:
        typer.echo(json.dumps([d.__dict__ for d in docs], indent=1))
        return
    table = Table("id", "kind", "sentences", "added", "title")
    for d in docs:  # stored titles are untrusted: no rich markup, no escape sequences
        cells = (d.id, d.kind, str(d.sentences), d.added, d.title[:60])
        table.add_row(*(Text(strip_controls(c)) for c in cells))
    out_console.print(table)
    err_console.print(f"{len(docs)} documents in {store_path(cfg, store)}")


@command(verbose=False)
def remove_cli(
    doc_ids: Annotated[list[str], typer.Argument(help="Ids to remove (see sciwire list).")],
    store: StoreOpt = None,
    *,
    common: Common,
) -> None:
    """Remove papers from the corpus store."""
    from sciwire.store import remove_documents

    typer.echo(f"removed {remove_documents(doc_ids, common.config(), store)}")
