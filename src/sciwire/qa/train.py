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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.backends.device import resolve_device
from sciwire.backends.embeddings import Embedder, load_sentence_transformer, resolve_model
from sciwire.config import Config, QAConfig, load_config
from sciwire.errors import ConfigError, InputError
from sciwire.fitting import (
    LogisticScorer,
    ModelCard,
    Receipt,
    TrainResult,
    data_hash,
    expected_calibration_error,
    write_model_card,
)
from sciwire.qa.abstracts import Candidates
from sciwire.qa.evaluate import paper_ranking, reciprocal_rank, top_first, within_metrics
from sciwire.qa.features import FEATURES, ROLE_COLUMNS
from sciwire.qa.model import (
    ANSWER_CONFIDENCE_FEATURES,
    ANSWERABLE_FEATURES,
    ANSWERABLE_THRESHOLD,
    CONFIDENCE_FEATURES,
    AnswerModel,
)
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
    negatives: Sequence[str] | None = None,
) -> TrainResult:
    """Fine-tune ``base_model`` on ``pairs`` and save it (with receipt and card) to ``out_dir``.

    ``negatives`` (one per pair) are hard negatives given by the caller (e.g. background sentences
    of the answer's own abstract): both losses then train on ``(question, answer, negative)``
    triplets; without them, ``triplet`` mines one and ``mnrl`` uses the batch alone.

    Raises:
        InputError: When ``negatives`` is not one per pair.

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
    # a private sentence-transformers copy (the shared one may be sciwire's plain BERT, which has no losses)
    model: Any = load_sentence_transformer(resolve_model(base_model)[0], resolve_device(embedder.device))
    if negatives is not None:
        if len(negatives) != len(pairs):
            raise InputError(f"Got {len(negatives)} negatives for {len(pairs)} pairs; give one per pair")
        negatives = list(negatives)
    else:
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

    Two stages: the BM25 weight and corpus-level confidence (:func:`fit_answer_model`, every
    question against all abstracts), then the answer ranker, answerable scorer and answer
    confidence within abstracts (:func:`fit_answer_ranker` on :func:`~sciwire.qa.abstracts.within_abstract`
    data), with their 5-fold cross-validated metrics (:func:`cross_validate_answers`) in the receipt.
    ``on_progress`` is called once per BM25 weight tried. Takes a few minutes on a CPU.

    Raises:
        InputError: When PubMedQA is not under ``data_dir``.
    """
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.datasets.base import data_path
    from sciwire.datasets.pubmedqa import load_pubmedqa
    from sciwire.discourse.model import load_cached
    from sciwire.qa.abstracts import within_abstract

    config = config or load_config()
    items = load_pubmedqa(data_dir)
    embedder = Embedder.from_config(config)
    nlp = load_spacy(config.models.spacy)
    with pubmedqa_store(items, embedder, nlp) as store:
        model, metrics = fit_answer_model(
            store, embedder, [(it.question, it.pmid) for it in items], config.qa, on_progress=on_progress
        )
    metrics["confidence"] = {**model.confidence.weights(), "intercept": float(model.confidence.intercept_[0])}
    coresc = load_cached(config.discourse.coresc_model, "coresc")
    sets = within_abstract(items, embedder, nlp, coresc, config.qa, model)
    cv = cross_validate_answers(model.bm25_weight, model.confidence, sets)
    metrics["within_abstract_cv"] = _rounded(cv)
    model = fit_answer_ranker(
        model.bm25_weight, model.confidence, sets["own_long_answer"], sets["pooled"], sets["mismatched"]
    )
    metrics["answer"] = {
        name: {**getattr(model, name).weights(), "intercept": float(getattr(model, name).intercept_[0])}
        for name in ("ranker", "answerable", "answer_confidence")
    }
    receipt = Receipt(
        command,
        {
            "models": config.to_dict()["models"],
            "qa": config.to_dict()["qa"],
            "discourse.coresc_model": config.discourse.coresc_model,
            "bm25_weights": list(BM25_WEIGHTS),
            "confidence_fit": CONFIDENCE_FIT,
            "ranker_fit": RANKER_FIT,
            "cv": {"folds": 5, "seed": 13, "grouped_by": "question"},
        },
        {"pubmedqa": data_hash([data_path(data_dir, "pubmedqa")])},
        metrics,
    )
    folder = model.save(out, receipt=receipt, card=answer_card(metrics, command))
    return TrainResult(folder, metrics)


