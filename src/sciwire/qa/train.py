"""Training for question answering: the answer model's fitted numbers, and fine-tuning the encoder.

**Answer model** (:func:`train_answer_model`, ``sciwire train answers``): on PubMedQA PQA-L,
every question searches the sentences of all abstracts; on the even-indexed questions the
BM25 weight of the linear fusion is chosen (best MRR@10 over :data:`BM25_WEIGHTS`) and the
answer confidence is fitted (logistic regression on the top answer's cosine and whether both
engines found it; label: the answer comes from the question's own paper). The odd-indexed
questions are held out for the reported MRR and ECE. See :mod:`sciwire.qa.model`.

**Fine-tuning** (:func:`finetune`, ``sciwire train qa``) the sentence encoder on
question <-> answer pairs (CPU-friendly, minutes). Two losses, as in the sentence-transformers
literature:

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
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, QAConfig, load_config
from sciwire.errors import ConfigError, InputError
from sciwire.learn import (
    LogisticScorer,
    ModelCard,
    Receipt,
    TrainResult,
    data_hash,
    expected_calibration_error,
    write_model_card,
)
from sciwire.qa.evaluate import paper_ranking, reciprocal_rank
from sciwire.qa.model import CONFIDENCE_FEATURES, AnswerModel
from sciwire.qa.retrieval import Retriever

if TYPE_CHECKING:
    from sciwire.datasets.pubmedqa import PubMedQAItem
    from sciwire.store import SQLiteStore, Store

logger = logging.getLogger(__name__)
LOSSES = ("mnrl", "triplet")
Progress = Callable[[int], None]
#: BM25 weights of the linear fusion searched by :func:`fit_answer_model`.
BM25_WEIGHTS: tuple[float, ...] = tuple(round(0.1 * i, 1) for i in range(11))
#: How the answer confidence is fitted (``LogisticRegression`` settings).
CONFIDENCE_FIT: dict[str, Any] = {"C": 1.0, "class_weight": None, "max_iter": 100}


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


# ---- the answer model ----------------------------------------------------------------------
def pubmedqa_store(
    items: Sequence[PubMedQAItem], embedder: Encoder, nlp: Any, path: str = ":memory:", suffix: str = ""
) -> SQLiteStore:
    """A corpus store of the items' abstracts (CONTEXTS, split by sciwire's pipeline), ids ``<pmid><suffix>``."""
    from sciwire.document import Document
    from sciwire.nlp import annotate_many
    from sciwire.store import SQLiteStore

    docs = [Document(id=f"{it.pmid}{suffix}", kind="paper", title="", text="\n\n".join(it.contexts)) for it in items]
    docs = annotate_many(docs, nlp)
    vecs = embedder.encode([t for d in docs for t in d.sentence_texts()])
    store = SQLiteStore(path)
    pos = 0
    for doc in docs:
        n = len(doc.sentences)
        store.add(doc, vecs[pos : pos + n], f"{doc.id}-hash", embedder.model_key)
        pos += n
    return store


def answer_features(
    retriever: Retriever, questions: Sequence[tuple[str, str]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per ``(question, gold doc id)``: the top hybrid answer's (cosine, found by both), whether it
    comes from the gold paper, and the gold paper's reciprocal rank (MRR@10 terms)."""
    X, y, rr = [], [], []
    for q, gold in questions:
        papers, ranked = paper_ranking(retriever, q)
        best = ranked[0]
        X.append((best.cosine, float(best.bm25_rank is not None and best.dense_rank is not None)))
        y.append(int(best.key[0] == gold))
        rr.append(reciprocal_rank(papers, gold))
    return np.array(X, dtype=np.float64), np.array(y), np.array(rr)


def linear_retriever(store: Store, embedder: Encoder, config: QAConfig, bm25_weight: float) -> Retriever:
    """A retriever with linear fusion at ``bm25_weight`` and no confidence yet (all its weights 0)."""
    unfitted = LogisticScorer.from_weights(dict.fromkeys(CONFIDENCE_FEATURES, 0.0), 0.0)
    return Retriever(store, embedder, replace(config, fusion="linear"), AnswerModel(bm25_weight, unfitted))


def choose_bm25_weight(
    store: Store,
    embedder: Embedder,
    questions: Sequence[tuple[str, str]],
    config: QAConfig | None = None,
    weights: Sequence[float] = BM25_WEIGHTS,
    on_progress: Progress | None = None,
) -> tuple[float, dict[float, float]]:
    """The linear fusion's BM25 weight with the best MRR@10 on ``questions`` (first of equals), and every MRR."""
    config = config or load_config().qa
    mrr = {}
    for w in weights:
        retriever = linear_retriever(store, embedder, config, float(w))
        mrr[float(w)] = float(np.mean([reciprocal_rank(paper_ranking(retriever, q)[0], gold) for q, gold in questions]))
        if on_progress is not None:
            on_progress(1)
    return max(mrr, key=lambda w: mrr[w]), mrr


