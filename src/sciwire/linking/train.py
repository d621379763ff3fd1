"""``sciwire train link``: fit the paper finder and the coreference pair scorer on CD²CR train.

**Finder** (``part="finder"``): every train news summary is ranked against all abstracts of
``sci_papers.json``; its evidence against each (BM25 share, lead cosine, mean alignment
probability) is one row, labelled 1 for its own abstract. A logistic regression without
class weights (so the probability keeps the 1-in-N prior; C = 10) gives the content scorer.

**Coreference** (``part="coref"``): every pair of gold mentions of each train topic (a story
and its abstract) is one row of :data:`sciwire.linking.coref.FEATURES`, labelled 1 when both
are in one gold cluster; a logistic regression without class weights gives the pair scorer,
and the clustering threshold with the best train CoNLL F1 over :data:`THRESHOLDS` is
recorded (it stays the user setting ``link.coref_threshold``).

Each scorer is written as a model folder (weights to 3 decimals, card, receipt):
``OUT/finder`` and ``OUT/coref`` for ``part="both"``, else ``OUT`` itself.

Example:
    >>> result = train_link("../shared/data", "my-link-models", part="finder")   # doctest: +SKIP
    >>> result.metrics["finder"]["train"]["top1"]                              # doctest: +SKIP
    0.707
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from sciwire.config import Config, load_config
from sciwire.document import Document, Metadata
from sciwire.errors import InputError
from sciwire.fitting import LogisticScorer, ModelCard, Receipt, TrainResult, data_hash
from sciwire.linking.cdcr import PreparedTopic, key, prepare_topics, training_pairs
from sciwire.linking.coref import FEATURES, MentionSet, PairScorer, cluster, pair_features
from sciwire.linking.evaluate import conll_f1
from sciwire.linking.mention_filter import MENTION_FEATURES, MentionFilter, mention_features, select, subset
from sciwire.linking.model import FINDER_FEATURES

logger = logging.getLogger(__name__)
Progress = Callable[[int], None]
PARTS = ("finder", "coref", "both", "mentions")
#: Clustering thresholds searched for the best train CoNLL F1.
THRESHOLDS: tuple[float, ...] = (0.02, *(round(float(x), 2) for x in np.arange(0.05, 0.91, 0.05)))
FINDER_FIT: dict[str, Any] = {"C": 10.0, "class_weight": None, "max_iter": 2000}
COREF_FIT: dict[str, Any] = {"C": 1.0, "class_weight": None, "max_iter": 1000}
MENTION_FIT: dict[str, Any] = {"C": 1.0, "class_weight": None, "max_iter": 1000}
#: Mention-filter thresholds searched for the best train predicted-mention CoNLL F1.
MENTION_THRESHOLDS: tuple[float, ...] = tuple(round(float(x), 2) for x in np.arange(0.05, 0.51, 0.05))
Evidence = list[dict[str, float]]
Labeler = Callable[[MentionSet], np.ndarray]
_LICENCE = (
    "CD²CR's licence is academic / personal use, and the data README allows shipping thresholds tuned on it but "
    "not models: these are {n} fitted calibration parameters, so whether they may ship is an open licence question."
)


# ---- paper finder --------------------------------------------------------------------------
def cdcr_papers(raw: Mapping[str, Mapping[str, str]]) -> list[Document]:
    """CD²CR's abstracts as paper Documents (id, abstract text, DOI)."""
    return [
        Document(pid, "paper", "", p["abstract"], metadata=Metadata(doi=p["doi"] or None)) for pid, p in raw.items()
    ]


def finder_evidence(
    finder: Any, pairs: Sequence[tuple[Any, str]], paper_ids: Sequence[str], on_progress: Progress | None = None
) -> list[tuple[Evidence, int]]:
    """For each (news document, gold paper id): its evidence against every indexed paper, and the gold's index."""
    index = {pid: i for i, pid in enumerate(paper_ids)}
    out = []
    for d, pid in pairs:
        out.append((finder.evidence(Document(d.doc_id, "news", "", d.text)), index[pid]))
        if on_progress is not None:
            on_progress(1)
    return out


