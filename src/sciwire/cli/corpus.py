"""``sciwire add / list / remove``: manage the corpus store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sciwire.cli.common import (
    ConfigOpt,
    SetOpt,
    VerboseOpt,
    build_config,
    err_console,
    out_console,
    progress_bars,
    run_safely,
    setup_logging,
)

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="The store file (default: paths.store / SCIWIRE_STORE).")
]


def add_cli(
    files: Annotated[list[Path], typer.Argument(help="Papers (files or folders) to add.")],
    store: StoreOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Add papers to the corpus store; unchanged files are skipped."""
    setup_logging(verbose)

    def body() -> None:
        from sciwire.discourse.step import store_enricher
        from sciwire.qa.api import make_embedder
        from sciwire.store import add_files, collect_files, open_store

        cfg = build_config(config, set_)
        embedder = make_embedder(cfg)
        enrich = store_enricher(cfg, embedder.model_key)  # roles for the answers of `sciwire ask`
        with open_store(cfg, store) as st, progress_bars() as progress:
            progress.start("Adding papers", len(collect_files(files)))
            results = add_files(st, files, cfg, embedder, on_progress=progress.advance, enrich=enrich)
        for r in results:
            line = f"{r.status:9} {r.doc_id or '-':30} {r.path}" + (f"  ({r.message})" if r.message else "")
            typer.echo(line)
        failed = [r for r in results if r.status == "failed"]
        if failed:
            err_console.print(f"[red]{len(failed)} of {len(results)} files could not be added[/]")
            raise typer.Exit(1)

    run_safely(body)


def list_cli(
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """List the papers in the corpus store."""

    def body() -> None:
        from sciwire.store import open_store

        cfg = build_config(config, set_)
        with open_store(cfg, store) as st:
            docs = st.documents()
        if as_json:
            typer.echo(json.dumps([d.__dict__ for d in docs], indent=1))
            return
        table = Table("id", "kind", "sentences", "added", "title")
        for d in docs:
            table.add_row(d.id, d.kind, str(d.sentences), d.added, d.title[:60])
        out_console.print(table)
        err_console.print(f"{len(docs)} documents in {cfg.paths.store if store is None else store}")

    run_safely(body)


def remove_cli(
    doc_ids: Annotated[list[str], typer.Argument(help="Ids to remove (see sciwire list).")],
    store: StoreOpt = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Remove papers from the corpus store."""

    def body() -> None:
        from sciwire.errors import InputError
        from sciwire.store import open_store

        cfg = build_config(config, set_)
        with open_store(cfg, store) as st:
            missing = [d for d in doc_ids if not st.remove(d)]
        if missing:
            raise InputError(f"Not in the store: {', '.join(missing)}; see 'sciwire list'")
        typer.echo(f"removed {len(doc_ids)}")

    run_safely(body)
