"""The answer ranker at work: scores one paper's candidate sentences for a question.

Given the hybrid retriever's candidates of one paper (cosine, normalised BM25), their texts
and CoreSC role probabilities, :func:`score_paper` returns per sentence the ranker's logit
(does it carry the answer?), the paper's P(it answers the question at all) and the calibrated
confidence of each sentence (see :mod:`sciwire.qa.model`). Pure functions on arrays.

Example:
    >>> import numpy as np
    >>> f = answerable_features("How many mice died?", ["Mice died.", "We fed rats."], np.array([0.7, 0.2]))
    >>> [round(float(v), 2) for v in f]
    [0.7, 0.45, 1.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from sciwire.qa.features import answer_features, content_words
from sciwire.qa.model import ANSWERABLE_THRESHOLD, AnswerModel


def answerable_features(question: str, texts: Sequence[str], cosine: np.ndarray) -> np.ndarray:
    """:data:`~sciwire.qa.model.ANSWERABLE_FEATURES` of one paper: its best cosine, the mean of its
    top 3, the largest share of the question's content words in one sentence, and in the whole paper."""
    q = content_words(question)
    words = [content_words(t) for t in texts]
    cos = np.sort(np.asarray(cosine, dtype=np.float64))[::-1]
    if not len(cos):
        return np.zeros(4)
    best_cover = max((len(q & w) / len(q) for w in words), default=0.0) if q else 0.0
    paper_cover = len(q & set().union(*words)) / len(q) if q else 0.0
    return np.array([cos[0], float(cos[:3].mean()), best_cover, paper_cover])


class PaperScores(NamedTuple):
    """Scores of one paper's candidates: ranker logits, P(the paper answers), confidences."""

    ranker_logit: np.ndarray
    answerable: float
    confidence: np.ndarray

    @property
    def answers(self) -> bool:
        """Whether the paper answers the question (P >= :data:`~sciwire.qa.model.ANSWERABLE_THRESHOLD`)."""
        return self.answerable >= ANSWERABLE_THRESHOLD


def score_paper(
    model: AnswerModel,
    question: str,
    texts: Sequence[str],
    *,
    bm25: np.ndarray,
    cosine: np.ndarray,
    roles: np.ndarray,
) -> PaperScores:
    """Score one paper's candidate sentences for ``question`` with the model's answer scorers.

    Args:
        model: An answer model with the ranker (format 2).
        question: The question.
        texts: The candidate sentences of one paper.
        bm25: Their BM25 score / the query's best (0 when BM25 did not find them).
        cosine: Their cosine to the question.
        roles: Their role-group probabilities, shape ``(n, 4)``.

    Raises:
        ValueError: When the model has no ranker.
    """
    if model.ranker is None or model.answerable is None or model.answer_confidence is None:
        raise ValueError("score_paper needs an answer model with a ranker (format 2)")
    hybrid = np.asarray(cosine) + model.bm25_weight * np.asarray(bm25)
    X = answer_features(question, texts, hybrid=hybrid, bm25=bm25, cosine=cosine, roles=roles)
    ranker_logit = model.ranker.decision_function(X)
    answerable_logit = float(model.answerable.decision_function(answerable_features(question, texts, cosine)))
    pairs = np.column_stack([np.full(len(texts), answerable_logit), ranker_logit])
    confidence = model.answer_confidence.probability(pairs) if len(texts) else np.zeros(0)
    answerable = float(1.0 / (1.0 + np.exp(-answerable_logit)))
    return PaperScores(ranker_logit, answerable, confidence)