def fit_finder_scorer(items: Sequence[tuple[Evidence, int]]) -> LogisticScorer:
    """The finder's content scorer: own abstract vs all others (full precision; stored rounded to 3 decimals)."""
    scorer = LogisticScorer(feature_names=FINDER_FEATURES, **FINDER_FIT)
    X = np.array([[e[f] for f in FINDER_FEATURES] for evs, _ in items for e in evs])
    y = np.concatenate([np.arange(len(evs)) == gold for evs, gold in items]).astype(int)
    return scorer.fit(X, y)


def gold_rank(scores: np.ndarray, gold: int, same: np.ndarray | None = None) -> int:
    """0-based rank of the gold paper (ties count against it).

    With ``same`` (a boolean paper x paper matrix), other entries of the same paper do not count.
    """
    ahead = scores >= scores[gold]
    ahead[gold] = False
    if same is not None:
        ahead &= ~same[gold]
    return int(ahead.sum())


def rank_metrics(
    items: Sequence[tuple[Evidence, int]],
    score: Callable[[dict[str, float]], float],
    same: np.ndarray | None = None,
) -> tuple[float, float, float]:
    """Top-1, top-5 and MRR of the gold papers over ``(evidence, gold index)`` items."""
    ranks = np.array([gold_rank(np.array([score(e) for e in evs]), gold, same) for evs, gold in items])
    return float((ranks == 0).mean()), float((ranks < 5).mean()), float((1.0 / (ranks + 1)).mean())


def scorer_logit(scorer: LogisticScorer) -> Callable[[dict[str, float]], float]:
    """The scorer's logit of one evidence dict (what the finder ranks by, metadata aside)."""
    return lambda e: float(scorer.decision_function(scorer.features_of([e]))[0])


# ---- coreference ---------------------------------------------------------------------------
def fit_coref_scorer(topics: Sequence[PreparedTopic]) -> tuple[PairScorer, int, int]:
    """The pair scorer fitted on every gold-mention pair of ``topics``; also the pair and positive counts."""
    X, y = training_pairs(topics)
    scorer = PairScorer(**COREF_FIT).fit(X, y)
    return scorer, len(y), int(y.sum())


def probability_labeler(scorer: PairScorer, threshold: float, same_head: bool = False) -> Labeler:
    """Cluster labels of a mention set by average link over the scorer's pair probabilities.

    With ``same_head``, only pairs with the same (resolved) text may join (a pre-filter baseline).
    """

    def label(ms: MentionSet) -> np.ndarray:
        n = len(ms.mentions)
        if n == 0:
            return np.zeros(0, dtype=int)
        feats = pair_features(ms)
        prob = scorer.predict_proba(feats.reshape(n * n, -1))[:, 1].reshape(n, n)
        prob = (prob + prob.T) / 2
        if same_head:
            prob = np.where(feats[..., 2] > 0, prob, 0.0)
        np.fill_diagonal(prob, 1.0)
        return cluster(prob, threshold)

    return label


def response_clusters(topics: Sequence[PreparedTopic], which: str, labeler: Labeler) -> list[set[Hashable]]:
    """The clusters ``labeler`` makes of each topic's ``gold`` or ``predicted`` mentions, as sets of mention keys."""
    out: list[set[Hashable]] = []
    for t in topics:
        ms = t.gold if which == "gold" else t.predicted
        groups: dict[int, set[Hashable]] = {}
        for m, lab in zip(ms.mentions, labeler(ms), strict=True):
            groups.setdefault(int(lab), set()).add(key(m))
        out.extend(groups.values())
    return out


def key_clusters(topics: Sequence[PreparedTopic]) -> list[set[Hashable]]:
    """The gold clusters of every topic."""
    return [c for t in topics for c in t.gold_key()]


