"""``sciwire train relations``: the "none of these" head on FewRel (ships), or a supervised head on SciERC.

- ``--dataset fewrel`` (default; MIT, may ship): a :class:`~sciwire.relations.model.NotaHead`
  trained on few-shot episodes from ``val_semeval`` and ``val_nyt`` with the 8 relations that
  ``val_nyt`` shares with ``val_wiki`` removed, so ``val_wiki`` stays unseen for evaluation.
  Writes ``weights.json`` (scale, threshold, encoder settings), ``projection.safetensors``,
  ``MODEL_CARD.md`` and ``receipt.json``; the shipped ``relations_default`` is this folder.
- ``--dataset scierc`` (research use, never ship): a
  :class:`~sciwire.relations.supervised.PairRelationHead` on SciERC train with gold entities,
  its ``none`` bias chosen on every 5th training document; reports dev F1 beside the
  type-pair baseline.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.config import Config
from sciwire.datasets.base import data_path
from sciwire.errors import InputError
from sciwire.fitting import ModelCard, Receipt, TrainResult, data_hash
from sciwire.fitting.folders import WEIGHTS
from sciwire.relations.evaluate import FewRelSettings, fewrel_fit_rows, fewrel_quick_table
from sciwire.relations.model import NotaHead, save_head

logger = logging.getLogger(__name__)

DATASETS: tuple[str, ...] = ("fewrel", "scierc")
SCIERC_FORMAT = "sciwire-relations-scierc-head/1"


def train_relations(
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config,
    *,
    dataset: str = "fewrel",
    command: str = "sciwire train relations",
    on_progress: Callable[[int], None] | None = None,
    settings: FewRelSettings | None = None,
) -> TrainResult:
    """Train the FewRel "none of these" head or the SciERC supervised head and write its model folder.

    Raises:
        InputError: An unknown dataset, or the data is missing.
    """
    if dataset not in DATASETS:
        raise InputError(f"sciwire train relations --dataset must be one of {DATASETS}, got {dataset!r}")
    if dataset == "scierc":
        return train_scierc(data, out, config, command=command, on_progress=on_progress)
    settings = settings or FewRelSettings(rank=0)
    X, y, used = fewrel_fit_rows(data, "val_wiki", settings, config.paths.cache_dir, on_progress)
    head = NotaHead(rank=settings.rank, episodes=settings.train_episodes, seed=settings.seed).fit(X, y)
    features = {"model": config.models.embedding, "layers": list(settings.layers), "parts": list(settings.parts),
                "style": settings.style}  # fmt: skip
    folder = save_head(head, out, features)
    table = fewrel_quick_table(data, head, settings, config.paths.cache_dir)
    metrics: dict[str, Any] = {"fitted_on": used, "relations": len(set(y.tolist())), "rows": len(y),
                               "scale": round(head.scale_, 4), "threshold": round(head.threshold_, 4),
                               "centred_thresholds": head.centred_thresholds_, "val_wiki": table}  # fmt: skip
    files = [data_path(data, "fewrel", f"{name}.json") for name in ("val_semeval", "val_nyt", "val_wiki")]
    Receipt(command, config.to_dict(), {f.name: data_hash([f]) for f in files}, metrics).write(folder)
    rows = "\n".join(
        f"| {r['n_way']}-way {r['k_shot']}-shot | {r['nota_rate']} | {100 * r['accuracy']:.1f} "
        f"± {100 * r['ci95']:.1f} |"
        for r in table
    )
    ModelCard(
        name="relations (few-shot, with 'none of these')",
        summary=(
            "Classifies an entity pair in its sentence into one of the relation types a user defines with 1-5 "
            "examples each, or 'none of these'. Features: all-MiniLM-L6-v2's token states after layer "
            f"{', '.join(map(str, settings.layers))} (one pass per sentence, markers: {settings.style}), "
            f"pooled over the head, the tail and the sentence ({', '.join(settings.parts)}), each unit length"
            + (f"; a low-rank residual projection (rank {settings.rank})" if settings.rank else "")
            + ". One prototype per relation type (mean of its examples). The answer is 'none of these' when, for "
            "every type, the pair's cosine to its prototype minus the mean cosine over all types stays below the "
            f"threshold for that type's number of examples: {_rounded(head.centred_thresholds_)} (interpolated "
            "in log examples; with fewer than 3 types the best cosine itself is compared with "
            f"{_rounded(head.thresholds_)}). These thresholds are all that is fitted."
        ),
        data=(
            "FewRel 2.0 validation sets val_semeval (17 relations) and val_nyt (25 relations, minus the 8 it shares "
            "with val_wiki), a fixed sample (seed 0) of 40 instances per relation "
            f"({', '.join(f'{k} {v}' for k, v in used.items())} rows); thresholds chosen on 300 episodes per number "
            "of shots (5-way, 30% 'none of these' queries). val_wiki is not used for fitting."
        ),
        licence="MIT (FewRel is MIT-licensed)",
        metrics_markdown=(
            "val_wiki (relations never seen in training), 1,000 episodes per row, accuracy ± 95% interval:\n\n"
            "| setting | NOTA rate | accuracy |\n|---|---|---|\n" + rows + "\n\nThe full table with baselines and "
            "the cross-domain sets: docs/benchmarks.md (section relations), `python benchmarks/relations.py`."
        ),
        command=command,
        limits=(
            "A small frozen encoder: far below models fine-tuned on FewRel train (BERT-PAIR 85.7 on 5-way 1-shot). "
            "The thresholds are the same for every schema: schemas whose types are close to each other, or "
            "far from encyclopaedic and news text, may need more examples. English only; one pair per sentence."
        ),
    ).write(folder)
    logger.info("Relations head written to %s", folder)
    return TrainResult(folder, metrics)


def _rounded(table: dict[int, float]) -> str:
    return ", ".join(f"{k} example{'s' if k > 1 else ''}: {v:.3f}" for k, v in sorted(table.items()))


def train_scierc(
    data: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config,
    *,
    command: str = "sciwire train relations --dataset scierc",
    on_progress: Callable[[int], None] | None = None,
) -> TrainResult:
    """Fit the supervised SciERC head (gold entities) and write it to ``out`` (research use: do not ship)."""
    from sciwire.relations.evaluate import evaluate_scierc

    result, head = evaluate_scierc(data, config, on_progress=on_progress, keep_head=True)
    assert head is not None
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    model = head.model_
    weights = {"format": SCIERC_FORMAT, "classes": [str(c) for c in head.classes_], "none_bias": head.none_bias,
               "coef": np.round(model.coef_, 6).tolist(), "intercept": np.round(model.intercept_, 6).tolist(),
               "features": {"model": config.models.embedding, "layers": [6], "style": "none"}}  # fmt: skip
    (folder / WEIGHTS).write_text(json.dumps(weights) + "\n", encoding="utf-8")
    path = data_path(data, "scierc", "train.json")
    Receipt(command, config.to_dict(), {path.name: data_hash([path])}, result).write(folder)
    counts = Counter(result.get("train_labels", {}))
    ModelCard(
        name="SciERC relation head (trained by you)",
        summary=(
            "Logistic regression over ordered pairs of gold SciERC entities in a sentence: MiniLM mean token states "
            "of head and tail (layer 6, no markers), their product, the sentence mean, both entity types, distance "
            f"and order. Classes: {', '.join(sorted(counts))}."
        ),
        data=f"SciERC train ({path}); the 'none' bias chosen on every 5th training document.",
        licence="research use only (SciERC): do not ship or redistribute this model",
        metrics_markdown=(
            f"SciERC dev, gold entities, micro F1 over directed relations: **{result['head']['f1']}** "
            f"(P {result['head']['precision']}, R {result['head']['recall']}); baseline most frequent relation per "
            f"type pair: {result['baseline']['f1']}."
        ),
        command=command,
        limits="Gold entities only (no entity detection); symmetric relations are scored in the annotated direction.",
    ).write(folder)
    return TrainResult(folder, result)
