"""``sciwire train <capability>``: retrain a model from your own data, with a receipt.

Each capability adds its subcommand to :data:`train_app` (one function per capability).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sciwire.cli.common import Common, DataOpt, command, command_line, progress_bars

if TYPE_CHECKING:
    from sciwire.config import Config
    from sciwire.fitting import TrainResult

#: ``--out``: where a train command writes the model folder (weights, MODEL_CARD.md, receipt.json).
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for the model, its card and its receipt.")]

train_app = typer.Typer(help="Train or fine-tune a model from your own data; writes the model, a receipt and a card.")


def run_training(
    common: Common,
    label: str,
    fit: Callable[[Config, str, Callable[[int], None]], TrainResult],
    lines: Callable[[dict[str, Any]], list[str]] = lambda metrics: [],
    as_json: bool = False,
) -> None:
    """Resolve the config, call ``fit(config, command line, on_progress)`` under a progress bar,
    print ``lines(metrics)`` on stderr and the model folder on stdout; with ``as_json``, print
    ``{"folder": ..., "metrics": ...}`` on stdout instead."""
    import json

    cfg = common.config()
    with progress_bars() as progress:
        progress.start(label, 0)
        result = fit(cfg, command_line(), progress.advance)
    if as_json:
        typer.echo(json.dumps({"folder": str(result.folder), "metrics": result.metrics}, indent=2, default=str))
        return
    for line in lines(dict(result.metrics)):
        typer.echo(line, err=True)
    typer.echo(str(result.folder))


#: ``--json`` of the train commands.
TrainJsonOpt = Annotated[bool, typer.Option("--json", help="Print the folder and metrics as JSON.")]


def on_data(
    train: Callable[..., TrainResult], data: Path | None, out: Path, **options: Any
) -> Callable[[Config, str, Callable[[int], None]], TrainResult]:
    """The ``fit`` of :func:`run_training` for a ``train(data_dir, out, config, *, command, on_progress)`` function;
    ``data`` defaults to ``paths.data_dir``."""
    return lambda cfg, command, advance: train(
        data or cfg.paths.data_dir, out, cfg, command=command, on_progress=advance, **options
    )


@train_app.command("qa")
@command()
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
    *,
    common: Common,
) -> None:
    """Fine-tune the sentence encoder on question/answer pairs (use it with --set models.embedding=OUT)."""
    from sciwire.qa.train import FinetuneConfig, finetune, read_pairs

    cfg = common.config()
    data = read_pairs(pairs)
    settings = FinetuneConfig(loss=loss, epochs=epochs, batch_size=batch_size)
    with progress_bars() as progress:
        progress.start("Fine-tuning", len(data) * epochs)
        result = finetune(data, out, cfg.models.embedding, settings, progress.advance, data_files=[pairs])
    typer.echo(str(result.folder))


@train_app.command("newsworthiness")
@command()
def train_newsworthiness_cli(
    ratings: Annotated[
        Path,
        typer.Option(
            "--ratings",
            help="CSV/JSONL: paper_id,rater_id,actuality,controversy,relevance_magnitude,relevance_valence (1-5).",
        ),
    ],
    papers: Annotated[Path, typer.Option("--papers", help="JSONL of the rated papers: id, title, abstract, metadata.")],
    out: OutOpt = Path("sciwire-newsworthiness-model"),
    kind: Annotated[
        str, typer.Option("--kind", help="extra_trees (the study's) or logistic (baseline).")
    ] = "extra_trees",
    *,
    common: Common,
) -> None:
    """Train a calibrated newsworthiness model on news-value ratings (use it with `sciwire rank --model OUT`)."""
    from sciwire.newsworthiness.train import train_newsworthiness

    cfg = common.config()
    command = command_line()
    result = train_newsworthiness(ratings, papers, out, cfg, kind=kind, command=command)
    m = result.metrics
    for name in ("extra_trees", "logistic"):
        s = m[name]
        typer.echo(
            f"{name}: AUC {s['auc']:.3f}  P@10 {s['p@10']:.2f}  P@15 {s['p@15']:.2f}  "
            f"ECE {s['ece_raw']:.3f} -> {s['ece_calibrated']:.3f} (out-of-fold)",
            err=True,
        )
    typer.echo(str(result.folder))


@train_app.command("keyphrases")
@command()
def train_keyphrases_cli(
    out: OutOpt = Path("sciwire-keyphrase-weights"),
    datasets: Annotated[
        str, typer.Option("--datasets", help="Comma-separated: inspec, semeval2017, semeval2010 (train splits).")
    ] = "inspec,semeval2017",
    data: DataOpt = None,
    *,
    common: Common,
) -> None:
    """Learn the combined keyphrase ranker's weights (use them with --set keyphrases.weights_file=OUT/weights.json)."""
    from sciwire.datasets.keyphrase import KEYPHRASE_SPLITS
    from sciwire.errors import InputError
    from sciwire.keyphrases.train import train_keyphrase_ranker

    names = [d.strip() for d in datasets.split(",") if d.strip()]
    unknown = [d for d in names if d not in KEYPHRASE_SPLITS]
    if not names or unknown:
        raise InputError(f"--datasets must name some of {', '.join(KEYPHRASE_SPLITS)}; got {datasets!r}")
    run_training(
        common,
        "Keyphrase training documents",
        lambda cfg, command, advance: train_keyphrase_ranker(data or cfg.paths.data_dir, names, out, cfg, advance),
    )


