"""The weak-label protocol: papers that got news coverage vs field-matched papers that (mostly) did not.

No journalist ratings are at hand, so models are checked against a weaker question: can they
tell the 238 CD²CR abstracts (papers that news stories covered) from abstracts of the same
broad fields that were not picked for that corpus (PubMedQA for biomedicine, the arXiv set
for computer science, CoreSC for the other sciences)? Professional pessimism applies:

1. **Field balance.** Every abstract gets a broad field from a zero-shot classifier (MiniLM
   similarity to :data:`FIELD_DESCRIPTIONS`, the same classifier for both sides). A *balanced
   sample* keeps, per field, as many negatives as positives (``min(P_f, N_f)`` of each, drawn at
   random), so the field alone scores AUC 0.5 by construction; fields with fewer than
   ``min_per_field`` of either side are dropped. Metrics are averaged over several draws.
2. **No metadata.** CD²CR has no titles, categories or venues, so every paper is reduced to
   its abstract (:func:`~.corpora.abstract_only`): otherwise "has a category" would decide.
3. **Shortcut check and style-only baseline.** Publisher and formatting cues
   (:func:`~.style.style_cues`: length, structured headings, an "Abstract" prefix, line breaks,
   "Here we", formulaic openers, citation markers, copyright lines) are scored *alone*, and
   all together as a model (:func:`style_baseline`: logistic regression, out-of-fold on the
   same folds as the models), on the raw text and on style-neutralised text
   (:func:`~.style.neutralise_style`, which every feature and embedding reads). Each model is
   also scored on the **style-neutral subset** (papers with none of the binary cues).
4. **Matched pools.** Besides the field-balanced pool, :func:`biomedicine_mask` keeps one
   field family *and* one source per side: CD²CR medicine/biology papers vs PubMedQA abstracts
   of the same zero-shot fields, balanced per field.
5. **Held-out.** Trained models are scored out-of-fold (stratified, grouped by normalised
   abstract text so duplicates never straddle train and test). CD²CR is academic-use only:
   these weak-label models are measured, never shipped.

Weak labels are noisy both ways: an uncovered paper may be newsworthy, and coverage depends
on press offices and publishers. An AUC here says "resembles covered papers", no more.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.backends.embeddings import Embedder
from sciwire.newsworthiness.corpora import abstract_only, arxiv_papers, cdcr_papers, coresc_papers, pubmedqa_papers
from sciwire.newsworthiness.evaluate import auc, out_of_fold, precision_at_k
from sciwire.newsworthiness.features import FeatureSet
from sciwire.newsworthiness.model import NewsworthinessClassifier
from sciwire.newsworthiness.papers import Paper, normalise_abstract
from sciwire.newsworthiness.style import STYLE_CUES, style_cues

logger = logging.getLogger(__name__)

FIELD_DESCRIPTIONS: dict[str, str] = {
    "medicine": "Clinical medicine and public health: patients, disease, diagnosis, treatment, hospitals, trials.",
    "biology": "Biology and life sciences: genes, cells, proteins, neurons, molecular mechanisms, animals, plants.",
    "cs": "Computer science and artificial intelligence: algorithms, neural networks, machine learning, software.",
    "physical": "Physics, astronomy, chemistry and materials: particles, stars, galaxies, quantum effects, molecules.",
    "earth": "Earth and environmental sciences: climate, oceans, ecology, geology, weather and ecosystems.",
    "social": "Psychology, social sciences and the humanities: behaviour, society, education, archaeology, history.",
    "math": "Mathematics and engineering: theorems, proofs, equations, control systems and engineering design.",
}
NAN = float("nan")
BIOMEDICINE = ("medicine", "biology")


@dataclass(frozen=True)
class WeakLabelSet:
    """Abstract-only papers with a weak label (1 = covered by news), a field and style cues."""

    papers: tuple[Paper, ...]
    y: np.ndarray
    fields: np.ndarray
    sources: np.ndarray
    style: dict[str, np.ndarray]
    groups: np.ndarray

    def field_table(self) -> list[tuple[str, int, int]]:
        """(field, positives, negatives) for every field."""
        pos, neg = Counter(self.fields[self.y == 1]), Counter(self.fields[self.y == 0])
        return [(f, pos.get(f, 0), neg.get(f, 0)) for f in FIELD_DESCRIPTIONS]

    def style_neutral(self) -> np.ndarray:
        """Mask of papers with none of the binary style cues."""
        cues = [self.style[c] for c in STYLE_CUES if c != "raw_words"]
        return np.all(np.column_stack(cues) == 0, axis=1)


def classify_fields(embedder: Embedder, papers: list[Paper]) -> np.ndarray:
    """Zero-shot broad field of each abstract: the nearest :data:`FIELD_DESCRIPTIONS` embedding."""
    names = np.array(list(FIELD_DESCRIPTIONS))
    centroids = embedder.encode(list(FIELD_DESCRIPTIONS.values()))
    vectors = embedder.encode([normalise_abstract(p.abstract) for p in papers], full_length=True)
    return names[(vectors @ centroids.T).argmax(axis=1)]


def load_weak_labels(data_dir: str | os.PathLike[str], embedder: Embedder) -> WeakLabelSet:
    """CD²CR (positives) vs PubMedQA, arXiv and CoreSC (negatives), abstract only, fields assigned."""
    pos = cdcr_papers(data_dir)
    neg = [*pubmedqa_papers(data_dir), *arxiv_papers(data_dir), *coresc_papers(data_dir)]
    papers = abstract_only([*pos, *neg])
    y = np.array([1] * len(pos) + [0] * len(neg))
    cues = [style_cues(p.abstract) for p in papers]
    style = {c: np.array([row[c] for row in cues]) for c in STYLE_CUES}
    keys = [normalise_abstract(p.abstract).lower() for p in papers]
    group_of = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    return WeakLabelSet(
        papers=tuple(papers),
        y=y,
        fields=classify_fields(embedder, papers),
        sources=np.array([p.extra.get("source", "") for p in papers]),
        style=style,
        groups=np.array([group_of[k] for k in keys]),
    )


def biomedicine_mask(data: WeakLabelSet) -> np.ndarray:
    """The matched-source pool: CD²CR and PubMedQA abstracts whose zero-shot field is medicine or biology."""
    return np.isin(data.fields, BIOMEDICINE) & np.isin(data.sources, ("cdcr", "pubmedqa"))


def balanced_sample(
    data: WeakLabelSet, seed: int, min_per_field: int = 5, within: np.ndarray | None = None
) -> np.ndarray:
    """Indices of a field-balanced sample: per field, ``min(P_f, N_f)`` positives and negatives.

    Args:
        data: The weak-label set.
        seed: Seed of the draw.
        min_per_field: Fields with fewer papers on either side are dropped.
        within: Optional mask of the papers that may be drawn (a matched pool).
    """
    rng = np.random.default_rng(seed)
    allowed = np.ones(len(data.y), dtype=bool) if within is None else np.asarray(within, dtype=bool)
    keep: list[int] = []
    for field in FIELD_DESCRIPTIONS:
        in_field = (data.fields == field) & allowed
        n = min(int((in_field & (data.y == 1)).sum()), int((in_field & (data.y == 0)).sum()))
        if n < min_per_field:
            continue
        for label in (1, 0):
            idx = np.flatnonzero(in_field & (data.y == label))
            keep.extend(rng.choice(idx, size=n, replace=False).tolist())
    return np.array(sorted(keep))


def _summarise(values: list[float]) -> dict[str, float]:
    arr = np.array(values, dtype=float)
    arr = arr[~np.isnan(arr)]
    return {"mean": float(arr.mean()), "sd": float(arr.std())} if len(arr) else {"mean": NAN, "sd": NAN}


def evaluate_scores(data: WeakLabelSet, samples: list[np.ndarray], scores: list[np.ndarray]) -> dict[str, Any]:
    """AUC, P@10, P@15, style-neutral AUC and per-field AUC of one model over the balanced samples.

    ``scores[i]`` holds the scores of the papers ``samples[i]`` (in that order).
    """
    runs: dict[str, list[float]] = {"auc": [], "p@10": [], "p@15": [], "auc_style_neutral": []}
    per_field: dict[str, list[float]] = {}
    neutral = data.style_neutral()
    for idx, s in zip(samples, scores, strict=True):
        y = data.y[idx]
        runs["auc"].append(auc(s, y))
        runs["p@10"].append(precision_at_k(s, y, 10))
        runs["p@15"].append(precision_at_k(s, y, 15))
        runs["auc_style_neutral"].append(auc(s[neutral[idx]], y[neutral[idx]]))
        for field in np.unique(data.fields[idx]):
            mask = data.fields[idx] == field
            per_field.setdefault(str(field), []).append(auc(s[mask], y[mask]))
    out: dict[str, Any] = {k: _summarise(v) for k, v in runs.items()}
    out["per_field_auc"] = {k: round(float(np.nanmean(v)), 3) for k, v in per_field.items()}
    return out


def shortcut_check(data: WeakLabelSet, samples: list[np.ndarray]) -> dict[str, dict[str, float]]:
    """AUC of each style cue alone (raw text) and of the same cues after normalisation.

    AUC is direction-free here (``max(a, 1 - a)``): a cue that separates the sets either way
    is a shortcut. Normalised text has no prefix, heading or line break by construction; the
    check recomputes them to prove it.
    """
    normalised = [style_cues(normalise_abstract(p.abstract)) for p in data.papers]
    out = {}
    for cue in STYLE_CUES:
        raw = [auc(data.style[cue][idx], data.y[idx]) for idx in samples]
        after = [auc(np.array([normalised[i][cue] for i in idx]), data.y[idx]) for idx in samples]
        out[cue] = {
            "auc": float(max(np.nanmean(raw), 1 - np.nanmean(raw))),
            "auc_after_normalising": float(max(np.nanmean(after), 1 - np.nanmean(after))),
            "share_covered": float(data.style[cue][data.y == 1].mean()),
            "share_not_covered": float(data.style[cue][data.y == 0].mean()),
        }
    field_auc = []
    for idx in samples:  # the field alone, as an ordinal code: 0.5 by construction
        codes = np.array([list(FIELD_DESCRIPTIONS).index(f) for f in data.fields[idx]], dtype=float)
        field_auc.append(auc(codes, data.y[idx]))
    out["field"] = {"auc": float(max(np.mean(field_auc), 1 - np.mean(field_auc)))}
    return out


def cross_validated(
    data: WeakLabelSet,
    features: FeatureSet,
    samples: list[np.ndarray],
    make: Callable[[], Any],
    with_embedding: bool = True,
    folds: int = 5,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Out-of-fold calibrated and raw scores of a fresh classifier on each balanced sample."""
    X_all = features.matrix(features.names, with_embedding=with_embedding)
    calibrated, raw = [], []
    for seed, idx in enumerate(samples):
        c, r = out_of_fold(make(), X_all[idx], data.y[idx], data.groups[idx], folds, seed)
        calibrated.append(c)
        raw.append(r)
    return calibrated, raw


def style_matrix(data: WeakLabelSet, neutralised: bool) -> np.ndarray:
    """All :data:`~.style.STYLE_CUES` of every paper (length as log words), on raw or neutralised text."""
    if neutralised:
        rows = [style_cues(normalise_abstract(p.abstract)) for p in data.papers]
        cues = {c: np.array([r[c] for r in rows]) for c in STYLE_CUES}
    else:
        cues = data.style
    return np.column_stack([np.log1p(cues[c]) if c == "raw_words" else cues[c] for c in STYLE_CUES])


def style_baseline(
    data: WeakLabelSet, samples: list[np.ndarray], neutralised: bool, folds: int = 5
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Out-of-fold scores of the style-cues-only model: logistic regression on all cues together.

    Folds are those of :func:`cross_validated` (same groups, labels and seed per draw), so the
    baseline and the models are scored on the same held-out papers.
    """
    X_all = style_matrix(data, neutralised)
    calibrated, raw = [], []
    for seed, idx in enumerate(samples):
        c, r = out_of_fold(NewsworthinessClassifier("logistic"), X_all[idx], data.y[idx], data.groups[idx], folds, seed)
        calibrated.append(c)
        raw.append(r)
    return calibrated, raw