def tune_threshold(
    topics: Sequence[PreparedTopic], make: Callable[[float], Labeler], grid: Sequence[float] = THRESHOLDS
) -> tuple[float, float]:
    """The threshold with the best CoNLL F1 on ``topics`` (gold mentions; first of equals) and that F1."""
    gold = key_clusters(topics)
    scores = {thr: conll_f1(gold, response_clusters(topics, "gold", make(thr)))["conll"] for thr in grid}
    best = max(scores, key=lambda t: scores[t])
    return best, scores[best]


# ---- mention filter ------------------------------------------------------------------------
def topic_texts(t: PreparedTopic) -> dict[str, str]:
    """The story's and the paper's text by document id (what the term layer reads)."""
    return {t.story.id: t.story.text, t.paper.id: t.paper.text}


def mention_rows(topics: Sequence[PreparedTopic]) -> tuple[np.ndarray, np.ndarray]:
    """Features of every predicted mention of ``topics`` and 1 where its span is a gold mention's."""
    xs, ys = [], []
    for t in topics:
        gold = {key(m) for m in t.gold.mentions}
        xs.append(mention_features(t.predicted, topic_texts(t), t.story.id))
        ys.append(np.array([key(m) in gold for m in t.predicted.mentions], dtype=int))
    return np.vstack(xs), np.concatenate(ys)


def fit_mention_filter(topics: Sequence[PreparedTopic]) -> MentionFilter:
    """The mention filter fitted on the predicted mentions of ``topics`` (gold span = 1)."""
    X, y = mention_rows(topics)
    return MentionFilter(**MENTION_FIT).fit(X, y)


def filtered(topics: Sequence[PreparedTopic], scorer: MentionFilter, threshold: float) -> list[PreparedTopic]:
    """``topics`` with only the predicted mentions the filter keeps (as ``mention_filter.filter_mentions``)."""
    return _kept(topics, _probabilities(topics, scorer), threshold)


def _probabilities(topics: Sequence[PreparedTopic], scorer: MentionFilter) -> list[np.ndarray]:
    return [scorer.probability(mention_features(t.predicted, topic_texts(t), t.story.id)) for t in topics]


def _kept(topics: Sequence[PreparedTopic], probs: Sequence[np.ndarray], threshold: float) -> list[PreparedTopic]:
    return [
        replace(t, predicted=subset(t.predicted, select(t.predicted.mentions, p, threshold)))
        for t, p in zip(topics, probs, strict=True)
    ]


def mention_scores(topics: Sequence[PreparedTopic]) -> dict[str, float]:
    """Exact-span precision, recall and F1 of the predicted mentions against the gold ones."""
    gold = {key(m) for t in topics for m in t.gold.mentions}
    pred = {key(m) for t in topics for m in t.predicted.mentions}
    hits = len(gold & pred)
    p, r = hits / max(len(pred), 1), hits / max(len(gold), 1)
    return {"predicted": len(pred), "gold": len(gold), "precision": p, "recall": r,
            "f1": 2 * p * r / (p + r) if p + r else 0.0}  # fmt: skip


def tune_mention_threshold(
    topics: Sequence[PreparedTopic],
    scorer: MentionFilter,
    labeler: Labeler,
    grid: Sequence[float] = MENTION_THRESHOLDS,
) -> tuple[float, dict[float, dict[str, float]]]:
    """The threshold with the best predicted-mention CoNLL F1 (``labeler``'s clusters; first of equals),
    and every threshold's CoNLL F1 and mention precision / recall."""
    gold = key_clusters(topics)
    probs = _probabilities(topics, scorer)
    table: dict[float, dict[str, float]] = {}
    for thr in grid:
        kept = _kept(topics, probs, thr)
        table[thr] = {"conll": conll_f1(gold, response_clusters(kept, "predicted", labeler))["conll"],
                      **mention_scores(kept)}  # fmt: skip
    return max(grid, key=lambda thr: table[thr]["conll"]), table