def _rounded(value: Any) -> Any:
    """``value`` with every float rounded to 4 decimals (for receipts)."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def answer_card(metrics: dict[str, Any], command: str) -> ModelCard:
    """The model card of an answer model fitted by :func:`train_answer_model`."""
    c = metrics["confidence"]
    card_metrics = (
        "Corpus level (every question against the sentences of all abstracts). MRR@10 of the even-indexed "
        "questions by BM25 weight: "
        + ", ".join(f"{w}: {v}" for w, v in metrics["mrr10_even_by_weight"].items())
        + f".\n\nHeld out (odd-indexed questions): MRR@10 {metrics['mrr10_odd']}, confidence ECE "
        f"{metrics['confidence_ece_odd']}; top answer from the right paper for {metrics['top1_rate']:.1%} of all "
        "questions."
    )
    cv = metrics.get("within_abstract_cv")
    if cv:
        rows = [
            f"| {pool} | {system} | {m['mrr']} | {m['top1_answer']} | {m['top1_background']} "
            f"| {m['top1_other_paper']} |"
            for pool, systems in cv["systems"].items()
            for system, m in systems.items()
        ]
        card_metrics += (
            "\n\nWithin one paper, 5-fold cross-validation grouped by question (`own`: the question's abstract, "
            "CONTEXTS only; `own_long_answer`: with the long answer appended; `pooled`: that joined with the most "
            "similar other abstract and 3 random ones, each with its long answer). Answer-carrying = sentences of "
            "RESULTS/CONCLUSIONS contexts of the own abstract, and its long answer.\n\n"
            "| pool | system | MRR | top-1 Results/Conclusions | top-1 Background/Objective | top-1 other paper |\n"
            "|---|---|---|---|---|---|\n" + "\n".join(rows) + f"\n\nAnswer confidence (top answer, held out): ECE "
            f"{cv['confidence']['ece']}; 'the paper does not say': own abstract answered "
            f"{cv['abstain']['own_answered']:.1%}, most similar other abstract declined "
            f"{cv['abstain']['mismatched_declined']:.1%}."
        )
    return ModelCard(
        name="sciwire answer selection: BM25 fusion weight, answer ranker and confidence",
        summary=(
            f"Linear fusion score = cosine + {metrics['bm25_weight']} × BM25 / (the query's best BM25). The hybrid "
            "candidates are re-ranked by a logistic answer ranker over retrieval scores, CoreSC role groups, "
            "numbers/p-values and question overlap; an answerable scorer decides 'the paper does not say'; the "
            "confidence is P(the sentence answers the question). Corpus-level confidence (format 1) = "
            f"sigmoid({c['intercept']} + {c['cosine']} · cosine + {c['found_by_both']} · [found by both]). "
            "See docs/qa.md; weights in weights.json and receipt.json."
        ),
        data=(
            f"PubMedQA PQA-L ({metrics['questions']} questions, MIT licence). BM25 weight and corpus confidence: "
            "every question against the sentences of all abstracts, fitted on the even-indexed questions. Answer "
            "ranker: each question against its own abstract (with its long answer) joined with the most similar "
            "other abstract and 3 random ones; answerable: own abstract vs the most similar other abstract."
        ),
        licence="MIT (PubMedQA PQA-L)",
        metrics_markdown=card_metrics,
        command=command,
        limits=(
            "Learned on biomedical abstracts (PubMedQA questions are close to their paper's title): 'answers' are "
            "RESULTS/CONCLUSIONS sentences, so a question about methods or background is answered poorly. The "
            "section name is not a feature (abstracts have none but the labels that define the answers); it "
            "reaches the ranker through the role tagger. Roles come from the CoreSC tagger; refit after changing "
            "`models.embedding` or `discourse.coresc_model`."
        ),
    )


# ---- the answer ranker (format 2) ---------------------------------------------------------
#: How the three answer scorers are fitted (``LogisticRegression`` settings).
RANKER_FIT: dict[str, Any] = {"C": 1.0, "class_weight": None, "max_iter": 2000}


def _top(model: AnswerModel, c: Candidates) -> tuple[float, float, int]:
    """The answerable logit of ``c``'s paper, the ranker logit of its top sentence, and that sentence's label."""
    from sciwire.qa.ranker import answerable_features

    assert model.ranker is not None and model.answerable is not None
    z = model.ranker.decision_function(c.X)
    top = int(top_first(z)[0])
    texts_cos = answerable_features(c.question, c.texts, c.cosine)
    return float(model.answerable.decision_function(texts_cos)), float(z[top]), int(c.positive[top])


def fit_answer_ranker(
    bm25_weight: float,
    confidence: LogisticScorer,
    own: Sequence[Candidates],
    pooled: Sequence[Candidates],
    mismatched: Sequence[Candidates],
) -> AnswerModel:
    """Fit the answer ranker, the answerable scorer and the answer confidence (rounded to 3 decimals).

    - ranker: every sentence of the ``pooled`` candidates (own abstract + the nearest other one),
      label 1 for the own abstract's RESULTS/CONCLUSIONS sentences;
    - answerable: ``own`` pairs (1) against ``mismatched`` ones (0) (pass the own abstracts with
      their long answers, like the mismatched ones);
    - answer confidence: the ranker's top sentence of every pooled and mismatched pair, label 1
      when it carries the answer; features: the two logits.

    Raises:
        InputError: With fewer than 4 questions.
    """
    from sciwire.qa.ranker import answerable_features

    if min(len(own), len(pooled), len(mismatched)) < 4:
        raise InputError(f"Fitting the answer ranker needs at least 4 questions, got {len(own)}")
    X = np.vstack([c.X for c in pooled])
    y = np.concatenate([c.positive for c in pooled])
    ranker = LogisticScorer(feature_names=FEATURES, **RANKER_FIT).fit(X, y).rounded(3)
    A = np.array([answerable_features(c.question, c.texts, c.cosine) for c in (*own, *mismatched)])
    answerable = LogisticScorer(feature_names=ANSWERABLE_FEATURES, **RANKER_FIT)
    answerable = answerable.fit(A, [1] * len(own) + [0] * len(mismatched)).rounded(3)
    half = AnswerModel(bm25_weight, confidence, ranker=ranker, answerable=answerable)
    tops = np.array([_top(half, c) for c in (*pooled, *mismatched)])
    answer_confidence = LogisticScorer(feature_names=ANSWER_CONFIDENCE_FEATURES, **RANKER_FIT)
    answer_confidence = answer_confidence.fit(tops[:, :2], tops[:, 2]).rounded(3)
    return AnswerModel(
        bm25_weight, confidence, ranker=ranker, answerable=answerable, answer_confidence=answer_confidence
    )


def cross_validate_answers(
    bm25_weight: float,
    confidence: LogisticScorer,
    sets: Mapping[str, Sequence[Candidates]],
    folds: int = 5,
    seed: int = 13,
) -> dict[str, Any]:
    """K-fold CV grouped by question: BM25, dense, hybrid and the fitted ranker side by side.

    ``sets`` holds the pools of :func:`~sciwire.qa.abstracts.within_abstract` in item order;
    item i of every pool is the same question, so a fold holds out whole questions. The ranker,
    answerable scorer and confidence are fitted on the other folds' items.

    Returns:
        ``{"systems": {set: {system: within_metrics}}, "abstain": {...}, "confidence": {...}}``:
        ``abstain`` has the share of own pairs answered and of mismatched pairs declined ("the
        paper does not say"); ``confidence`` has the ECE of the top answer's confidence on the
        held-out pooled + mismatched pairs, and its reliability bins.
    """
    from sklearn.model_selection import KFold

    from sciwire.fitting.calibration import reliability_bins
    from sciwire.qa.ranker import score_paper

    n = len(sets["pooled"])
    z: dict[str, list[np.ndarray]] = {k: [np.zeros(0)] * n for k in sets}
    answerable = np.zeros((2, n))
    conf_top, label_top = np.zeros((2, n)), np.zeros((2, n))
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(np.arange(n)):
        own, pooled, mismatched = (
            [sets[name][i] for i in train] for name in ("own_long_answer", "pooled", "mismatched")
        )
        model = fit_answer_ranker(bm25_weight, confidence, own, pooled, mismatched)
        assert model.ranker is not None
        for name, cands in sets.items():
            for i in test:
                z[name][i] = model.ranker.decision_function(cands[i].X)
        for row, name in enumerate(("pooled", "mismatched")):
            for i in test:
                c = sets[name][i]
                s = score_paper(model, c.question, c.texts, bm25=c.bm25, cosine=c.cosine, roles=c.X[:, ROLE_COLUMNS])
                top = int(top_first(s.ranker_logit)[0])
                conf_top[row, i], label_top[row, i] = s.confidence[top], c.positive[top]
        for row, name in enumerate(("own_long_answer", "mismatched")):
            for i in test:
                c = sets[name][i]
                s = score_paper(model, c.question, c.texts, bm25=c.bm25, cosine=c.cosine, roles=c.X[:, ROLE_COLUMNS])
                answerable[row, i] = s.answerable
    systems = {
        name: {
            "BM25": within_metrics(cands, [c.bm25 for c in cands]),
            "dense (MiniLM cosine)": within_metrics(cands, [c.cosine for c in cands]),
            "hybrid (shipped before)": within_metrics(cands, [c.hybrid for c in cands]),
            "answer ranker": within_metrics(cands, z[name]),
        }
        for name, cands in sets.items()
        if name != "mismatched"
    }
    p, y = conf_top.ravel(), label_top.ravel()
    return {
        "systems": systems,
        "abstain": {
            "own_answered": float(np.mean(answerable[0] >= ANSWERABLE_THRESHOLD)),
            "mismatched_declined": float(np.mean(answerable[1] < ANSWERABLE_THRESHOLD)),
        },
        "confidence": {
            "ece": expected_calibration_error(p, y),
            "mean_confidence": float(p.mean()),
            "top_answer_rate": float(y.mean()),
            "reliability": reliability_bins(p, y),
        },
    }
