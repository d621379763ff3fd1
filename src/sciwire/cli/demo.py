"""``sciwire demo``: analyse the bundled example paper and its two news stories."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.analyze import analyze_files_cli
from sciwire.cli.common import Common, command


@command(gpu=True)
def demo_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path("sciwire-demo"),
    *,
    common: Common,
) -> None:
    """Analyse the bundled made-up paper and two stories (one faithful, one overstated)."""
    from sciwire.examples import paper_path, story_paths

    question = ["How many mice completed the study?"]  # shows the Answers panel
    analyze_files_cli(paper_path(), story_paths(), out, common.config(), question)
