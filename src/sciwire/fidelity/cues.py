"""Cue words of claim strength and certainty: what a journalist would underline.

Groups of regular expressions, after the annotation guidelines of Yu et al. (2019):
correlational language ("associated with", "linked to", "higher odds"), causal verbs
("causes", "leads to", "reduces", "wrecks"), hedges ("may", "suggests", "cannot rule
out"), boosters ("proved", "once and for all", "whopping") and negation. They serve three
purposes: the cue-lexicon baseline (:func:`lexicon_strength`), features for the learned
models (:func:`cue_features`) and the evidence shown with every verdict (:func:`find_cues`).

Example:
    >>> find_cues("Late meals may be linked to poorer sleep.")["correlational"]
    ['linked to']
    >>> lexicon_strength("Eating late wrecks your sleep.")
    3
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_W = r"(?<![\w-])"  # a word start
_E = r"(?![\w-])"  # a word end


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(_W + "(?:" + "|".join(alternatives) + ")" + _E, re.IGNORECASE)


CUES: dict[str, re.Pattern[str]] = {
    "correlational": _rx(
        r"associat(?:ed|ion|ions)(?: (?:with|between))?", r"correlat\w*", r"link(?:ed|s)? (?:to|with)",
        r"links? between", r"relat(?:ed|ion|ionship|ionships) (?:to|with|between)", r"predict(?:s|ed|or|ors|ive)?",
        r"(?:higher|lower|greater|increased|reduced|elevated|decreased) (?:risk|odds|likelihood|rates?|incidence)",
        r"(?:more|less) likely", r"odds ratios?", r"hazard ratios?", r"risk factors?", r"tend(?:s|ed)? to",
        r"connected (?:to|with)", r"coincid\w+", r"in line with", r"differ(?:s|ed)? (?:by|between)",
    ),
    "causal": _rx(
        r"caus(?:e|es|ed|ing)", r"lead(?:s)? to", r"led to", r"result(?:s|ed)? in", r"due to", r"because of",
        r"effects? (?:of|on)", r"effective(?:ly|ness)?", r"efficac\w+", r"improv(?:e|es|ed|ing)",
        r"reduc(?:e|es|ed|ing)", r"increas(?:e|es|ed|ing)", r"decreas(?:e|es|ed|ing)", r"prevent(?:s|ed|ing)?",
        r"protect(?:s|ed|ing)?", r"boost(?:s|ed|ing)?", r"cut(?:s|ting)?", r"lower(?:s|ed|ing)", r"rais(?:e|es|ed|ing)",
        r"enhanc(?:e|es|ed|ing)",
        r"impair(?:s|ed|ing)?", r"induc(?:e|es|ed|ing)", r"trigger(?:s|ed|ing)?", r"promot(?:e|es|ed|ing)",
        r"inhibit(?:s|ed|ing)?", r"suppress(?:es|ed|ing)?", r"worsen(?:s|ed|ing)?", r"alleviat(?:e|es|ed|ing)",
        r"attenuat(?:e|es|ed|ing)", r"restor(?:e|es|ed|ing)", r"benefit(?:s|ed|ing)?", r"help(?:s|ed|ing)?",
        r"mak(?:e|es|ing) (?:you|people|us|them|it|patients|children)", r"driv(?:e|es|ing)", r"wreck(?:s|ed|ing)?",
        r"slash(?:es|ed|ing)?", r"harm(?:s|ed|ful)?", r"damag(?:e|es|ed|ing)", r"kill(?:s|ed|ing)?",
        r"sav(?:e|es|ed|ing) lives", r"work(?:s|ed)? (?:for|against)", r"fix(?:es|ed)?", r"consolidat(?:e|es|ed)",
        r"strengthen(?:s|ed)?", r"weaken(?:s|ed)?", r"accelerat(?:e|es|ed|ing)", r"slow(?:s|ed|ing)?",
        r"attribut(?:ed|able) to", r"responsible for", r"cure(?:s|d)?", r"ameliorat\w+",
    ),
    "modal": _rx(r"may", r"might", r"could", r"can", r"would", r"possibl[ey]", r"potential(?:ly)?", r"perhaps",
                 r"probabl[ey]", r"likely", r"unlikely", r"plausibl[ey]", r"presumabl[ey]"),
    "evidential": _rx(r"suggest(?:s|ed|ing|ion|ions)?", r"indicat(?:e|es|ed|ing)", r"appear(?:s|ed)? to",
                      r"seem(?:s|ed)? to", r"imply|implies|implied", r"point(?:s|ed)? to", r"hint(?:s|ed)?"),
    "uncertainty": _rx(
        r"cannot (?:be )?(?:rule|ruled) out", r"cannot exclude", r"not (?:be )?excluded", r"hypothes\w+",
        r"speculat\w+", r"uncertain(?:ty)?", r"unclear", r"preliminary", r"warrant(?:s|ed)?", r"exploratory",
        r"further (?:research|studies|study|trials|work|investigation)", r"(?:is|are) needed", r"remains? to be",
        r"needs? (?:\w+ ){0,3}(?:trials?|research|studies|study|evidence|work|investigation)",
    ),
    "booster": _rx(
        r"prov(?:e|es|ed|en|ing)", r"proof", r"definitive(?:ly)?", r"conclusive(?:ly)?", r"undoubtedly",
        r"clearly", r"certainly", r"once and for all", r"guarantee(?:s|d)?", r"whopping", r"staggering",
        r"dramatic(?:ally)?", r"drastic(?:ally)?", r"massive(?:ly)?", r"huge(?:ly)?", r"miracle", r"breakthrough",
        r"far (?:better|worse|more|less|greater|higher|lower)", r"exactly", r"completely", r"always",
        r"everyone", r"everybody", r"bombshell", r"game[- ]changer", r"confirm(?:s|ed)?",
        r"demonstrat(?:e|es|ed)", r"establish(?:es|ed)",
    ),
    "negation": _rx(r"not", r"no", r"never", r"none", r"neither", r"nor", r"without", r"\w+n't", r"cannot",
                    r"fail(?:s|ed)? to", r"lack(?:s|ed)?(?: of)?", r"absence of"),
    "no_effect": _rx(
        r"no (?:significant |clear |statistically significant )?(?:difference|differences|association|"
        r"associations|effect|effects|evidence|relationship|change|impact|benefit)",
        r"did not (?:differ|change|affect|improve|reduce|increase|alter)", r"not (?:significantly )?associated",
        r"not significant(?:ly)?", r"similar", r"comparable", r"unchanged", r"unaffected",
    ),
    "comparative": _rx(r"than", r"compared (?:with|to)", r"versus", r"vs\.?", r"relative to"),
    "finding": _rx(
        r"we (?:found|show|showed|observed|demonstrate|report)", r"(?:this|our|the present) (?:study|analysis)",
        r"(?:these|our|the) (?:results|findings|data)", r"in conclusion", r"conclu(?:de|ded|sion|sions)",
        r"(?:study|researchers|scientists|team|experts) (?:finds?|found|shows?|showed|says?|said|reports?)",
        r"according to", r"new (?:study|research)", r"findings? (?:show|suggest|indicate)",
    ),
    "advice": _rx(r"should", r"must", r"need(?:s|ed)? to", r"recommend\w*", r"advis\w+", r"ought to",
                  r"consider\w*", r"encourag\w+", r"guidelines?"),
}  # fmt: skip
#: Strong boosters: words a faithful report of a study would not add (checked story-side).
STRONG_BOOSTERS = _rx(
    r"prov(?:e|es|ed|en|ing)", r"proof", r"definitive(?:ly)?", r"conclusive(?:ly)?", r"undoubtedly",
    r"once and for all", r"guarantee(?:s|d)?", r"whopping", r"staggering", r"dramatic(?:ally)?",
    r"drastic(?:ally)?", r"miracle", r"bombshell", r"far (?:better|worse|more|less|greater|higher|lower)",
    r"exactly the same", r"works? for everyone", r"(?:for )?everyone", r"everybody",
)  # fmt: skip
#: Hedges whose loss the checks report (modal, evidential and uncertainty cues).
HEDGE_GROUPS: tuple[str, ...] = ("modal", "evidential", "uncertainty")
CUE_GROUPS: tuple[str, ...] = tuple(CUES)
_CLAUSE = re.compile(r"[,;:()]|\bbut\b|\bwhereas\b|\bwhile\b|\balthough\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d")


def find_cues(text: str) -> dict[str, list[str]]:
    """Every cue group with the phrases of ``text`` that match it, in order of appearance."""
    return {name: [m.group(0) for m in rx.finditer(text)] for name, rx in CUES.items()}


def clauses(text: str) -> list[str]:
    """``text`` split at commas, semicolons, brackets and contrastive conjunctions."""
    return [c for c in _CLAUSE.split(text) if c.strip()]


def unnegated(text: str, group: str) -> list[str]:
    """Cues of ``group`` in clauses without a negation before them ("not proof that X improves")."""
    found = []
    neg = CUES["negation"]
    for clause in clauses(text):
        for m in CUES[group].finditer(clause):
            if not neg.search(clause[: m.start()]):
                found.append(m.group(0))
    return found


def strong_boosters(text: str) -> list[str]:
    """Strong boosters of ``text`` that are not negated ("not proof" is no booster)."""
    found = []
    for clause in clauses(text):
        for m in STRONG_BOOSTERS.finditer(clause):
            if not CUES["negation"].search(clause[: m.start()]):
                found.append(m.group(0))
    return found


def hedges(text: str) -> list[str]:
    """The hedge cues of ``text`` (modal, evidential and uncertainty words)."""
    return [w for g in HEDGE_GROUPS for w in CUES[g].findall(text)]


def lexicon_strength(text: str) -> int:
    """The cue-lexicon baseline: 1 if correlational cues, else 2 if causal + hedge, 3 if causal, else 0.

    Negated causal claims ("did not improve") and "no difference" statements count as 0.
    """
    if CUES["no_effect"].search(text):
        return 0
    if CUES["correlational"].search(text):
        return 1
    if unnegated(text, "causal"):
        return 2 if hedges(text) else 3
    return 0


N_CUE_FEATURES = 2 * len(CUE_GROUPS) + 4


def cue_features(texts: Sequence[str]) -> np.ndarray:
    """Per text: presence and log-count of every cue group, then hedge x causal, negated causal,
    digits and question mark; shape ``(len(texts), N_CUE_FEATURES)``, float32."""
    rows = np.zeros((len(texts), N_CUE_FEATURES), dtype=np.float32)
    for i, text in enumerate(texts):
        counts = [len(rx.findall(text)) for rx in CUES.values()]
        g = len(counts)
        rows[i, :g] = [c > 0 for c in counts]
        rows[i, g : 2 * g] = np.log1p(counts)
        causal = counts[CUE_GROUPS.index("causal")]
        hedged = any(counts[CUE_GROUPS.index(h)] for h in HEDGE_GROUPS)
        rows[i, 2 * g :] = [
            float(bool(causal) and hedged),
            float(bool(causal) and not unnegated(text, "causal")),
            float(bool(_NUMBER.search(text))),
            float(text.rstrip().endswith("?")),
        ]
    return rows


def cue_feature_names() -> list[str]:
    """Names of the columns of :func:`cue_features`."""
    return (
        [f"has_{g}" for g in CUE_GROUPS]
        + [f"log_n_{g}" for g in CUE_GROUPS]
        + ["hedged_causal", "negated_causal", "has_number", "question"]
    )
