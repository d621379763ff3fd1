"""``sciwire train align``: fit the aligner's scorer on CD²CR and write its model folder.

Protocol (docs/alignment.md), on the **train** split only:

1. Every abstract of ``sci_papers.json`` and every train news summary is split into
   sentences by sciwire's pipeline and embedded with the configured encoder.
2. For each news sentence, the positive example is its best pair (cosine + ½·lexical) in its
   own paper; the negatives are its best pairs in the :data:`HARD_NEGATIVES` most similar
   *other* papers (same topic, different paper).
3. A class-balanced logistic regression on (cosine, lexical) gives the weights; the
   threshold with the best pair-level F1 on train over :data:`THRESHOLDS` is recorded (it
   stays the user setting ``align.threshold``). The weights are stored to 3 decimals.

The folder gets ``weights.json``, ``receipt.json`` and ``MODEL_CARD.md``. CD²CR's licence
(academic / personal use) allows shipping thresholds tuned on it, not models: the card says so.

Example:
    >>> result = train_align("../shared/data", "my-align-model")      # doctest: +SKIP
    >>> result.metrics["threshold"]                                   # doctest: +SKIP
    0.6
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from sciwire.align.aligner import pair_features
from sciwire.align.model import FEATURES
from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.fitting import LogisticScorer, ModelCard, Receipt, TrainResult, data_hash

logger = logging.getLogger(__name__)
Progress = Callable[[int], None]
#: Other papers per news sentence whose best pair is a negative example.
HARD_NEGATIVES = 5
#: Thresholds searched for the best pair-level F1 on train.
THRESHOLDS: tuple[float, ...] = tuple(float(x) for x in np.round(np.arange(0.3, 0.86, 0.05), 2))
#: How the stored scorer was fitted (``LogisticRegression`` settings).
FIT_PARAMS: dict[str, Any] = {"C": 1.0, "class_weight": "balanced", "max_iter": 100}
Features = dict[str, tuple[np.ndarray, np.ndarray]]


class _Labelled(Protocol):
    doc_id: str


@dataclass
class Encoded:
    """The sentences of one document and their embeddings (one row each)."""

    sentences: list[str]
    vectors: np.ndarray


def encode_texts(
    ids: Sequence[str],
    texts: Sequence[str],
    kind: str,
    embedder: Embedder,
    nlp: Any,
    on_progress: Progress | None = None,
) -> dict[str, Encoded]:
    """Split texts into sentences with sciwire's pipeline and embed them; id -> :class:`Encoded`."""
    from sciwire.nlp import annotate_many

    docs = [Document(id=i, kind=kind, title="", text=t) for i, t in zip(ids, texts, strict=True)]
    docs = annotate_many(docs, nlp)
    vecs = embedder.encode([s for d in docs for s in d.sentence_texts()], on_progress=on_progress)
    out, pos = {}, 0
    for d in docs:
        n = len(d.sentences)
        out[d.id] = Encoded(d.sentence_texts(), vecs[pos : pos + n])
        pos += n
    return out


def paper_features(news: Encoded, papers: Mapping[str, Encoded]) -> Features:
    """(cosine, lexical) matrices of one news summary against every paper."""
    return {pid: pair_features(news.sentences, p.sentences, news.vectors, p.vectors) for pid, p in papers.items()}


def best_pairs(feats: Features, pid: str) -> np.ndarray:
    """Per news sentence, (cosine, lexical) of its best pair (cosine + ½·lexical) in paper ``pid``."""
    cos, lex = feats[pid]
    j = np.argmax(cos + 0.5 * lex, axis=1)
    rows = np.arange(cos.shape[0])
    return np.stack([cos[rows, j], lex[rows, j]], axis=1)


def pair_examples(
    feats_by_news: Mapping[str, Features], pairs: Sequence[tuple[_Labelled, str]], hard: int = HARD_NEGATIVES
) -> tuple[np.ndarray, np.ndarray]:
    """Positives: each news sentence's best pair in its own paper; negatives: in the ``hard`` most similar others."""
    xs, ys = [], []
    for d, pid in pairs:
        f = feats_by_news[d.doc_id]
        xs.append(best_pairs(f, pid))
        ys.append(np.ones(len(xs[-1])))
        others = sorted((p for p in f if p != pid), key=lambda p: -float(f[p][0].max()))[:hard]
        for other in others:
            xs.append(best_pairs(f, other))
            ys.append(np.zeros(len(xs[-1])))
    return np.vstack(xs), np.concatenate(ys)


def fit_align_scorer(X: np.ndarray, y: np.ndarray) -> LogisticScorer:
    """The aligner's scorer fitted on pair examples (full precision; stored rounded to 3 decimals)."""
    return LogisticScorer(feature_names=FEATURES, **FIT_PARAMS).fit(X, y)


def best_threshold(
    prob: np.ndarray, y: np.ndarray, grid: Sequence[float] = THRESHOLDS
) -> tuple[float, dict[float, float]]:
    """The threshold of best pair-level F1 (first of equals) and the F1 at every threshold of ``grid``."""
    f1 = {}
    for thr in grid:
        pred = prob >= thr
        tp = float((pred & (y == 1)).sum())
        f1[float(thr)] = 2 * tp / max(float(pred.sum() + (y == 1).sum()), 1.0)
    return max(f1, key=lambda t: f1[t]), f1


@dataclass
class AlignData:
    """CD²CR prepared for alignment: encoded abstracts, news/paper pairs and features per split."""

    papers: dict[str, Encoded]
    pairs: dict[str, list[tuple[Any, str]]]
    features: dict[str, dict[str, Features]]


