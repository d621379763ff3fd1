"""The full-paper ranker: where in the paper's structure a candidate occurs, and how spread out it is.

Features (each in [0, 1], higher = more keyphrase-like), see :data:`PAPER_FEATURES`:

- ``embedding``: rank-normalised cosine between the phrase and the title + abstract
  (0 where the encoder is not used);
- ``title``, ``abstract``, ``introduction``, ``conclusions``, ``heading``: 1 when the phrase
  occurs there (:mod:`sciwire.keyphrases.structure`; the conclusions fall back to the last
  section before the references when none is named so);
- ``spread``: the share of the top-level sections it occurs in;
- ``frequency``: rank-normalised number of occurrences; ``position``: ``1 - first occurrence /
  length``; ``length``: words / 5, capped at 1; ``acronym``: it was introduced with an acronym;
- ``statistical``: rank-normalised YAKE-like score (:class:`StatisticalScorer`).

:data:`PAPER_WEIGHTS` are hand-set round numbers written down before any measurement on a
keyphrase data set (from what the literature reports matters on full papers: title and
abstract, first position, spread, frequency; KP-Miner, Kea, Nguyen & Kan 2007). They are not
fitted: the only labelled full papers at hand (SemEval-2010) may not ship a model.
"""

from __future__ import annotations

import numpy as np

from sciwire.keyphrases.candidates import CandidateSet
from sciwire.keyphrases.scorers.base import rank_normalize
from sciwire.keyphrases.structure import PaperStructure

PAPER_FEATURES: tuple[str, ...] = (
    "embedding", "title", "abstract", "introduction", "conclusions", "heading",
    "spread", "frequency", "position", "length", "acronym", "statistical",
)  # fmt: skip
#: Hand-set weights of the full-paper ranker (see the module docstring; not fitted).
PAPER_WEIGHTS: dict[str, float] = {
    "embedding": 0.3,
    "title": 0.2,
    "abstract": 0.2,
    "introduction": 0.1,
    "conclusions": 0.05,
    "heading": 0.1,
    "spread": 0.15,
    "frequency": 0.2,
    "position": 0.1,
    "length": 0.1,
    "acronym": 0.1,
    "statistical": 0.0,
}


def _zones(structure: PaperStructure) -> dict[str, list[tuple[int, int]]]:
    body_end = structure.body_end
    zones: dict[str, list[tuple[int, int]]] = {"title": [structure.title_span] if structure.title else []}
    for name in ("abstract", "introduction", "conclusions"):
        spans = [(s.start, min(s.end, body_end)) for s in structure.sections if s.name == name and s.start < body_end]
        zones[name] = spans
    if not zones["conclusions"]:
        last = [s for s in structure.sections if s.level == 1 and s.start < body_end]
        last = [s for s in last if s.name not in ("acknowledgments", "appendix", "references", "metadata")]
        if len(last) > 2:
            zones["conclusions"] = [(last[-1].start, min(last[-1].end, body_end))]
    zones["heading"] = [s.heading for s in structure.sections if s.start < body_end]
    return zones


def paper_features(
    cands: CandidateSet,
    structure: PaperStructure,
    statistical: np.ndarray,
    embedding: np.ndarray | None = None,
) -> np.ndarray:
    """The ``(len(cands), len(PAPER_FEATURES))`` feature matrix (columns in :data:`PAPER_FEATURES` order)."""
    n = len(cands)
    if n == 0:
        return np.zeros((0, len(PAPER_FEATURES)))
    tagged = cands.tagged
    zones = _zones(structure)
    n_sections = max(len(structure.top_sections()), 1)
    columns: dict[str, np.ndarray] = {name: np.zeros(n) for name in ("title", "abstract", "introduction",
                                                                     "conclusions", "heading")}  # fmt: skip
    spread = np.zeros(n)
    for k, cand in enumerate(cands.candidates):
        offsets = [tagged.starts[a] for a, _ in cand.occurrences]
        for name, spans in zones.items():
            if any(a <= o < b for o in offsets for a, b in spans):
                columns[name][k] = 1.0
        sections = {i for i in structure.section_index(offsets) if i >= 0}
        spread[k] = len(sections) / n_sections
    length = max(len(tagged), 1)
    first = np.array([c.first for c in cands.candidates], dtype=float)
    tf = np.array([len(c.occurrences) for c in cands.candidates], dtype=float)
    words = np.array([c.n_words for c in cands.candidates], dtype=float)
    acronym = np.array([c.acronym is not None for c in cands.candidates], dtype=float)
    columns["embedding"] = np.zeros(n) if embedding is None else rank_normalize(embedding)
    columns["spread"] = spread
    columns["frequency"] = rank_normalize(tf)
    columns["position"] = 1.0 - first / length
    columns["length"] = np.minimum(words / 5.0, 1.0)
    columns["acronym"] = acronym
    columns["statistical"] = rank_normalize(statistical)
    return np.column_stack([columns[name] for name in PAPER_FEATURES])


def lead_text(structure: PaperStructure, max_chars: int = 3000) -> str:
    """Title and abstract (or the start of the text when there is no abstract), for the document vector."""
    abstract = structure.zone("abstract")
    text = structure.text
    if abstract is None:
        return text[:max_chars]
    body = text[abstract[0] : min(abstract[1], structure.body_end)]
    return f"{structure.title}\n{body}"[:max_chars]
