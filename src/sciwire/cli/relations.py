"""``sciwire relations FILE --schema relations.toml``: entity pairs of a file in a relation of the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sciwire.cli.common import Common, JsonTableOpt, command, out_console, progress_bars


@command()
def relations_cli(
    file: Annotated[Path, typer.Argument(help="A paper or story (PDF, JATS XML, HTML, Markdown/text, JSON).")],
    schema: Annotated[
        Path, typer.Option("--schema", help="Relation types with 1-5 [E1]/[E2]-marked examples each (TOML).")
    ],
    model: Annotated[str | None, typer.Option("--model", "-m", help="'default' or a `train relations` folder.")] = None,
    as_json: JsonTableOpt = False,
    *,
    common: Common,
) -> None:
    """Classify the pairs of terms in each sentence of FILE into the schema's relations, or "none of these"."""
    from sciwire.relations.api import relations_for_file

    cfg = common.config(*([f'relations.model="{model}"'] if model else []))
    with progress_bars() as progress:
        progress.start("Relations", 1)
        result = relations_for_file(file, schema, cfg, progress.advance)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    title = f"{file}: {len(result.relations)} of {result.pairs_checked} term pairs in a relation"
    table = Table(title=escape(title), title_justify="left")
    for col in ("E1", "relation", "E2", "p", "cosine", "sentence"):
        table.add_column(col, justify="right" if col in ("p", "cosine") else "left")
    for r in result.relations:
        sentence = r.sentence if len(r.sentence) <= 90 else r.sentence[:87] + "..."
        table.add_row(escape(r.head), escape(r.relation), escape(r.tail), f"{r.probability:.2f}",
                      f"{r.similarity:.2f}", escape(sentence))  # fmt: skip
    out_console.print(table)
