"""Mention filter: keep the candidate mentions a story and its paper are likely to share.

:func:`~sciwire.linking.mentions.detect_mentions` proposes every noun phrase, named entity and
resolvable pronoun (on CD²CR dev: 4.4 candidates per annotated mention). The filter scores
each candidate with a logistic regression over :data:`MENTION_FEATURES` and keeps those whose
probability is at least a threshold (``link.mention_threshold``); of two kept candidates that
overlap, only the more probable one stays (annotated mentions rarely overlap).

Features of a candidate ``m`` in document ``D``, the other document of the pair being ``O``:

- ``cross_cosine``: the best in-context cosine between ``m`` and a candidate of ``O``;
- ``cross_overlap``: the best Jaccard overlap of content lemmas with a candidate of ``O``;
- ``term``: the term layer knows ``m``: an abbreviation or its long form
  (:mod:`sciwire.terms.abbreviations`), or a phrase of two or more words that ``D`` repeats;
- ``chain``: ``m`` is in an in-document chain of the candidates: a pronoun, its antecedent, or a
  phrase whose head lemma another non-overlapping candidate of the same document shares;
- ``story``: ``m`` is in the news story (not the paper);
- ``pronoun``: a pronoun or a paper's "we";
- ``entity``: a named entity (not a number);
- ``number``: a number, percentage, quantity, date or time;
- ``extended``: a noun phrase with its prepositional or clausal modifier ("the spread of farming");
- ``determiner``: starts with a determiner ("the", "a", "its"...);
- ``one_word``, ``long``: one word / six words or more.

The weights are fitted on CD²CR train (:func:`sciwire.linking.train.fit_mention_filter`).

Example:
    >>> import numpy as np
    >>> X = np.eye(len(MENTION_FEATURES))[[0, 1, 0, 1]]
    >>> MentionFilter().fit(X, [1, 0, 1, 0]).probability(X).shape
    (4,)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from sciwire.fitting import LogisticScorer
from sciwire.linking.coref import MentionSet, resolved_index
from sciwire.linking.mentions import DETERMINERS, Mention

MENTION_FEATURES: tuple[str, ...] = (
    "cross_cosine",
    "cross_overlap",
    "term",
    "chain",
    "story",
    "pronoun",
    "entity",
    "number",
    "extended",
    "determiner",
    "one_word",
    "long",
)
LONG_WORDS = 6
NUMBER_LABELS = frozenset({"CARDINAL", "PERCENT", "QUANTITY", "MONEY", "DATE", "TIME"})


class MentionFilter(LogisticScorer):
    """Logistic regression over :data:`MENTION_FEATURES`: P(a candidate is a mention worth linking).

    A :class:`~sciwire.fitting.LogisticScorer` (scikit-learn's contract), saved as a model folder.

    Args:
        C: Inverse L2 regularisation strength.
        class_weight: Passed to scikit-learn (None keeps the prior of the training data).
        feature_names: The mention features (:data:`MENTION_FEATURES`).
        max_iter: Iterations of the solver.
    """

    def __init__(
        self,
        C: float = 1.0,
        class_weight: str | None = None,
        feature_names: Sequence[str] | None = MENTION_FEATURES,
        max_iter: int = 1000,
    ) -> None:
        super().__init__(feature_names=feature_names, C=C, class_weight=class_weight, max_iter=max_iter)

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The logit of each candidate, computed in float64."""
        return super().decision_function(np.asarray(X, dtype=np.float64))


def term_spans(text: str) -> list[tuple[int, int]]:
    """Character spans the term layer marks in ``text``: abbreviations (every use) and their long forms."""
    from sciwire.terms.abbreviations import find_abbreviations, resolve_abbreviations

    found = find_abbreviations(text)
    spans = [(a.long_start, a.long_end) for a in found if a.long_start >= 0]
    spans += [(m.start, m.end) for m in resolve_abbreviations(text, found)]
    return spans


def _extended(mentions: Sequence[Mention]) -> list[bool]:
    """Whether each mention is a noun phrase that strictly contains another candidate starting at
    the same offset (the shortest candidate of each start is found once)."""
    shortest: dict[tuple[str, int], int] = {}
    for o in mentions:
        key = (o.doc_id, o.start)
        shortest[key] = min(shortest.get(key, o.end), o.end)
    return [m.kind == "noun_phrase" and shortest[(m.doc_id, m.start)] < m.end for m in mentions]


def _string_chains(mentions: Sequence[Mention], res: Sequence[Mention]) -> list[bool]:
    """Whether each mention is in an in-document chain of the candidates themselves: a pronoun's
    antecedent, a resolved pronoun, or a noun phrase whose head another non-overlapping candidate
    of the same document shares."""
    out = [m.antecedent is not None for m in mentions]
    first: dict[str, int] = {}
    for i, m in enumerate(mentions):
        first.setdefault(m.doc_id, i)
        if m.antecedent is not None:
            out[first[m.doc_id] + m.antecedent] = True
    by_head: dict[tuple[str, str], list[int]] = {}
    for i, m in enumerate(mentions):
        if m.kind in ("noun_phrase", "entity"):
            by_head.setdefault((m.doc_id, res[i].head), []).append(i)
    for group in by_head.values():
        for i in group:
            a = mentions[i]
            if any(mentions[j].end <= a.start or a.end <= mentions[j].start for j in group if j != i):
                out[i] = True
    return out


def mention_features(ms: MentionSet, texts: Mapping[str, str], story_id: str | None = None) -> np.ndarray:
    """The :data:`MENTION_FEATURES` of every mention of ``ms`` (rows in mention order).

    Args:
        ms: Candidate mentions of a story and a paper with their in-context vectors.
        texts: The text of each document, by id (for the term layer).
        story_id: The story's document id (default: the first mention's document).
    """
    mentions = list(ms.mentions)
    n = len(mentions)
    feats = np.zeros((n, len(MENTION_FEATURES)), dtype=np.float64)
    if n == 0:
        return feats
    res = [mentions[r] for r in resolved_index(mentions)]
    docs = np.array([m.doc_id for m in mentions])
    other = docs[:, None] != docs[None, :]
    cos = np.where(other, ms.context @ ms.context.T, -1.0)
    feats[:, 0] = np.clip(cos.max(axis=1), 0.0, 1.0)
    # the best lemma overlap with a mention of another document; only mentions that share a
    # lemma can score above 0, so they are found through an index of (document, lemma)
    sharing: dict[tuple[str, str], set[frozenset[str]]] = {}
    for m, a in zip(mentions, res, strict=True):
        for lemma in a.lemmas:
            sharing.setdefault((m.doc_id, lemma), set()).add(a.lemmas)
    doc_ids = set(docs.tolist())
    for i, (m, a) in enumerate(zip(mentions, res, strict=True)):
        near = {b for d in doc_ids if d != m.doc_id for lemma in a.lemmas for b in sharing.get((d, lemma), ())}
        feats[i, 1] = max((len(a.lemmas & b) / len(a.lemmas | b) for b in near), default=0.0)
    terms = {d: term_spans(t) for d, t in texts.items()}
    repeated = Counter((m.doc_id, m.normalized) for m in mentions if m.kind in ("noun_phrase", "entity"))
    in_chain = _string_chains(mentions, res)
    extended = _extended(mentions)
    story = mentions[0].doc_id if story_id is None else story_id
    for i, m in enumerate(mentions):
        in_term = any(
            (s <= m.start and m.end <= e) or (m.start <= s and e <= m.end) for s, e in terms.get(m.doc_id, ())
        )
        words = m.text.split()
        feats[i, 2] = in_term or (len(words) > 1 and repeated[(m.doc_id, m.normalized)] >= 2)
        feats[i, 3] = in_chain[i]
        feats[i, 4] = m.doc_id == story
        feats[i, 5] = m.kind in ("pronoun", "author")
        feats[i, 6] = m.kind == "entity" and m.label not in NUMBER_LABELS
        feats[i, 7] = m.label in NUMBER_LABELS
        feats[i, 8] = extended[i]
        feats[i, 9] = words[0].lower() in DETERMINERS
        feats[i, 10] = len(words) == 1
        feats[i, 11] = len(words) >= LONG_WORDS
    return feats


def select(mentions: Sequence[Mention], probability: np.ndarray, threshold: float) -> list[int]:
    """Indices (in order) of the mentions with probability >= ``threshold``, the more probable of overlapping ones."""
    order = sorted(range(len(mentions)), key=lambda i: -float(probability[i]))
    kept: list[int] = []
    for i in order:
        if probability[i] < threshold:
            break
        m = mentions[i]
        if all(mentions[k].doc_id != m.doc_id or mentions[k].end <= m.start or m.end <= mentions[k].start
               for k in kept):  # fmt: skip
            kept.append(i)
    return sorted(kept)


def filter_mentions(
    ms: MentionSet,
    scorer: MentionFilter,
    threshold: float,
    texts: Mapping[str, str],
    story_id: str,
) -> MentionSet:
    """The mentions of ``ms`` the filter keeps, with their vectors; pronoun antecedents are re-indexed.

    Args:
        ms: Candidate mentions of a story and a paper with their in-context vectors.
        scorer: The fitted filter.
        threshold: Keep candidates with at least this probability (``link.mention_threshold``).
        texts: The text of each document, by id.
        story_id: The story's document id.
    """
    prob = scorer.probability(mention_features(ms, texts, story_id))
    keep = select(ms.mentions, prob, threshold)
    return subset(ms, keep)


def subset(ms: MentionSet, keep: Sequence[int]) -> MentionSet:
    """The mentions at ``keep`` (in order); a pronoun whose antecedent is dropped loses it."""
    mentions = list(ms.mentions)
    first: dict[str, int] = {}
    for i, m in enumerate(mentions):
        first.setdefault(m.doc_id, i)
    new_index = {old: new for new, old in enumerate(keep)}
    new_first: dict[str, int] = {}
    for new, old in enumerate(keep):
        new_first.setdefault(mentions[old].doc_id, new)
    out = []
    for old in keep:
        m = mentions[old]
        ant = None
        if m.antecedent is not None:
            target = first[m.doc_id] + m.antecedent
            if target in new_index:
                ant = new_index[target] - new_first[m.doc_id]
        out.append(Mention(**{**m.__dict__, "antecedent": ant}))
    return MentionSet(tuple(out), ms.context[list(keep)] if len(keep) else ms.context[:0])
