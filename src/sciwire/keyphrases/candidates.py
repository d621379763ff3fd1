"""Keyphrase candidates: noun phrases from POS patterns, acronyms linked, de-duplicated by lemma stems.

Pattern (over the words of :class:`~sciwire.keyphrases.tagging.TaggedText`): a maximal run of
adjectives, nouns and participles (``A``, ``N``, ``G``) without stopwords, cut so that it ends
with a noun; runs longer than ``max_words`` keep their last ``max_words`` words. Hyphenated
compounds are one word. Participles ("distributed", "learning") may modify a noun when
``participles`` allows it, but one right after a noun ends the run ("TRF reduced sleep": a verb) unless that noun is
hyphenated ("real-time embedded systems").

De-duplication: the key of a candidate is the Snowball stem of each word's lemma, so "tree" /
"trees" and "optimize" / "optimization" collapse; its display form is its most frequent
surface form (ties: the earliest).

Acronyms: "long form (ACRONYM)" is found with the Schwartz & Hearst (2003) letter match; the
acronym then counts as an occurrence of its long form and is kept in ``Candidate.acronym``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from sciwire.keyphrases.tagging import TaggedText
from sciwire.terms.abbreviations import schwartz_hearst as _schwartz_hearst

_ACRONYM = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z0-9&\-]{1,9}$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PHRASE_TAGS = frozenset("ANG")
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=100_000)
def stem_word(word: str) -> str:
    """Snowball stem of a lower-cased word; the parts of a hyphenated word are stemmed apart."""
    if "-" in word:
        return "-".join(_stemmer.stemWord(p) for p in word.split("-"))
    return _stemmer.stemWord(word)


@dataclass
class Candidate:
    """One de-duplicated candidate phrase and where it occurs.

    ``occurrences`` are ``(first_word, last_word)`` word indices into the tagged text.
    """

    key: tuple[str, ...]
    occurrences: list[tuple[int, int]] = field(default_factory=list)
    surfaces: Counter[str] = field(default_factory=Counter)
    acronym: str | None = None

    @property
    def surface(self) -> str:
        """The most frequent surface form; ties go to the one seen first."""
        return self.surfaces.most_common(1)[0][0]

    @property
    def n_words(self) -> int:
        return len(self.key)

    @property
    def first(self) -> int:
        """Word index of the first occurrence."""
        return self.occurrences[0][0]


@dataclass
class CandidateSet:
    """The tagged text, its word stems, and the candidates in order of first occurrence."""

    tagged: TaggedText
    stems: list[str]
    candidates: list[Candidate]
    stopwords: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return len(self.candidates)


@dataclass(frozen=True)
class CandidateSettings:
    """How candidates are formed.

    Args:
        stopwords: Lower-cased words that never appear inside a candidate.
        max_words: Longest candidate, in words (hyphenated compounds count as one).
        participles: Allow ``-ed``/``-ing`` participles as modifiers inside phrases.
        min_chars: Shortest candidate, in characters.
    """

    stopwords: frozenset[str]
    max_words: int = 5
    participles: bool = True
    min_chars: int = 3


def is_stopword(word: str, stopwords: Collection[str]) -> bool:
    """A stopword, or a hyphenated word that starts or ends with one ("well-known", not "end-to-end")."""
    if word in stopwords:
        return True
    if "-" in word:
        parts = word.split("-")
        return parts[0] in stopwords or parts[-1] in stopwords
    return False


def _eligible(tagged: TaggedText, i: int, stopwords: Collection[str]) -> bool:
    return (
        tagged.tags[i] in _PHRASE_TAGS
        and not is_stopword(tagged.lowers[i], stopwords)
        and _HAS_LETTER.search(tagged.lowers[i]) is not None
    )


def breaks_phrase(text: str, end: int, start: int) -> bool:
    r"""Whether the gap ``text[end:start]`` between two words ends a phrase.

    A blank line does (paragraphs, headings, the title), and so does a line break before a
    capital: "Mozambique\nAbstract\nRift Valley fever", "heat stress\nKayla Thomason".
    A hard-wrapped line ("adaptive\nresource management") does not.

    Example:
        >>> breaks_phrase("heat stress\nKayla", 11, 12), breaks_phrase("adaptive\nresource", 8, 9)
        (True, False)
    """
    gap = text[end:start]
    if "\n" not in gap:
        return False
    return "\n\n" in gap.replace(" ", "").replace("\t", "") or text[start : start + 1].isupper()


def _phrases(tagged: TaggedText, settings: CandidateSettings) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    n = len(tagged)
    i = 0
    while i < n:
        if not _eligible(tagged, i, settings.stopwords) or (tagged.tags[i] == "G" and not settings.participles):
            i += 1
            continue
        j = i
        while (
            j + 1 < n
            and tagged.sents[j + 1] == tagged.sents[i]
            and not breaks_phrase(tagged.text, tagged.ends[j], tagged.starts[j + 1])
            and _eligible(tagged, j + 1, settings.stopwords)
            and (settings.participles or tagged.tags[j + 1] != "G")
            # "mice trained": a participle after a noun is a verb, unless the noun is a compound modifier
            and not (tagged.tags[j + 1] == "G" and tagged.tags[j] == "N" and "-" not in tagged.lowers[j])
        ):
            j += 1
        end = j
        while end >= i and tagged.tags[end] != "N":
            end -= 1
        if end >= i:
            start = max(i, end - settings.max_words + 1)
            spans.append((start, end))
        i = j + 1
    return spans


def extract_candidates(tagged: TaggedText, settings: CandidateSettings) -> CandidateSet:
    """Candidates of one tagged text, with acronyms merged into their long forms."""
    stems = [stem_word(lemma) for lemma in tagged.lemmas]
    by_key: dict[tuple[str, ...], Candidate] = {}
    spans = _phrases(tagged, settings)

    def add(first: int, last: int) -> Candidate | None:
        surface = tagged.surface(first, last)
        if len(surface) < settings.min_chars:
            return None
        key = tuple(stems[first : last + 1])
        cand = by_key.get(key)
        if cand is None:
            cand = by_key[key] = Candidate(key)
        cand.occurrences.append((first, last))
        cand.surfaces[surface] += 1
        return cand

    ends = {last: first for first, last in spans}
    acronyms: dict[tuple[str, ...], tuple[int, int, str]] = {}
    for first, last in spans:
        add(first, last)
    for i in range(1, len(tagged) - 2):
        if tagged.lowers[i] != "(" or tagged.lowers[i + 2] != ")" or i - 1 not in ends:
            continue
        acro = tagged.text[tagged.starts[i + 1] : tagged.ends[i + 1]]
        if not _ACRONYM.match(acro):
            continue
        first = ends[i - 1]
        offset = _schwartz_hearst(acro, tagged.lowers[first:i])
        if offset is None:
            continue
        long_first = first + offset
        if long_first != first:  # the long form is a suffix of the phrase: count it as well
            add(long_first, i - 1)
        acro_key: tuple[str, ...] = (stems[i + 1],)
        acronyms.setdefault(acro_key, (long_first, i - 1, acro))
    for acro_key, (first, last, acro) in acronyms.items():
        long_key = tuple(stems[first : last + 1])
        target = by_key.get(long_key)
        if target is None or acro_key == long_key:
            continue
        target.acronym = acro
        source = by_key.pop(acro_key, None)
        if source is not None:
            target.occurrences = sorted(target.occurrences + source.occurrences)
    candidates = sorted(by_key.values(), key=lambda c: (c.first, c.key))
    return CandidateSet(tagged, stems, candidates, settings.stopwords)
