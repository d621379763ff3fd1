"""``sciwire tag FILE...``: arXiv subject categories of papers; ``sciwire tag --train FOLDER`` makes the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import Common, DataOpt, JsonOpt, command, command_line, fail


@command()
def tag_cli(
    files: Annotated[list[Path] | None, typer.Argument(help="Papers: PDF, JATS XML, Markdown/text or JSON.")] = None,
    model: Annotated[str, typer.Option("--model", help="A tag model folder ('default': the shipped one).")] = "default",
    train: Annotated[
        Path | None, typer.Option("--train", help="Train a tag model from arxiv_multilabel into this folder.")
    ] = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Tag papers with arXiv subject categories (title and abstract; several tags per paper)."""
    from sciwire.learn.tags import tag_files, train_tags

    if train is not None:
        result = train_tags(data or common.config().paths.data_dir, train, command_line())
        if as_json:
            typer.echo(json.dumps({"folder": str(result.folder), "metrics": result.metrics}))
        else:
            typer.echo(f"Wrote {result.folder}")
            for name in ("tfidf_mlp", "minilm_ovr"):
                m = result.metrics[name]
                typer.echo(f"  {name:<11} micro-F1 {m['micro_f1']:.3f}  macro-F1 {m['macro_f1']:.3f}  "
                           f"P@1 {m['p_at_1']:.3f}  P@3 {m['p_at_3']:.3f}")  # fmt: skip
        return
    if not files:
        fail("Give one or more paper files to tag, or --train FOLDER to make a tag model")
    for row in tag_files(files or [], model):
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            tags = ", ".join(f"{t['tag']} {t['probability']:.2f}" for t in row["tags"])
            typer.echo(f"{row['file']}: {tags}")
