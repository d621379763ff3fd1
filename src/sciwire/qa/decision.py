"""Yes / no / maybe from a question and the sentence(s) that answer it (PubMedQA's decision task).

Two estimators (scikit-learn contract):

- :class:`EvidenceDecider`, the one that ships: a multinomial logistic regression,
  temperature-calibrated, with an abstention threshold chosen on its training data. The shipped
  one (format 4 of the QA model folder, see :mod:`sciwire.qa.model`) reads
  :func:`compact_features` rows (:data:`CUES` counts, polarity towards the question and the
  fidelity heads' reading of the evidence, see :mod:`sciwire.qa.evidence`, role shares,
  cosines); format 3 read :func:`evidence_features` rows (MiniLM vectors of the question and
  its evidence, their product and difference, cue counts, roles), which tied the cue counts.
  :func:`decide` turns ranked answers into a :class:`Decision` or "the paper does not say";
- :class:`DecisionClassifier`, the earlier one over ``(question, answer)`` text pairs (MiniLM +
  two cue counts), kept for comparison (``benchmarks/qa_decision.py``).

Example:
    >>> decision_cues("Treatment did not reduce mortality; further studies are needed.")
    [1.0, 1.0]
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from sciwire.config import DEFAULT_EMBEDDING_MODEL, load_config
from sciwire.errors import InputError, ModelLoadError
from sciwire.fitting.probability import fit_temperature, softmax
from sciwire.qa.evidence import FIDELITY_NAMES, POLARITY_NAMES, fidelity_features, polarity_features
from sciwire.qa.features import ROLE_FEATURES, ROLE_GROUPS

if TYPE_CHECKING:
    from sciwire.analysis import Encoder
    from sciwire.backends.embeddings import Embedder
    from sciwire.qa.model import DecisionHead
    from sciwire.qa.retrieval import Answer

logger = logging.getLogger(__name__)

NEGATION = re.compile(
    r"\b(?:not?|none|neither|nor|without|fail(?:s|ed)?|lack(?:s|ed)?|unrelated|independent(?:ly)? of|"
    r"did not|does not|do not|cannot|no (?:significant|difference|effect|association|evidence))\b",
    re.IGNORECASE,
)
HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|perhaps|suggests?|unclear|uncertain|inconclusive|limited|"
    r"further (?:studies|research|investigation)|remains? to be|warrant(?:s|ed)?|potential(?:ly)?)\b",
    re.IGNORECASE,
)


def decision_cues(answer: str) -> list[float]:
    """``[negations, hedges]`` in ``answer``, each capped at 3."""
    return [float(min(3, len(NEGATION.findall(answer)))), float(min(3, len(HEDGE.findall(answer))))]


@functools.lru_cache(maxsize=4)
def _embedder(model: str, cache_dir: str | None) -> Embedder:
    """The configured encoder (device, backend, token limit) with this estimator's model and cache."""
    settings = [
        f"models.embedding={json.dumps(model)}",
        f"runtime.embedding_cache={str(cache_dir is not None).lower()}",
    ]
    if cache_dir is not None:
        settings.append(f"paths.cache_dir={json.dumps(cache_dir)}")
    from sciwire.backends.embeddings import Embedder

    return Embedder.from_config(load_config(overrides=settings))


class DecisionClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression on question/answer embeddings and cue counts.

    Args:
        embedding_model: Sentence encoder name or folder (the bundled MiniLM by default); the
            encoder is loaded once per process and shared by clones (grid search).
        cache_dir: Embedding cache folder (``None``: no cache).
        C: Inverse regularisation strength of the logistic regression.
        class_weight: ``None`` or ``"balanced"`` (the minority "maybe" class is ~11 %).
        cues: Add the negation/hedge counts.
    """

    def __init__(
        self,
        embedding_model: str = DEFAULT_EMBEDDING_MODEL,
        cache_dir: str | None = None,
        C: float = 1.0,
        class_weight: str | None = None,
        cues: bool = True,
    ) -> None:
        self.embedding_model = embedding_model
        self.cache_dir = cache_dir
        self.C = C
        self.class_weight = class_weight
        self.cues = cues

    def _features(self, X: Sequence[tuple[str, str]]) -> np.ndarray:
        pairs = list(X)
        if not pairs:
            raise InputError("DecisionClassifier needs at least one (question, answer) pair")
        if any(not q.strip() or not a.strip() for q, a in pairs):
            raise InputError("Every (question, answer) pair needs a non-empty question and answer")
        embedder = _embedder(self.embedding_model, self.cache_dir)
        q = embedder.encode([p[0] for p in pairs])
        a = embedder.encode([p[1] for p in pairs], full_length=True)
        parts = [a, q * a, np.abs(q - a)]
        if self.cues:
            parts.append(np.array([decision_cues(p[1]) for p in pairs], dtype=np.float32))
        return np.hstack(parts)

    def fit(self, X: Sequence[tuple[str, str]], y: Sequence[str]) -> DecisionClassifier:
        """Fit on pairs and their decisions (e.g. ``"yes"``, ``"no"``, ``"maybe"``)."""
        y = list(y)
        if len(set(y)) < 2:
            raise InputError(f"DecisionClassifier needs at least two different labels, got {sorted(set(y))}")
        self.model_ = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=2000)
        self.model_.fit(self._features(X), y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities, columns in ``classes_`` order."""
        return self.model_.predict_proba(self._features(X))

    def predict(self, X: Sequence[tuple[str, str]]) -> np.ndarray:
        """The most probable decision per pair."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


# ---- the evidence decider (format 3 of the answer model) ---------------------------------
#: Named cue patterns counted in the evidence (each count capped at 3).
CUES: dict[str, re.Pattern[str]] = {
    "negation": NEGATION,
    "hedge": HEDGE,
    "no_significant": re.compile(
        r"\b(?:no|not|nor|without) (?:a |any )?(?:statistically )?significant(?:ly)?\b|\bnon-?significant\b|"
        r"\bnot (?:statistically )?significantly\b",
        re.IGNORECASE,
    ),
    "did_not": re.compile(r"\b(?:did|does|do|was|were|is|are|could|can|has|have) not\b|n't\b", re.IGNORECASE),
    "associated": re.compile(r"\b(?:associat(?:ed|ion)s?|correlat(?:ed|ion)s?|linked|related)\b", re.IGNORECASE),
    "may": re.compile(r"\b(?:may|might|could)\b", re.IGNORECASE),
    "significant": re.compile(r"\bsignificant(?:ly)?\b", re.IGNORECASE),
    "effect": re.compile(
        r"\b(?:improv|increas|reduc|decreas|higher|lower|better|worse|effective|superior|predict)\w*", re.IGNORECASE
    ),
    "unclear": re.compile(
        r"\b(?:unclear|inconclusive|conflicting|controvers\w*|remains? (?:unclear|unknown|to be)|"
        r"further (?:studies|research|trials|investigation))\b",
        re.IGNORECASE,
    ),
}
CUE_NAMES: tuple[str, ...] = tuple(CUES)
#: Role groups of the evidence sentences (one-hot of each sentence's group, averaged).
DECISION_ROLES: tuple[str, ...] = ROLE_FEATURES


def cue_counts(text: str) -> np.ndarray:
    """The :data:`CUES` counts of ``text``, each capped at 3, in :data:`CUE_NAMES` order.

    Example:
        >>> dict(zip(CUE_NAMES, cue_counts("There was no significant difference.").tolist()))["no_significant"]
        1.0
    """
    return np.array([min(3, len(p.findall(text))) for p in CUES.values()], dtype=np.float64)


def role_onehot(code: str | None) -> np.ndarray:
    """The role group of a CoreSC code as a one-hot row over :data:`DECISION_ROLES` (zeros when unknown)."""
    out = np.zeros(len(DECISION_ROLES))
    for i, codes in enumerate(ROLE_GROUPS.values()):
        if code in codes:
            out[i] = 1.0
    return out


#: The columns of :func:`compact_features` (format 4 of the QA model folder), in order.
COMPACT_NAMES: tuple[str, ...] = (
    *CUE_NAMES,
    *POLARITY_NAMES,
    *DECISION_ROLES,
    "cosine_max",
    "cosine_mean",
    *FIDELITY_NAMES,
)


def compact_features(
    question: str,
    question_vector: np.ndarray,
    evidence: np.ndarray,
    texts: Sequence[str],
    roles: np.ndarray,
    signals: np.ndarray,
) -> np.ndarray:
    """One row of the compact decider's input, :data:`COMPACT_NAMES`: the :data:`CUES` counts of the evidence
    (joined, capped at 3), :func:`~sciwire.qa.evidence.polarity_features`, the evidence's role shares, the
    largest and the mean cosine of the evidence to the question, and
    :func:`~sciwire.qa.evidence.fidelity_features`.

    Args:
        question: The question.
        question_vector: Its unit vector, shape ``(d,)``.
        evidence: The evidence sentences' unit vectors, shape ``(k, d)``.
        texts: The evidence sentences.
        roles: Their role groups, shape ``(k, 4)`` (see :func:`role_onehot`).
        signals: Their :func:`~sciwire.qa.evidence.sentence_signals`, shape ``(k, 12)``.
    """
    q = np.asarray(question_vector, dtype=np.float64)
    cosines = np.asarray(evidence, dtype=np.float64).reshape(-1, len(q)) @ q
    r = np.asarray(roles, dtype=np.float64).reshape(-1, len(DECISION_ROLES))
    return np.concatenate(
        [
            cue_counts(" ".join(texts)),
            polarity_features(question, texts),
            r.mean(axis=0) if len(r) else np.zeros(len(DECISION_ROLES)),
            [cosines.max(), cosines.mean()] if len(cosines) else [0.0, 0.0],
            fidelity_features(signals, r),
        ]
    )


def evidence_features(
    question: np.ndarray, evidence: np.ndarray, texts: Sequence[str], roles: np.ndarray
) -> np.ndarray:
    """One row of the decider's input: ``[q, e, q*e, |q-e|, cue counts, role shares]``.

    Args:
        question: The question's unit vector, shape ``(d,)``.
        evidence: The evidence sentences' vectors, shape ``(k, d)``; ``e`` is their normalised mean.
        texts: The evidence sentences (their cue counts are summed, then capped at 3).
        roles: Their role groups, shape ``(k, 4)`` (see :func:`role_onehot`); averaged.
    """
    q = np.asarray(question, dtype=np.float64)
    e = np.asarray(evidence, dtype=np.float64).reshape(-1, len(q)).mean(axis=0)
    e = e / (np.linalg.norm(e) or 1.0)
    cues = np.minimum(3.0, sum((cue_counts(t) for t in texts), np.zeros(len(CUES))))
    share = np.asarray(roles, dtype=np.float64).reshape(-1, len(DECISION_ROLES)).mean(axis=0)
    return np.concatenate([q, e, q * e, np.abs(q - e), cues, share])


class EvidenceDecider(ClassifierMixin, BaseEstimator):
    """Yes / no / maybe from :func:`evidence_features` rows: a multinomial logistic regression,
    temperature-calibrated, that abstains below a confidence chosen on its training data.

    ``fit`` runs an inner cross-validation on the training rows only: the out-of-fold logits give
    the temperature (``temperature_``) and the abstention threshold (``abstain_below_``: the lowest
    calibrated top probability at which the answered part reaches ``target_accuracy``).

    Args:
        C: Inverse regularisation strength.
        class_weight: ``None``, ``"balanced"`` or label -> weight ("maybe" is ~11 % of PubMedQA; on
            PubMedQA balancing raised macro-F1 but cost more accuracy than the majority class has; the
            compact decider weighs "maybe" x1.5 or x2 when its inner CV says so).
        standardize: Scale every column to unit variance first (on PubMedQA it weighs the 1,536
            embedding columns as much as the cue counts, and does worse; the compact rows need it).
        target_accuracy: Accuracy wanted on the answered part (abstention).
        folds: Inner folds for the temperature and the threshold.
        seed: Seed of the inner folds.
        calibrate: False skips the inner folds (temperature 1, no abstention): for tuning, where only
            the predicted label counts.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(60, 3)); y = np.where(X[:, 0] > 0, "yes", "no")
        >>> model = EvidenceDecider(C=1.0).fit(X, y)
        >>> list(model.classes_), model.predict_proba(X[:2]).shape
        (['no', 'yes'], (2, 2))
    """

    def __init__(
        self,
        C: float = 0.3,
        class_weight: str | dict[str, float] | None = None,
        standardize: bool = False,
        target_accuracy: float = 0.7,
        folds: int = 5,
        seed: int = 0,
        calibrate: bool = True,
    ) -> None:
        self.C = C
        self.class_weight = class_weight
        self.standardize = standardize
        self.target_accuracy = target_accuracy
        self.folds = folds
        self.seed = seed
        self.calibrate = calibrate

    def _linear(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Classes, weights and intercepts of the LR (on standardised X when asked, folded back onto raw X)."""
        mean, scale = X.mean(axis=0), X.std(axis=0)
        scale[scale == 0] = 1.0
        if not self.standardize:
            mean, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
        lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)
        lr.fit((X - mean) / scale, y)
        coef = lr.coef_ / scale
        intercept = lr.intercept_ - coef @ mean
        if len(lr.classes_) == 2:  # binary: two symmetric columns, so softmax == sigmoid
            coef = np.vstack([-coef / 2, coef / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        return lr.classes_, coef, intercept

    def fit(self, X: ArrayLike, y: Sequence[str] | np.ndarray) -> EvidenceDecider:
        """Fit on feature rows and their decisions; returns ``self``.

        Raises:
            InputError: On a shape mismatch, or fewer than two labels or than ``folds`` rows of one.
        """
        from sklearn.model_selection import StratifiedKFold

        X_arr = np.asarray(X, dtype=np.float64)
        y_arr = np.asarray(y, dtype=object)
        if X_arr.ndim != 2 or len(X_arr) != len(y_arr) or not len(X_arr):
            raise InputError(f"fit needs X of shape (n, n_features) and n labels; got {X_arr.shape} and {y_arr.shape}")
        labels, counts = np.unique(y_arr, return_counts=True)
        if len(labels) < 2:
            raise InputError(
                f"The decision needs examples of at least two decisions (yes / no / maybe), got only "
                f"{sorted(labels.tolist())}; add examples of the others"
            )
        self.classes_, self.coef_, self.intercept_ = self._linear(X_arr, y_arr)
        self.n_features_in_ = X_arr.shape[1]
        self.temperature_, self.abstain_below_ = 1.0, 0.0
        if not self.calibrate:
            return self
        if counts.min() >= self.folds:
            oof = np.zeros((len(y_arr), len(self.classes_)))
            for train, test in StratifiedKFold(self.folds, shuffle=True, random_state=self.seed).split(X_arr, y_arr):
                classes, coef, intercept = self._linear(X_arr[train], y_arr[train])
                cols = [list(classes).index(c) if c in classes else -1 for c in self.classes_]
                z = X_arr[test] @ coef.T + intercept
                oof[test] = np.column_stack([z[:, j] if j >= 0 else np.full(len(test), -1e3) for j in cols])
            target = np.searchsorted(self.classes_, y_arr)
            self.temperature_ = fit_temperature(oof, target)
            probs = softmax(oof, self.temperature_)
            self.abstain_below_ = abstention_threshold(
                probs.max(axis=1), probs.argmax(axis=1) == target, self.target_accuracy
            )
        else:
            logger.warning(
                "Too few examples of %r (%d) for %d inner folds: no calibration, no abstention",
                labels[counts.argmin()],
                counts.min(),
                self.folds,
            )
        return self

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Logits (before the temperature), columns in ``classes_`` order."""
        check_is_fitted(self, "coef_")
        return np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` order."""
        return softmax(self.decision_function(X), self.temperature_)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The most probable decision per row (never abstains; see :meth:`decide`)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def to_dict(self) -> dict[str, Any]:
        """The fitted state as JSON-able lists (weights to 5 significant digits)."""
        check_is_fitted(self, "coef_")
        return {
            "classes": [str(c) for c in self.classes_],
            "coef": [[float(f"{v:.5g}") for v in row] for row in self.coef_],
            "intercept": [float(f"{v:.5g}") for v in self.intercept_],
            "temperature": round(float(self.temperature_), 4),
            "abstain_below": round(float(self.abstain_below_), 4),
            "params": {k: v for k, v in self.get_params().items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], n_features: int, where: str = "the decision") -> EvidenceDecider:
        """The decider :meth:`to_dict` wrote.

        Raises:
            ModelLoadError: On missing keys or weights of the wrong shape.
        """
        try:
            classes = np.array([str(c) for c in data["classes"]], dtype=object)
            coef = np.asarray(data["coef"], dtype=np.float64)
            intercept = np.asarray(data["intercept"], dtype=np.float64)
            temperature, below = float(data["temperature"]), float(data["abstain_below"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"{where} needs classes, coef, intercept, temperature, abstain_below ({exc})") from exc
        if len(classes) < 2 or coef.shape != (len(classes), n_features) or intercept.shape != (len(classes),):
            raise ModelLoadError(
                f"{where} needs {len(classes)} x {n_features} weights and {len(classes)} intercepts, got "
                f"{coef.shape} and {intercept.shape}"
            )
        if not np.all(np.isfinite(coef)) or not np.isfinite(intercept).all() or temperature <= 0:
            raise ModelLoadError(f"{where} has non-finite weights or a temperature <= 0")
        stored = data.get("params")
        params: dict[str, Any] = stored if isinstance(stored, dict) else {}
        model = cls(**{k: v for k, v in params.items() if k in cls().get_params()})
        model.classes_, model.coef_, model.intercept_ = classes, coef, intercept
        model.temperature_, model.abstain_below_, model.n_features_in_ = temperature, below, n_features
        return model


def abstention_threshold(confidence: np.ndarray, correct: np.ndarray, target: float) -> float:
    """The lowest confidence ``t`` such that the rows with confidence >= ``t`` are right at least ``target``
    of the time (0 when all rows are; the highest confidence when no threshold reaches it).

    Example:
        >>> abstention_threshold(np.array([0.9, 0.8, 0.5, 0.4]), np.array([1, 1, 0, 1]), 0.9)
        0.8
    """
    order = np.argsort(-confidence, kind="stable")
    right = np.cumsum(np.asarray(correct, dtype=np.float64)[order]) / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(right >= target)
    if not len(ok):
        return float(confidence.max()) if len(confidence) else 0.0
    last = ok[-1]
    return 0.0 if last == len(order) - 1 else float(confidence[order[last]])


class Evidence(NamedTuple):
    """One evidence sentence of a decision."""

    text: str
    section: str | None
    role: str | None


#: What the decider says when it abstains.
NO_DECISION = "the paper does not say"


@dataclass(frozen=True)
class Decision:
    """Yes / no / maybe for a question, with the evidence sentences it was decided from.

    Attributes:
        label: ``"yes"``, ``"no"``, ``"maybe"`` or :data:`NO_DECISION` ("the paper does not say").
        confidence: The calibrated probability of the most probable decision.
        probabilities: Decision -> calibrated probability.
        evidence: The evidence sentences (their text, section and CoreSC role).
        reason: Why it abstained ("" when it decided).
    """

    label: str
    confidence: float
    probabilities: dict[str, float]
    evidence: tuple[Evidence, ...] = ()
    reason: str = ""

    @property
    def decided(self) -> bool:
        """Whether it said yes, no or maybe (not "the paper does not say")."""
        return self.label != NO_DECISION


_CLOSED = re.compile(
    r"^\s*(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|may|might|must)\b", re.IGNORECASE
)


def is_closed_question(question: str) -> bool:
    """Whether ``question`` asks for yes or no ("Does ...?", "Is ...?"), the only kind the decider answers.

    Example:
        >>> is_closed_question("Does fasting improve sleep?"), is_closed_question("How many mice died?")
        (True, False)
    """
    return bool(_CLOSED.match(question))


def decide(head: DecisionHead, embedder: Encoder, question: str, answers: Sequence[Answer]) -> Decision:
    """Yes / no / maybe for ``question`` from its ranked answer sentences (the first ``top_k`` of one paper).

    ``head`` is the decision block of the answer model (:class:`~sciwire.qa.model.DecisionHead`): format 4
    reads :func:`compact_features` (and runs the bundled fidelity heads on the evidence), format 3
    :func:`evidence_features`. Abstains (:data:`NO_DECISION`) when there are no answers, when the answer
    ranker judged that the paper does not answer the question, or when the calibrated confidence is below
    the decider's ``abstain_below_``.
    """
    decider = head.decider
    evidence = tuple(Evidence(a.text, a.section, a.role) for a in answers)
    if not answers:
        return Decision(NO_DECISION, 0.0, {}, evidence, "no sentence of the paper matches the question")
    texts = [a.text for a in answers]
    roles = np.array([role_onehot(a.role) for a in answers])
    if head.features is not None:
        from sciwire.qa.evidence import fidelity_models, sentence_signals

        models = fidelity_models()  # before encoding: its heads ask the encoder to keep their lower layers
        vectors = embedder.encode([question, *texts])
        x = compact_features(question, vectors[0], vectors[1:], texts, roles, sentence_signals(texts, models))
    else:
        vectors = embedder.encode([question, *texts])
        x = evidence_features(vectors[0], vectors[1:], texts, roles)
    probs = decider.predict_proba(x[None, :])[0]
    best = int(np.argmax(probs))
    probabilities = {str(c): round(float(p), 4) for c, p in zip(decider.classes_, probs, strict=True)}
    confidence = round(float(probs[best]), 4)
    if not all(a.answers for a in answers):
        return Decision(NO_DECISION, confidence, probabilities, evidence, "the paper does not answer the question")
    if probs[best] < decider.abstain_below_:
        reason = f"confidence {probs[best]:.2f} is below {decider.abstain_below_:.2f}"
        return Decision(NO_DECISION, confidence, probabilities, evidence, reason)
    return Decision(str(decider.classes_[best]), confidence, probabilities, evidence)
