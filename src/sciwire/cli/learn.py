"""``sciwire learn ...``: teach sciwire your own categories from a few labels (docs/learning.md).

Each command parses its options and calls one function of :mod:`sciwire.learn.api`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from sciwire.cli.common import Common, JsonOpt, StoreOpt, command, command_line, progress_bars

learn_app = typer.Typer(help="Teach sciwire your own categories from a few labels: tasks, labels, models, next.")

TaskArg = Annotated[str, typer.Argument(help="The task's name.")]
ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="A model folder from `learn train` (default: the latest).")
]
MethodOpt = Annotated[
    str | None, typer.Option("--method", help="Use the task's model of this method (default: the latest trained).")
]


def _emit(data: Any, as_json: bool, lines: list[str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        for line in lines:
            typer.echo(line)


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _task_lines(t: dict[str, Any]) -> list[str]:
    counts = ", ".join(f"{k} {v}" for k, v in t["per_label"].items())
    kind = "multi-label" if t["multi_label"] else "single-label"
    return [f"{t['name']}: {kind}, {t['unit']}s; {t['records']} records, {t['labelled']} labelled ({counts})"]


#: ``--out`` of the commands that write a model folder.
ModelOutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Model folder (default: under learn.models_dir).")
]


@learn_app.command("new")
@command()
def new_cli(
    task: TaskArg,
    labels: Annotated[str, typer.Option("--labels", help="Comma-separated label names, e.g. method,result,other.")],
    files: Annotated[list[Path] | None, typer.Argument(help="Records: .jsonl/.csv rows, or papers to cut.")] = None,
    multi_label: Annotated[bool, typer.Option("--multi-label", help="A record may carry several labels.")] = False,
    unit: Annotated[str, typer.Option("--unit", help="sentence, paragraph or document.")] = "sentence",
    describe: Annotated[
        list[str] | None, typer.Option("--describe", help='What a label means: --describe "result=a finding" (repeat).')
    ] = None,
    from_store: Annotated[bool, typer.Option("--from-store", help="Also take records from the corpus store.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Create a task with its labels, and add records from files or the corpus store."""
    from sciwire.errors import InputError
    from sciwire.learn.api import new_task

    descriptions = {}
    for item in describe or []:
        if "=" not in item:
            raise InputError(f'--describe takes LABEL=description, got {item!r}; e.g. --describe "result=a finding"')
        key, value = item.split("=", 1)
        descriptions[key.strip()] = value.strip()
    names = [lab.strip() for lab in labels.split(",")]
    info = new_task(task, names, common.config(), multi_label=multi_label, unit=unit, descriptions=descriptions,
                    files=files or [], from_store=from_store, store=store)  # fmt: skip
    _emit(info, as_json, [f"created {_task_lines(info)[0]}", f"task database: {info['database']}"])


