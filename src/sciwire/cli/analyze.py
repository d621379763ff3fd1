"""``sciwire analyze PAPER [--news STORY ...] [--out DIR]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import Common, command, err_console, progress_bars
from sciwire.config import Config


@command(gpu=True)
def analyze_cli(
    paper: Annotated[Path, typer.Argument(help="The paper: PDF, JATS XML, Markdown/text or a Document JSON.")],
    news: Annotated[
        list[Path] | None, typer.Option("--news", "-n", help="A news story (HTML, text...); repeatable.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.json, report.html, config.toml.")] = Path(
        "sciwire-report"
    ),
    question: Annotated[
        list[str] | None,
        typer.Option("--question", "-q", help="A question to answer from the paper (in report.json/html); repeatable."),
    ] = None,
    steps: Annotated[
        str | None,
        typer.Option(
            "--steps",
            help="Steps to run after alignment, in order, comma-separated (default: pipeline.steps), "
            "e.g. discourse,fidelity.",
        ),
    ] = None,
    *,
    common: Common,
) -> None:
    """Analyse a paper and the news stories about it; write report.json and report.html."""
    analyze_files_cli(paper, news or [], out, common.config(), question or [], steps)


def analyze_files_cli(
    paper: Path, news: list[Path], out: Path, cfg: Config, questions: list[str], steps: str | None = None
) -> None:
    """Analyse, write the report, and say on stderr what was analysed (also ``sciwire demo``)."""
    from sciwire.report import analyze_to_folder, summarize

    names = None if steps is None else [s.strip() for s in steps.split(",") if s.strip()]
    with progress_bars() as progress:
        analysis, paths = analyze_to_folder(paper, news, out, cfg, steps=names, questions=questions, progress=progress)
    summary = summarize(analysis)
    err_console.print(
        f"[green]Analysed[/] {summary['paper']['title'] or summary['paper']['id']!r}: "
        f"{summary['paper']['sentences']} sentences",
        highlight=False,
        markup=True,
    )
    for story in summary["stories"]:
        err_console.print(
            f"  story {story['id']}: {story['aligned_sentences']}/{story['sentences']} sentences report the paper",
            highlight=False,
            markup=False,
        )
    for path in paths:
        typer.echo(str(path))
