"""``sciwire train discourse`` and ``sciwire evaluate discourse`` as library functions.

:func:`train_discourse` fits a :class:`~sciwire.discourse.tagger.SequenceTagger` on labelled
data (CoreSC, CSAbstruct or your JSONL), optionally measures it first (grouped
cross-validation by document, or a held-out split), and writes the model folder with
``receipt.json`` and ``MODEL_CARD.md``. :func:`evaluate_discourse` measures a trained model
(or, with ``cv``, a freshly trained tagger per fold next to the baselines) on labelled data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sciwire.backends.embeddings import Embedder
from sciwire.config import Config
from sciwire.discourse.base import DiscourseClassifier, flatten_labels
from sciwire.discourse.baselines import MajorityClassifier, TfidfLogistic
from sciwire.discourse.data import LabelledData, read_labelled
from sciwire.discourse.evaluate import (
    ClassificationReport,
    classification_report,
    cross_fitted_probs,
    cross_validate,
    oof_temperature,
)
from sciwire.discourse.labels import LABEL_SETS
from sciwire.discourse.model import DiscourseModel
from sciwire.discourse.tagger import SequenceTagger
from sciwire.errors import InputError
from sciwire.fitting import Receipt, TrainResult, data_hash, write_model_card

logger = logging.getLogger(__name__)
Progress = Callable[[int], None]


def make_embedder(config: Config) -> Embedder:
    """The configured embedder, with the on-disk cache when enabled."""
    return Embedder.from_config(config)


def tagger_for(data: LabelledData, config: Config, **overrides: Any) -> SequenceTagger:
    """A tagger with the configured settings, restricted to the task's labels when it is a known task."""
    cfg = config.discourse
    known = LABEL_SETS.get(data.task)
    params: dict[str, Any] = {
        "labels": known.codes if known else None,
        "hidden": cfg.hidden,
        "epochs": cfg.epochs,
        "window": cfg.window,
        "max_vocab": cfg.max_vocab,
        "random_state": cfg.seed,
    }
    params.update(overrides)
    return SequenceTagger(**params)


def label_order(data: LabelledData) -> tuple[str, ...]:
    """The labels of a known task in its order, else those in the data, sorted."""
    known = LABEL_SETS.get(data.task)
    seen = sorted(set(flatten_labels(data.labels)))
    return known.codes if known else tuple(seen)


def cv_reports(
    data: LabelledData, config: Config, n_splits: int, on_progress: Progress | None = None
) -> dict[str, ClassificationReport]:
    """Grouped, stratified CV of the baselines and the tagger on ``data`` (out-of-fold reports)."""
    labels = label_order(data)
    known = LABEL_SETS.get(data.task)
    allowed = known.codes if known else None
    makers: dict[str, Callable[[], DiscourseClassifier]] = {
        "majority": lambda: MajorityClassifier(allowed),
        "tfidf_logistic": lambda: TfidfLogistic(allowed),
        "sequence_tagger": lambda: tagger_for(data, config),
    }
    out = {}
    for name, make in makers.items():
        oof = cross_validate(make, data.docs, data.labels, labels, n_splits, config.discourse.seed, on_progress)
        report = classification_report(oof.y_true, oof.y_pred, labels, oof.probs, labels)
        if oof.raw_probs is not None:
            # Calibrated = temperature fitted on the other folds' out-of-fold predictions (what the
            # shipped model gets: a temperature fitted on all of them); the tagger's own temperature,
            # fitted on its small early-stopping split, is kept for comparison.
            raw = classification_report(oof.y_true, oof.y_pred, labels, oof.raw_probs, labels)
            crossed = classification_report(oof.y_true, oof.y_pred, labels, cross_fitted_probs(oof), labels)
            internal = report.ece  # oof.probs carry each fold's own early-stopping temperature
            report = replace(report, ece=crossed.ece)
            report.extra["ece_uncalibrated"] = raw.ece
            report.extra["ece_internal_temperature"] = internal
            report.extra["oof_temperature"] = round(oof_temperature(oof), 4)
        out[name] = report
    return out