def fit_confidence(X: np.ndarray, y: np.ndarray) -> LogisticScorer:
    """The answer confidence fitted on :func:`answer_features` rows (full precision; stored to 3 decimals).

    Raises:
        InputError: When every answer is right (or every one wrong): the fit needs both.
    """
    if len(set(np.asarray(y).tolist())) < 2:
        raise InputError("The top answers are all right or all wrong; the confidence needs examples of both")
    return LogisticScorer(feature_names=CONFIDENCE_FEATURES, **CONFIDENCE_FIT).fit(X, y)


def fit_answer_model(
    store: Store,
    embedder: Embedder,
    questions: Sequence[tuple[str, str]],
    config: QAConfig | None = None,
    *,
    weights: Sequence[float] = BM25_WEIGHTS,
    on_progress: Progress | None = None,
) -> tuple[AnswerModel, dict[str, Any]]:
    """Choose the BM25 weight and fit the confidence on the even-indexed ``(question, gold doc id)`` pairs.

    Returns:
        The model (confidence rounded to 3 decimals, as stored) and the metrics: MRR@10 per
        weight on the even-indexed questions, MRR@10 of the chosen weight on the odd-indexed
        ones, and the confidence's ECE on the odd-indexed questions.

    Raises:
        InputError: With fewer than 4 questions, or when every even-indexed top answer is right
            (or every one wrong).
    """
    if len(questions) < 4:
        raise InputError(f"Fitting the answer model needs at least 4 questions, got {len(questions)}")
    config = config or load_config().qa
    bm25_weight, mrr = choose_bm25_weight(store, embedder, questions[0::2], config, weights, on_progress)
    retriever = linear_retriever(store, embedder, config, bm25_weight)
    X, y, rr = answer_features(retriever, questions)
    confidence = fit_confidence(X[0::2], y[0::2]).rounded(3)
    metrics = {
        "questions": len(questions),
        "bm25_weight": bm25_weight,
        "mrr10_even_by_weight": {str(w): round(v, 4) for w, v in mrr.items()},
        "mrr10_odd": round(float(np.mean(rr[1::2])), 4),
        "top1_rate": round(float(y.mean()), 4),
        "confidence_ece_odd": round(expected_calibration_error(confidence.probability(X[1::2]), y[1::2]), 4),
    }
    return AnswerModel(bm25_weight, confidence), metrics


def train_answer_model(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    command: str = "sciwire train answers",
    on_progress: Progress | None = None,
) -> TrainResult:
    """Refit the answer model on PubMedQA PQA-L and write its folder (use it with ``qa.model = OUT``).

    ``on_progress`` is called once per BM25 weight tried.

    Raises:
        InputError: When PubMedQA is not under ``data_dir``.
    """
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.datasets.base import data_path
    from sciwire.datasets.pubmedqa import load_pubmedqa

    config = config or load_config()
    items = load_pubmedqa(data_dir)
    embedder = Embedder.from_config(config)
    with pubmedqa_store(items, embedder, load_spacy(config.models.spacy)) as store:
        model, metrics = fit_answer_model(
            store, embedder, [(it.question, it.pmid) for it in items], config.qa, on_progress=on_progress
        )
    metrics["confidence"] = {**model.confidence.weights(), "intercept": float(model.confidence.intercept_[0])}
    receipt = Receipt(
        command,
        {
            "models": config.to_dict()["models"],
            "qa": config.to_dict()["qa"],
            "bm25_weights": list(BM25_WEIGHTS),
            "confidence_fit": CONFIDENCE_FIT,
        },
        {"pubmedqa": data_hash([data_path(data_dir, "pubmedqa")])},
        metrics,
    )
    folder = model.save(out, receipt=receipt, card=answer_card(metrics, command))
    return TrainResult(folder, metrics)


def answer_card(metrics: dict[str, Any], command: str) -> ModelCard:
    """The model card of an answer model fitted by :func:`train_answer_model`."""
    c = metrics["confidence"]
    return ModelCard(
        name="sciwire answer selection: BM25 fusion weight and answer confidence",
        summary=(
            f"Linear fusion score = cosine + {metrics['bm25_weight']} × BM25 / (the query's best BM25); answer "
            f"confidence = sigmoid({c['intercept']} + {c['cosine']} · cosine + {c['found_by_both']} · [found by both "
            "BM25 and dense retrieval]). See docs/qa.md."
        ),
        data=(
            f"PubMedQA PQA-L ({metrics['questions']} questions, MIT licence): every question against the sentences "
            "of all abstracts; weight and confidence fitted on the even-indexed questions."
        ),
        licence="MIT (PubMedQA PQA-L)",
        metrics_markdown=(
            "MRR@10 of the even-indexed questions by BM25 weight: "
            + ", ".join(f"{w}: {v}" for w, v in metrics["mrr10_even_by_weight"].items())
            + f".\n\nHeld out (odd-indexed questions): MRR@10 {metrics['mrr10_odd']}, confidence ECE "
            f"{metrics['confidence_ece_odd']}; top answer from the right paper for {metrics['top1_rate']:.1%} of all "
            "questions."
        ),
        command=command,
        limits=(
            "Fitted where almost every top answer comes from the right paper (PubMedQA questions are close to "
            "their paper's title): on a corpus without the answer the confidence stays high. Refit after changing "
            "`models.embedding`."
        ),
    )
