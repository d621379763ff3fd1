"""What the answer ranker reads about a candidate sentence: cheap, named features.

Per candidate sentence of one question (:func:`answer_features`):

- retrieval evidence: the hybrid score, the normalised BM25 score (0 when BM25 did not find
  it), the MiniLM cosine to the question and how far that cosine is below the paper's best
  (``cosine_gap``: in a long paper, results about something else sit far below);
- its discourse role: the CoreSC tagger's probabilities folded into four groups
  (:data:`ROLE_GROUPS`: background/motivation/goal, method, result/observation, conclusion);
- (not its position: in PubMedQA abstracts the conclusions are cut off, so the last sentence
  is always a result, a layout that papers do not share);
- whether it reports a number, a percentage, a p-value or an effect with confidence interval;
- how it relates to the question's words: the share of the question's content words it
  repeats (``question_cover``), the share of its own content words that are new
  (``novelty``), and ``restates`` = cover x (1 - novelty): high when the sentence merely
  restates the question;
- its length (log of the number of words).

Example:
    >>> import numpy as np
    >>> X = answer_features("How many mice died?", ["Mice can die.", "Of 24 mice, 3 died (12.5%; p = 0.03)."],
    ...                     hybrid=[0.9, 0.7], bm25=[1.0, 0.8], cosine=[0.8, 0.6],
    ...                     roles=np.array([[1, 0, 0, 0], [0, 0, 1, 0]]))
    >>> X.shape == (2, len(FEATURES))
    True
    >>> float(dict(zip(FEATURES, X[1]))["has_pvalue"])
    1.0
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from sciwire.readers._checks import FUNCTION_WORDS, words

#: CoreSC codes folded into the four role features (``Obj``, the object studied, goes with methods).
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    "role_background": ("Bac", "Mot", "Goa", "Hyp"),
    "role_method": ("Met", "Exp", "Mod", "Obj"),
    "role_result": ("Res", "Obs"),
    "role_conclusion": ("Con",),
}
ROLE_FEATURES: tuple[str, ...] = tuple(ROLE_GROUPS)
#: The columns of :func:`answer_features`, in order.
FEATURES: tuple[str, ...] = (
    "hybrid",
    "bm25",
    "cosine",
    "cosine_gap",
    *ROLE_FEATURES,
    "has_number",
    "has_percent",
    "has_pvalue",
    "has_effect",
    "question_cover",
    "novelty",
    "restates",
    "log_words",
)
#: Words of questions that carry no content ("How many ... were ...?").
STOP = FUNCTION_WORDS | frozenset(
    """do does did is are was were can could should would will what which how why when where who whom whose
    a an the of in on for to with by from and or not no than there their its this that these those be been
    being has have had many much more most less any some""".split()
)
#: Where the role groups sit among the columns of :func:`answer_features`.
ROLE_COLUMNS = slice(FEATURES.index(ROLE_FEATURES[0]), FEATURES.index(ROLE_FEATURES[-1]) + 1)
_NUMBER = re.compile(r"\d")
_PERCENT = re.compile(r"\d\s?%|\bper ?cent\b", re.I)
_PVALUE = re.compile(r"\bp\s?[<=>≤≥]\s?0?[.·]\d", re.I)
_EFFECT = re.compile(r"\b(?:95\s?%\s?CI|CI|OR|RR|HR|odds ratio|hazard ratio|relative risk|AUC|SD|SE)\b")


def content_words(text: str) -> set[str]:
    """Lower-cased words of ``text`` that are not function words, crudely stemmed (plural/-ed/-ing cut)."""
    out = set()
    for w in words(text):
        w = w.lower()
        if w in STOP or len(w) < 3:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out


def role_groups(probabilities: Mapping[str, float] | None) -> list[float]:
    """The four role-group probabilities from CoreSC probabilities (zeros when unknown)."""
    if not probabilities:
        return [0.0] * len(ROLE_GROUPS)
    return [float(sum(probabilities.get(c, 0.0) for c in codes)) for codes in ROLE_GROUPS.values()]


def answer_features(
    question: str,
    texts: Sequence[str],
    *,
    hybrid: ArrayLike,
    bm25: ArrayLike,
    cosine: ArrayLike,
    roles: ArrayLike,
) -> np.ndarray:
    """The :data:`FEATURES` of candidate sentences ``texts`` for ``question``, shape ``(n, len(FEATURES))``.

    Args:
        question: The question.
        texts: The candidate sentences.
        hybrid: Their hybrid (fused) scores.
        bm25: Their BM25 scores divided by the query's best one (0 when not found by BM25).
        cosine: Their cosine similarity to the question (all candidates of one paper: the gap is to
            the best of them).
        roles: Their role-group probabilities, shape ``(n, 4)`` (see :func:`role_groups`).
    """
    n = len(texts)
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if n == 0:
        return out
    out[:, 0] = np.asarray(hybrid, dtype=np.float64)
    out[:, 1] = np.asarray(bm25, dtype=np.float64)
    out[:, 2] = np.asarray(cosine, dtype=np.float64)
    out[:, 3] = out[:, 2].max() - out[:, 2]
    out[:, ROLE_COLUMNS] = np.asarray(roles, dtype=np.float64).reshape(n, len(ROLE_FEATURES))
    q_words = content_words(question)
    for i, text in enumerate(texts):
        s_words = content_words(text)
        cover = len(q_words & s_words) / len(q_words) if q_words else 0.0
        novelty = len(s_words - q_words) / len(s_words) if s_words else 0.0
        out[i, ROLE_COLUMNS.stop :] = (
            float(bool(_NUMBER.search(text))),
            float(bool(_PERCENT.search(text))),
            float(bool(_PVALUE.search(text))),
            float(bool(_EFFECT.search(text))),
            cover,
            novelty,
            cover * (1.0 - novelty),
            math.log1p(len(words(text))),
        )
    return out