def load_align_data(
    data_dir: str | os.PathLike[str],
    embedder: Embedder,
    nlp: Any,
    splits: Sequence[str] = ("train",),
    on_progress: Progress | None = None,
) -> AlignData:
    """Read, split and embed CD²CR's abstracts and the news of ``splits``, and compute their features.

    Raises:
        InputError: When the CD²CR files are not under ``data_dir``.
    """
    from sciwire.datasets.cdcr import load_papers, load_split, news_with_papers

    raw = load_papers(data_dir)
    papers = encode_texts(list(raw), [p["abstract"] for p in raw.values()], "paper", embedder, nlp, on_progress)
    pairs = {s: news_with_papers(load_split(data_dir, s)) for s in splits}
    news = {
        s: encode_texts([d.doc_id for d, _ in ps], [d.text for d, _ in ps], "news", embedder, nlp, on_progress)
        for s, ps in pairs.items()
    }
    feats = {s: {d.doc_id: paper_features(news[s][d.doc_id], papers) for d, _ in ps} for s, ps in pairs.items()}
    return AlignData(papers, pairs, feats)


def train_align(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    command: str = "sciwire train align",
    on_progress: Progress | None = None,
) -> TrainResult:
    """Fit the aligner's scorer on CD²CR train and write the model folder ``out``.

    Args:
        data_dir: The research data folder (holding ``cdcr/``).
        out: The model folder to write (use it with ``--set align.model=OUT``).
        config: Models to use (default: the resolved config).
        command: The command line, for the receipt and the card.
        on_progress: Called with the number of sentences just embedded.

    Raises:
        InputError: When the CD²CR files are missing.
    """
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.datasets.base import data_path

    config = config or load_config()
    embedder = Embedder.from_config(config)
    data = load_align_data(data_dir, embedder, load_spacy(config.models.spacy), ("train",), on_progress)
    X, y = pair_examples(data.features["train"], data.pairs["train"])
    fitted = fit_align_scorer(X, y)
    threshold, f1 = best_threshold(fitted.probability(X.astype(np.float64)), y)  # as scikit-learn computes it
    scorer = fitted.rounded(3)
    metrics: dict[str, Any] = {
        "data": "CD²CR train",
        "news_summaries": len(data.pairs["train"]),
        "abstracts": len(data.papers),
        "pairs": {"positive": int(y.sum()), "negative": int(len(y) - y.sum())},
        "weights": scorer.weights(),
        "intercept": float(scorer.intercept_[0]),
        "threshold": threshold,
        "train_pair_f1": {str(t): round(v, 3) for t, v in f1.items()},
    }
    logger.info("aligner fitted: %s, intercept %s, threshold %s", metrics["weights"], metrics["intercept"], threshold)
    cdcr = data_path(data_dir, "cdcr")
    receipt = Receipt(
        command=command,
        config={"models": config.to_dict()["models"], "fit": FIT_PARAMS, "hard_negatives": HARD_NEGATIVES},
        data={"cdcr": data_hash([cdcr / "train.conll", cdcr / "sci_papers.json"])},
        metrics=metrics,
    )
    folder = scorer.save(out, receipt=receipt, card=align_card(metrics, command))
    return TrainResult(folder, metrics)


def align_card(metrics: Mapping[str, Any], command: str) -> ModelCard:
    """The model card of an aligner fitted by :func:`train_align`."""
    w = metrics["weights"]
    f1 = metrics["train_pair_f1"]
    return ModelCard(
        name="sciwire sentence aligner (match probability)",
        summary=(
            "P(a news sentence reports a paper sentence) = sigmoid(intercept + w_cosine · cosine + w_lexical · "
            "lexical), where cosine is the similarity of the two sentence embeddings and lexical the IDF-weighted "
            f"share of the news sentence's content words found in the paper sentence. Weights: cosine {w['cosine']}, "
            f"lexical {w['lexical']}, intercept {metrics['intercept']}. A 3-parameter calibration; see "
            "docs/alignment.md."
        ),
        data=(
            f"CD²CR (Ravenscroft et al., EACL 2021) train split: {metrics['news_summaries']} news summaries against "
            f"{metrics['abstracts']} abstracts; {metrics['pairs']['positive']} positive pairs (a news sentence and "
            f"its best sentence in its own paper) and {metrics['pairs']['negative']} hard negatives (its best "
            f"sentences in the {HARD_NEGATIVES} most similar other papers). CD²CR's licence is academic / personal "
            "use, and the data README allows shipping thresholds tuned on it but not models: these are 3 fitted "
            "calibration parameters, so whether they may ship is an open licence question."
        ),
        licence="open question (fitted on CD²CR, academic / personal use; see above)",
        metrics_markdown=(
            f"Fitted default of the `align.threshold` setting: **{metrics['threshold']}** (best pair-level F1 on "
            "train). Train pair-level F1 by threshold: "
            + ", ".join(f"{t}: {v}" for t, v in f1.items())
            + ".\n\nDocument-level top-1 / top-5 on CD²CR dev (each news summary against all abstracts) and the "
            "dev pair precision, recall and ECE: `python benchmarks/alignment.py` (docs/benchmarks.md)."
        ),
        command=command,
        limits=(
            "Fitted on news summaries and abstracts with all-MiniLM-L6-v2 sentence embeddings: another encoder "
            "needs a refit. The positives are noisy (not every sentence of a summary reports its paper), and "
            "sibling papers (same group, same topic) are the main source of wrong matches. A match says which "
            "paper sentence a story sentence reports, not whether it reports it faithfully."
        ),
    )
