"""``sciwire keywords FILE...``: the keyphrases of each file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sciwire.cli.common import Common, JsonTableOpt, command, out_console, progress_bars


@command()
def keywords_cli(
    files: Annotated[list[Path], typer.Argument(help="Papers or stories (PDF, JATS XML, HTML, Markdown/text, JSON).")],
    top: Annotated[int | None, typer.Option("--top", "-n", min=1, max=1000, help="Keyphrases per file.")] = None,
    method: Annotated[
        str | None,
        typer.Option("--method", "-m", help="combined (default), fast, graph, statistical or embedding."),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=1, max=256, help="Processes for fast, graph and statistical (many files)."),
    ] = 1,
    as_json: JsonTableOpt = False,
    *,
    common: Common,
) -> None:
    """Print the keyphrases of each FILE, best first."""
    from sciwire.keyphrases.api import keywords_for_files

    sets = [f"keyphrases.top={top}"] if top is not None else []
    sets += [f'keyphrases.method="{method}"'] if method is not None else []
    cfg = common.config(*sets)
    with progress_bars() as progress:
        progress.start("Keyphrases", len(files))
        results = keywords_for_files(files, cfg, progress.advance, jobs=jobs)
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1))
        return
    for r in results:
        table = Table(title=escape(f"{r.path} ({cfg.keyphrases.method})"), title_justify="left")
        for col in ("#", "keyphrase", "score", "count"):
            table.add_column(col, justify="right" if col != "keyphrase" else "left")
        for i, k in enumerate(r.keyphrases, 1):
            label = f"{k.text} ({k.acronym})" if k.acronym else k.text
            table.add_row(str(i), escape(label), f"{k.score:.3f}", str(k.count))
        out_console.print(table)
