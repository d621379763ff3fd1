"""Train the fidelity models and write them with receipts and model cards.

``train_fidelity(data_dir, out)`` writes ``out/fidelity_strength``, ``out/fidelity_conclusion``
and ``out/fidelity_certainty/{sentence,aspects}`` (the layout :class:`FidelityModels` loads):

- claim strength: K-fold grouped CV on both sources (out-of-fold logits give the CV metrics
  and the temperature), then a final fit on all sentences. Sentences that also occur in the
  exaggeration pairs are left out, so the pair verdict can be evaluated on them;
- certainty (sentence and aspects): fitted on train + ext, measured on val;
- conclusion detection: fitted on train, measured on dev.

Temperatures of the conclusion and aspect models come from a grouped 80/20 split of their
training data (one extra fit each).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.datasets.fidelity import ASPECTS, fidelity_files, load_claim_strength, normalise
from sciwire.fidelity.bundle import CERTAINTY_DIR, CONCLUSION_DIR, STRENGTH_DIR, FidelityModels
from sciwire.fidelity.encoder import EncoderSettings
from sciwire.fidelity.evaluate import (
    certainty_split,
    conclusion_split,
    cross_fitted_probs,
    evaluate_models,
    grouped_folds,
    macro_f1,
    pair_sentences,
)
from sciwire.fidelity.model import TunedClassifier, TunedMultiClassifier, TunedRegressor
from sciwire.learn import Receipt, TrainResult, data_hash, expected_calibration_error, fit_temperature, softmax

logger = logging.getLogger(__name__)
PARTS = ("strength", "certainty", "conclusion")


@dataclass
class StrengthCV:
    """Out-of-fold results of the claim-strength CV (used by the benchmark and the model card)."""

    texts: list[str]
    labels: np.ndarray
    sources: np.ndarray
    folds: list[tuple[np.ndarray, np.ndarray]]
    logits: np.ndarray
    temperature: float


Progress = Callable[[int], None]


def _tick(on_progress: Progress | None) -> None:
    if on_progress is not None:
        on_progress(1)


def _params(settings: EncoderSettings) -> dict[str, Any]:
    keep = ("layers", "rank", "epochs", "learning_rate", "batch_size", "seed")
    return {k: v for k, v in asdict(settings).items() if k in keep}


def strength_data(data_dir: str | os.PathLike[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Texts, labels, sources and groups of the claim-strength data, pair sentences left out."""
    held_out = pair_sentences(data_dir)
    items = [x for x in load_claim_strength(data_dir) if normalise(x.text) not in held_out]
    return (
        [x.text for x in items],
        np.array([x.label for x in items]),
        np.array([x.source for x in items]),
        np.array([x.group for x in items]),
    )


def train_strength(
    data_dir: str | os.PathLike[str], settings: EncoderSettings, folds: int = 5, on_progress: Progress | None = None
) -> tuple[TunedClassifier, StrengthCV | None]:
    """K-fold CV (if ``folds`` >= 2) for metrics and temperature, then the final fit on everything.

    ``on_progress`` is called with 1 after each fit (``folds`` + 1 of them).
    """
    texts, y, sources, groups = strength_data(data_dir)
    cv = None
    temperature = 1.0
    if folds >= 2:
        splits = grouped_folds(
            [f"{s}{label}" for s, label in zip(sources, y, strict=True)], groups, folds, settings.seed
        )
        logits = np.zeros((len(y), 4), dtype=np.float32)
        for k, (train, test) in enumerate(splits, start=1):
            logger.info("claim strength: fold %d/%d", k, folds)
            model = TunedClassifier(**_params(settings)).fit([texts[i] for i in train], y[train])
            logits[test] = model.decision_function([texts[i] for i in test])
            _tick(on_progress)
        temperature = fit_temperature(logits, y)
        cv = StrengthCV(texts, y, sources, splits, logits, temperature)
    logger.info("claim strength: final fit")
    model = TunedClassifier(**_params(settings)).fit(texts, y)
    model.temperature_ = temperature
    _tick(on_progress)
    return model, cv


def _holdout_temperature(
    make: Callable[[], Any], texts: list[str], y: np.ndarray, groups: list[str], seed: int
) -> list[float]:
    """Temperatures (one per target column) from a grouped 80/20 split of the training data."""
    strata = y if y.ndim == 1 else y[:, 0]
    train, test = grouped_folds(strata, groups, 5, seed)[0]
    model = make().fit([texts[i] for i in train], y[train])
    logits = model.decision_function([texts[i] for i in test])
    if y.ndim == 1:
        codes = np.searchsorted(model.classes_, y[test])
        return [fit_temperature(logits, codes)]
    return [
        fit_temperature(z, np.searchsorted(c, y[test][:, j]))
        for j, (z, c) in enumerate(zip(logits, model.classes_, strict=True))
    ]


