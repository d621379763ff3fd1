"""What the yes / no / maybe decider reads in its evidence: polarity towards the question, and fidelity signals.

Two groups of named features over a question and its evidence sentences, both part of the
compact decision row (:func:`compact_features`, format 4 of the QA model folder):

- :func:`polarity_features` (:data:`POLARITY_NAMES`): negation, hedges and "no difference"
  wording *within the scope of the question's content words* (a clause that repeats one of
  them), the question's own form (negated, asking for a difference, asking for equivalence)
  and their interactions; cheap regular expressions, no model;
- :func:`fidelity_features` (:data:`FIDELITY_NAMES`): the shipped fidelity heads read each
  evidence sentence (:func:`sentence_signals`, :data:`SIGNAL_NAMES`): claim strength
  (0 = no relationship / not a claim ... 3 = direct causal), certainty 1-6 and its six
  aspects (Pei & Jurgens 2021), P(the sentence states a conclusion); aggregated over the
  evidence (means, extremes, and weighted towards result and conclusion sentences).

The claim-strength and conclusion heads are **GPL-3.0** weights (fitted on GPL-3.0 data, see
their model cards): the decider uses their outputs at run time, it does not contain them.

Example:
    >>> row = polarity_features("Does TRF reduce mortality?", ["TRF did not reduce mortality."])
    >>> dict(zip(POLARITY_NAMES, row.tolist()))["negation_in_scope"]
    1.0
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from sciwire.errors import ModelLoadError
from sciwire.qa.features import content_words

if TYPE_CHECKING:
    from sciwire.fidelity.bundle import FidelityModels

_CLAUSE = re.compile(
    r"[;:]|,\s*(?:but|whereas|while|although|though|however)\b|\b(?:but|whereas|although|however)\b", re.IGNORECASE
)
_NEGATION = re.compile(
    r"\b(?:no|not|nor|neither|none|without|never|cannot|fail(?:s|ed)? to|lack(?:s|ed|ing)?|absence of|"
    r"unrelated|independent(?:ly)? of|did not|does not|do not|was not|were not|is not|are not|n't)\b",
    re.IGNORECASE,
)
_NO_SIGNIFICANT = re.compile(
    r"\b(?:no|not|nor|without) (?:a |any )?(?:statistically )?significant(?:ly)?\b|\bnon-?significant\b|"
    r"\bnot (?:statistically )?significantly\b",
    re.IGNORECASE,
)
_NO_DIFFERENCE = re.compile(
    r"\b(?:no|not|without)\b[^.;]{0,30}\b(?:difference|differ\w*|effect|association|associated|correlat\w*|"
    r"relationship|benefit|impact|change|improvement|increase|decrease|reduction)\b|"
    r"\bnot? (?:significantly )?(?:differ\w*|affect\w*|influence\w*|alter\w*|improve\w*|reduce\w*|increase\w*|"
    r"change\w*)\b|\bsimilar\b|\bcomparable\b|\bequivalent\b|\bequally\b|\bunchanged\b",
    re.IGNORECASE,
)
_STRONG_HEDGE = re.compile(
    r"\b(?:unclear|uncertain|inconclusive|conflicting|controvers\w*|debat\w*|"
    r"remains? (?:unclear|unknown|to be|controversial|uncertain)|"
    r"further (?:studies|research|trials|investigation|work)|"
    r"(?:more|larger|additional|prospective|randomi[sz]ed) (?:\w+ )?(?:studies|trials|research) "
    r"(?:are|is|will be)? ?(?:needed|required|warranted)|needs? (?:to be )?(?:further|confirm\w*)|"
    r"not (?:yet )?(?:clear|established|known)|limited evidence|insufficient)\b",
    re.IGNORECASE,
)
_WEAK_HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|perhaps|suggests?|suggested|appear\w*|seem\w*|likely|potential(?:ly)?|some|"
    r"partial(?:ly)?|modest\w*|trend|tended)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:significant(?:ly)?|effective\w*|improv\w*|benefi\w*|superior|better|increas\w*|reduc\w*|decreas\w*|"
    r"associated|correlated|predict\w*|safe|feasible|useful|valuable|accurate|reliable|successful\w*|"
    r"associated with|confirm\w*|demonstrat\w*|show\w*)\b",
    re.IGNORECASE,
)
_MINIMIZER = re.compile(
    r"\b(?:little|small|limited|only|poor(?:ly)?|insufficient|unlikely|rare(?:ly)?|minimal|marginal(?:ly)?|"
    r"weak(?:ly)?|modest|few|low)\b",
    re.IGNORECASE,
)
_HEDGED_NEGATION = re.compile(
    r"\b(?:may|might|could|did|does|do|would)(?: also)? not\b|\bunlikely\b|"
    r"\bnot (?:necessarily|always|clearly|entirely|fully|unique|sufficient)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(r"\b(?:however|but|whereas|although|though|while|nevertheless|despite|yet)\b", re.IGNORECASE)
_Q_COMPARES = re.compile(
    r"\b(?:more|less|better|worse|superior|inferior|differ\w*|higher|lower|increas\w*|reduc\w*|decreas\w*|"
    r"improv\w*|affect\w*|influenc\w*|predict\w*|associat\w*|related|correlat\w*|change\w*|impact)\b",
    re.IGNORECASE,
)
_Q_EQUIVALENCE = re.compile(r"\b(?:same|similar|equal\w*|equivalent|comparable|as (?:\w+ )?as|non-?inferior)\b", re.I)
_Q_NEGATED = re.compile(r"\b(?:not|no|n't|without|never|fail\w*|lack\w*)\b", re.IGNORECASE)

#: The columns of :func:`polarity_features`, in order ("in scope": in a clause that repeats a content word
#: of the question).
POLARITY_NAMES: tuple[str, ...] = (
    "question_negated",
    "question_compares",
    "question_equivalence",
    "negation_in_scope",
    "negation_elsewhere",
    "no_significant",
    "no_difference",
    "strong_hedge",
    "weak_hedge_in_scope",
    "positive_in_scope",
    "cover_max",
    "cover_mean",
    "clauses_in_scope",
    "no_difference_x_compares",
    "no_difference_x_equivalence",
    "negation_x_negated_question",
    "minimizer_in_scope",
    "hedged_negation",
    "contrast",
)


def _cap(n: int) -> float:
    return float(min(3, n))


def polarity_features(question: str, sentences: Sequence[str]) -> np.ndarray:
    """The :data:`POLARITY_NAMES` row of ``question`` and its evidence ``sentences`` (counts capped at 3).

    Example:
        >>> row = dict(zip(POLARITY_NAMES, polarity_features(
        ...     "Is X associated with Y?", ["X was not associated with Y; Z was."]).tolist()))
        >>> row["negation_in_scope"], row["negation_elsewhere"], row["question_compares"]
        (1.0, 0.0, 1.0)
    """
    asked = content_words(question)
    negated = float(bool(_Q_NEGATED.search(question)))
    compares = float(bool(_Q_COMPARES.search(question)))
    equivalence = float(bool(_Q_EQUIVALENCE.search(question)))
    in_scope = elsewhere = weak = positive = scoped = minimizer = 0
    covers = []
    for sentence in sentences:
        covers.append(len(asked & content_words(sentence)) / max(1, len(asked)))
        for clause in _CLAUSE.split(sentence):
            if not clause or not clause.strip():
                continue
            negations = len(_NEGATION.findall(clause))
            if asked & content_words(clause):
                scoped += 1
                in_scope += negations
                weak += len(_WEAK_HEDGE.findall(clause))
                positive += len(_POSITIVE.findall(clause))
                minimizer += len(_MINIMIZER.findall(clause))
            else:
                elsewhere += negations
    text = " ".join(sentences)
    no_difference = _cap(len(_NO_DIFFERENCE.findall(text)))
    return np.array(
        [
            negated,
            compares,
            equivalence,
            _cap(in_scope),
            _cap(elsewhere),
            _cap(len(_NO_SIGNIFICANT.findall(text))),
            no_difference,
            _cap(len(_STRONG_HEDGE.findall(text))),
            _cap(weak),
            _cap(positive),
            max(covers) if covers else 0.0,
            float(np.mean(covers)) if covers else 0.0,
            _cap(scoped),
            no_difference * compares,
            no_difference * equivalence,
            _cap(in_scope) * negated,
            _cap(minimizer),
            _cap(len(_HEDGED_NEGATION.findall(text))),
            _cap(len(_CONTRAST.findall(text))),
        ]
    )


# ---- fidelity signals ----------------------------------------------------------------------
#: Aspects of certainty (Pei & Jurgens 2021), in the order of the aspects head.
ASPECT_NAMES: tuple[str, ...] = ("number", "extent", "probability", "condition", "suggestion", "framing")
#: One row per sentence from the fidelity heads: P(claim strength 0-3), certainty 1-6, P(Uncertain) of each
#: aspect, P(the sentence states a conclusion).
SIGNAL_NAMES: tuple[str, ...] = (
    "strength_0",
    "strength_1",
    "strength_2",
    "strength_3",
    "certainty",
    *(f"uncertain_{a}" for a in ASPECT_NAMES),
    "conclusion",
)
#: The columns of :func:`fidelity_features` (aggregates of :data:`SIGNAL_NAMES` over the evidence;
#: ``_rc``: weighted towards result and conclusion sentences).
FIDELITY_NAMES: tuple[str, ...] = (
    "strength_0_mean",
    "strength_1_mean",
    "strength_2_mean",
    "strength_3_mean",
    "strength_0_max",
    "strength_3_max",
    "strength_0_rc",
    "strength_3_rc",
    "certainty_mean",
    "certainty_min",
    "certainty_rc",
    *(f"uncertain_{a}_mean" for a in ASPECT_NAMES),
    "uncertain_max",
    "conclusion_mean",
    "conclusion_max",
)


@functools.lru_cache(maxsize=1)
def fidelity_models() -> FidelityModels:
    """The bundled fidelity heads (the ones the decider was fitted on), loaded once per process.

    Raises:
        ModelLoadError: When one of the four heads is missing.
    """
    from sciwire.fidelity.bundle import FidelityModels

    models = FidelityModels.load(None)
    if models.certainty is None or models.aspects is None or models.conclusion is None:
        raise ModelLoadError(
            "The yes/no/maybe decision reads the bundled claim-strength, certainty, aspect and conclusion heads "
            "(sciwire/models/fidelity_*); one is missing. Reinstall sciwire."
        )
    return models


def sentence_signals(texts: Sequence[str], models: FidelityModels | None = None) -> np.ndarray:
    """The :data:`SIGNAL_NAMES` row of each text, shape ``(len(texts), 12)``, from the bundled fidelity heads."""
    texts = list(texts)
    if not texts:
        return np.zeros((0, len(SIGNAL_NAMES)))
    models = models or fidelity_models()
    assert models.certainty is not None and models.aspects is not None  # checked by fidelity_models
    strength = models.strength_proba(texts)
    certainty = np.asarray(models.certainty.predict(texts), dtype=np.float64)
    aspects = models.aspects.predict_proba(texts)
    uncertain = np.column_stack(
        [p[:, list(map(str, c)).index("Uncertain")] for p, c in zip(aspects, models.aspects.classes_, strict=True)]
    )
    conclusion = models.conclusion_proba(texts)
    return np.column_stack([strength, certainty, uncertain, np.asarray(conclusion, dtype=np.float64)])


def fidelity_features(signals: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """The :data:`FIDELITY_NAMES` row of evidence sentences from their :func:`sentence_signals` and role groups
    (shape ``(k, 4)``: background, method, result, conclusion; ``_rc`` columns weigh result and conclusion
    sentences, all alike when there are none).

    Example:
        >>> signals = np.array([[0.7, 0.1, 0.1, 0.1, 4.0, 0, 0, 0.5, 0, 0, 0, 0.2]])
        >>> row = dict(zip(FIDELITY_NAMES, fidelity_features(signals, np.array([[0, 0, 1, 0]])).tolist()))
        >>> row["strength_0_rc"], row["certainty_min"], row["uncertain_max"]
        (0.7, 4.0, 0.5)
    """
    s = np.asarray(signals, dtype=np.float64).reshape(-1, len(SIGNAL_NAMES))
    r = np.asarray(roles, dtype=np.float64).reshape(-1, 4)
    if not len(s):
        return np.zeros(len(FIDELITY_NAMES))
    strength, certainty, uncertain, conclusion = s[:, :4], s[:, 4], s[:, 5:11], s[:, 11]
    w = r[:, 2] + r[:, 3]
    w = w / w.sum() if w.sum() > 0 else np.full(len(s), 1 / len(s))
    rc = w @ strength
    return np.concatenate(
        [
            strength.mean(axis=0),
            [strength[:, 0].max(), strength[:, 3].max(), rc[0], rc[3]],
            [certainty.mean(), certainty.min(), float(w @ certainty)],
            uncertain.mean(axis=0),
            [uncertain.max()],
            [conclusion.mean(), conclusion.max()],
        ]
    )