def train_discourse(
    data_path: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config,
    *,
    task: str | None = None,
    cv: int = 0,
    command: str = "sciwire train discourse",
    on_progress: Progress | None = None,
) -> TrainResult:
    """Train a discourse tagger on labelled data and write it with a receipt and a model card.

    Args:
        data_path: A CoreSC folder, a CSAbstruct folder or a JSONL file (see :mod:`.data`).
        out: The model folder to write.
        config: Settings (``[discourse]`` holds the tagger's).
        task: Task name for a JSONL file (``coresc``, ``abstract`` or your own).
        cv: Folds of a grouped cross-validation to run first (0: none). For a CSAbstruct
            folder, ``dev.jsonl`` is evaluated instead when present.
        command: The command line, for the receipt and the card.
        on_progress: Called as work advances (sentences embedded, folds, epochs).

    Raises:
        InputError: On unusable data (see :func:`read_labelled`).
    """
    embedder = make_embedder(config)
    data = read_labelled(data_path, embedder, "train", task, on_progress)
    labels = label_order(data)
    metrics: dict[str, Any] = {"data": data.name, "documents": len(data.docs), "sentences": data.n_sentences}
    if cv:
        reports = cv_reports(data, config, cv, on_progress)
        metrics["protocol"] = f"{cv}-fold cross-validation grouped by document, stratified by group"
        metrics["evaluation"] = {k: v.to_dict() for k, v in reports.items()}
    tagger = tagger_for(data, config).fit(data.docs, data.labels, on_epoch=lambda e, s: on_progress and on_progress(1))
    if cv:  # more data than the early-stopping split: the temperature of all out-of-fold predictions
        metrics["temperature_early_stopping_split"] = round(tagger.temperature_, 4)
        tagger.temperature_ = float(reports["sequence_tagger"].extra["oof_temperature"])
    model = DiscourseModel(tagger, data.task, embedder.model_key)
    dev = Path(data_path) / "dev.jsonl"
    if not cv and Path(data_path).is_dir() and dev.exists():
        held = read_labelled(data_path, embedder, "dev", task, on_progress)
        report = evaluate_model(model, held)
        metrics["protocol"] = "trained on train.jsonl (10% of it held out for early stopping and temperature); dev"
        metrics["evaluation"] = {"sequence_tagger": report.to_dict()}
    metrics["validation_macro_f1"] = round(tagger.validation_macro_f1_, 4)
    metrics["temperature"] = round(tagger.temperature_, 4)
    metrics["best_epoch"] = tagger.best_epoch_
    folder = model.save(out, {"metrics": metrics})
    receipt = Receipt(
        command=command,
        config={
            "discourse": config.to_dict()["discourse"],
            "models": config.to_dict()["models"],
            "tagger": {k: v for k, v in tagger.get_params().items() if k != "labels"},
        },
        data={data.name: data_hash(data.files)},
        metrics=metrics,
    )
    receipt.write(folder)
    _write_card(folder, data, labels, metrics, command)
    return TrainResult(folder, metrics)


def evaluate_model(model: DiscourseModel, data: LabelledData) -> ClassificationReport:
    """Metrics of a trained model on labelled data (ECE before and after temperature scaling)."""
    classes = model.classes
    probs = model.tagger.predict_proba(data.docs)
    raw = model.tagger.predict_proba(data.docs, calibrated=False)
    y_true = flatten_labels(data.labels)
    y_pred = [classes[i] for i in probs.argmax(axis=1)]
    labels = tuple(dict.fromkeys([*label_order(data), *classes]))
    report = classification_report(y_true, y_pred, labels, probs, classes)
    report.extra["ece_uncalibrated"] = classification_report(y_true, y_pred, labels, raw, classes).ece
    return report


