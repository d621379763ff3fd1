"""``sciwire read FILE``: print the parsed Document as JSON (for debugging readers)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import Common, command


@command()
def read_cli(
    file: Annotated[Path, typer.Argument(help="A PDF, JATS XML, HTML, Markdown/text or Document JSON file.")],
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="paper or news (default: from the format).")] = None,
    sentences: Annotated[bool, typer.Option("--sentences", help="Also split sentences and find entities.")] = False,
    *,
    common: Common,
) -> None:
    """Read FILE and print the Document as JSON."""
    from sciwire.readers.api import read_document

    typer.echo(read_document(file, common.config(), kind=kind, sentences=sentences).to_json(indent=1))
