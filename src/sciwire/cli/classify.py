"""``sciwire classify FILE``: print the discourse role of every sentence of a paper."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sciwire.cli.common import Common, command, progress_bars

if TYPE_CHECKING:
    from sciwire.discourse.api import SentenceRole


@command()
def classify_cli(
    file: Annotated[Path, typer.Argument(help="A paper: PDF, JATS XML, Markdown/text or Document JSON.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per sentence.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also print why (words, similar training sentences).")
    ] = False,
    *,
    common: Common,
) -> None:
    """Print the Core Scientific Concept of every sentence (and the rhetorical role of abstract sentences)."""
    from sciwire.discourse.api import classify_file, sentence_roles

    with progress_bars() as progress:
        progress.start("Embedding sentences")
        doc = classify_file(file, common.config(), progress.advance)
    for row in sentence_roles(doc):
        if as_json:
            typer.echo(json.dumps(row.to_dict(explain), ensure_ascii=False))
        else:
            typer.echo(_line(row, explain))


def _line(row: SentenceRole, explain: bool) -> str:
    role = f"{row.name:<11} {row.probability or 0:.2f}"
    if row.abstract_name is not None:
        role += f"  [{row.abstract_name} {row.abstract_probability or 0:.2f}]"
    short = row.text if len(row.text) <= 90 else row.text[:87] + "..."
    line = f"{row.sentence:>4}  {role:<36}  {short}"
    if not explain:
        return line
    from sciwire.discourse.labels import CORESC

    expl = row.explanation or {}
    words = ", ".join(f"{w} ({c:+.2f})" for w, c in expl.get("lexical", []))
    similar = ", ".join(f"{CORESC.name(lab)} {sim:.2f}" for _, lab, sim in expl.get("neighbours", []))
    return f"{line}\n{'':>6}why: {words or '-'}; context {expl.get('context', 0):+.2f}; similar: {similar}"