def evaluate_discourse(
    data_path: str | os.PathLike[str],
    config: Config,
    *,
    model: str = "default",
    task: str | None = None,
    split: str = "dev",
    cv: int = 0,
    on_progress: Progress | None = None,
) -> dict[str, Any]:
    """Measure a discourse model on labelled data.

    With ``cv == 0`` the model (``default`` for the data's task, or a folder) predicts the
    data as is; with ``cv >= 2``, majority, TF-IDF + logistic regression and a fresh tagger
    are cross-validated on the data (grouped by document) instead.

    Raises:
        InputError: When the data's task has no default model and ``model`` is ``default``.
    """
    embedder = make_embedder(config)
    data = read_labelled(data_path, embedder, split, task, on_progress)
    if cv:
        if cv < 2:
            raise InputError(f"--cv must be 0 (no cross-validation) or at least 2 folds, got {cv}")
        return {
            "data": data.name,
            "protocol": f"{cv}-fold grouped CV",
            "reports": {k: v.to_dict() for k, v in cv_reports(data, config, cv, on_progress).items()},
        }
    if model == "default" and data.task not in LABEL_SETS:
        raise InputError(f"Data of task {data.task!r} has no default model; pass --model FOLDER or --cv N")
    loaded = DiscourseModel.load(model, data.task if model == "default" else (task or data.task))
    loaded.check_embedder(embedder.model_key)
    unknown = sorted(set(flatten_labels(data.labels)) - set(loaded.classes))
    if unknown:
        raise InputError(f"The data has labels {unknown} that the model does not know ({list(loaded.classes)})")
    return {"data": data.name, "model": model, "report": evaluate_model(loaded, data).to_dict()}


_LIMITS = {
    "coresc": "CoreSC labels are silver (SAPIENTA's output), so agreement with them measures how well the model "
    "imitates SAPIENTA, not correctness; rare roles (Hypothesis, Motivation, Goal) are unreliable. ",
    "abstract": "CSAbstruct holds computer-science abstracts; other fields write abstracts differently, and the "
    "'objective' role is the weakest (it is often confused with background). The model labels only sentences "
    "of a section named 'abstract'. ",
}
_LIMITS_COMMON = (
    "Trained on English scientific text with MiniLM embeddings: another embedding model needs retraining. "
    "Section names come from sciwire's heading detection; papers without headings lose that cue."
)


def _write_card(
    folder: Path, data: LabelledData, labels: tuple[str, ...], metrics: dict[str, Any], command: str
) -> None:
    evaluation = metrics.get("evaluation", {})
    lines = []
    if evaluation:
        lines.append(f"Protocol: {metrics.get('protocol', '')}.\n")
        lines.append("| model | macro-F1 | accuracy | ECE (calibrated) | ECE (uncalibrated) |\n|---|---|---|---|---|")
        for name, rep in evaluation.items():
            lines.append(
                f"| {name} | {rep['macro_f1']:.3f} | {rep['accuracy']:.3f} | {rep.get('ece')} | "
                f"{rep.get('ece_uncalibrated', '')} |"
            )
        tagger = evaluation.get("sequence_tagger", {})
        if tagger:
            lines.append(
                "\nPer-class F1 of the sequence tagger: "
                + ", ".join(
                    f"{lab} {tagger['per_class'][lab]['f1']:.2f}" for lab in labels if lab in tagger["per_class"]
                )
                + "."
            )
    tagger_rep = evaluation.get("sequence_tagger", {})
    if "oof_temperature" in tagger_rep:
        lines.append(
            "\nCalibration: under CV, each fold's probabilities are scaled by a temperature fitted on the "
            "other folds' out-of-fold predictions (the calibrated ECE above); the tagger's own temperature, "
            f"fitted on its early-stopping split, gives ECE {tagger_rep.get('ece_internal_temperature')}. "
            "The shipped model uses the temperature of all out-of-fold predictions."
        )
    lines.append(
        f"\nInternal validation macro-F1 (early stopping): {metrics['validation_macro_f1']}; "
        f"temperature {metrics['temperature']}."
    )
    known = {"coresc": "CC-BY 4.0 (the CoreSC / Elsevier OA-STM articles)", "abstract": "Apache-2.0 (CSAbstruct)"}
    write_model_card(
        folder,
        name=f"sciwire discourse tagger ({data.task})",
        summary=(
            f"Labels each sentence with one of {', '.join(labels)}: a BiGRU over MiniLM sentence embeddings, "
            "position, section and lexical cues, plus a linear TF-IDF part, calibrated by temperature scaling. "
            "See docs/discourse.md."
        ),
        data=f"{data.name}: {len(data.docs)} documents, {data.n_sentences} sentences.",
        licence=known.get(data.task, "that of your training data"),
        metrics_markdown="\n".join(lines),
        command=command,
        limits=_LIMITS.get(data.task, "") + _LIMITS_COMMON,
    )
