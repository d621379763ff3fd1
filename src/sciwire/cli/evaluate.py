"""``sciwire evaluate <capability>``: measure a model on labelled data, with a receipt.

Each capability adds its subcommand to :data:`evaluate_app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import (
    ConfigOpt,
    SetOpt,
    VerboseOpt,
    build_config,
    progress_bars,
    run_safely,
    setup_logging,
)

evaluate_app = typer.Typer(help="Evaluate a model on your own labelled data.")


@evaluate_app.command("newsworthiness")
def evaluate_newsworthiness_cli(
    ratings: Annotated[Path, typer.Option("--ratings", help="Held-out ratings (schema of `train newsworthiness`).")],
    papers: Annotated[Path, typer.Option("--papers", help="JSONL of the rated papers.")],
    model: Annotated[str, typer.Option("--model", "-m", help="'default' or a trained model folder.")] = "default",
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """AUC, P@10, P@15 (and ECE of trained models) of a newsworthiness model on held-out ratings."""
    setup_logging(verbose)

    def body() -> None:
        import json

        from sciwire.newsworthiness.train import evaluate_on_ratings

        cfg = build_config(config, [*(set_ or []), f"newsworthiness.model={model}"])
        typer.echo(json.dumps(evaluate_on_ratings(ratings, papers, cfg), indent=2))

    run_safely(body)


@evaluate_app.command("fidelity")
def evaluate_fidelity_cli(
    model_dir: Annotated[
        Path | None, typer.Option("--model-dir", "-m", help="Folder from `train fidelity` (default: shipped models).")
    ] = None,
    data: Annotated[Path | None, typer.Option("--data", help="Research data folder (default: paths.data_dir).")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Held-out metrics of the fidelity models: certainty (val), conclusions (dev), pair verdicts, strength."""
    setup_logging(verbose)

    def body() -> None:
        import json

        from sciwire.fidelity.bundle import FidelityModels
        from sciwire.fidelity.evaluate import EVALUATION_STEPS, evaluate_models

        cfg = build_config(config, set_)
        models = FidelityModels.load(model_dir or cfg.fidelity.model_dir or None)
        with progress_bars() as progress:
            progress.start("Evaluating the fidelity models", EVALUATION_STEPS)
            metrics = evaluate_models(models, data or cfg.paths.data_dir, progress.advance)
        typer.echo(json.dumps(metrics, indent=2))

    run_safely(body)


@evaluate_app.command("discourse")
def evaluate_discourse_cli(
    data: Annotated[Path, typer.Option("--data", help="A CoreSC folder, a CSAbstruct folder or a JSONL file.")],
    model: Annotated[str, typer.Option("--model", "-m", help="'default' or a trained model folder.")] = "default",
    task: Annotated[str | None, typer.Option("--task", help="For a JSONL file: coresc, abstract or your own.")] = None,
    split: Annotated[str, typer.Option("--split", help="For a CSAbstruct-style folder: train or dev.")] = "dev",
    cv: Annotated[
        int, typer.Option("--cv", min=0, max=20, help="Cross-validate baselines and a fresh tagger instead.")
    ] = 0,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Macro-F1, accuracy, per-class P/R/F1, confusion matrix and ECE of a discourse model (JSON)."""
    setup_logging(verbose)

    def body() -> None:
        import json

        from sciwire.discourse.train import evaluate_discourse

        cfg = build_config(config, set_)
        result = evaluate_discourse(data, cfg, model=model, task=task, split=split, cv=cv)
        typer.echo(json.dumps(result, indent=2))

    run_safely(body)


@evaluate_app.command("qa")
def evaluate_qa_cli(
    data: Annotated[Path | None, typer.Option("--data", help="Research data folder (default: paths.data_dir).")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """MRR@10, top-1, top-5 of BM25, dense and hybrid retrieval on PubMedQA, and the confidence's ECE (JSON)."""
    setup_logging(verbose)

    def body() -> None:
        import json

        from sciwire.qa.evaluate import evaluate_pubmedqa

        cfg = build_config(config, set_)
        with progress_bars() as progress:
            progress.start("Asking PubMedQA's questions (3 modes)", 0)
            metrics = evaluate_pubmedqa(data, cfg, on_progress=progress.advance)
        typer.echo(json.dumps(metrics, indent=2))

    run_safely(body)
