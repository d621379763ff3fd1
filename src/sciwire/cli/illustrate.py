"""``sciwire illustrate PAPER [--story STORY] [--out DIR]``: an AI-generated illustration (Stable Diffusion WebUI).

The prompt comes from the paper's keyphrases (those in its findings first); a story only says
which of them lead. ``[illustrate]`` in the config names the WebUI (docs/llm.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sciwire.cli.common import Common, command, err_console


@command(gpu=True)
def illustrate_cli(
    paper: Annotated[Path, typer.Argument(help="The paper: PDF, JATS XML, Markdown/text or a Document JSON.")],
    story: Annotated[
        Path | None, typer.Option("--story", help="A news story; the paper keyphrases it mentions lead the prompt.")
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for illustration.png, .json (receipt) and .txt (caption).")
    ] = Path("sciwire-illustration"),
    *,
    common: Common,
) -> None:
    """Make an AI-generated illustration of a paper with a Stable Diffusion WebUI, with a receipt and a caption."""
    from sciwire.illustrate import illustrate

    result = illustrate(paper, story, out, common.config())
    err_console.print(escape(result.caption), highlight=False)
    for path in (result.png, result.receipt, result.caption_file):
        typer.echo(str(path))
