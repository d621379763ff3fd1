"""The fitted numbers of answer selection, kept in a model folder (``qa.model``).

- ``bm25_weight``: the linear fusion's weight of the normalised BM25 score
  (``score = cosine + bm25_weight × BM25 / best BM25 of the query``), chosen on half of PubMedQA;
- ``confidence``: a :class:`~sciwire.fitting.LogisticScorer` over :data:`CONFIDENCE_FEATURES`
  (the answer's cosine, and 1 when both engines found it), fitted on the same half: P(the answer
  comes from the right paper of a corpus). Used when the folder has no answer ranker.

Format 2 (``sciwire-qa-answer/2``) adds the ``answer`` block, three scorers fitted within abstracts
(PubMedQA: each question against the sentences of its own paper, see :mod:`sciwire.qa.abstracts`):

- ``ranker`` over :data:`~sciwire.qa.features.FEATURES`: P(a sentence carries the answer) — the
  re-ranker of hybrid mode (it prefers results to sentences that restate the question);
- ``answerable`` over :data:`ANSWERABLE_FEATURES`: P(the paper answers the question at all);
  below :data:`ANSWERABLE_THRESHOLD` the answer is "the paper does not say";
- ``answer_confidence`` over :data:`ANSWER_CONFIDENCE_FEATURES` (the two logits): P(this sentence
  answers the question), the confidence shown.

Format 3 (``sciwire-qa-answer/3``, :data:`FORMAT_V3`) adds the ``decision`` block: an
:class:`~sciwire.qa.decision.EvidenceDecider` (yes / no / maybe from the question and its top
``top_k`` answer sentences, calibrated, with its abstention threshold), the embedding model and
dimension it reads, and the cue names.

Format 4 (``sciwire-qa-answer/4``, :data:`FORMAT_V4`) has the same blocks, but its decision reads the
compact named features of :func:`~sciwire.qa.decision.compact_features` (cue counts, polarity towards
the question, role shares, cosines, and the outputs of the bundled fidelity heads), listed under
``decision.features``, instead of format 3's MiniLM vectors.

Format-1, format-2 and format-3 folders still load (format 1: hybrid answers, corpus-level confidence, no
abstaining; neither has the decision).
The folder holds ``weights.json``, ``MODEL_CARD.md`` and ``receipt.json``; the shipped
one is ``sciwire/models/qa_default``; ``sciwire train answers`` (:func:`sciwire.qa.train.train_answer_model`) refits it.

Example:
    >>> model = load_answer_model("default")
    >>> model.folder.name, model.bm25_weight
    ('qa_default', 0.3)
    >>> 0 < model.confidence_of(0.8, found_by_both=True) < 1
    True
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciwire.errors import ModelLoadError
from sciwire.fitting import LogisticScorer, ModelCard, Receipt, read_json, resolve_model_folder, retrain_hint
from sciwire.fitting.folders import WEIGHTS, write_model_folder
from sciwire.qa.decision import COMPACT_NAMES, CUE_NAMES, DECISION_ROLES, EvidenceDecider
from sciwire.qa.features import FEATURES

CONFIDENCE_FEATURES: tuple[str, ...] = ("cosine", "found_by_both")
#: What the ``answerable`` scorer reads about a paper (:func:`sciwire.qa.ranker.answerable_features`).
ANSWERABLE_FEATURES: tuple[str, ...] = ("best_cosine", "top3_cosine", "best_cover", "paper_cover")
#: What the ``answer_confidence`` scorer reads: the logits of ``answerable`` and ``ranker``.
ANSWER_CONFIDENCE_FEATURES: tuple[str, ...] = ("answerable_logit", "ranker_logit")
#: Below this P(the paper answers), the answer is "the paper does not say".
ANSWERABLE_THRESHOLD = 0.5
DEFAULT_FOLDER = "qa_default"
FORMAT_V1 = "sciwire-qa-answer/1"
#: A folder with the answer ranker (format 2); with the decision it is :data:`FORMAT_V3`.
FORMAT = "sciwire-qa-answer/2"
FORMAT_V3 = "sciwire-qa-answer/3"
FORMAT_V4 = "sciwire-qa-answer/4"
FORMATS = (FORMAT_V4, FORMAT_V3, FORMAT, FORMAT_V1)
#: The scorers of format 2's ``answer`` block: name -> the features it must weigh.
ANSWER_SCORERS: dict[str, tuple[str, ...]] = {
    "ranker": FEATURES,
    "answerable": ANSWERABLE_FEATURES,
    "answer_confidence": ANSWER_CONFIDENCE_FEATURES,
}
HINT = retrain_hint("sciwire train answers --data DIR --out FOLDER", "qa.model")


@dataclass(frozen=True)
class AnswerModel:
    """The BM25 fusion weight, the corpus-level confidence and (format 2) the answer ranker.

    Attributes:
        bm25_weight: Weight of the normalised BM25 score in the linear fusion (>= 0).
        confidence: P(the answer sentence's paper is the right one) from its evidence (corpus level).
        folder: The model folder it was loaded from (None when built in memory).
        ranker: P(a sentence carries the answer), over :data:`~sciwire.qa.features.FEATURES` (None: format 1).
        answerable: P(the paper answers the question), over :data:`ANSWERABLE_FEATURES`.
        answer_confidence: P(the sentence answers the question), over :data:`ANSWER_CONFIDENCE_FEATURES`.
    """

    bm25_weight: float
    confidence: LogisticScorer
    folder: Path | None = None
    ranker: LogisticScorer | None = None
    answerable: LogisticScorer | None = None
    answer_confidence: LogisticScorer | None = None
    decision: DecisionHead | None = None

    @property
    def has_ranker(self) -> bool:
        """Whether the answer ranker (format 2) is there."""
        return self.ranker is not None and self.answerable is not None and self.answer_confidence is not None

    def confidence_of(self, cosine: float, found_by_both: bool) -> float:
        """The confidence of one answer: its cosine to the question, and whether BM25 and dense both found it."""
        x = self.confidence.features_of([{"cosine": cosine, "found_by_both": float(found_by_both)}])
        return float(self.confidence.probability(x)[0])

    def to_dict(self) -> dict[str, Any]:
        """What ``weights.json`` holds."""
        out: dict[str, Any] = {
            "format": FORMAT_V1,
            "bm25_weight": self.bm25_weight,
            "confidence": self.confidence.to_dict(),
        }
        if self.has_ranker:
            out["format"] = FORMAT
            out["answer"] = {name: getattr(self, name).to_dict() for name in ANSWER_SCORERS}
            if self.decision is not None:
                out["format"] = FORMAT_V3 if self.decision.features is None else FORMAT_V4
                out["decision"] = self.decision.to_dict()
        return out

    def save(self, folder: str | os.PathLike[str], *, receipt: Receipt, card: ModelCard) -> Path:
        """Write the model folder: ``weights.json``, ``receipt.json`` and ``MODEL_CARD.md``."""
        return write_model_folder(folder, self.to_dict(), receipt, card)

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> AnswerModel:
        """Read a folder written by :meth:`save`.

        Raises:
            ModelLoadError: When the folder or ``weights.json`` is missing or malformed.
        """
        data = read_json(folder, WEIGHTS, keys=("format", "bm25_weight", "confidence"), hint=HINT)
        weight = data["bm25_weight"]
        try:
            if data["format"] not in FORMATS:
                raise ModelLoadError(f"{WEIGHTS} has format {data['format']!r}, expected one of {list(FORMATS)}")
            if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight < 0:
                raise ModelLoadError(f"{WEIGHTS} needs a number >= 0 as bm25_weight, got {weight!r}")
            if not isinstance(data["confidence"], dict):
                raise ModelLoadError(f"{WEIGHTS} needs the confidence scorer as an object")
            confidence = LogisticScorer.from_dict(data["confidence"], where=f"the confidence in {WEIGHTS}")
            if tuple(confidence.feature_names_in_) != CONFIDENCE_FEATURES:
                raise ModelLoadError(
                    f"the confidence in {WEIGHTS} weighs {list(confidence.feature_names_in_)}, expected "
                    f"{list(CONFIDENCE_FEATURES)}"
                )
            scorers: dict[str, Any] = _answer_scorers(data) if data["format"] != FORMAT_V1 else {}
            if data["format"] in (FORMAT_V3, FORMAT_V4):
                scorers["decision"] = DecisionHead.from_dict(data.get("decision"), data["format"])
        except ModelLoadError as exc:
            raise ModelLoadError(f"Cannot load the model in {folder}: {exc}; {HINT}") from exc
        confidence.folder = Path(folder)
        return cls(float(weight), confidence, Path(folder), **scorers)


@dataclass(frozen=True)
class DecisionHead:
    """The decision block (formats 3 and 4): the fitted decider and what its input rows are made of.

    Attributes:
        decider: Yes / no / maybe over the rows of ``features``.
        embedding_model: The sentence encoder whose vectors it reads (``models.embedding``).
        dim: That encoder's dimension.
        top_k: How many of the ranked answer sentences are its evidence.
        features: Format 4: the :data:`~sciwire.qa.decision.COMPACT_NAMES` it weighs (rows of
            :func:`~sciwire.qa.decision.compact_features`); None: format 3's
            :func:`~sciwire.qa.decision.evidence_features` rows (MiniLM vectors, cue counts, roles).
        fidelity_heads: Format 4: the weights' SHA-256 of the fidelity heads its features came from.
    """

    decider: EvidenceDecider
    embedding_model: str
    dim: int
    top_k: int
    features: tuple[str, ...] | None = None
    fidelity_heads: dict[str, str] | None = None

    @property
    def n_features(self) -> int:
        """The width of the decider's input rows."""
        if self.features is not None:
            return len(self.features)
        return 4 * self.dim + len(CUE_NAMES) + len(DECISION_ROLES)

    def to_dict(self) -> dict[str, Any]:
        """What ``weights.json`` holds under ``decision``."""
        out: dict[str, Any] = {"embedding_model": self.embedding_model, "dim": self.dim, "top_k": self.top_k}
        if self.features is None:
            out.update(cues=list(CUE_NAMES), roles=list(DECISION_ROLES))
        else:
            out.update(features=list(self.features), fidelity_heads=dict(self.fidelity_heads or {}))
        return {**out, **self.decider.to_dict()}

    @classmethod
    def from_dict(cls, block: Any, fmt: str = FORMAT_V3) -> DecisionHead:
        """The head :meth:`to_dict` wrote; raises :class:`ModelLoadError` when it does not fit this code."""
        where = f"the decision in {WEIGHTS}"
        if not isinstance(block, dict):
            raise ModelLoadError(f"{WEIGHTS} (format {fmt!r}) needs the 'decision' object")
        dim, top_k, name = block.get("dim"), block.get("top_k"), block.get("embedding_model")
        if not isinstance(dim, int) or dim < 1 or not isinstance(top_k, int) or top_k < 1 or not isinstance(name, str):
            raise ModelLoadError(f"{where} needs embedding_model (text), dim and top_k (integers >= 1)")
        if fmt == FORMAT_V4:
            if tuple(block.get("features", ())) != COMPACT_NAMES:
                raise ModelLoadError(
                    f"{where} weighs the features {block.get('features')}, this version of sciwire computes "
                    f"{len(COMPACT_NAMES)} others ({', '.join(COMPACT_NAMES[:3])}, ...)"
                )
            heads = block.get("fidelity_heads")
            head = cls(EvidenceDecider.from_dict(block, len(COMPACT_NAMES), where), name, dim, top_k, COMPACT_NAMES,
                       {str(k): str(v) for k, v in heads.items()} if isinstance(heads, dict) else None)  # fmt: skip
            return head
        if tuple(block.get("cues", ())) != CUE_NAMES or tuple(block.get("roles", ())) != DECISION_ROLES:
            raise ModelLoadError(f"{where} counts cues {block.get('cues')}, expected {list(CUE_NAMES)}")
        n_features = 4 * dim + len(CUE_NAMES) + len(DECISION_ROLES)
        return cls(EvidenceDecider.from_dict(block, n_features, where), name, dim, top_k)


def _answer_scorers(data: dict[str, Any]) -> dict[str, LogisticScorer]:
    """The three scorers of format 2's ``answer`` block, each checked to weigh its features."""
    block = data.get("answer")
    if not isinstance(block, dict):
        raise ModelLoadError(
            f"{WEIGHTS} (format {data['format']!r}) needs the 'answer' object with {list(ANSWER_SCORERS)}"
        )
    scorers = {}
    for name, features in ANSWER_SCORERS.items():
        if not isinstance(block.get(name), dict):
            raise ModelLoadError(f"{WEIGHTS} lacks the answer {name} scorer (an object)")
        scorer = LogisticScorer.from_dict(block[name], where=f"the answer {name} in {WEIGHTS}")
        if tuple(scorer.feature_names_in_) != features:
            raise ModelLoadError(
                f"the answer {name} in {WEIGHTS} weighs {list(scorer.feature_names_in_)}, expected {list(features)}"
            )
        scorers[name] = scorer
    return scorers


def load_answer_model(spec: str | os.PathLike[str] = "default") -> AnswerModel:
    """The answer model in the folder ``spec`` names (``"default"``: the shipped one), loaded once per version.

    Raises:
        ModelLoadError: On a missing folder or a missing or corrupt ``weights.json``.
    """
    folder = resolve_model_folder(spec, DEFAULT_FOLDER, hint=HINT).resolve()
    weights = folder / WEIGHTS
    return _load(str(folder), weights.stat().st_mtime_ns if weights.is_file() else 0)


@functools.lru_cache(maxsize=8)
def _load(folder: str, stamp: int) -> AnswerModel:
    return AnswerModel.load(folder)