@train_app.command("fidelity")
@command()
def train_fidelity_cli(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the models, receipts and cards.")] = Path(
        "sciwire-fidelity-models"
    ),
    data: DataOpt = None,
    parts: Annotated[str, typer.Option("--parts", help="Comma-separated: strength, certainty, conclusion.")] = (
        "strength,certainty,conclusion"
    ),
    folds: Annotated[int, typer.Option("--folds", min=0, max=10, help="CV folds for claim strength (0: none).")] = 5,
    epochs: Annotated[int, typer.Option("--epochs", min=1, max=50)] = 5,
    layers: Annotated[int, typer.Option("--layers", min=1, max=6, help="Top MiniLM layers to adapt.")] = 3,
    rank: Annotated[int, typer.Option("--rank", min=0, max=64, help="LoRA rank (0: tune the layers fully).")] = 8,
    *,
    common: Common,
) -> None:
    """Train the fidelity models (use them with --set fidelity.model_dir=OUT; --verbose shows each stage)."""
    from sciwire.errors import InputError
    from sciwire.fidelity.encoder import EncoderSettings
    from sciwire.fidelity.train import PARTS, train_fidelity

    cfg = common.config()
    chosen = tuple(p.strip() for p in parts.split(",") if p.strip())
    if not chosen or set(chosen) - set(PARTS):
        raise InputError(f"--parts must name some of {', '.join(PARTS)}; got {parts!r}")
    settings = EncoderSettings(layers=layers, rank=rank, epochs=epochs)
    command = command_line()
    with progress_bars() as progress:
        progress.start("Training fidelity models (fits, evaluation)", 0)
        result = train_fidelity(data or cfg.paths.data_dir, out, settings, folds, chosen, command, progress.advance)
    cv = result.metrics.get("strength_cv")
    if cv:
        typer.echo(f"claim strength CV macro-F1: paper {cv['macro_f1_paper']}, press {cv['macro_f1_press']}", err=True)
    typer.echo(str(result.folder))


@train_app.command("discourse")
@command()
def train_discourse_cli(
    data: Annotated[
        Path,
        typer.Option(
            "--data", help="A CoreSC folder, a CSAbstruct folder (train.jsonl [+ dev.jsonl]) or a JSONL file."
        ),
    ],
    out: OutOpt = Path("sciwire-discourse-model"),
    task: Annotated[
        str | None, typer.Option("--task", help="For a JSONL file: coresc, abstract or your own task name.")
    ] = None,
    cv: Annotated[int, typer.Option("--cv", min=0, max=20, help="Grouped cross-validation folds to run first.")] = 0,
    *,
    common: Common,
) -> None:
    """Train a discourse-role tagger (use it with --set discourse.coresc_model=OUT or abstract_model=OUT)."""
    from sciwire.discourse.train import train_discourse

    run_training(
        common,
        "Embedding, training",
        lambda cfg, command, advance: train_discourse(data, out, cfg, task=task, cv=cv, command=command,
                                                      on_progress=advance),
        lambda m: [f"{name}: macro-F1 {r['macro_f1']:.3f}  accuracy {r['accuracy']:.3f}  ECE {r['ece']}"
                   for name, r in m.get("evaluation", {}).items()],
    )  # fmt: skip


