"""Fine-tune the sentence encoder on question <-> answer pairs (CPU-friendly, minutes).

Two losses, as in the sentence-transformers literature:

- ``mnrl``: MultipleNegativesRankingLoss — every other answer in the batch is a negative;
- ``triplet``: TripletLoss (cosine distance) with a *mined* hard negative per question: the
  most similar other answer under the starting model.

The loop is plain PyTorch over the sentence-transformers model and loss modules, so no
extra training libraries are needed. Every run is seeded and writes the model folder with
``receipt.json`` and ``MODEL_CARD.md``.
"""

from __future__ import annotations

import json
import logging
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.backends.embeddings import Embedder
from sciwire.errors import ConfigError, InputError
from sciwire.learn import Receipt, TrainResult, data_hash, write_model_card

logger = logging.getLogger(__name__)
LOSSES = ("mnrl", "triplet")


@dataclass
class FinetuneConfig:
    """Knobs of :func:`finetune`; validated on creation."""

    loss: str = "mnrl"
    epochs: int = 2
    batch_size: int = 16
    learning_rate: float = 3e-5
    margin: float = 0.3
    seed: int = 13

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ConfigError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.epochs < 1 or self.batch_size < 2 or not 0 < self.learning_rate < 1:
            raise ConfigError(f"need epochs >= 1, batch_size >= 2 and 0 < learning_rate < 1; got {self}")


def read_pairs(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """Question/answer pairs from a JSONL file (``question``/``answer`` or ``anchor``/``positive`` keys).

    Raises:
        InputError: On a missing file, bad JSON, missing keys or fewer than 4 pairs.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f'Pairs file {p} does not exist; expected JSONL lines like {{"question": ..., "answer": ...}}')
    pairs = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{p.name} line {n} is not valid JSON: {exc}") from exc
        q = row.get("question", row.get("anchor")) if isinstance(row, dict) else None
        a = row.get("answer", row.get("positive")) if isinstance(row, dict) else None
        if not (isinstance(q, str) and isinstance(a, str) and q.strip() and a.strip()):
            raise InputError(f"{p.name} line {n} needs non-empty 'question' and 'answer' strings")
        pairs.append((q.strip(), a.strip()))
    if len(pairs) < 4:
        raise InputError(f"{p.name} has {len(pairs)} pairs; fine-tuning needs at least 4")
    return pairs


def match_rate(embedder: Embedder, questions: Sequence[str], answers: Sequence[str], gold: Sequence[int]) -> float:
    """Share of questions whose own answer (index ``gold[i]`` in ``answers``) ranks first."""
    q = embedder.encode(list(questions))
    a = embedder.encode(list(answers), full_length=True)
    return float(np.mean(np.argmax(q @ a.T, axis=1) == np.asarray(gold)))


def _mine_negatives(embedder: Embedder, pairs: Sequence[tuple[str, str]]) -> list[str]:
    q = embedder.encode([p[0] for p in pairs])
    a = embedder.encode([p[1] for p in pairs], full_length=True)
    sims = q @ a.T
    np.fill_diagonal(sims, -np.inf)
    return [pairs[int(j)][1] for j in np.argmax(sims, axis=1)]


def finetune(
    pairs: Sequence[tuple[str, str]],
    out_dir: str | os.PathLike[str],
    base_model: str = "all-MiniLM-L6-v2",
    config: FinetuneConfig | None = None,
    on_progress: Callable[[int], None] | None = None,
    data_files: Sequence[str | os.PathLike[str]] = (),
) -> TrainResult:
    """Fine-tune ``base_model`` on ``pairs`` and save it (with receipt and card) to ``out_dir``.

    Returns:
        The model folder (load it with ``models.embedding = "<folder>"``) and the mean loss of
        each epoch.
    """
    import torch

    try:
        from sentence_transformers.sentence_transformer import losses
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers import losses  # type: ignore[no-redef,attr-defined]

    config = config or FinetuneConfig()
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    embedder = Embedder(base_model, cache_dir=None)
    embedder.warm_up()
    model: Any = embedder._st
    negatives = _mine_negatives(embedder, pairs) if config.loss == "triplet" else []
    if config.loss == "mnrl":
        loss_fn: Any = losses.MultipleNegativesRankingLoss(model)
    else:
        loss_fn = losses.TripletLoss(
            model, distance_metric=losses.TripletDistanceMetric.COSINE, triplet_margin=config.margin
        )
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate)
    tokenize = getattr(model, "preprocess", None) or model.tokenize  # renamed in sentence-transformers 6
    order = list(range(len(pairs)))
    losses_by_epoch: list[float] = []
    model.train()
    for epoch in range(config.epochs):
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), config.batch_size):
            idx = order[start : start + config.batch_size]
            columns = [[pairs[i][0] for i in idx], [pairs[i][1] for i in idx]]
            if negatives:
                columns.append([negatives[i] for i in idx])
            features = [
                {k: v.to(model.device) if hasattr(v, "to") else v for k, v in tokenize(col).items()} for col in columns
            ]
            loss = loss_fn(features, torch.zeros(len(idx)))
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            total += float(loss.detach())
            if on_progress is not None:
                on_progress(len(idx))
        losses_by_epoch.append(round(total / max(1, len(order) / config.batch_size), 4))
        logger.info("epoch %d: mean loss %.4f", epoch + 1, losses_by_epoch[-1])
    model.eval()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    receipt = Receipt(
        command=f"sciwire train qa --pairs ... --loss {config.loss} --epochs {config.epochs}",
        config={**asdict(config), "base_model": base_model, "pairs": len(pairs)},
        data={str(Path(f).name): data_hash([f]) for f in data_files},
        metrics={"pairs": len(pairs), "mean_loss_by_epoch": losses_by_epoch},
    )
    receipt.write(out)
    write_model_card(
        out,
        name=f"{base_model} fine-tuned for question -> answer sentence matching",
        summary=f"A sentence encoder fine-tuned with the {config.loss} loss on {len(pairs)} question/answer pairs.",
        data=f"{len(pairs)} pairs from {', '.join(str(f) for f in data_files) or 'the caller'}.",
        licence="same as the training pairs and the base model (all-MiniLM-L6-v2: Apache-2.0)",
        metrics_markdown="See receipt.json; `benchmarks/qa.py --finetune` measures match rate before/after.",
        command=receipt.command,
        limits="Trained on few pairs: check the match rate on held-out pairs of your own domain before use.",
    )
    return TrainResult(out, dict(receipt.metrics))
