"""The verdict on one (paper sentence, story sentence) pair: exaggerates, same or downplays.

Two kinds of evidence:

1. **Claim strength** of both sentences (0 none ... 3 direct causal) as calibrated
   distributions. Assuming the two predictions independent, ``P(exaggerates)`` is the
   probability that the story's strength is above the paper's, ``P(downplays)`` below, and
   ``P(same)`` equal (:func:`strength_verdict`). No weights are fitted on the verdict data.
2. **Deterministic checks** (:mod:`sciwire.fidelity.checks`): a number that differs, a
   dropped hedge or "in mice", a correlation reported as a cause, an added booster.

A check that finds an overstatement makes the verdict "exaggerates" (``source`` "checks")
even when the strengths agree: its confidence is then the alignment probability, since the
check itself is certain once the pair is right. Otherwise the verdict is the most probable
strength verdict and its confidence that calibrated probability; a strength-only
"exaggerates" against a paper sentence that itself uses causal language becomes "same"
(source "cue guard", see :func:`decide`).

Example:
    >>> none, corr, cond, cause = np.eye(4)
    >>> strength_verdict(corr[None], cause[None]).round(2).tolist()
    [[0.0, 0.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sciwire.datasets.fidelity import VERDICT_LABELS
from sciwire.fidelity.checks import Issue
from sciwire.fidelity.cues import CUES, hedges, unnegated

#: The verdict when the model is not confident enough to say (see :func:`decide`).
UNSURE = "unsure"
#: How each strength level is described in explanations ("the story makes ...").
STRENGTH_PHRASES = {
    0: "no claim of a relationship",
    1: "a correlational claim",
    2: "a conditional (hedged) causal claim",
    3: "a direct causal claim",
}


def describe(who: str, level: int, cues: Sequence[str]) -> str:
    """'the story makes a direct causal claim ('wrecks')': a strength level with its cue words."""
    words = ", ".join(repr(w) for w in dict.fromkeys(cues))
    return f"the {who} makes {STRENGTH_PHRASES[level]}" + (f" ({words})" if words else "")


def strength_verdict(paper_probs: np.ndarray, story_probs: np.ndarray) -> np.ndarray:
    """P(downplays), P(same), P(exaggerates) per row, from two (n, 4) strength distributions."""
    paper_probs = np.atleast_2d(paper_probs)
    story_probs = np.atleast_2d(story_probs)
    joint = paper_probs[:, :, None] * story_probs[:, None, :]  # [row, paper level, story level]
    k = joint.shape[1]
    lower = np.tril(np.ones((k, k)), -1).astype(bool)  # story below paper
    down = joint[:, lower].sum(axis=1)
    same = np.trace(joint, axis1=1, axis2=2)
    up = joint[:, lower.T].sum(axis=1)
    return np.stack([down, same, up], axis=1)


def strength_cues(text: str, level: int) -> list[str]:
    """The cue words behind a strength level: causal verbs, hedges or correlational phrases."""
    if level == 3:
        return unnegated(text, "causal")
    if level == 2:
        return hedges(text) + unnegated(text, "causal")
    if level == 1:
        return CUES["correlational"].findall(text)
    return CUES["no_effect"].findall(text)


@dataclass(frozen=True)
class Verdict:
    """A pair's verdict, its confidence, the evidence and a sentence-length explanation per reason."""

    label: str
    confidence: float
    source: str
    probabilities: dict[str, float]
    paper_strength: int
    story_strength: int
    issues: tuple[Issue, ...] = ()
    reasons: tuple[str, ...] = ()
    paper_certainty: float | None = None
    story_certainty: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    best_guess: str = ""
    decisive: tuple[bool, ...] = ()

    def to_attrs(self) -> dict[str, Any]:
        """JSON-compatible attributes for a span of the ``fidelity`` layer."""
        return {
            "verdict": self.label,
            "source": self.source,
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
            "paper_strength": self.paper_strength,
            "story_strength": self.story_strength,
            "paper_certainty": None if self.paper_certainty is None else round(self.paper_certainty, 2),
            "story_certainty": None if self.story_certainty is None else round(self.story_certainty, 2),
            "issues": [
                {
                    "kind": i.kind,
                    "direction": i.direction,
                    "message": i.message,
                    "story_cues": list(i.story_cues),
                    "paper_cues": list(i.paper_cues),
                    "decisive": bool(self.decisive[n]) if n < len(self.decisive) else True,
                }
                for n, i in enumerate(self.issues)
            ],
            "reasons": list(self.reasons),
            "notes": list(self.notes),
            "best_guess": self.best_guess or self.label,
            **self.extra,
        }


