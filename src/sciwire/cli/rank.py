"""``sciwire rank PAPERS... [--top K] [--csv FILE] [--html FILE]``: papers worth covering."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Rank papers by newsworthiness: score, confidence and the top reasons for each."""
    setup_logging(verbose)

    def body() -> None:
        from rich.table import Table
        from rich.text import Text

        from sciwire.newsworthiness.ranking import Ranker, read_papers
        from sciwire.newsworthiness.render import ranking_csv, ranking_html, write_text

        cfg = build_config(config, [*(set_ or []), *([f"newsworthiness.model={model}"] if model else [])])
        items = read_papers(papers, cfg.input)
        ranker = Ranker(cfg)
        with progress_bars() as progress:
            progress.start("Embedding abstracts", len(items))
            ranking = ranker.rank(items, top, on_progress=progress.advance)
        trained = ranking.trained_on_judgements
        table = Table(title=Text(f"Newsworthiness ({ranking.model_name})"), caption=Text(ranking.note))
        table.add_column("#", justify="right")
        table.add_column("paper", overflow="fold", max_width=48)
        table.add_column("score", justify="right")
        if trained:
            table.add_column("probability", justify="right")
            table.add_column("votes", justify="right")
        table.add_column("top reasons", overflow="fold")
        for row in ranking.papers:
            cells = [str(row.rank), row.paper.title or row.paper.id, f"{100 * row.score:.0f}"]
            if trained:
                cells += [
                    "—" if row.probability is None else f"{100 * row.probability:.0f}%",
                    "—" if row.vote_share is None else f"{100 * row.vote_share:.0f}%",
                ]
            cells.append("\n".join(str(r) for r in row.reasons))
            table.add_row(*(Text(c) for c in cells))  # Text: titles are untrusted, never rich markup
        out_console.print(table, markup=False, highlight=False)
        if csv is not None:
            err_console.print(f"wrote {write_text(csv, ranking_csv(ranking))}", markup=False, highlight=False)
        if html is not None:
            err_console.print(f"wrote {write_text(html, ranking_html(ranking))}", markup=False, highlight=False)

    run_safely(body)
