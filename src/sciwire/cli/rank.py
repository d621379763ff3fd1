"""``sciwire rank PAPERS... [--top K] [--csv FILE] [--html FILE]``: papers worth covering."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from sciwire.cli.common import Common, command, err_console, out_console, progress_bars
from sciwire.readers._checks import strip_controls

if TYPE_CHECKING:
    from sciwire.newsworthiness.ranking import Ranking


@command()
def rank_cli(
    papers: Annotated[
        list[Path],
        typer.Argument(help="Paper files (PDF, XML, text), folders, JSONL of title+abstract+metadata, arXiv Atom."),
    ],
    top: Annotated[int | None, typer.Option("--top", "-k", min=1, help="Keep the K most newsworthy.")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Also write the ranking as CSV.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Also write a self-contained HTML page.")] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="'default' or a folder from `sciwire train newsworthiness`.")
    ] = None,
    *,
    common: Common,
) -> None:
    """Rank papers by newsworthiness: score, confidence and the top reasons for each.

    Newsworthiness is a ranking aid learned from ratings (or, for the default model, a-priori
    weights), not a fact about the paper; the table's caption says so, with the style caveat
    when the model does not beat a style-cues-only baseline.
    """
    from sciwire.newsworthiness.api import rank_files

    cfg = common.config(*([f"newsworthiness.model={model}"] if model else []))
    with progress_bars() as progress:
        progress.start("Embedding abstracts")
        ranking = rank_files(papers, cfg, top=top, csv=csv, html=html, on_progress=progress.advance)
    out_console.print(_table(ranking), markup=False, highlight=False)
    for path in (csv, html):
        if path is not None:
            err_console.print(f"wrote {path}", markup=False, highlight=False)


def _table(ranking: Ranking) -> Table:
    trained = ranking.trained_on_judgements
    values = any(getattr(row, "dimensions", ()) for row in ranking.papers)
    title = Text(strip_controls(f"Newsworthiness ({ranking.model_name})"))
    table = Table(title=title, caption=Text(strip_controls(ranking.note)))
    table.add_column("#", justify="right")
    table.add_column("paper", overflow="fold", max_width=48)
    table.add_column("score", justify="right")
    if trained:
        table.add_column("probability", justify="right")
        table.add_column("votes", justify="right")
    if values:
        table.add_column("news values (probability)", overflow="fold")
    table.add_column("top reasons", overflow="fold")
    for row in ranking.papers:
        cells = [str(row.rank), row.paper.title or row.paper.id, f"{100 * row.score:.0f}"]
        if trained:
            cells += [
                "—" if row.probability is None else f"{100 * row.probability:.0f}%",
                "—" if row.vote_share is None else f"{100 * row.vote_share:.0f}%",
            ]
        if values:
            cells.append("\n".join(f"{d.label} {100 * d.probability:.0f}%" for d in row.dimensions))
        cells.append("\n".join(str(r) for r in row.reasons))
        # Text: titles are untrusted, never rich markup; strip_controls: nor escape sequences
        table.add_row(*(Text(strip_controls(c)) for c in cells))
    return table
