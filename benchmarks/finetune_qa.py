"""Part (b) of benchmarks/qa.py: match rate before/after fine-tuning on held-out PubMedQA pairs."""

from __future__ import annotations

import random
import tempfile
import time

from _common import markdown_table

from sciwire.backends.embeddings import Embedder
from sciwire.config import Config
from sciwire.datasets.pubmedqa import PubMedQAItem
from sciwire.qa.train import FinetuneConfig, finetune, match_rate


def split(items: list[PubMedQAItem], seed: int = 13, train_share: float = 0.6) -> tuple[list[int], list[int]]:
    """Indices of train and held-out items; one question per paper, so this is a split by PMID."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    cut = int(len(order) * train_share)
    return sorted(order[:cut]), sorted(order[cut:])


def finetune_table(items: list[PubMedQAItem], cfg: Config) -> str:
    train, held = split(items)
    assert not {items[i].pmid for i in train} & {items[i].pmid for i in held}, "PMID on both sides"
    answers = [it.long_answer for it in items]
    questions = [items[i].question for i in held]
    pairs = [(items[i].question, items[i].long_answer) for i in train]
    rows = []
    base = Embedder(cfg.models.embedding, cache_dir=None)
    rows.append(["MiniLM, not fine-tuned", f"{match_rate(base, questions, answers, held):.3f}", "–"])
    for loss in ("mnrl", "triplet"):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            out = finetune(pairs, tmp, cfg.models.embedding, FinetuneConfig(loss=loss, epochs=2)).folder
            took = time.perf_counter() - t
            tuned = Embedder(str(out), cache_dir=None)
            rows.append([f"fine-tuned, {loss} loss (2 epochs)", f"{match_rate(tuned, questions, answers, held):.3f}",
                         f"{took:.0f}"])  # fmt: skip
    print(markdown_table(["model", "match rate (held-out)", "training s"], rows))
    return (
        f"Answer match: each of the {len(held)} held-out questions against all {len(answers)} long answers "
        f"(conclusions); match = its own conclusion ranked first. Fine-tuned on the other {len(train)} "
        "question/conclusion pairs (split by PMID, seed 13, 60/40), batch 16, lr 3e-5.\n\n"
        + markdown_table(["model", "match rate (held-out)", "training s"], rows)
    )