def decide(
    probabilities: Sequence[float],
    issues: Sequence[Issue],
    alignment_probability: float = 1.0,
    paper_causal: Sequence[str] = (),
    decisive: Callable[[str], bool] | None = None,
    abstain_below: float = 0.0,
) -> tuple[str, float, str]:
    """(label, confidence, source) from verdict probabilities and check issues.

    ``decisive(kind)``: may a check of that kind change the verdict (its measured precision is
    at least 0.8, see :mod:`sciwire.fidelity.pairs`)? ``None``: every check may. Checks that may
    not are shown as notes beside the verdict. ``paper_causal``: causal cue words of the paper
    sentence ("attributed to"): a model-only "exaggerates" against a paper sentence that itself
    uses causal language becomes "same" (source ``cue guard``; :func:`judge_pair` shows it as
    "unsure": the evidence conflicts, and the guard's measured precision as a "same" verdict is
    0.25, docs/fidelity.md, so it neither accuses nor clears the story). Below ``abstain_below`` the
    verdict from the probabilities is "unsure" (source ``abstained``); its confidence stays the
    best label's probability.
    """
    probs = np.asarray(probabilities, dtype=float)
    allowed = {i.direction for i in issues if decisive is None or decisive(i.kind)}
    if "exaggerates" in allowed:
        return "exaggerates", float(max(alignment_probability, probs[2])), "checks"
    best = int(probs.argmax())
    if VERDICT_LABELS[best] == "exaggerates" and paper_causal:
        return "same", float(probs[1] + probs[2]), "cue guard"
    if "downplays" in allowed and VERDICT_LABELS[best] == "same":
        return "downplays", float(max(alignment_probability, probs[0])), "checks"
    if probs[best] < abstain_below:
        return UNSURE, float(probs[best]), "abstained"
    return VERDICT_LABELS[best], float(probs[best]), "claim strength"


def judge_pair(
    paper: str,
    story: str,
    paper_probs: np.ndarray,
    story_probs: np.ndarray,
    issues: Sequence[Issue] = (),
    alignment_probability: float = 1.0,
    certainty: tuple[float, float] | None = None,
    pair_model: Any = None,
) -> Verdict:
    """The full verdict with reasons for one pair.

    Args:
        paper: The paper sentence.
        story: The story sentence.
        paper_probs: Claim-strength distribution (4,) of the paper sentence.
        story_probs: Claim-strength distribution (4,) of the story sentence.
        issues: What :func:`sciwire.fidelity.checks.run_checks` found.
        alignment_probability: How sure the alignment is that the story reports this sentence.
        certainty: (paper, story) sentence-level certainty on the 1-6 scale, if estimated.
        pair_model: The learned pair verdict (:class:`sciwire.fidelity.pairs.PairVerdictModel`):
            its probabilities, abstention threshold and decisive checks. None: the strength rule,
            every check decisive, no abstention.
    """
    if pair_model is None:
        probs = strength_verdict(paper_probs, story_probs)[0]
        decisive, abstain = None, 0.0
    else:
        probs = pair_model.verdict_proba(paper_probs, story_probs)[0]
        decisive, abstain = pair_model.decisive, pair_model.abstain_below
    paper_causal = unnegated(paper, "causal")
    label, confidence, source = decide(probs, issues, alignment_probability, paper_causal, decisive, abstain)
    if source == "cue guard":
        label, confidence = UNSURE, float(probs[2])
    ps, ss = int(np.argmax(paper_probs)), int(np.argmax(story_probs))
    reasons = []
    if ss != ps:
        reasons.append(
            f"{describe('story', ss, strength_cues(story, ss))}; {describe('paper', ps, strength_cues(paper, ps))}"
        )
    if source == "cue guard":
        words = ", ".join(repr(w) for w in dict.fromkeys(paper_causal))
        reasons.append(
            f"but the paper itself uses causal language ({words}), so this is not called an overstatement (unsure)"
        )
    flags = tuple(decisive is None or decisive(i.kind) for i in issues)
    notes = tuple(i.message for i, flag in zip(issues, flags, strict=True) if not flag)
    reasons.extend(i.message for i, flag in zip(issues, flags, strict=True) if flag)
    best = VERDICT_LABELS[int(np.argmax(probs))]
    if source == "abstained":
        reasons.append(f"not confident enough to say (best guess: {best}, p={float(np.max(probs)):.2f})")
    if certainty is not None:
        reasons.append(f"certainty (1-6): paper {certainty[0]:.1f}, story {certainty[1]:.1f}")
    return Verdict(
        label=label,
        confidence=confidence,
        source=source,
        probabilities=dict(zip(VERDICT_LABELS, map(float, probs), strict=True)),
        paper_strength=ps,
        story_strength=ss,
        issues=tuple(issues),
        reasons=tuple(reasons),
        notes=notes,
        best_guess=best,
        decisive=flags,
        paper_certainty=None if certainty is None else float(certainty[0]),
        story_certainty=None if certainty is None else float(certainty[1]),
    )
