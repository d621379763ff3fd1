"""Shared entities of a story and a paper: mentions -> vectors -> filter -> pair probabilities -> clusters.

:class:`EntityLinker` ties :mod:`sciwire.linking.mentions`, :mod:`sciwire.linking.mention_filter`
and :mod:`sciwire.linking.coref` together. ``link`` returns a :class:`Linking`: every mention
with its cluster label, and the **cross-document pairs**: for each cluster holding mentions
of both documents, the most probable (story mention, paper mention) pair.

Example:
    >>> linker = EntityLinker()                         # doctest: +SKIP
    >>> result = linker.link(story, paper)              # doctest: +SKIP
    >>> [(p.story.text, p.paper.text) for p in result.pairs][:2]   # doctest: +SKIP
    [('the jab', 'BNT162b2 mRNA vaccine'), ('the researchers', 'we')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.linking.coref import MentionSet, PairScorer, cluster, pair_probabilities
from sciwire.linking.mention_filter import MentionFilter, filter_mentions
from sciwire.linking.mentions import Mention, detect_mentions, parse_sentences
from sciwire.linking.model import load_coref_model, load_mention_model

#: Sentences whose parse and token vectors the linker keeps (a paper's, shared by its stories).
MEMO_SENTENCES = 2000


@dataclass(frozen=True)
class EntityPair:
    """A story mention and a paper mention in the same cluster, with the pair probability."""

    cluster: int
    story: Mention
    paper: Mention
    probability: float


@dataclass(frozen=True)
class Linking:
    """Mentions of both documents (story first), their cluster labels and the cross-document pairs."""

    mentions: tuple[Mention, ...]
    labels: tuple[int, ...]
    pairs: tuple[EntityPair, ...]


def encode_mentions(
    docs: Sequence[tuple[Document, Sequence[Mention]]],
    encoder: Any,
    memo: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
    model_key: str | None = None,
) -> MentionSet:
    """In-context vectors for the mentions of several documents (concatenated in order).

    ``memo`` keeps the encoder's token vectors by sentence text between calls; with
    ``model_key``, token states the sentence embedder kept are reused.
    """
    from sciwire.backends.token_vectors import span_vectors

    mentions: list[Mention] = []
    context: list[np.ndarray] = []
    for doc, ms in docs:
        sents = doc.sentence_texts()
        spans = [(m.sentence, m.start - doc.sentences[m.sentence].start, m.end - doc.sentences[m.sentence].start)
                 for m in ms]  # fmt: skip
        context.append(span_vectors(encoder, sents, spans, memo=memo, model_key=model_key))
        mentions.extend(ms)
    dim = context[0].shape[1] if context else 0
    ctx = np.vstack(context) if mentions else np.zeros((0, dim), dtype=np.float32)
    return MentionSet(tuple(mentions), ctx)


def cross_pairs(ms: MentionSet, labels: np.ndarray, prob: np.ndarray, story_id: str) -> list[EntityPair]:
    """For each cluster with mentions in both documents, its most probable story/paper pair."""
    best: dict[int, EntityPair] = {}
    mentions = ms.mentions
    story_idx = [i for i, m in enumerate(mentions) if m.doc_id == story_id]
    paper_idx = [j for j, m in enumerate(mentions) if m.doc_id != story_id]
    for i in story_idx:
        for j in paper_idx:
            if labels[i] != labels[j]:
                continue
            pair = EntityPair(int(labels[i]), mentions[i], mentions[j], float(prob[i, j]))
            if pair.cluster not in best or pair.probability > best[pair.cluster].probability:
                best[pair.cluster] = pair
    return sorted(best.values(), key=lambda p: (p.story.start, p.paper.start))


class EntityLinker:
    """Find the entities a story shares with a paper.

    Args:
        config: Models (``models.spacy`` must have a parser), the pair scorer's folder and the
            threshold (``config.link``); default: the resolved config.
        scorer: The pair scorer (default: the one in the folder ``link.coref_model`` names).
        mention_filter: The mention filter :meth:`link` applies to detected mentions (default: the
            folder ``link.mention_model`` names; none when that is ``"none"``).

    Attributes:
        scorer: The pair scorer; ``scorer.folder`` is the folder it came from.
        mention_filter: The mention filter, or None.
    """

    def __init__(
        self,
        config: Config | None = None,
        scorer: PairScorer | None = None,
        mention_filter: MentionFilter | None = None,
    ) -> None:
        self.config = config or load_config()
        self.scorer = scorer or load_coref_model(self.config.link.coref_model)
        spec = self.config.link.mention_model
        self.mention_filter = mention_filter or (None if spec == "none" else load_mention_model(spec))

    def warm_up(self) -> None:
        """Load the parser pipeline and the encoder (once per process)."""
        from sciwire.backends.embeddings import resolve_model
        from sciwire.backends.spacy_parser import load_spacy_parser
        from sciwire.backends.token_vectors import load_token_encoder

        self.nlp_ = load_spacy_parser(self.config.models.spacy)
        self._memo: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._parsed: dict[str, Any] = {}
        self.encoder_ = load_token_encoder(self.config.models.embedding, self.config.runtime.device)
        self.encoder_key_ = resolve_model(self.config.models.embedding)[1]

    def forget(self) -> None:
        """Drop the parsed sentences and token vectors kept between calls (``analyze`` does, per analysis)."""
        if hasattr(self, "nlp_"):
            self._memo.clear()
            self._parsed.clear()

    def mentions(self, doc: Document, sentences: Sequence[int] | None = None) -> list[Mention]:
        """Mentions of ``doc`` (only in the sentences with the given indices, when given)."""
        if not hasattr(self, "nlp_"):
            self.warm_up()
        chosen = list(doc.sentences) if sentences is None else [doc.sentences[i] for i in sorted(set(sentences))]
        todo = [s for s in chosen if doc.span_text(s) not in self._parsed]
        for sent, parsed in zip(todo, parse_sentences(doc, self.nlp_, sentences=todo), strict=True):
            self._parsed[doc.span_text(sent)] = parsed
        return detect_mentions(doc, [self._parsed[doc.span_text(s)] for s in chosen], chosen)

    def encode(
        self, story: Document, story_mentions: Sequence[Mention], paper: Document, paper_mentions: Sequence[Mention]
    ) -> MentionSet:
        """The mentions of both documents (story first) with their in-context vectors."""
        if not hasattr(self, "encoder_"):
            self.warm_up()
        if len(self._memo) > MEMO_SENTENCES or len(self._parsed) > MEMO_SENTENCES:
            self._memo.clear()
            self._parsed.clear()
        return encode_mentions(
            [(story, story_mentions), (paper, paper_mentions)], self.encoder_, self._memo, self.encoder_key_
        )

    def cluster(self, ms: MentionSet, story_id: str) -> Linking:
        """Cluster the mentions of ``ms`` and find the shared ones."""
        prob = pair_probabilities(ms, self.scorer)
        labels = cluster(prob, self.config.link.coref_threshold)
        pairs = cross_pairs(ms, labels, prob, story_id)
        return Linking(ms.mentions, tuple(int(x) for x in labels), tuple(pairs))

    def link_mentions(
        self, story: Document, story_mentions: Sequence[Mention], paper: Document, paper_mentions: Sequence[Mention]
    ) -> Linking:
        """Cluster given mentions of both documents (e.g. gold mentions, not filtered) and find the shared ones."""
        return self.cluster(self.encode(story, story_mentions, paper, paper_mentions), story.id)

    def link(self, story: Document, paper: Document, paper_sentences: Sequence[int] | None = None) -> Linking:
        """Detect mentions in both documents, keep those the mention filter accepts, and link them."""
        ms = self.encode(story, self.mentions(story), paper, self.mentions(paper, paper_sentences))
        if self.mention_filter is not None:
            texts = {story.id: story.text, paper.id: paper.text}
            ms = filter_mentions(ms, self.mention_filter, self.config.link.mention_threshold, texts, story.id)
        return self.cluster(ms, story.id)