@train_app.command("align")
@command()
def train_align_cli(
    data: DataOpt = None,
    out: OutOpt = Path("sciwire-align-model"),
    *,
    common: Common,
) -> None:
    """Fit the sentence aligner's match probability on CD²CR train (use it with --set align.model=OUT)."""
    from sciwire.align.train import train_align

    run_training(
        common,
        "Embedding CD²CR sentences",
        on_data(train_align, data, out),
        lambda m: [f"weights {m['weights']}, intercept {m['intercept']}; best train threshold {m['threshold']}"],
    )  # fmt: skip


@train_app.command("relevance")
@command()
def train_relevance_cli(
    data: DataOpt = None,
    out: OutOpt = Path("sciwire-relevance-model"),
    *,
    common: Common,
) -> None:
    """Fit the fidelity relevance gate on CD²CR train (use it with --set fidelity.relevance_model=OUT)."""
    from sciwire.fidelity.train_verdicts import train_relevance

    run_training(
        common,
        "Stories of CD²CR train and dev",
        on_data(train_relevance, data, out),
        lambda m: [f"weights {m['weights']}, intercept {m['intercept']}; threshold {m['threshold']}",
                   f"let through on dev: {m['passed_dev']}"],
    )  # fmt: skip


@train_app.command("pairs")
@command()
def train_pairs_cli(
    data: DataOpt = None,
    out: OutOpt = Path("sciwire-pairs-model"),
    checks: Annotated[
        Path | None, typer.Option("--checks", help="JSONL of labelled pairs (paper, story, label) for the checks.")
    ] = None,
    *,
    common: Common,
) -> None:
    """Fit the fidelity pair verdict, its abstention threshold and the checks' precision
    (use it with --set fidelity.pair_model=OUT)."""
    from sciwire.fidelity.train_verdicts import train_pairs_on_data

    run_training(
        common,
        "Claim-strength sentences",
        on_data(train_pairs_on_data, data, out, checks=checks),
        lambda m: [f"abstain below {m['abstain_below']}; checks {m['checks']}"],
    )  # fmt: skip


@train_app.command("link")
@command()
def train_link_cli(
    data: DataOpt = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the model (--part both: OUT/finder and OUT/coref).")
    ] = Path("sciwire-link-models"),
    part: Annotated[
        str, typer.Option("--part", help="finder, coref, both (finder and coref) or mentions (the mention filter).")
    ] = "both",
    *,
    common: Common,
) -> None:
    """Fit the paper finder, the coreference scorer or the mention filter on CD²CR train
    (--set link.finder_model / coref_model / mention_model)."""
    from sciwire.linking.train import train_link

    run_training(
        common,
        "CD²CR train stories and topics",
        on_data(train_link, data, out, part=part),
        lambda metrics: [
            f"{name}: weights {m['weights']}, intercept {m['intercept']}"
            + (f"; best train threshold {m['threshold']}" if "threshold" in m else "")
            for name, m in metrics.items()
        ],
    )  # fmt: skip


@train_app.command("answers")
@command()
def train_answers_cli(
    data: DataOpt = None,
    out: OutOpt = Path("sciwire-answer-model"),
    *,
    common: Common,
) -> None:
    """Refit answer selection's BM25 weight and confidence on PubMedQA (use it with --set qa.model=OUT)."""
    from sciwire.qa.train import train_answer_model

    run_training(
        common,
        "BM25 weights tried",
        on_data(train_answer_model, data, out),
        lambda m: [f"bm25_weight {m['bm25_weight']}; confidence {m['confidence']}"],
    )  # fmt: skip


@train_app.command("decision")
@command()
def train_decision_cli(
    data: DataOpt = None,
    out: OutOpt = Path("sciwire-answer-model"),
    examples: Annotated[
        Path | None,
        typer.Option("--examples", help='JSONL of {"question", "evidence", "decision"} instead of PubMedQA.'),
    ] = None,
    *,
    common: Common,
) -> None:
    """Fit the yes/no/maybe decision on top of the answer model (use it with --set qa.model=OUT)."""
    from sciwire.qa.decision_train import train_decision_model

    run_training(
        common,
        "Fitting the decision",
        on_data(train_decision_model, data, out, examples=examples),
        lambda m: [f"C {m['C']}; temperature {m['temperature']}; abstains below {m['abstain_below']}"],
    )  # fmt: skip