@learn_app.command("add")
@command()
def add_cli(
    task: TaskArg,
    files: Annotated[list[Path] | None, typer.Argument(help="Records: .jsonl/.csv rows, or papers to cut.")] = None,
    from_store: Annotated[bool, typer.Option("--from-store", help="Also take records from the corpus store.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Add records to a task (ids it already has are skipped)."""
    from sciwire.learn.api import add_records

    n = add_records(task, files or [], common.config(), from_store=from_store, store=store)
    _emit({"task": task, "added": n}, as_json, [f"added {n} records to {task}"])


@learn_app.command("label")
@command()
def label_cli(
    task: TaskArg,
    file: Annotated[
        Path | None, typer.Option("--file", help="CSV (id,label) or JSONL of labels; a|b for several.")
    ] = None,
    record: Annotated[str | None, typer.Option("--record", help="Label one record: its id.")] = None,
    label: Annotated[str | None, typer.Option("--label", help="The label of --record.")] = None,
    who: Annotated[str | None, typer.Option("--who", help="Who labels (default: $SCIWIRE_ANNOTATOR or login).")] = None,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Label records from a file or one at a time; all or nothing, each label with who and when."""
    from sciwire.learn.api import label_records

    n = label_records(task, common.config(), file=file, record=record, label=label, who=who)
    _emit({"task": task, "labelled": n}, as_json, [f"labelled {n} records of {task}"])


@learn_app.command("undo")
@command()
def undo_cli(task: TaskArg, as_json: JsonOpt = False, *, common: Common) -> None:
    """Undo the latest labelling (kept in the history, marked undone)."""
    from sciwire.learn.api import undo_label

    n = undo_label(task, common.config())
    _emit({"task": task, "undone": n}, as_json, [f"undid the latest labelling of {task} ({n} labels)"])


@learn_app.command("list")
@command()
def list_cli(as_json: JsonOpt = False, *, common: Common) -> None:
    """List the tasks."""
    from sciwire.learn.api import list_tasks

    tasks = list_tasks(common.config())
    _emit(tasks, as_json, [line for t in tasks for line in _task_lines(t)] or ["no tasks yet: sciwire learn new"])


@learn_app.command("show")
@command()
def show_cli(task: TaskArg, as_json: JsonOpt = False, *, common: Common) -> None:
    """Show a task: labels and what they mean, counts, trained models, latest labels."""
    from sciwire.learn.api import show_task

    info = show_task(task, common.config())
    lines = _task_lines(info) + [f"  {k}: {v}" for k, v in info["descriptions"].items()]
    lines += [f"  model {k}: {v}" for k, v in info["models"].items()]
    lines += [
        f"  labelled {r['record']} = {'|'.join(r['labels'])} by {r['who']} at {r['at']}" for r in info["latest_labels"]
    ]
    _emit(info, as_json, lines)


@learn_app.command("train")
@command()
def train_cli(
    task: TaskArg,
    method: Annotated[str, typer.Option("--method", help="zero-shot, nli, logistic, tfidf, setfit, ...")] = "logistic",
    out: ModelOutOpt = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Train a method on the task's labels: a model folder with card and receipt, held-out metrics."""
    from sciwire.learn.api import train

    with progress_bars() as progress:
        progress.start(f"Training {method}", 3)
        result = train(task, method, common.config(), out=out, command=command_line(), seed=seed,
                       on_progress=progress.advance)  # fmt: skip
    m = result.metrics
    summary = (
        f"held-out macro-F1 {m['macro_f1']}, ECE {m['ece_before']} -> {m['ece_after']} (T={m['temperature']})"
        if "macro_f1" in m
        else "no held-out metrics (too few labels or papers)"
    )
    _emit({"folder": str(result.folder), "metrics": m}, as_json, [str(result.folder), summary])


@learn_app.command("predict")
@command()
def predict_cli(
    task: TaskArg,
    file: Annotated[Path, typer.Argument(help="Records to label: .jsonl/.csv rows, or a paper to cut.")],
    model: ModelOpt = None,
    method: MethodOpt = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also say why: words and nearest labelled records.")
    ] = False,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Predict the task's label of every record of FILE (zero-shot when nothing is trained yet)."""
    from sciwire.learn.api import predict

    rows = predict(task, file, common.config(), model=model, method=method, explain=explain)
    lines = []
    for r in rows:
        lines.append(f"{r['id']}\t{r['label']}\t{r['probability']:.2f}\t{_short(r['text'])}")
        if "why" in r:
            words = ", ".join(w for w, _ in r["why"]["words"]) or "-"
            near = "; ".join(f"{rid} ({lab}, {s:.2f})" for rid, lab, s in r["why"]["neighbours"])
            lines.append(f"\twhy: {words}; like {near}")
    _emit(rows, as_json, lines)


@learn_app.command("next")
@command()
def next_cli(
    task: TaskArg,
    n: Annotated[int, typer.Option("--n", min=1, max=1000, help="How many records to propose.")] = 20,
    strategy: Annotated[
        str, typer.Option("--strategy", help="least-confidence, margin, entropy or random.")
    ] = "margin",
    diversity: Annotated[bool, typer.Option("--diversity/--no-diversity", help="Cluster the candidates.")] = True,
    model: ModelOpt = None,
    method: MethodOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also write a CSV to fill in (id,label,suggestion,text).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Propose the unlabelled records most worth labelling next (active learning)."""
    from sciwire.learn.api import next_records

    rows = next_records(task, common.config(), n=n, strategy=strategy, model=model, method=method,
                        diversity=diversity, seed=seed)  # fmt: skip
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "label", "suggestion", "text"])
            writer.writerows([r["id"], "", r["suggestion"], r["text"]] for r in rows)
        typer.echo(f"wrote {out}: fill in the label column, then sciwire learn label {task} --file {out}", err=True)
    lines = [f"{r['id']}\t{r['suggestion']}\t{r['probability']:.2f}\t{_short(r['text'])}" for r in rows]
    _emit(rows, as_json, lines)


@learn_app.command("export-argilla")
@command()
def export_argilla_cli(
    task: TaskArg,
    folder: Annotated[Path, typer.Argument(help="A new folder for the Argilla dataset.")],
    model: ModelOpt = None,
    method: MethodOpt = None,
    include_labelled: Annotated[bool, typer.Option("--all", help="Export labelled records too.")] = False,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Write the task's unlabelled records, with model suggestions, as an Argilla v2 dataset folder."""
    from sciwire.learn.api import export_argilla_task

    info = export_argilla_task(task, folder, common.config(), model=model, method=method,
                               include_labelled=include_labelled)  # fmt: skip
    _emit(info, as_json, [f"wrote {info['records']} records with {info['method']} suggestions to {info['folder']}"])


@learn_app.command("import-argilla")
@command()
def import_argilla_cli(
    task: TaskArg,
    folder: Annotated[Path, typer.Argument(help="An Argilla dataset folder (Dataset.to_disk) with responses.")],
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Read the submitted responses of an Argilla dataset folder back as labels (who/when kept)."""
    from sciwire.learn.api import import_argilla_task

    n = import_argilla_task(task, folder, common.config())
    _emit({"task": task, "labelled": n}, as_json, [f"labelled {n} records of {task} from {folder}"])


@learn_app.command("federated")
@command()
def federated_cli(
    task: TaskArg,
    clients: Annotated[int, typer.Option("--clients", help="Sites the records are dealt to (by paper).")] = 2,
    by: Annotated[
        str, typer.Option("--by", help="Make sites by 'group' (paper, dealt round-robin) or 'source'.")
    ] = "group",
    rounds: Annotated[int, typer.Option("--rounds", help="FedAvg rounds.")] = 5,
    epochs: Annotated[int, typer.Option("--epochs", help="Local gradient steps per round.")] = 20,
    out: ModelOutOpt = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Train a logistic head across sites that never share records (Flower FedAvg, simulated); compare with pooled."""
    from sciwire.learn.federated import FederatedSettings, learn_federated

    settings = FederatedSettings(rounds=rounds, epochs=epochs)
    info = learn_federated(task, common.config(), clients=clients, by=by, settings=settings, out=out,
                           command=command_line(), seed=seed)  # fmt: skip
    m = info["metrics"]
    line = (f"held-out macro-F1: federated {m['federated_macro_f1']}, pooled {m['pooled_macro_f1']}, "
            f"local-only mean {m['local_mean_macro_f1']} ({len(m['sites'])} sites)")  # fmt: skip
    _emit(info, as_json, [info["folder"], line])
