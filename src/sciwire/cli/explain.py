"""``sciwire explain STORY... --paper PAPER``: the fidelity verdicts explained by an LLM, and questions for the authors.

Needs the ``llm`` extra; ``[llm]`` in the config picks the backend (docs/llm.md). Generated text is
labelled with the model that wrote it; sentences that fail the grounding checks are dropped and
counted. When the LLM fails, the verdicts are still printed and the failure is one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sciwire.cli.common import Common, JsonOpt, command, err_console, out_console


@command(gpu=True)
def explain_cli(
    stories: Annotated[list[Path], typer.Argument(help="News stories (HTML, text...).")],
    paper: Annotated[Path, typer.Option("--paper", "-p", help="The paper the stories report.")],
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Explain each story's fidelity verdicts in plain words (LLM, grounded); suggest questions for the authors."""
    from sciwire.llm import explain

    results = explain(stories, paper, common.config())
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=1, ensure_ascii=False))
        return
    for result in results:
        out_console.print(
            f"[bold]{escape(result.title or result.story_id)}[/]: {escape(result.check.summary['text'])}",
            highlight=False,
        )
        for generated in (result.explanation, result.questions):
            if generated.error:
                err_console.print(f"[yellow]LLM {generated.use} skipped:[/] {escape(generated.error)}", highlight=False)
                continue
            out_console.print(f"  [dim]{escape(generated.to_dict()['label'])}[/]", highlight=False)
            for sentence in generated.sentences:
                out_console.print(f"  - {escape(sentence)}", highlight=False)
            if generated.dropped:
                out_console.print(
                    f"  [dim]{len(generated.dropped)} generated sentence(s) dropped by the grounding checks[/]",
                    highlight=False,
                )