# ---- the command ---------------------------------------------------------------------------
def _finder(
    data_dir: str | os.PathLike[str], config: Config, on_progress: Progress | None
) -> tuple[LogisticScorer, dict[str, Any]]:
    from sciwire.backends.embeddings import Embedder
    from sciwire.datasets.cdcr import load_papers, load_split, news_with_papers
    from sciwire.linking.finder import PaperFinder

    raw = load_papers(data_dir)
    papers = cdcr_papers(raw)
    pairs = news_with_papers(load_split(data_dir, "train"))
    logger.info("finder: indexing %d abstracts", len(papers))
    finder = PaperFinder(config, Embedder.from_config(config)).index(papers)
    items = finder_evidence(finder, pairs, [p.id for p in papers], on_progress)
    fitted = fit_finder_scorer(items)
    scorer = fitted.rounded(3)
    top1, top5, mrr = rank_metrics(items, scorer_logit(scorer))
    metrics = {
        "stories": len(pairs),
        "abstracts": len(papers),
        "weights": scorer.weights(),
        "intercept": float(scorer.intercept_[0]),
        "train": {"top1": round(top1, 3), "top5": round(top5, 3), "mrr": round(mrr, 3)},
    }
    logger.info("finder fitted: %s", metrics)
    return scorer, metrics


def _train_topics(
    data_dir: str | os.PathLike[str], config: Config, on_progress: Progress | None
) -> list[PreparedTopic]:
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.backends.token_vectors import load_token_encoder
    from sciwire.datasets.cdcr_coref import load_coref_split

    nlp = load_spacy_parser(config.models.spacy)
    encoder = load_token_encoder(config.models.embedding, config.runtime.device)
    topics = []
    for topic in load_coref_split(data_dir, "train"):  # one at a time, for progress
        topics.extend(prepare_topics([topic], nlp, encoder))
        if on_progress is not None:
            on_progress(1)
    return topics


def _coref(
    data_dir: str | os.PathLike[str], config: Config, on_progress: Progress | None
) -> tuple[PairScorer, dict[str, Any]]:
    topics = _train_topics(data_dir, config, on_progress)
    fitted, n_pairs, n_pos = fit_coref_scorer(topics)
    threshold, conll = tune_threshold(topics, lambda t: probability_labeler(fitted, t))
    scorer = fitted.rounded(3)
    metrics = {
        "topics": len(topics),
        "pairs": {"all": n_pairs, "coreferent": n_pos},
        "weights": scorer.weights(),
        "intercept": float(scorer.intercept_[0]),
        "threshold": threshold,
        "train_conll_f1": round(conll, 3),
    }
    logger.info("coreference fitted: %s", metrics)
    return scorer, metrics


def fit_mentions(topics: Sequence[PreparedTopic], config: Config) -> tuple[MentionFilter, dict[str, Any]]:
    """The mention filter fitted on prepared train topics (rounded) and its metrics: the threshold with the
    best train CoNLL F1 under the pair scorer ``config.link.coref_model`` names."""
    from sciwire.linking.model import load_coref_model

    fitted = fit_mention_filter(topics).rounded(3)
    labeler = probability_labeler(load_coref_model(config.link.coref_model), config.link.coref_threshold)
    threshold, table = tune_mention_threshold(topics, fitted, labeler)
    metrics = {
        "topics": len(topics),
        "candidates": sum(len(t.predicted.mentions) for t in topics),
        "weights": fitted.weights(),
        "intercept": float(fitted.intercept_[0]),
        "threshold": threshold,
        "train": {k: round(v, 3) for k, v in table[threshold].items()},
        "all_candidates": {k: round(v, 3) for k, v in mention_scores(topics).items()},
    }
    logger.info("mention filter fitted: %s", metrics)
    return fitted, metrics


