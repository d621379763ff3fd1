"""Judge every aligned story sentence against the paper sentence it reports.

Reads: the stories' ``alignment`` layer (see :mod:`sciwire.align.aligner`), the sentences of
both sides and, when :mod:`sciwire.discourse` ran before, the paper's ``discourse`` layer
(CoreSC roles: "Res", "Obs" and "Con" sentences count as findings whatever the detector
says) and ``abstract_roles`` layer ("result").

Writes:

- ``fidelity`` on each story: one span per story sentence that reports a paper sentence;
  label = verdict (exaggerates / same / downplays), score = confidence, attrs = the
  verdict's evidence (:meth:`Verdict.to_attrs`) plus ``paper_id``, ``paper_sentence``,
  ``alignment_probability`` and ``paper_finding`` (P(the paper sentence states a finding));
- ``findings`` on the paper: one span per sentence the conclusion detector (or the discourse
  role) marks as a finding; score = the detector's probability; attrs ``role``, ``source``.

Story text is data, never instructions: it is only classified, compared and escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.analysis import ABSTRACT_ROLES, ALIGNMENT, DISCOURSE, FIDELITY, FINDINGS, RELEVANCE
from sciwire.config import FidelityConfig, load_config
from sciwire.document import Document, Sentence, Span
from sciwire.fidelity.bundle import FidelityModels
from sciwire.fidelity.checks import run_checks
from sciwire.fidelity.numbers import Quantity, extract_quantities
from sciwire.fidelity.relevance import Relevance
from sciwire.fidelity.verdict import judge_pair

#: Order in which the verdicts against a story sentence's candidate paper sentences are preferred.
_SEVERITY = {"same": 0, "downplays": 1, "unsure": 2, "exaggerates": 3}
#: Layers of sciwire.discourse read when present (CoreSC roles, then abstract roles).
ROLE_LAYERS: tuple[str, ...] = (DISCOURSE, ABSTRACT_ROLES)
#: Discourse roles that state findings (CoreSC Result/Conclusion/Observation; abstract "result").
FINDING_ROLES = frozenset({"res", "con", "obs", "result", "results", "conclusion", "conclusions"})
#: Sections searched for findings by the detector.
FINDING_SECTIONS = frozenset({"title", "abstract", "results", "discussion", "conclusion", "body", "other"})


@dataclass(frozen=True)
class Pair:
    """Story k's sentence ``story_sentence`` reports one of the paper sentences ``candidates``
    (the aligner's matches, best first; never empty)."""

    story: int
    story_sentence: int
    candidates: tuple[int, ...]
    alignment_probability: float


def aligned_pairs(stories: Sequence[Document]) -> list[Pair]:
    """Every story sentence labelled ``reports`` with the paper sentences it may report."""
    pairs = []
    for k, story in enumerate(stories):
        by_start = {s.start: s.index for s in story.sentences}
        for span in story.layer(ALIGNMENT):
            matched = span.attrs.get("paper_sentences") or []
            if span.label == "reports" and matched and span.start in by_start:
                pairs.append(Pair(k, by_start[span.start], tuple(map(int, matched)), float(span.score or 0.0)))
    return pairs


def context_before(doc: Document, index: int, n: int) -> str:
    """Up to ``n`` sentences before sentence ``index`` in the same paragraph (blank line = new paragraph)."""
    parts: list[str] = []
    sent = doc.sentences[index]
    for prev in reversed(doc.sentences[max(0, index - n) : index]):
        if "\n\n" in doc.text[prev.end : sent.start]:
            break
        parts.insert(0, doc.span_text(prev))
        sent = prev
    return " ".join(parts)


def discourse_roles(paper: Document) -> dict[int, str]:
    """Sentence index -> discourse role from the role layers present; a finding role wins."""
    starts = {s.start: s.index for s in paper.sentences}
    roles: dict[int, str] = {}
    for layer in ROLE_LAYERS:
        for span in paper.layer(layer):
            index = starts.get(span.start)
            if index is not None and (index not in roles or span.label.lower() in FINDING_ROLES):
                roles[index] = span.label
    return roles


def find_findings(
    paper: Document, models: FidelityModels, cfg: FidelityConfig, extra: Sequence[int] = ()
) -> tuple[list[Span], dict[int, float]]:
    """The ``findings`` spans (detector probability >= threshold, or a finding discourse role)
    and the detector's probability for every sentence it scored (index -> probability)."""
    roles = discourse_roles(paper)
    candidates = [
        s
        for s in paper.iter_sentences()
        if (sec := paper.section_of(s)) is None or sec.name in FINDING_SECTIONS or s.index in extra
    ][: cfg.max_paper_sentences]
    probs = models.conclusion_proba([paper.span_text(s) for s in candidates]) if cfg.findings else None
    scored = {} if probs is None else {s.index: float(p) for s, p in zip(candidates, probs, strict=True)}
    spans = []
    for i, sent in enumerate(candidates):
        p = None if probs is None else float(probs[i])
        role = roles.get(sent.index)
        by_role = role is not None and role.lower() in FINDING_ROLES
        if by_role or (p is not None and p >= cfg.finding_threshold):
            source = "discourse" if by_role and (p is None or p < cfg.finding_threshold) else "detector"
            spans.append(Span(sent.start, sent.end, "finding", score=p, attrs={"role": role, "source": source}))
    return spans, scored


def assess(
    paper: Document,
    stories: Sequence[Document],
    models: FidelityModels,
    cfg: FidelityConfig | None = None,
    relevance: Sequence[Relevance] | None = None,
    pair_model: Any = None,
) -> tuple[Document, list[Document]]:
    """Add ``findings`` to the paper and ``fidelity`` to every story (see the module docstring).

    Args:
        relevance: The gate's decision per story (:mod:`sciwire.fidelity.relevance`): an
            unrelated story gets a ``relevance`` span saying so and no verdicts. None: no gate.
        pair_model: The learned pair verdict (:class:`sciwire.fidelity.pairs.PairVerdictModel`);
            None: the strength rule, every check decisive, no abstention.
    """
    cfg = cfg or load_config().fidelity
    if relevance is not None and len(relevance) != len(stories):
        raise ValueError(f"Got {len(relevance)} relevance decisions for {len(stories)} stories")
    pairs = [p for p in aligned_pairs(stories) if relevance is None or relevance[p.story].related]
    options = [pair.candidates[: cfg.candidates] for pair in pairs]
    findings, finding_p = find_findings(paper, models, cfg, extra=[i for opts in options for i in opts])
    paper_texts = paper.sentence_texts()
    pool: list[Quantity] = [q for s in paper.iter_sentences() for q in extract_quantities(paper_texts[s.index])]
    story_texts = [stories[p.story].span_text(stories[p.story].sentences[p.story_sentence]) for p in pairs]
    unique = list(dict.fromkeys(story_texts + [paper_texts[i] for opts in options for i in opts]))
    row = {t: i for i, t in enumerate(unique)}
    strength = models.strength_proba(unique) if unique else np.zeros((0, 4))
    certainty = models.certainty_scores(unique) if unique else None
    spans: list[list[Span]] = [[] for _ in stories]
    for pair, story_text, opts in zip(pairs, story_texts, options, strict=True):
        story = stories[pair.story]
        judged = []
        for index in opts:
            paper_text = paper_texts[index]
            issues = run_checks(
                paper_text,
                story_text,
                paper_context=context_before(paper, index, cfg.context_sentences),
                story_context=context_before(story, pair.story_sentence, cfg.context_sentences),
                paper_numbers=pool,
                tolerance=cfg.number_tolerance,
            )
            judged.append(
                (
                    index,
                    judge_pair(
                        paper_text,
                        story_text,
                        strength[row[paper_text]],
                        strength[row[story_text]],
                        issues,
                        pair.alignment_probability,
                        None
                        if certainty is None
                        else (float(certainty[row[paper_text]]), float(certainty[row[story_text]])),
                        pair_model,
                    ),
                )
            )
        # Benefit of the doubt: the best-aligned candidate the story keeps faithfully, else the
        # best-aligned one it understates; overstated only if it overstates every candidate.
        index, verdict = min(judged, key=lambda iv: _SEVERITY[iv[1].label])
        sent: Sentence = story.sentences[pair.story_sentence]
        attrs = {
            **verdict.to_attrs(),
            "paper_id": paper.id,
            "paper_sentence": index,
            "alignment_probability": round(pair.alignment_probability, 4),
            "paper_finding": round(finding_p[index], 4) if index in finding_p else None,
        }
        spans[pair.story].append(
            Span(sent.start, sent.end, verdict.label, score=round(verdict.confidence, 4), attrs=attrs)
        )
    new_paper = paper.with_layer(FINDINGS, findings)
    out = [s.with_layer(FIDELITY, sp) for s, sp in zip(stories, spans, strict=True)]
    if relevance is not None:
        out = [s.with_layer(RELEVANCE, [r.span(s)]) for s, r in zip(out, relevance, strict=True)]
    return new_paper, out
