"""Cross-document coreference: pair features, a logistic pair scorer, average-link clustering.

Every pair of mentions of a story and a paper (both documents together, so a story's "it"
can join its antecedent's cluster) gets the features in :data:`FEATURES`:

- ``context_cosine``: cosine of the mentions' in-context vectors (:mod:`sciwire.backends.token_vectors`);
- ``head_match``, ``exact_match``: same head lemma / same text without determiners;
- ``lemma_overlap``: Jaccard overlap of the content lemmas;
- ``alias``: an acronym and its expansion ("RHDV" / "rabbit hemorrhagic disease virus"), or
  a paper's "we" and a story's "the researchers";
- ``pronoun``: either mention is a pronoun (lets the model discount the string features);
- ``same_document``, ``antecedent``: both in one document / one is the other's antecedent.

A pronoun is compared through its antecedent (its text, head and lemmas), except for the
in-context vector, which is its own. The pair probability is
``sigmoid(bias + Σ w_f · f)`` (:class:`PairScorer`, fitted on CD²CR train by ``sciwire train
link``; the shipped weights are the model folder ``sciwire/models/link_coref_default``, see
:mod:`sciwire.linking.model`), and mentions are grouped by average-link clustering: two
clusters merge while the mean pair probability between them is at least the threshold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sciwire.errors import InputError
from sciwire.fitting import LogisticScorer
from sciwire.linking.mentions import Mention

FEATURES: tuple[str, ...] = (
    "context_cosine",
    "head_match",
    "exact_match",
    "lemma_overlap",
    "alias",
    "pronoun",
    "same_document",
    "antecedent",
)
AUTHOR_NOUNS = frozenset({"researcher", "scientist", "author", "team", "investigator", "group", "we"})
_WORDS = re.compile(r"[A-Za-z][a-z]*|\d+")


@dataclass(frozen=True)
class MentionSet:
    """The mentions of one story and one paper, with their in-context vectors (rows in mention order)."""

    mentions: tuple[Mention, ...]
    context: np.ndarray

    def __post_init__(self) -> None:
        if len(self.context) != len(self.mentions):
            raise InputError(
                f"MentionSet has {len(self.mentions)} mentions but {len(self.context)} context vectors; "
                "pass one per mention"
            )


def resolved_index(mentions: Sequence[Mention]) -> np.ndarray:
    """For each mention, the global index whose text/head represent it (a pronoun's antecedent)."""
    first: dict[str, int] = {}
    for i, m in enumerate(mentions):
        first.setdefault(m.doc_id, i)
    out = np.arange(len(mentions))
    for i, m in enumerate(mentions):
        if m.antecedent is not None:
            out[i] = first[m.doc_id] + m.antecedent
    return out


def is_acronym(short: str, long: str) -> bool:
    """Whether ``short`` (e.g. "RHDV") spells the initials of ``long``'s words."""
    letters = _acronym_letters(short)
    return letters is not None and letters == _initials(long)


def _acronym_letters(short: str) -> str | None:
    """``short``'s letters and digits, lower-cased, when it can be an acronym (2-8, two capitals, one word)."""
    letters = re.sub(r"[^A-Za-z0-9]", "", short)
    if not 2 <= len(letters) <= 8 or sum(c.isupper() for c in letters) < 2 or " " in short.strip():
        return None
    return letters.lower()


def _initials(long: str) -> str | None:
    """The initials of ``long``'s content words, lower-cased (None under two words)."""
    words = [w for w in _WORDS.findall(long) if w.lower() not in ("of", "and", "the", "a", "an", "in", "for")]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else None


def _aliases(res: Sequence[Mention], special: Sequence[int]) -> list[tuple[int, int]]:
    """Pairs (i, j), i in ``special``, where one is the other's acronym or an author mention
    meets an author noun; acronym letters and initials are computed once per mention."""
    letters = [_acronym_letters(m.text) for m in res]
    initials = [_initials(m.normalized) for m in res]
    found = []
    for i in special:
        a = res[i]
        for j, b in enumerate(res):
            if i == j:
                continue
            if a.kind == "author" or b.kind == "author":
                alias = (b if a.kind == "author" else a).head in AUTHOR_NOUNS
            else:
                alias = (letters[i] is not None and letters[i] == initials[j]) or (
                    letters[j] is not None and letters[j] == initials[i]
                )
            if alias:
                found.append((i, j))
    return found


def pair_features(ms: MentionSet) -> np.ndarray:
    """Features of every mention pair: an array of shape ``(n, n, len(FEATURES))``."""
    mentions = list(ms.mentions)
    n = len(mentions)
    rep = resolved_index(mentions)
    res = [mentions[r] for r in rep]
    feats = np.zeros((n, n, len(FEATURES)), dtype=np.float32)
    if n == 0:
        return feats
    feats[..., 0] = np.clip(ms.context @ ms.context.T, -1, 1)
    heads = np.unique([m.head for m in res], return_inverse=True)[1]
    feats[..., 1] = heads[:, None] == heads[None, :]
    norms = np.unique([m.normalized for m in res], return_inverse=True)[1]
    feats[..., 2] = norms[:, None] == norms[None, :]
    vocab = {w: k for k, w in enumerate(sorted({w for m in res for w in m.lemmas}))}
    bag = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
    for i, m in enumerate(res):
        bag[i, [vocab[w] for w in m.lemmas]] = 1
    inter = bag @ bag.T
    size = bag.sum(axis=1)
    union = size[:, None] + size[None, :] - inter
    feats[..., 3] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    special = [i for i, m in enumerate(res) if m.kind == "author" or any(c.isupper() for c in m.text[1:])]
    for i, j in _aliases(res, special):
        feats[i, j, 4] = feats[j, i, 4] = 1
    pron = np.array([m.kind in ("pronoun", "author") for m in mentions])
    feats[..., 5] = pron[:, None] | pron[None, :]
    docs = np.unique([m.doc_id for m in mentions], return_inverse=True)[1]
    feats[..., 6] = docs[:, None] == docs[None, :]
    for i in range(n):
        if rep[i] != i:
            feats[i, rep[i], 7] = feats[rep[i], i, 7] = 1
    return feats


class PairScorer(LogisticScorer):
    """Logistic regression over :data:`FEATURES`: the probability that two mentions corefer.

    A :class:`~sciwire.fitting.LogisticScorer` (scikit-learn's contract: ``fit`` returns self,
    ``coef_``, ``intercept_``, ``classes_``, ``predict_proba`` columns in ``classes_`` order)
    whose features are the pair features, saved as a model folder.

    Args:
        C: Inverse L2 regularisation strength.
        class_weight: Passed to scikit-learn (``"balanced"`` by default: positives are rare;
            the shipped scorer uses None, so its probabilities keep the train prior).
        feature_names: The pair features (:data:`FEATURES`).
        max_iter: Iterations of the solver.

    Example:
        >>> scorer = PairScorer(class_weight=None).fit(np.eye(len(FEATURES))[[0, 1, 0, 1]], [1, 0, 1, 0])
        >>> scorer.predict_proba(np.zeros((1, len(FEATURES)))).shape
        (1, 2)
    """

    def __init__(
        self,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        feature_names: Sequence[str] | None = FEATURES,
        max_iter: int = 1000,
    ) -> None:
        super().__init__(feature_names=feature_names, C=C, class_weight=class_weight, max_iter=max_iter)

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """The logit of each pair, computed in float64 (pair features are float32)."""
        return super().decision_function(np.asarray(X, dtype=np.float64))


def pair_probabilities(ms: MentionSet, scorer: PairScorer) -> np.ndarray:
    """The symmetric ``(n, n)`` matrix of pair probabilities (diagonal 1)."""
    feats = pair_features(ms)
    n = len(ms.mentions)
    prob = scorer.predict_proba(feats.reshape(n * n, -1))[:, 1].reshape(n, n) if n else np.zeros((0, 0))
    prob = (prob + prob.T) / 2
    np.fill_diagonal(prob, 1.0)
    return prob


def cluster(prob: np.ndarray, threshold: float) -> np.ndarray:
    """Average-link clustering: labels 0..k-1, merging while the mean pair probability >= threshold."""
    n = len(prob)
    if n <= 1:
        return np.zeros(n, dtype=int)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = np.clip(1.0 - prob, 0.0, 1.0)
    np.fill_diagonal(dist, 0.0)
    tree = linkage(squareform(dist, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    return np.unique(labels, return_inverse=True)[1]