def train_certainty(
    data_dir: str | os.PathLike[str], settings: EncoderSettings, on_progress: Progress | None = None
) -> tuple[TunedRegressor, TunedMultiClassifier]:
    """The sentence-level regressor and the aspect classifier, on train + ext (3 fits: ``on_progress`` after each)."""
    logger.info("certainty: sentence level")
    train, _ = certainty_split(data_dir, "sentence")
    regressor = TunedRegressor(**_params(settings)).fit([x.text for x in train], [x.score for x in train])
    _tick(on_progress)
    train_a, _ = certainty_split(data_dir, "aspect")
    texts = [x.text for x in train_a]
    Y = np.array([[x.aspect(a) for a in ASPECTS] for x in train_a])
    logger.info("certainty: aspects (calibration split)")
    temps = _holdout_temperature(lambda: TunedMultiClassifier(**_params(settings)), texts, Y,
                                 [normalise(t) for t in texts], settings.seed)  # fmt: skip
    _tick(on_progress)
    logger.info("certainty: aspects")
    aspects = TunedMultiClassifier(**_params(settings)).fit(texts, Y)
    aspects.temperatures_ = temps
    _tick(on_progress)
    return regressor, aspects


def train_conclusion(
    data_dir: str | os.PathLike[str], settings: EncoderSettings, on_progress: Progress | None = None
) -> TunedClassifier:
    """The conclusion detector, on the train split (2 fits: ``on_progress`` after each)."""
    train, _ = conclusion_split(data_dir)
    texts, y = [x.text for x in train], np.array([x.label for x in train])
    logger.info("conclusion detection (calibration split)")
    (temp,) = _holdout_temperature(lambda: TunedClassifier(**_params(settings)), texts, y,
                                   [x.group for x in train], settings.seed)  # fmt: skip
    _tick(on_progress)
    logger.info("conclusion detection")
    model = TunedClassifier(**_params(settings)).fit(texts, y)
    model.temperature_ = temp
    _tick(on_progress)
    return model


def strength_cv_metrics(cv: StrengthCV) -> dict[str, Any]:
    """Macro-F1 per source and ECE (cross-fitted temperature) of the CV's out-of-fold predictions."""
    pred = cv.logits.argmax(1)
    probs = cross_fitted_probs(cv.logits, cv.labels, cv.folds)
    out: dict[str, Any] = {"folds": len(cv.folds), "temperature": round(cv.temperature, 3)}
    for src in ("paper", "press"):
        mask = cv.sources == src
        out[f"macro_f1_{src}"] = macro_f1(cv.labels[mask], pred[mask])
    out["macro_f1_all"] = macro_f1(cv.labels, pred)
    out["ece_raw"] = round(expected_calibration_error(softmax(np.asarray(cv.logits, dtype=np.float64)), cv.labels), 3)
    out["ece_calibrated"] = round(expected_calibration_error(probs, cv.labels), 3)
    return out


def train_fidelity(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    settings: EncoderSettings | None = None,
    folds: int = 5,
    parts: tuple[str, ...] = PARTS,
    command: str = "sciwire train fidelity",
    on_progress: Progress | None = None,
) -> TrainResult:
    """Train ``parts`` of the fidelity models into ``out`` with receipts and model cards.

    Each stage is logged (INFO); ``on_progress`` is called with 1 after each fit and each
    evaluation part. The result's ``cv`` holds the claim-strength :class:`StrengthCV` when it ran.

    Raises:
        InputError: When the data folder lacks a data set (see :func:`sciwire.datasets.data_path`).
    """
    from sciwire.fidelity.cards import write_cards

    settings = settings or EncoderSettings()
    root = Path(out)
    metrics: dict[str, Any] = {}
    strength_cv: StrengthCV | None = None
    models: dict[str, Any] = {}
    if "strength" in parts:
        models["strength"], strength_cv = train_strength(data_dir, settings, folds, on_progress)
        models["strength"].save(root / STRENGTH_DIR)
        if strength_cv is not None:
            metrics["strength_cv"] = strength_cv_metrics(strength_cv)
    if "certainty" in parts:
        models["certainty"], models["aspects"] = train_certainty(data_dir, settings, on_progress)
        models["certainty"].save(root / CERTAINTY_DIR / "sentence")
        models["aspects"].save(root / CERTAINTY_DIR / "aspects")
    if "conclusion" in parts:
        models["conclusion"] = train_conclusion(data_dir, settings, on_progress)
        models["conclusion"].save(root / CONCLUSION_DIR)
    if "strength" in models:
        bundle = FidelityModels(models["strength"], models.get("conclusion"), models.get("certainty"),
                                models.get("aspects"))  # fmt: skip
        logger.info("held-out evaluation")
        metrics.update(evaluate_models(bundle, data_dir, on_progress))
    config = {"settings": asdict(settings), "folds": folds, "parts": list(parts)}
    hashes = {name: data_hash([p]) for name, p in zip(
        ("claim_strength", "exaggeration", "certainty"),
        fidelity_files(data_dir, "claim_strength", "exaggeration", "certainty"), strict=True)}  # fmt: skip
    write_cards(root, models, metrics, Receipt(command, config, hashes, metrics), command)
    return TrainResult(root, metrics, strength_cv)
