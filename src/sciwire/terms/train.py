"""``sciwire train entities`` (a term tagger or a span typer on SciERC-shaped data) and ``sciwire
train terms`` (writes the zero-shot default folder from its hand-written descriptions; nothing is fitted).

The term tagger (the default): the encoder fine-tuned to tag words (:mod:`sciwire.terms.tagger`).
The span typer (``--method typer``): every gold span (its text and its sentence, MiniLM vectors side by side) is
an example of its type, and every noun-chunk candidate that is not a gold span an example of
``none``; a logistic regression (:class:`~sciwire.terms.model.SpanTyper`) learns them. At
prediction the noun-chunk candidates are typed and kept when ``P(none)`` is below a threshold
chosen on held-out training documents.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.config import Config
from sciwire.errors import ConfigError, InputError
from sciwire.fitting import ModelCard, Receipt, TrainResult, data_hash
from sciwire.terms.api import decode, parse, span_rows
from sciwire.terms.candidates import Candidate, noun_chunk_candidates
from sciwire.terms.data import TermDoc, load_scierc, read_scierc_file
from sciwire.terms.evaluate import scores
from sciwire.terms.model import NONE, SpanTyper, ZeroShotTyper, write_weights

logger = logging.getLogger(__name__)

#: The shipped zero-shot typer: example phrases per type, written by hand (no data), and the
#: hand-set cosine below which a term is "other".
DEFAULT_DESCRIPTIONS: dict[str, list[str]] = {
    "method": ["method", "algorithm", "technique", "statistical model", "neural network", "regression analysis",
               "randomised controlled trial", "intervention", "treatment", "survey", "simulation", "assay",
               "imaging technique", "recording method", "procedure"],
    "task": ["task", "problem", "research question", "goal", "application", "prediction", "classification",
             "detection", "diagnosis", "prevention", "estimation", "machine translation"],
    "material": ["dataset", "corpus", "sample", "participants", "patients", "mice", "cells", "tissue", "organism",
                 "chemical compound", "drug", "material", "substance", "food", "cohort", "device"],
    "measure": ["measure", "metric", "accuracy", "outcome", "score", "rate", "ratio", "duration", "power", "level",
                "concentration", "temperature", "weight", "efficiency", "time", "variable"],
}  # fmt: skip
DEFAULT_THRESHOLD = 0.35
DEFAULT_CONTEXT_WEIGHT = 0.2


def training_examples(
    docs: list[TermDoc], nlp: Any, embedder: Encoder, on_progress: Callable[[int], None] | None = None
) -> tuple[np.ndarray, list[str], list[list[Candidate]]]:
    """Feature rows and labels (gold spans with their types, other candidates as ``none``) and,
    per document, its noun-chunk candidates, whose rows follow its gold rows."""
    spans: list[list[tuple[int, int, int, int]]] = []
    labels: list[str] = []
    candidates: list[list[Candidate]] = []
    for doc, parsed in zip(docs, parse(nlp, [d.text for d in docs]), strict=True):
        gold = {(a, b): lab for a, b, lab in doc.gold}
        rows: list[tuple[int, int, int, int]] = []
        for (a, b), lab in gold.items():
            span = parsed.char_span(a, b, alignment_mode="expand")
            sent = span.sent if span is not None and len(span) else parsed[:]
            rows.append((a, b, sent.start_char, sent.end_char))
            labels.append(lab)
        cands = noun_chunk_candidates(parsed)
        for cand in cands:
            rows.append((cand.start, cand.end, cand.sent_start, cand.sent_end))
            labels.append(gold.get((cand.start, cand.end), NONE))
        spans.append(rows)
        candidates.append(cands)
        if on_progress is not None:
            on_progress(1)
    return span_rows(embedder, [d.text for d in docs], spans), labels, candidates


def choose_none_threshold(
    docs: list[TermDoc], X: np.ndarray, y: list[str], candidates: list[list[Candidate]], C: float = 1.0
) -> tuple[float, float]:
    """The ``P(none)`` threshold with the best typed F1 on every 5th document, fitted on the others.

    Returns:
        The threshold and the held-out typed F1 it gives.
    """
    sizes = [len(d.gold) + len(c) for d, c in zip(docs, candidates, strict=True)]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    held = [i for i in range(len(docs)) if i % 5 == 4]
    if not held:
        return 0.5, 0.0
    fit_rows = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in range(len(docs)) if i % 5 != 4])
    typer = SpanTyper(C=C).fit(X[fit_rows], [y[k] for k in fit_rows])
    best = (0.5, -1.0)
    for threshold in np.round(np.arange(0.2, 0.96, 0.05), 2):
        predicted = []
        for i in held:
            rows = np.arange(starts[i] + len(docs[i].gold), starts[i + 1])
            proba = typer.predict_proba(X[rows]) if len(rows) else np.zeros((0, len(typer.classes_)))
            predicted.append(decode(proba, typer.classes_, candidates[i], float(threshold)))
        f1 = scores([docs[i] for i in held], predicted)["typed"]["f1"]
        if f1 > best[1]:
            best = (float(threshold), f1)
    return best


def _train_docs(data: str | os.PathLike[str]) -> tuple[list[TermDoc], Path]:
    path = Path(data).expanduser()
    if path.is_file():
        return read_scierc_file(path), path
    docs = load_scierc(path, "train")
    direct = path / "train.json"
    return docs, direct if direct.is_file() else path / "scierc" / "train.json"


#: What ``sciwire train entities --method`` fits.
ENTITY_METHODS = ("tagger", "typer")


def train_entities(
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config,
    *,
    method: str = "tagger",
    epochs: int = 5,
    command: str = "sciwire train entities",
    on_progress: Callable[[int], None] | None = None,
    embedder: Encoder | None = None,
    C: float = 1.0,
) -> TrainResult:
    """Fit a term tagger (:class:`~sciwire.terms.tagger.TermTagger`) or a :class:`SpanTyper` on
    SciERC-shaped data and write its model folder.

    Args:
        data: A SciERC-shaped JSON-lines file, a folder holding ``train.json``, or the research
            data folder (``scierc/train.json``).
        out: The model folder to write.
        config: Names the spaCy pipeline and the encoder (the tagger fine-tunes ``models.embedding``).
        method: ``"tagger"`` (the encoder fine-tuned to tag words; finds terms that are not noun
            chunks) or ``"typer"`` (a logistic regression typing noun chunks; minutes faster).
        epochs: The tagger's passes over the data.
        command: The command line, for the receipt.
        on_progress: Called with the number of documents parsed (typer) or segments trained (tagger).
        embedder: The typer's encoder (default: the one ``config`` describes).
        C: Inverse regularisation strength of the typer's logistic regression.

    Raises:
        InputError: No data, or data without a single entity.
        ConfigError: An unknown method, or bad tagger settings.
    """
    from sciwire.backends.embeddings import Embedder
    from sciwire.backends.spacy_parser import load_spacy_parser

    if method not in ENTITY_METHODS:
        raise ConfigError(f"method must be one of {ENTITY_METHODS}, got {method!r}")
    docs, path = _train_docs(data)
    n_gold = sum(len(d.gold) for d in docs)
    if not n_gold:
        raise InputError(
            f"{path} has {len(docs)} documents and no entities; expected SciERC-style 'ner' spans to learn from"
        )
    if method == "tagger":
        return _train_tagger(docs, path, out, config, epochs, command, on_progress)
    encoder = embedder or Embedder.from_config(config)
    X, y, candidates = training_examples(docs, load_spacy_parser(config.models.spacy), encoder, on_progress)
    threshold, held_f1 = choose_none_threshold(docs, X, y, candidates, C)
    typer = SpanTyper(C=C).fit(X, y)
    typer.none_threshold_ = threshold
    counts = {str(c): int(sum(1 for v in y if v == c)) for c in typer.classes_}
    accuracy = round(float((typer.predict(X) == np.asarray(y)).mean()), 4)
    metrics: dict[str, Any] = {
        "method": "typer",
        "documents": len(docs),
        "entities": n_gold,
        "examples": counts,
        "train_accuracy": accuracy,
        "none_threshold": threshold,
        "held_out_typed_f1": held_f1,
    }
    folder = Path(out)
    write_weights(folder, {**typer.to_weights(), "none_threshold": threshold})
    Receipt(command, config.to_dict(), {path.name: data_hash([path])}, metrics).write(folder)
    ModelCard(
        name="term span typer (trained by you)",
        summary=(
            "Logistic regression on [MiniLM vector of a span, vector of its sentence]; classes: the entity types of "
            f"the training data and `none` ({', '.join(map(str, typer.classes_))}). Candidates are spaCy noun chunks."
        ),
        data=f"{path} ({len(docs)} documents, {n_gold} entities).",
        licence="that of the training data: a model trained on SciERC is for research use and must not be shipped",
        metrics_markdown=(
            f"Training accuracy {accuracy}; a candidate is a term when P(none) < {threshold} (best typed F1, "
            f"{held_f1}, on every 5th training document with the typer fitted on the others); evaluate with "
            f"`sciwire evaluate entities --model {folder}` (SciERC dev)."
        ),
        command=command,
        limits=(
            "Detection is bounded by the noun-chunk candidates: on SciERC dev they hold 0.66 of the gold spans "
            "(spans across chunks, e.g. 'computing optical flow , shape , motion', are never found)."
        ),
    ).write(folder)
    logger.info("Span typer on %d examples written to %s", len(y), folder)
    return TrainResult(folder, metrics)


def _train_tagger(
    docs: list[TermDoc],
    path: Path,
    out: str | os.PathLike[str],
    config: Config,
    epochs: int,
    command: str,
    on_progress: Callable[[int], None] | None,
) -> TrainResult:
    from sciwire.terms.tagger import TermTagger

    tagger = TermTagger(base=config.models.embedding, epochs=epochs).fit(docs, on_step=on_progress)
    folder = tagger.save(out)
    counts = Counter(g[2] for d in docs for g in d.gold)
    n_gold, types = sum(counts.values()), sorted(counts)
    metrics: dict[str, Any] = {
        "method": "tagger",
        "documents": len(docs),
        "entities": n_gold,
        "examples": {t: counts[t] for t in types},
        "epochs": epochs,
    }
    Receipt(command, {"models": config.to_dict()["models"], "fit": tagger.get_params()},
            {path.name: data_hash([path])}, metrics).write(folder)  # fmt: skip
    ModelCard(
        name="term tagger (trained by you)",
        summary=(
            f"{config.models.embedding} fine-tuned with a linear layer to tag each word B-type, I-type or O "
            f"({', '.join(types)}); spans come from the tags, so terms need not be noun chunks. Use it in "
            "`sciwire analyze` with `--set terms.model=FOLDER` (the `terms` step), or "
            "`sciwire.terms.tagger.load_tagger(folder).predict(texts)`."
        ),
        data=f"{path} ({len(docs)} documents, {n_gold} entities).",
        licence="that of the training data: a model trained on SciERC is for research use and must not be shipped",
        metrics_markdown=(
            f"{epochs} epochs over every training document (nothing held out); evaluate with "
            f"`sciwire evaluate entities --model {folder}` (SciERC dev, beside the noun-chunk baselines)."
        ),
        command=command,
        limits=(
            "Text is tagged line by line in windows of at most "
            f"{tagger.max_length} word pieces; a term across a window's edge is split. Overlapping or nested gold "
            "spans keep only the first (the longest at one start) as training tags, so nested terms are not found. "
            "Trained on the style of its data (SciERC: AI abstracts)."
        ),
    ).write(folder)
    logger.info("Term tagger (%d documents) written to %s", len(docs), folder)
    return TrainResult(folder, metrics)


def write_zero_shot_folder(
    out: str | os.PathLike[str], config: Config, *, command: str = "sciwire train terms"
) -> TrainResult:
    """Write the zero-shot default typer (descriptions and threshold of this module) to ``out``."""
    typer = ZeroShotTyper(DEFAULT_DESCRIPTIONS, DEFAULT_THRESHOLD, DEFAULT_CONTEXT_WEIGHT)  # type: ignore[arg-type]
    folder = Path(out)
    write_weights(folder, typer.to_weights())
    metrics = {"fitted_on": None, "threshold": DEFAULT_THRESHOLD, "context_weight": DEFAULT_CONTEXT_WEIGHT}
    Receipt(command, {"models": config.to_dict()["models"]}, {}, metrics).write(folder)
    ModelCard(
        name="terms (zero-shot default)",
        summary=(
            "Types the terms of a paper as method, task, material or measure: the MiniLM vector of the term, plus "
            f"{DEFAULT_CONTEXT_WEIGHT} x the vector of its sentence, against the mean vector of a handful of example "
            "phrases per type, written by hand. The most similar type wins; a best cosine below "
            f"**{DEFAULT_THRESHOLD}** (set by hand) makes the term `other`. Abbreviations come from the "
            "Schwartz-Hearst rule and a small hand-written glossary (sciwire.terms.abbreviations)."
        ),
        data=(
            "None: no data set that may ship has term types, so nothing is fitted. The example phrases and the "
            "threshold were written by hand and checked only on the bundled example paper; SciERC and SemEval-2017 "
            "(research use) are used to evaluate it, not to tune it."
        ),
        licence="Apache-2.0, as sciwire (no training data)",
        metrics_markdown="See docs/terms.md and docs/benchmarks.md (section terms): `python benchmarks/terms.py`.",
        command=command,
        limits=(
            "Zero-shot typing is weak (about chance on SciERC's finer types); many terms end up `other`. Noun-phrase "
            "terms are multi-word noun chunks seen at least twice. Abbreviations defined in other ways "
            "('TRF, i.e. ...') are not found."
        ),
    ).write(folder)
    return TrainResult(folder, metrics)
