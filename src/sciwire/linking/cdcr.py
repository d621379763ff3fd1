"""CD²CR in linking terms: topics as (story, paper) Documents with gold and predicted mentions.

Used by ``benchmarks/linking.py`` to fit the pair scorer and to evaluate; the data is read
by path (:mod:`sciwire.datasets.cdcr_coref`), never shipped.

Mention identity for scoring is ``(doc_id, start, end)`` in the Document built from the
CoNLL tokens (tokens joined by single spaces), so gold and predicted mentions compare exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.datasets.cdcr_coref import CdcrTokens, CdcrTopic
from sciwire.document import Document
from sciwire.linking.coref import MentionSet, pair_features
from sciwire.linking.crossdoc import encode_mentions
from sciwire.linking.mentions import (
    AUTHOR_PRONOUNS,
    PLURAL_PRONOUNS,
    SINGULAR_PRONOUNS,
    Mention,
    detect_mentions,
    mention_from_span,
    parse_sentences,
    resolve_pronouns,
)

if TYPE_CHECKING:
    from spacy.language import Language

MentionKey = tuple[str, int, int]


@dataclass
class PreparedTopic:
    """One topic: story and paper Documents, gold mentions with clusters, predicted mentions, vectors."""

    topic: str
    story: Document
    paper: Document
    gold: MentionSet
    gold_clusters: tuple[str, ...]
    predicted: MentionSet

    def gold_key(self) -> list[set[Hashable]]:
        """The gold clusters as sets of mention keys."""
        groups: dict[str, set[Hashable]] = {}
        for m, c in zip(self.gold.mentions, self.gold_clusters, strict=True):
            groups.setdefault(c, set()).add(key(m))
        return list(groups.values())


def key(m: Mention) -> MentionKey:
    """How a mention is identified when scoring."""
    return (m.doc_id, m.start, m.end)


def _gold_mentions(
    tokens: CdcrTokens, doc: Document, parsed: Sequence[Any], topic: CdcrTopic
) -> tuple[list[Mention], list[str]]:
    where = {tid: (s, k) for s, sent in enumerate(tokens.sentences) for k, (tid, _) in enumerate(sent)}
    found: list[tuple[Mention, str]] = []
    for gm in topic.mentions:
        if gm.doc_id != tokens.doc_id or gm.token_ids[0] not in where or gm.token_ids[-1] not in where:
            continue
        (s, a), (s2, b) = where[gm.token_ids[0]], where[gm.token_ids[-1]]
        if s != s2:
            continue
        span = parsed[s][a : b + 1]
        low = span.text.lower()
        if len(span) == 1 and tokens.kind == "science" and low in AUTHOR_PRONOUNS:
            kind = "author"
        elif len(span) == 1 and span[0].pos_ == "PRON" and low in SINGULAR_PRONOUNS | PLURAL_PRONOUNS:
            kind = "pronoun"
        elif any(e.start == span.start and e.end == span.end for e in parsed[s].ents):
            kind = "entity"
        else:
            kind = "noun_phrase"
        found.append((mention_from_span(doc.id, span, doc.sentences[s].start, s, kind), gm.cluster))
    found.sort(key=lambda x: (x[0].start, -x[0].end))
    cluster_of = {key(m): c for m, c in found}
    mentions = resolve_pronouns([m for m, _ in found], drop_unresolved=False)
    return mentions, [cluster_of[key(m)] for m in mentions]


def prepare_topics(topics: Sequence[CdcrTopic], nlp: Language, encoder: Any) -> list[PreparedTopic]:
    """Parse, detect mentions and embed every topic (gold and predicted mentions)."""
    out = []
    for topic in topics:
        parts: dict[str, tuple[Document, list[Mention], list[str], list[Mention]]] = {}
        for tokens in (topic.news, topic.science):
            doc, _ = tokens.to_document()
            parsed = parse_sentences(doc, nlp, tokens.words)
            found, clusters = _gold_mentions(tokens, doc, parsed, topic)
            parts[tokens.kind] = (doc, found, clusters, detect_mentions(doc, parsed))
        story, g_news, c_news, p_news = parts["news"]
        paper, g_sci, c_sci, p_sci = parts["science"]
        both = encode_mentions([(story, g_news + p_news), (paper, g_sci + p_sci)], encoder)
        vec = both.context
        a, b, c = len(g_news), len(g_news) + len(p_news), len(g_news) + len(p_news) + len(g_sci)
        gold = MentionSet((*g_news, *g_sci), np.vstack([vec[:a], vec[b:c]]))
        predicted = MentionSet((*p_news, *p_sci), np.vstack([vec[a:b], vec[c:]]))
        out.append(PreparedTopic(topic.topic, story, paper, gold, tuple(c_news + c_sci), predicted))
    return out


def training_pairs(topics: Sequence[PreparedTopic], same_head_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Features and 0/1 labels of every gold-mention pair (i < j) of every topic."""
    xs, ys = [], []
    for t in topics:
        feats = pair_features(t.gold)
        labels = np.array(t.gold_clusters)
        i, j = np.triu_indices(len(labels), k=1)
        if same_head_only:
            keep = feats[i, j, 2] > 0
            i, j = i[keep], j[keep]
        xs.append(feats[i, j])
        ys.append((labels[i] == labels[j]).astype(int))
    return np.vstack(xs), np.concatenate(ys)
