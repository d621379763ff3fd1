"""Readability, jargon, code/data availability and publisher-style cues of an abstract.

- **Readability**: words, words per sentence, syllables per word and the Flesch reading ease
  (206.835 - 1.015 words/sentence - 84.6 syllables/word; higher is easier).
- **Jargon** (after the De-Jargonizer, Rakedzon et al. 2017): each word's frequency in general
  English from the ``wordfreq`` package (Zipf scale: log10 of uses per billion words).
  *Common* words have Zipf >= 4 (10+ per million), *rare* words Zipf < 2.75 (the
  De-Jargonizer's "fewer than 50 times in 90 million words"); in between is *mid-frequency*.
  ``jargon_share`` is the share of rare words; the De-Jargonizer score is
  ``100 - 100 * (0.5 * mid + rare) / words``.
- **Availability**: links or statements that code (GitHub, GitLab, "code is available") or data
  (Zenodo, Figshare, Dryad, OSF, GEO accessions, "data are available") are released.
- **Style** (:func:`~.style.style_cues`, re-exported here; for the shortcut check and the
  style-only baseline, never a model feature).

Example:
    >>> availability("Code: https://github.com/x/y. Data are deposited in Zenodo.")
    {'code_available': 1.0, 'data_available': 1.0}
    >>> round(flesch_reading_ease("The cat sat on the mat."), 1)
    116.1
"""

from __future__ import annotations

import functools
import re

from sciwire.errors import MissingDependencyError
from sciwire.newsworthiness.style import style_cues

COMMON_ZIPF = 4.0
RARE_ZIPF = 2.75
_WORD = re.compile(r"[A-Za-z]+")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[A-Z(\"“])")
_VOWELS = re.compile(r"[aeiouy]+")
CODE_PATTERNS = re.compile(
    r"github\.com|gitlab\.|bitbucket\.org|codeocean\.com|huggingface\.co|"
    r"\b(?:source )?code (?:is |are |has been |will be )?(?:publicly |freely |openly )?(?:available|released|provided)|"
    r"\b(?:our |the )?(?:software|implementation|package|toolbox|library|code) (?:is|are) "
    r"(?:publicly |freely |openly )?available|\bopen[- ]source (?:code|software|implementation|package|tool)",
    re.IGNORECASE,
)
DATA_PATTERNS = re.compile(
    r"zenodo\.|figshare|datadryad|\bdryad\b|osf\.io|dataverse|\bGSE\d{3,}|\bPRJ[NEB][A-Z]?\d+|"
    r"accession (?:number|code)s?|data availability|"
    r"\b(?:all |the |our |raw |these )?(?:data|datasets?|data sets?|corpus|database) (?:is |are |have been |will be )?"
    r"(?:made )?(?:publicly |freely |openly )?(?:available|released|deposited|accessible|shared)",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1)
def zipf_table() -> dict[str, float]:
    """Word -> Zipf frequency in general English (``wordfreq``'s 'best' list), loaded once.

    Raises:
        MissingDependencyError: When ``wordfreq`` is not installed.
    """
    try:
        import wordfreq
    except ImportError as exc:
        raise MissingDependencyError("wordfreq", "The jargon score of newsworthiness") from exc
    import math

    # ``get_frequency_dict`` gives every word of centibel bucket i the frequency 10 ** (-i / 100) (a later
    # bucket wins); the Zipf value is computed once per bucket here, not once per word: the same table
    # (tested) in 0.16 s instead of 0.27 s, part of every cold start
    table: dict[str, float] = {}
    for index, bucket in enumerate(wordfreq.get_frequency_list("en")):
        freq = wordfreq.cB_to_freq(-index)
        if freq > 0:
            table.update(dict.fromkeys(bucket, math.log10(freq * 1e9)))
        else:
            for word in bucket:
                table.pop(word, None)
    return table


def words(text: str) -> list[str]:
    """Lower-cased alphabetic words of two letters or more."""
    return [w.lower() for w in _WORD.findall(text) if len(w) > 1]


@functools.lru_cache(maxsize=200_000)
def count_syllables(word: str) -> int:
    """Vowel groups, minus a silent final 'e'; at least one."""
    word = word.lower()
    n = len(_VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and n > 1:
        n -= 1
    return max(n, 1)


def sentence_count(text: str) -> int:
    """Sentences, split after . ! ? followed by a capital letter (at least one)."""
    return len(_SENTENCE_END.split(text.strip())) if text.strip() else 1


def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease of ``text`` (about 0-100 for prose; science abstracts score 0-30)."""
    ws = _WORD.findall(text)
    if not ws:
        return 0.0
    syllables = sum(count_syllables(w) for w in ws)
    return 206.835 - 1.015 * len(ws) / sentence_count(text) - 84.6 * syllables / len(ws)


def readability(text: str) -> dict[str, float]:
    """Words, words per sentence, syllables per word and Flesch reading ease of normalised text."""
    ws = _WORD.findall(text)
    n = max(len(ws), 1)
    return {
        "words": float(len(ws)),
        "words_per_sentence": len(ws) / sentence_count(text),
        "syllables_per_word": sum(count_syllables(w) for w in ws) / n,
        "flesch_reading_ease": flesch_reading_ease(text),
    }


def jargon(text: str) -> dict[str, float]:
    """Shares of common, mid-frequency and rare words and the De-Jargonizer score (0-100)."""
    table = zipf_table()
    zipfs = [table.get(w, 0.0) for w in words(text)]
    if not zipfs:
        return {"common_share": 0.0, "jargon_share": 0.0, "dejargonizer_score": 100.0}
    n = len(zipfs)
    rare = sum(z < RARE_ZIPF for z in zipfs) / n
    mid = sum(RARE_ZIPF <= z < COMMON_ZIPF for z in zipfs) / n
    return {
        "common_share": sum(z >= COMMON_ZIPF for z in zipfs) / n,
        "jargon_share": rare,
        "dejargonizer_score": 100.0 - 100.0 * (0.5 * mid + rare),
    }


def rare_words(text: str, limit: int = 5) -> list[str]:
    """The rarest distinct words of ``text`` (for explanations: "jargon such as ...")."""
    table = zipf_table()
    found = {w: table.get(w, 0.0) for w in words(text)}
    rare = sorted((z, w) for w, z in found.items() if z < RARE_ZIPF)
    return [w for _, w in rare[:limit]]


_CODE_KEYS = ("github", "gitlab", "bitbucket", "codeocean", "huggingface", "code", "software", "implementation",
              "package", "toolbox", "library", "open source", "open-source")  # fmt: skip
_DATA_KEYS = ("zenodo", "figshare", "dryad", "osf.io", "dataverse", "gse", "prj", "accession", "availab", "released",
              "deposited", "accessible", "shared")  # fmt: skip


def availability(text: str) -> dict[str, float]:
    """1.0 when ``text`` links to or states released code / data, else 0.0."""
    low = text.lower()  # cheap keyword filter first: the patterns are slow on long texts
    code = any(k in low for k in _CODE_KEYS) and CODE_PATTERNS.search(text)
    data = any(k in low for k in _DATA_KEYS) and DATA_PATTERNS.search(text)
    return {"code_available": float(bool(code)), "data_available": float(bool(data))}


__all__ = [
    "availability", "count_syllables", "flesch_reading_ease", "jargon", "rare_words", "readability",
    "sentence_count", "style_cues", "words", "zipf_table",
]  # fmt: skip
