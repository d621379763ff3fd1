"""``sciwire train <capability>``: retrain a model from your own data, with a receipt.

Each capability adds its subcommand to :data:`train_app` (one function per capability).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import ConfigOpt, SetOpt, VerboseOpt, build_config, progress_bars, run_safely, setup_logging

train_app = typer.Typer(help="Train or fine-tune a model from your own data; writes the model, a receipt and a card.")


@train_app.command("qa")
def train_qa_cli(
    pairs: Annotated[Path, typer.Option("--pairs", help='JSONL: one {"question": ..., "answer": ...} per line.')],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the fine-tuned model.")] = Path(
        "sciwire-qa-model"
    ),
    loss: Annotated[
        str, typer.Option("--loss", help="mnrl (in-batch negatives) or triplet (mined negatives).")
    ] = "mnrl",
    epochs: Annotated[int, typer.Option("--epochs", min=1, max=50)] = 2,
    batch_size: Annotated[int, typer.Option("--batch-size", min=2, max=512)] = 16,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Fine-tune the sentence encoder on question/answer pairs (use it with --set models.embedding=OUT)."""
    setup_logging(verbose)

    def body() -> None:
        from sciwire.qa.finetune import FinetuneConfig, finetune, read_pairs

        cfg = build_config(config, set_)
        data = read_pairs(pairs)
        settings = FinetuneConfig(loss=loss, epochs=epochs, batch_size=batch_size)
        with progress_bars() as progress:
            progress.start("Fine-tuning", len(data) * epochs)
            path = finetune(data, out, cfg.models.embedding, settings, progress.advance, data_files=[pairs])
        typer.echo(str(path))

    run_safely(body)
