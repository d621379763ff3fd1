"""``sciwire demo``: analyse the bundled example paper and its two news stories."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.analyze import analyze_cli
from sciwire.cli.common import ConfigOpt, GpuOpt, SetOpt, VerboseOpt


def demo_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the report.")] = Path("sciwire-demo"),
    config: ConfigOpt = None,
    set_: SetOpt = None,
    gpu: GpuOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Analyse the bundled made-up paper and two stories (one faithful, one overstated)."""
    from sciwire.examples import paper_path, story_paths

    question = ["How many mice completed the study?"]  # shows the Answers panel
    analyze_cli(paper_path(), story_paths(), out, question=question, config=config, set_=set_, gpu=gpu, verbose=verbose)
