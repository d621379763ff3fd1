"""``sciwire evaluate <capability>``: measure a model on labelled data, with a receipt.

Each capability adds its subcommand to :data:`evaluate_app`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import Common, DataOpt, command, progress_bars
from sciwire.errors import InputError

evaluate_app = typer.Typer(help="Evaluate a model on your own labelled data.")
#: ``--json`` of the commands that print Markdown tables otherwise.
TablesJsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of Markdown tables.")]


@evaluate_app.command("newsworthiness")
@command()
def evaluate_newsworthiness_cli(
    ratings: Annotated[Path, typer.Option("--ratings", help="Held-out ratings (schema of `train newsworthiness`).")],
    papers: Annotated[Path, typer.Option("--papers", help="JSONL of the rated papers.")],
    model: Annotated[str, typer.Option("--model", "-m", help="'default' or a trained model folder.")] = "default",
    *,
    common: Common,
) -> None:
    """AUC, P@10, P@15 (and ECE of trained models) of a newsworthiness model on held-out ratings."""
    import json

    from sciwire.newsworthiness.train import evaluate_on_ratings

    cfg = common.config(f"newsworthiness.model={model}")
    typer.echo(json.dumps(evaluate_on_ratings(ratings, papers, cfg), indent=2))


@evaluate_app.command("fidelity")
@command()
def evaluate_fidelity_cli(
    model_dir: Annotated[
        Path | None, typer.Option("--model-dir", "-m", help="Folder from `train fidelity` (default: shipped models).")
    ] = None,
    data: DataOpt = None,
    *,
    common: Common,
) -> None:
    """Held-out metrics of the fidelity models: certainty (val), conclusions (dev), pair verdicts, strength."""
    import json

    from sciwire.fidelity.bundle import FidelityModels
    from sciwire.fidelity.evaluate import EVALUATION_STEPS, evaluate_models

    cfg = common.config()
    models = FidelityModels.load(model_dir or cfg.fidelity.model_dir or None)
    with progress_bars() as progress:
        progress.start("Evaluating the fidelity models", EVALUATION_STEPS)
        metrics = evaluate_models(models, data or cfg.paths.data_dir, progress.advance)
    typer.echo(json.dumps(metrics, indent=2))


@evaluate_app.command("discourse")
@command()
def evaluate_discourse_cli(
    data: Annotated[Path, typer.Option("--data", help="A CoreSC folder, a CSAbstruct folder or a JSONL file.")],
    model: Annotated[str, typer.Option("--model", "-m", help="'default' or a trained model folder.")] = "default",
    task: Annotated[str | None, typer.Option("--task", help="For a JSONL file: coresc, abstract or your own.")] = None,
    split: Annotated[str, typer.Option("--split", help="For a CSAbstruct-style folder: train or dev.")] = "dev",
    cv: Annotated[
        int, typer.Option("--cv", min=0, max=20, help="Cross-validate baselines and a fresh tagger instead.")
    ] = 0,
    *,
    common: Common,
) -> None:
    """Macro-F1, accuracy, per-class P/R/F1, confusion matrix and ECE of a discourse model (JSON)."""
    import json

    from sciwire.discourse.train import evaluate_discourse

    cfg = common.config()
    result = evaluate_discourse(data, cfg, model=model, task=task, split=split, cv=cv)
    typer.echo(json.dumps(result, indent=2))


@evaluate_app.command("qa")
@command()
def evaluate_qa_cli(
    data: DataOpt = None,
    *,
    common: Common,
) -> None:
    """MRR@10, top-1, top-5 of BM25, dense and hybrid retrieval on PubMedQA, and the confidence's ECE (JSON)."""
    import json

    from sciwire.qa.evaluate import evaluate_pubmedqa

    cfg = common.config()
    with progress_bars() as progress:
        progress.start("Asking PubMedQA's questions (3 modes)", 0)
        metrics = evaluate_pubmedqa(data, cfg, on_progress=progress.advance)
    typer.echo(json.dumps(metrics, indent=2))


@evaluate_app.command("entities")
@command()
def evaluate_entities_cli(
    data: DataOpt = None,
    model: Annotated[
        Path | None, typer.Option("--model", "-m", help="A folder from `sciwire train entities` (optional).")
    ] = None,
    split: Annotated[
        str, typer.Option("--split", help="SciERC split: dev, train or test (a folder with {split}.json).")
    ] = "dev",
    *,
    common: Common,
) -> None:
    """Typed span F1 and detection P/R/F1 on SciERC (trained typer, zero-shot default, noun-chunk baseline)
    and the zero-shot default on SemEval-2017 dev (JSON)."""
    import json

    from sciwire.terms.evaluate import evaluate_entities

    cfg = common.config()
    with progress_bars() as progress:
        progress.start("Evaluating entity models", 2)
        metrics = evaluate_entities(data or cfg.paths.data_dir, cfg, model=model, split=split,
                                    on_progress=progress.advance)  # fmt: skip
    typer.echo(json.dumps(metrics, indent=2))


