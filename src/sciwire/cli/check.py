"""``sciwire check STORY... --paper PAPER``: does each story keep, overstate or understate the paper?

Per story: the verdicts in words first, then the claims, strongest evidence first (faithful ones
only with ``--all``); a story that does not report the paper gets one line and no claims.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sciwire.cli.common import Common, JsonOpt, command, out_console

STYLE = {"exaggerates": "bold red", "downplays": "bold blue", "same": "green", "unsure": "yellow"}


@command(gpu=True)
def check_cli(
    stories: Annotated[list[Path], typer.Argument(help="News stories (HTML, text...).")],
    paper: Annotated[Path, typer.Option("--paper", "-p", help="The paper the stories report.")],
    as_json: JsonOpt = False,
    all_claims: Annotated[bool, typer.Option("--all", help="Also list the faithful sentences.")] = False,
    *,
    common: Common,
) -> None:
    """Judge each story sentence that reports a paper sentence: faithful, overstated, understated or unsure, and why."""
    from sciwire.fidelity.api import check_files

    results = check_files(stories, paper, common.config())
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=1, ensure_ascii=False))
        return
    for result in results:
        out_console.print(
            f"[bold]{escape(result.title or result.story_id)}[/]: {escape(result.summary['text'])}", highlight=False
        )
        for claim in result.claims:
            if claim.verdict == "same" and not all_claims:
                continue
            out_console.print(
                f"  [{STYLE.get(claim.verdict, '')}]{escape(claim.shown)}[/] {claim.confidence:.2f} "
                f"({escape(claim.source)})\n    story: {escape(claim.story_text)}\n"
                f"    paper [{claim.paper_sentence}]: {escape(claim.paper_text)}",
                highlight=False,
            )
            for reason in claim.reasons:
                out_console.print(f"    - {escape(reason)}", highlight=False)
            for note in claim.notes:
                out_console.print(f"    - noted, not used for the verdict: {escape(note)}", highlight=False)