@train_app.command("lexicon")
@command()
def train_lexicon_cli(
    out: OutOpt = Path("sciwire-keyphrase-lexicon"),
    data: DataOpt = None,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Keep words seen at least this often.")] = 2,
    *,
    common: Common,
) -> None:
    """Rebuild the fast keyphrase mode's word lexicon with spaCy's tagger (ship it as models/keyphrase_lexicon)."""
    from sciwire.keyphrases.lexicon import train_lexicon

    run_training(
        common,
        "Tagging text",
        lambda cfg, command, advance: train_lexicon(out, cfg, data_dir=data, min_count=min_count, command=command,
                                                    on_progress=advance),
        lambda m: [f"{m['words']} words, {m['suffixes']} endings"],
    )  # fmt: skip


@train_app.command("entities")
@command()
def train_entities_cli(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="SciERC-shaped train.json (or a folder with it, or the research data folder)."),
    ] = None,
    out: OutOpt = Path("sciwire-entity-tagger"),
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="tagger (fine-tunes the encoder: SciERC train took 19 min on a busy 2-core machine) "
            "or typer (types noun chunks; minutes).",
        ),
    ] = "tagger",
    epochs: Annotated[int, typer.Option("--epochs", min=1, max=50, help="The tagger's passes over the data.")] = 5,
    as_json: TrainJsonOpt = False,
    *,
    common: Common,
) -> None:
    """Train a term tagger or span typer for SciERC's entity types (research use only: see docs/terms.md)."""
    from sciwire.terms.train import train_entities

    run_training(
        common,
        "Training segments" if method == "tagger" else "Parsing documents",
        on_data(train_entities, data, out, method=method, epochs=epochs),
        lambda m: [f"{m['method']}: {m['documents']} documents, {m['entities']} entities; examples {m['examples']}"],
        as_json=as_json,
    )  # fmt: skip


@train_app.command("terms")
@command()
def train_terms_cli(
    out: OutOpt = Path("sciwire-terms-model"),
    *,
    common: Common,
) -> None:
    """Write the zero-shot term typer (hand-written type descriptions; nothing is fitted) to a model folder."""
    from sciwire.terms.train import write_zero_shot_folder

    run_training(
        common,
        "Writing the zero-shot typer",
        lambda cfg, command, advance: write_zero_shot_folder(out, cfg, command=command),
        lambda m: [f"threshold {m['threshold']}, context weight {m['context_weight']}"],
    )  # fmt: skip


@train_app.command("coref")
@command()
def train_coref_cli(
    out: OutOpt = Path("sciwire-coref-model"),
    data: DataOpt = None,
    gap: Annotated[bool, typer.Option("--gap/--no-gap", help="Also fit on GAP development's pronouns.")] = True,
    as_json: TrainJsonOpt = False,
    *,
    common: Common,
) -> None:
    """Fit the in-document coreference heads on LitBank (+ GAP development) over frozen MiniLM states."""
    from sciwire.linking.incoref.train import train_coref

    def lines(m: dict[str, Any]) -> list[str]:
        g = m.get("gap_validation", {}).get("model")
        gap_line = f"; GAP validation F1 {g['f1']} (bias F/M {g['bias_f_m']})" if g else ""
        return [f"{m['litbank_documents']} LitBank documents{gap_line}"]

    run_training(common, "Reading LitBank and GAP", on_data(train_coref, data, out, gap=gap), lines, as_json=as_json)


@train_app.command("relations")
@command()
def train_relations_cli(
    data: DataOpt = None,
    dataset: Annotated[
        str, typer.Option("--dataset", help="fewrel (the 'none of these' head; may ship) or scierc (research use).")
    ] = "fewrel",
    out: OutOpt = Path("sciwire-relations-model"),
    as_json: TrainJsonOpt = False,
    *,
    common: Common,
) -> None:
    """Train the few-shot relation head on FewRel episodes, or a supervised SciERC head (do not ship that one)."""
    from sciwire.relations.train import train_relations

    run_training(
        common,
        "Encoding sentences",
        on_data(train_relations, data, out, dataset=dataset),
        lambda m: [f"{k}: {v}" for k, v in m.items() if k in ("threshold", "relations", "head", "baseline")],
        as_json=as_json,
    )