@evaluate_app.command("coref")
@command()
def evaluate_coref_cli(
    data: DataOpt = None,
    model: Annotated[str, typer.Option("--model", "-m", help="'default' or a folder from `train coref`.")] = "default",
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="LitBank document folds.")] = 5,
    litbank: Annotated[
        str,
        typer.Option(
            "--litbank",
            help="cv: cross-validate fresh rankers on the LitBank documents; model: score --model itself on "
            "them (for documents it never saw: the shipped model was fitted on the shared 80).",
        ),
    ] = "cv",
    gap_split: Annotated[
        str, typer.Option("--gap-split", help="The GAP file scored: validation, test or development.")
    ] = "validation",
    as_json: TablesJsonOpt = False,
    *,
    common: Common,
) -> None:
    """LitBank CoNLL F1 (cross-validated, or of the model itself; gold and predicted mentions, with and without
    singletons) beside baselines, and GAP F1 by gender with the bias F/M."""
    import json

    from sciwire.linking.incoref.evaluate import evaluate_coref, markdown_tables

    cfg = common.config()
    with progress_bars() as progress:
        progress.start("Reading LitBank and GAP" + (", then cross-validating" if litbank == "cv" else ""), 0)
        metrics = evaluate_coref(data or cfg.paths.data_dir, cfg, model=model, folds=folds, litbank=litbank,
                                 gap_split=gap_split, on_progress=progress.advance)  # fmt: skip
    typer.echo(json.dumps(metrics, indent=2) if as_json else markdown_tables(metrics))


@evaluate_app.command("link")
@command()
def evaluate_link_cli(
    data: DataOpt = None,
    split: Annotated[
        str, typer.Option("--split", help="CD²CR split: dev, train or test (a folder with {split}.conll).")
    ] = "dev",
    as_json: TablesJsonOpt = False,
    *,
    common: Common,
) -> None:
    """Cross-document coreference on CD²CR (the configured pair scorer and mention filter, nothing fitted):
    CoNLL F1, MUC, B³, CEAF-e with and without singletons, gold and predicted mentions, beside exact and
    head-lemma match."""
    import json

    from sciwire.linking.scores import evaluate_link, markdown_tables

    cfg = common.config()
    with progress_bars() as progress:
        progress.start(f"Parsing and embedding CD²CR {split} topics", 0)
        metrics = evaluate_link(data or cfg.paths.data_dir, cfg, split=split, on_progress=progress.advance)
    typer.echo(json.dumps(metrics, indent=2) if as_json else markdown_tables(metrics))


@evaluate_app.command("relations")
@command()
def evaluate_relations_cli(
    data: DataOpt = None,
    episodes: Annotated[int, typer.Option("--episodes", min=10, max=100_000, help="Episodes per setting.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seeds the episodes and the samples.")] = 0,
    scierc: Annotated[bool, typer.Option("--scierc", help="Also train and score the SciERC head (dev).")] = False,
    sets: Annotated[
        str,
        typer.Option(
            "--sets",
            help="Comma-separated FewRel files to score (fewrel/NAME.json); another domain, e.g. val_pubmed, is "
            "scored with parts fitted on val_wiki, val_semeval and val_nyt.",
        ),
    ] = "val_wiki,val_semeval,val_nyt",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (else one line per setting).")] = False,
    *,
    common: Common,
) -> None:
    """The FewRel protocol (5/10-way x 1/5-shot, NOTA rates 0 / 0.15 / 0.5, val_wiki, val_semeval, val_nyt) with
    its baselines, and optionally SciERC relation F1 with gold entities."""
    import json

    from sciwire.relations.evaluate import FewRelSettings, evaluate_fewrel, evaluate_scierc

    cfg = common.config()
    root = data or cfg.paths.data_dir
    cache = cfg.paths.cache_dir if cfg.runtime.embedding_cache else None
    with progress_bars() as progress:
        progress.start("FewRel episodes", 0)
        names = tuple(dict.fromkeys(n.strip() for n in sets.split(",") if n.strip()))
        if not names:
            raise InputError(f"--sets must name at least one FewRel file, got {sets!r}")
        settings = FewRelSettings(sets=names, episodes=episodes, seed=seed)
        result = evaluate_fewrel(root, settings, cache, progress.advance)
        if scierc:
            progress.start("SciERC", 0)
            result["scierc"] = evaluate_scierc(root, cfg, on_progress=progress.advance)[0]
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    for r in result["rows"]:
        typer.echo(f"{r['set']} {r['n_way']}-way {r['k_shot']}-shot NOTA {r['nota_rate']}: {r['method']} "
                   f"{100 * r['accuracy']:.1f} ± {100 * r['ci95']:.1f}")  # fmt: skip
    for r in result["skipped"]:
        typer.echo(f"{r['set']} {r['n_way']}-way {r['k_shot']}-shot NOTA {r['nota_rate']}: left out ({r['why']})")
    if scierc:
        typer.echo(f"SciERC dev F1 {result['scierc']['head']['f1']} (baseline {result['scierc']['baseline']['f1']})")