def train_link(
    data_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    config: Config | None = None,
    *,
    part: str = "both",
    command: str = "sciwire train link",
    on_progress: Progress | None = None,
) -> TrainResult:
    """Fit the finder and/or the coreference scorer on CD²CR train and write their model folders.

    Args:
        data_dir: The research data folder (holding ``cdcr/``).
        out: Where to write: ``OUT/finder`` and ``OUT/coref`` for ``part="both"``, else ``OUT``.
        config: Models and the aligner the finder's evidence uses (default: the resolved config).
        part: ``finder``, ``coref``, ``both`` (finder and coref) or ``mentions`` (the mention filter,
            tuned with the pair scorer ``link.coref_model`` names).
        command: The command line, for receipts and cards.
        on_progress: Called with 1 per train story (finder) and per train topic (coref, mentions).

    Returns:
        ``folder`` is ``out``; ``metrics`` has a ``finder``, ``coref`` or ``mentions`` entry.

    Raises:
        InputError: On an unknown part or missing CD²CR files.
    """
    from sciwire.datasets.base import data_path

    if part not in PARTS:
        raise InputError(f"part must be one of {', '.join(PARTS)}; got {part!r}")
    config = config or load_config()
    root = Path(out)
    cdcr = data_path(data_dir, "cdcr")
    hashes = {"cdcr": data_hash([cdcr / "train.conll", cdcr / "sci_papers.json"])}
    metrics: dict[str, Any] = {}
    if part in ("finder", "both"):
        scorer, m = _finder(data_dir, config, on_progress)
        receipt = Receipt(command, {"models": config.to_dict()["models"], "align": config.to_dict()["align"],
                                    "fit": FINDER_FIT}, hashes, m)  # fmt: skip
        scorer.save(root / "finder" if part == "both" else root, receipt=receipt, card=finder_card(m, command))
        metrics["finder"] = m
    if part in ("coref", "both"):
        pair_scorer, m = _coref(data_dir, config, on_progress)
        receipt = Receipt(command, {"models": config.to_dict()["models"], "fit": COREF_FIT,
                                    "thresholds": list(THRESHOLDS)}, hashes, m)  # fmt: skip
        pair_scorer.save(root / "coref" if part == "both" else root, receipt=receipt, card=coref_card(m, command))
        metrics["coref"] = m
    if part == "mentions":
        mention_filter, m = fit_mentions(_train_topics(data_dir, config, on_progress), config)
        receipt = Receipt(command, {"models": config.to_dict()["models"], "link": config.to_dict()["link"],
                                    "fit": MENTION_FIT, "thresholds": list(MENTION_THRESHOLDS)}, hashes, m)  # fmt: skip
        mention_filter.save(root, receipt=receipt, card=mention_card(m, command))
        metrics["mentions"] = m
    return TrainResult(root, metrics)


def finder_card(metrics: Mapping[str, Any], command: str) -> ModelCard:
    """The model card of a finder scorer fitted by :func:`train_link`."""
    w, t = metrics["weights"], metrics["train"]
    return ModelCard(
        name="sciwire paper finder (content evidence scorer)",
        summary=(
            "P(a story is about a paper) = sigmoid(intercept + w_bm25 · bm25 + w_cosine · cosine + w_align · align "
            "+ hand-set metadata weights · metadata evidence). This folder holds the fitted part: "
            f"bm25 {w['bm25']}, cosine {w['cosine']}, align {w['align']}, intercept {metrics['intercept']}. The "
            "metadata weights (DOI, title, author, venue, date) are the `link.find_w_*` settings. See docs/linking.md."
        ),
        data=(
            f"CD²CR (Ravenscroft et al., EACL 2021) train split: each of {metrics['stories']} news summaries against "
            f"all {metrics['abstracts']} abstracts (own abstract = 1, the others = 0; no class weights, C = 10, so "
            "the probability keeps the 1-in-N prior). " + _LICENCE.format(n=4)
        ),
        licence="open question (fitted on CD²CR, academic / personal use; see above)",
        metrics_markdown=(
            f"Train (n={metrics['stories']}): top-1 {t['top1']}, top-5 {t['top5']}, MRR {t['mrr']}. Dev top-1 / "
            "top-5 / MRR, calibration and the error analysis: `python benchmarks/linking.py` (docs/benchmarks.md)."
        ),
        command=command,
        limits=(
            "Fitted with all-MiniLM-L6-v2 and the aligner in use at training time: refit after changing either. "
            "The probability is conservative (1-in-N prior); sibling papers (same group, same data) are the main "
            "failure. CD²CR stories carry no metadata, so the metadata weights could not be fitted."
        ),
    )


