"""Scores of the configured cross-document coreference on a CD²CR split (``sciwire evaluate link``).

Nothing is fitted: the pair scorer (``link.coref_model``, clustered at ``link.coref_threshold``) and
the mention filter (``link.mention_model`` at ``link.mention_threshold``; ``none``: every candidate)
are scored as ``sciwire analyze`` runs them, beside exact string match and head-lemma match on the
same mentions, in three settings:

- ``gold``: the gold mentions (only the clustering is scored);
- ``candidates``: every candidate mention the detector finds (:mod:`sciwire.linking.mentions`);
- ``filtered``: the candidates the mention filter keeps (what ``analyze`` links).

For each: MUC, B³, CEAF-e and CoNLL F1 against all gold mentions, singletons included, and the
CoNLL F1 with singletons removed from key and response; for the predicted settings also the
exact-span precision and recall of the mentions. ``benchmarks/linking.py`` fits the same models on
train and reports dev; this scores any split that has CD²CR's files (``{split}.conll`` and
``{split}_entities.json``), e.g. a held-back test split.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from sciwire.config import Config
from sciwire.linking.cdcr import PreparedTopic, prepare_topics
from sciwire.linking.coref import MentionSet
from sciwire.linking.evaluate import conll_f1
from sciwire.linking.train import filtered, key_clusters, mention_scores, probability_labeler, response_clusters

Labeler = Callable[[MentionSet], np.ndarray]
#: The settings scored, in order: which mentions, and from which topics.
SETTINGS = ("gold", "candidates", "filtered")


def group_by(values: Callable[[MentionSet], list[str]]) -> Labeler:
    """A baseline that puts mentions with the same value in one cluster.

    Example:
        >>> from sciwire.linking.mentions import Mention
        >>> ms = [Mention("s", 0, 3, "The drug", "drug", frozenset(), "noun_phrase", 0),
        ...       Mention("p", 0, 3, "a drug", "drug", frozenset(), "noun_phrase", 0)]
        >>> group_by(lambda s: [m.head for m in s.mentions])(MentionSet(tuple(ms), np.zeros((2, 1)))).tolist()
        [0, 0]
    """
    return lambda ms: np.unique(values(ms), return_inverse=True)[1] if ms.mentions else np.zeros(0, dtype=int)


#: Exact string match (lower-cased, a leading determiner dropped) and head-lemma match.
EXACT = group_by(lambda ms: [m.normalized for m in ms.mentions])
HEAD_LEMMA = group_by(lambda ms: [m.head for m in ms.mentions])


def coref_scores(topics: Sequence[PreparedTopic], which: str, labeler: Labeler) -> dict[str, float]:
    """MUC, B³, CEAF-e and CoNLL F1 of ``labeler``'s clusters of ``which`` mentions (``gold`` or
    ``predicted``), and ``conll_no_singletons`` (singletons removed from key and response)."""
    response = response_clusters(topics, which, labeler)
    key = key_clusters(topics)
    without = conll_f1([c for c in key if len(c) > 1], [c for c in response if len(c) > 1])
    return {**conll_f1(key, response), "conll_no_singletons": without["conll"]}


def evaluate_link(
    data_dir: str | os.PathLike[str],
    config: Config,
    *,
    split: str = "dev",
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Score the configured pair scorer and mention filter on CD²CR ``split`` (see the module docstring).

    ``on_progress`` gets 1 per topic prepared (parsed, mentions found, embedded).

    Raises:
        InputError: The split's files are missing or malformed.
        ModelLoadError: A model folder the config names cannot be loaded.
    """
    from sciwire.backends.spacy_parser import load_spacy_parser
    from sciwire.backends.token_vectors import load_token_encoder
    from sciwire.datasets.cdcr_coref import load_coref_split
    from sciwire.linking.model import load_coref_model, load_mention_model

    link = config.link
    labeler = probability_labeler(load_coref_model(link.coref_model), link.coref_threshold)
    mention_filter = None if link.mention_model == "none" else load_mention_model(link.mention_model)
    raw = load_coref_split(data_dir, split)
    nlp = load_spacy_parser(config.models.spacy)
    encoder = load_token_encoder(config.models.embedding, config.runtime.device)
    topics: list[PreparedTopic] = []
    for topic in raw:
        topics += prepare_topics([topic], nlp, encoder)
        if on_progress is not None:
            on_progress(1)
    kept = topics if mention_filter is None else filtered(topics, mention_filter, link.mention_threshold)
    systems = {"exact_match": EXACT, "head_lemma": HEAD_LEMMA, "sciwire": labeler}
    where = {"gold": (topics, "gold"), "candidates": (topics, "predicted"), "filtered": (kept, "predicted")}
    coref = {s: {name: _rounded(coref_scores(*where[s], lab)) for name, lab in systems.items()} for s in SETTINGS}
    return {
        "split": split,
        "topics": len(topics),
        "gold_mentions": sum(len(t.gold.mentions) for t in topics),
        "mentions": {"candidates": _rounded(mention_scores(topics)), "filtered": _rounded(mention_scores(kept))},
        "coref": coref,
        "models": {"link.coref_model": link.coref_model, "link.coref_threshold": link.coref_threshold,
                   "link.mention_model": link.mention_model, "link.mention_threshold": link.mention_threshold},
    }  # fmt: skip


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: (v if isinstance(v, int) else round(v, 4)) for k, v in scores.items()}


def markdown_tables(metrics: dict[str, Any]) -> str:
    """The results of :func:`evaluate_link` as Markdown: one coreference table, then the mentions."""
    labels = {"gold": "gold mentions", "candidates": "predicted: all candidates", "filtered": "predicted: filtered"}
    rows = ["| mentions | system | CoNLL F1 | MUC | B³ | CEAF-e | CoNLL F1 w/o singletons |", "|---" * 7 + "|"]
    for setting in SETTINGS:
        for name, s in metrics["coref"][setting].items():
            rows.append(f"| {labels[setting]} | {name} | {s['conll']:.3f} | {s['muc']:.3f} | {s['b3']:.3f} | "
                        f"{s['ceafe']:.3f} | {s['conll_no_singletons']:.3f} |")  # fmt: skip
    m = metrics["mentions"]
    lines = [
        f"CD²CR {metrics['split']}: {metrics['topics']} topics, {metrics['gold_mentions']} gold mentions.",
        "",
        *rows,
        "",
        *(f"Mentions, {labels[k]}: {v['predicted']} predicted, precision {v['precision']:.3f}, recall "
          f"{v['recall']:.3f}." for k, v in m.items()),
    ]  # fmt: skip
    return "\n".join(lines)
