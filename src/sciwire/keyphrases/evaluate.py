"""Exact-match keyphrase evaluation as in the literature: lower-cased, Porter-stemmed, F1@k.

Each word is lower-cased and Porter-stemmed (NLTK, Martin's extensions), the parts of
hyphenated and slashed words separately ("real-time" -> "real-time", "encoding/decoding" ->
"encod/decod"): this reproduces SemEval-2010's official stemmed reference exactly (2,236 of its
2,265 phrases from the unstemmed list; the rest differ in the reference's own lemmatisation).

Per document: ``P@k = matched / len(top_k)`` (duplicates after stemming take a slot and
count once), ``R@k = matched / len(gold)`` where a gold keyphrase with alternatives counts once,
``F1@k`` their harmonic mean; scores are macro-averaged over documents.

Example:
    >>> normalize_phrase("Distributed Real-Time  Systems")  # doctest: +SKIP
    'distribut real-time system'
    >>> prf_at_k(["trees", "tree", "graph"], [("tree",), ("forest",)], k=2)  # doctest: +SKIP
    (0.5, 0.5, 0.5)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sciwire.errors import InputError, MissingDependencyError

_PARTS = re.compile(r"[^-/]+")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    try:
        from nltk.stem.porter import PorterStemmer
    except ImportError as exc:
        raise MissingDependencyError("nltk", "Keyphrase evaluation (Porter stemming)", extra="bench") from exc
    return PorterStemmer(PorterStemmer.MARTIN_EXTENSIONS)


@lru_cache(maxsize=200_000)
def _stem_word(word: str) -> str:
    stem = _stemmer().stem
    return _PARTS.sub(lambda m: stem(m.group()), word)


def normalize_phrase(phrase: str) -> str:
    """Lower-case, split on whitespace and Porter-stem every word (hyphen/slash parts apart)."""
    return " ".join(_stem_word(w) for w in phrase.lower().split())


def prf_at_k(
    predicted: Sequence[str], gold: Sequence[Sequence[str]], k: int, gold_stemmed: bool = False
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the top ``k`` predictions against ``gold`` for one document.

    Args:
        predicted: Keyphrases, best first (surface forms).
        gold: One sequence of accepted variants per gold keyphrase.
        k: The cut-off.
        gold_stemmed: The gold is already normalised (SemEval-2010's stemmed reference).

    Raises:
        InputError: ``k`` < 1.
    """
    if k < 1:
        raise InputError(f"k must be >= 1, got {k}")
    groups = [{v if gold_stemmed else normalize_phrase(v) for v in variants} for variants in gold]
    groups = _merge_groups(groups)
    top = [normalize_phrase(p) for p in predicted[:k]]
    if not top or not groups:
        return 0.0, 0.0, 0.0
    matched = sum(1 for group in groups if group & set(top))
    precision, recall = matched / len(top), matched / len(groups)
    f1 = 0.0 if matched == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def _merge_groups(groups: list[set[str]]) -> list[set[str]]:
    """Gold keyphrases that coincide after stemming ("tree", "trees") count once."""
    merged: list[set[str]] = []
    for group in groups:
        for existing in merged:
            if existing & group:
                existing |= group
                break
        else:
            if group:
                merged.append(set(group))
    return merged


@dataclass(frozen=True)
class KeyphraseScores:
    """Macro-averaged P/R/F1 at each cut-off over ``n_docs`` documents."""

    n_docs: int
    precision: dict[int, float]
    recall: dict[int, float]
    f1: dict[int, float]


def evaluate_keyphrases(
    predictions: Iterable[Sequence[str]],
    golds: Iterable[Sequence[Sequence[str]]],
    ks: Sequence[int] = (5, 10, 15),
    gold_stemmed: bool = False,
) -> KeyphraseScores:
    """Macro-averaged P@k, R@k and F1@k over documents (documents without gold are skipped).

    Raises:
        InputError: The two iterables have different lengths.
    """
    preds, gold_list = list(predictions), list(golds)
    if len(preds) != len(gold_list):
        raise InputError(f"Got {len(preds)} prediction lists for {len(gold_list)} gold lists; they must pair up")
    sums = {k: [0.0, 0.0, 0.0] for k in ks}
    n = 0
    for pred, gold in zip(preds, gold_list, strict=True):
        if not gold:
            continue
        n += 1
        for k in ks:
            for i, value in enumerate(prf_at_k(pred, gold, k, gold_stemmed)):
                sums[k][i] += value
    div = max(n, 1)
    return KeyphraseScores(
        n,
        {k: v[0] / div for k, v in sums.items()},
        {k: v[1] / div for k, v in sums.items()},
        {k: v[2] / div for k, v in sums.items()},
    )