def coref_card(metrics: Mapping[str, Any], command: str) -> ModelCard:
    """The model card of a pair scorer fitted by :func:`train_link`."""
    weights = ", ".join(f"{k} {v}" for k, v in metrics["weights"].items())
    return ModelCard(
        name="sciwire cross-document coreference pair scorer",
        summary=(
            "P(two mentions corefer) = sigmoid(intercept + Σ w · feature) over the pair features "
            f"{', '.join(FEATURES)}. Weights: {weights}; intercept {metrics['intercept']}. Mentions are clustered by "
            "average link while the mean pair probability is >= `link.coref_threshold`. See docs/linking.md."
        ),
        data=(
            f"CD²CR (Ravenscroft et al., EACL 2021) train split: {metrics['pairs']['all']} gold-mention pairs of "
            f"{metrics['topics']} topics (story + abstract), {metrics['pairs']['coreferent']} coreferent; no class "
            "weights. " + _LICENCE.format(n=len(FEATURES) + 1)
        ),
        licence="open question (fitted on CD²CR, academic / personal use; see above)",
        metrics_markdown=(
            f"Fitted default of the `link.coref_threshold` setting: **{metrics['threshold']}** (best train CoNLL F1, "
            f"{metrics['train_conll_f1']}, gold mentions). Dev CoNLL F1 (gold and predicted mentions) against the "
            "baselines: `python benchmarks/linking.py` (docs/benchmarks.md)."
        ),
        command=command,
        limits=(
            "Fitted on news summaries and abstracts with MiniLM in-context vectors: refit after changing "
            "`models.embedding`. With predicted mentions the task is mostly mention detection (CD²CR annotates only "
            "some noun phrases). Head and exact match carry little weight once the in-context cosine is known."
        ),
    )


def mention_card(metrics: Mapping[str, Any], command: str) -> ModelCard:
    """The model card of a mention filter fitted by :func:`train_link`."""
    weights = ", ".join(f"{k} {v}" for k, v in metrics["weights"].items())
    t, a = metrics["train"], metrics["all_candidates"]
    return ModelCard(
        name="sciwire mention filter (which candidate mentions to link)",
        summary=(
            "P(a candidate mention is one CD²CR would annotate) = sigmoid(intercept + Σ w · feature) over "
            f"{', '.join(MENTION_FEATURES)}. Weights: {weights}; intercept {metrics['intercept']}. Candidates with "
            "P >= `link.mention_threshold` are kept (of overlapping ones, the more probable). See docs/linking.md."
        ),
        data=(
            f"CD²CR (Ravenscroft et al., EACL 2021) train split: the {metrics['candidates']} candidate mentions of "
            f"{metrics['topics']} topics (label 1: the exact span of a gold mention); no class weights. "
            + _LICENCE.format(n=len(MENTION_FEATURES) + 1)
        ),
        licence="open question (fitted on CD²CR, academic / personal use; see above)",
        metrics_markdown=(
            f"Fitted default of `link.mention_threshold`: **{metrics['threshold']}** (best train predicted-mention "
            "CoNLL F1, the pair scorer's clusters). Train, in-sample: "
            f"mention precision {t['precision']}, recall {t['recall']} ({t['predicted']} kept of {a['predicted']} "
            f"candidates; all candidates: precision {a['precision']}, recall {a['recall']}), CoNLL F1 {t['conll']}. "
            "Dev: `python benchmarks/linking.py` (docs/benchmarks.md)."
        ),
        command=command,
        limits=(
            "It learns what CD²CR's annotators chose to mark in news summaries and abstracts; that choice is hard to "
            "predict (on train 61% of gold mentions are singletons, and the share of candidates annotated per document "
            "ranges from under 10% to over 60%), so exact-span precision stays near 0.35. On other text it drops "
            "mentions a reader would call entities (numbers, pronouns and long phrases are penalised). The `chain` "
            "feature uses chains among the candidates (pronoun and antecedent, shared head lemma), not the "
            "in-document coreference model. Refit after changing `models.embedding` or the pair scorer."
        ),
    )
