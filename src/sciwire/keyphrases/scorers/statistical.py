"""A YAKE-like statistical scorer (Campos et al., 2020), on sciwire's noun-phrase candidates.

Word features (over word stems, stopwords excluded): casing, position (median sentence),
normalised frequency, relatedness to context (diversity of neighbours) and spread over
sentences, combined as in YAKE into a word weight ``S(w)`` (lower = more important). A
candidate's YAKE weight is ``prod S(w) / (tf * (1 + sum S(w)))``; the scorer returns its
negative logarithm so that higher is better.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from sciwire.keyphrases.candidates import CandidateSet, is_stopword


class StatisticalScorer:
    """YAKE's features and formula on noun-phrase candidates.

    Args:
        window: Neighbours on each side counted for relatedness.
    """

    name = "statistical"

    def __init__(self, window: int = 2) -> None:
        self.window = window

    def warm_up(self) -> None:
        """Nothing to load."""

    def word_weights(self, cands: CandidateSet) -> dict[str, float]:
        """YAKE's ``S(w)`` for every content word stem (lower = more important)."""
        tagged, stems = cands.tagged, cands.stems
        content = [
            t in "ANGD" and not is_stopword(w, cands.stopwords) and any(ch.isalpha() for ch in w)
            for t, w in zip(tagged.tags, tagged.lowers, strict=True)
        ]
        tf: dict[str, int] = defaultdict(int)
        upper: dict[str, int] = defaultdict(int)
        sents: dict[str, list[int]] = defaultdict(list)
        left: dict[str, list[str]] = defaultdict(list)
        right: dict[str, list[str]] = defaultdict(list)
        text = tagged.text
        for i, stem in enumerate(stems):
            if not content[i]:
                continue
            tf[stem] += 1
            sents[stem].append(tagged.sents[i])
            raw = text[tagged.starts[i] : tagged.ends[i]]
            sentence_start = i == 0 or tagged.sents[i - 1] != tagged.sents[i]
            if (raw.isupper() and len(raw) > 1) or (raw[:1].isupper() and not sentence_start):
                upper[stem] += 1
            for j in range(max(0, i - self.window), i):
                if tagged.sents[j] == tagged.sents[i]:
                    left[stem].append(stems[j])
            for j in range(i + 1, min(len(stems), i + self.window + 1)):
                if tagged.sents[j] == tagged.sents[i]:
                    right[stem].append(stems[j])
        if not tf:
            return {}
        counts = np.array(list(tf.values()), dtype=float)
        mean_tf, std_tf, max_tf = counts.mean(), counts.std(), counts.max()
        n_sents = max(tagged.n_sents, 1)
        weights = {}
        for stem, f in tf.items():
            t_case = upper[stem] / (1.0 + math.log(f))
            t_pos = math.log(math.log(3.0 + _median(sents[stem])))
            t_freq = f / (mean_tf + std_tf)
            dl = len(set(left[stem])) / len(left[stem]) if left[stem] else 0.0
            dr = len(set(right[stem])) / len(right[stem]) if right[stem] else 0.0
            t_rel = 1.0 + (dl + dr) * f / max_tf
            t_sent = len(set(sents[stem])) / n_sents
            weights[stem] = (t_rel * t_pos) / (t_case + t_freq / t_rel + t_sent / t_rel)
        return weights

    def score(self, cands: CandidateSet) -> np.ndarray:
        """``-log`` of each candidate's YAKE weight (higher is better)."""
        weights = self.word_weights(cands)
        out = np.zeros(len(cands))
        for k, cand in enumerate(cands.candidates):
            ws = [max(weights.get(s, 1.0), 1e-9) for s in cand.key]
            prod = math.exp(sum(math.log(w) for w in ws))
            out[k] = -math.log(prod / (len(cand.occurrences) * (1.0 + sum(ws))))
        return out


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0
