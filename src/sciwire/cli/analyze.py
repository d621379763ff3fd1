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
    llm: Annotated[
        bool,
        typer.Option(
            "--llm", help="Add an LLM section: the verdicts explained, questions for the authors (docs/llm.md)."
        ),
    ] = False,
    *,
    common: Common,
) -> None:
    """Analyse a paper and the news stories about it; write report.json and report.html."""
    analyze_files_cli(paper, news or [], out, common.config(), question or [], steps, llm)


def analyze_files_cli(
    paper: Path,
    news: list[Path],
    out: Path,
    cfg: Config,
    questions: list[str],
    steps: str | None = None,
    llm: bool = False,
) -> None:
    """Analyse, write the report, and say on stderr what was analysed (also ``sciwire demo``)."""
    from sciwire.report import analyze_to_folder, summarize

    names = None if steps is None else [s.strip() for s in steps.split(",") if s.strip()]
    with progress_bars() as progress:
        section = None
        if llm:
            from sciwire.llm.report import llm_report

            section = llm_report
        analysis, paths = analyze_to_folder(
            paper, news, out, cfg, steps=names, questions=questions, progress=progress, llm=section
        )
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
    if llm:
        _say_llm(paths[0])
    for path in paths:
        typer.echo(str(path))


def _say_llm(report_json: Path) -> None:
    """One line on stderr per LLM failure (the report is complete without the LLM part)."""
    import json

    section = json.loads(report_json.read_text(encoding="utf-8")).get("llm") or {}
    for error in section.get("errors", []):
        err_console.print(
            f"LLM part skipped: {error}; the report is complete without it", highlight=False, markup=False
        )
