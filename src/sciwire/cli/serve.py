"""``sciwire serve [--host 127.0.0.1] [--port 8000] [--store PATH|postgresql://...] [--keys FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import Common, command


@command()
def serve_cli(
    host: Annotated[
        str | None, typer.Option("--host", help="Address to listen on (default serve.host, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option("--port", min=0, max=65535, help="Port (default 8000).")] = None,
    store: Annotated[
        str | None, typer.Option("--store", help="Corpus store: a file or postgresql://... (default paths.store).")
    ] = None,
    keys: Annotated[
        Path | None, typer.Option("--keys", help="API keys file (salted hashes; required off loopback).")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Job table, uploads and reports.")] = None,
    new_key: Annotated[
        str | None,
        typer.Option("--new-key", metavar="NAME:ROLE", help="Add a key (reader, editor, admin) to --keys."),
    ] = None,
    *,
    common: Common,
) -> None:
    """Run the web service: upload -> report, the corpus, ask, rank, the model playground (docs/serve.md)."""
    from sciwire.errors import ConfigError

    if new_key is not None:
        from sciwire.serve.server import new_key as add_key

        if keys is None:
            raise ConfigError("--new-key needs --keys FILE: the file that keeps the key's hash")
        typer.echo(add_key(keys, new_key))
        return
    from sciwire.serve.server import serve

    serve(common.config(), host=host, port=port, store=store, keys=keys, data_dir=data_dir)
