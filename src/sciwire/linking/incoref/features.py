"""Mentions of one document and the features of a mention and of a (mention, antecedent) pair.

A mention is a span of words (end inclusive). :func:`describe_mentions` gives each its head,
kind (pronoun, proper name, nominal), normalised text and agreement facts (person, number,
gender: pronouns from a lexicon, nouns from spaCy's morphology and a few gendered nouns);
:func:`span_vectors` its vector ``[first word, last word, mean]`` of the encoder's states;
:func:`pair_features` the hand-made features of a pair: distance buckets, string and head
match, nesting, and whether the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sciwire.linking.incoref.states import TokenFacts

#: pronoun -> (person, number, gender); number "sg"/"pl"/"", gender "m"/"f"/"n"/"".
PRONOUNS: dict[str, tuple[int, str, str]] = {
    **dict.fromkeys(("i", "me", "my", "mine", "myself"), (1, "sg", "")),
    **dict.fromkeys(("we", "us", "our", "ours", "ourselves"), (1, "pl", "")),
    **dict.fromkeys(("you", "your", "yours", "yourself", "yourselves", "thee", "thou", "thy", "thine"), (2, "", "")),
    **dict.fromkeys(("he", "him", "his", "himself"), (3, "sg", "m")),
    **dict.fromkeys(("she", "her", "hers", "herself"), (3, "sg", "f")),
    **dict.fromkeys(("it", "its", "itself"), (3, "sg", "n")),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), (3, "pl", "")),
    **dict.fromkeys(("who", "whom", "whose", "which", "that", "this", "these", "those"), (3, "", "")),
}
MASCULINE_NOUNS = frozenset("man men boy boys father son brother husband king sir mr mr. lord gentleman uncle "
                            "nephew prince duke monk priest fellow master".split())  # fmt: skip
FEMININE_NOUNS = frozenset("woman women girl girls mother daughter sister wife queen lady mrs mrs. miss ms ms. aunt "
                           "niece princess duchess madam mistress".split())  # fmt: skip
#: Head lemmas of nouns for people (with gendered nouns and PERSON entities: "person-like" mentions).
PERSON_NOUNS = frozenset("researcher scientist author team group people person patient participant volunteer "
                         "doctor physician expert investigator student child parent adult official spokesperson "
                         "professor colleague friend he she".split())  # fmt: skip
DETERMINERS = frozenset("a an the this that these those his her its their our my your some any".split())
KINDS = ("pronoun", "proper", "nominal")
DISTANCE_BUCKETS = (1, 2, 3, 4, 5, 8, 16, 32, 64)
SENTENCE_BUCKETS = (0, 1, 2, 3, 6)
WIDTH_BUCKETS = (1, 2, 3, 4, 5, 8, 16)
PAIR_FEATURES: tuple[str, ...] = (
    *(f"distance>={b}" for b in DISTANCE_BUCKETS),
    *(f"sentences>={b}" for b in SENTENCE_BUCKETS),
    "exact_match", "head_match", "head_in_antecedent", "nested",
    "same_pronoun", "person_clash", "number_clash", "number_agree", "gender_clash", "gender_agree",
    *(f"mention_{k}" for k in KINDS), *(f"antecedent_{k}" for k in KINDS), "same_entity_type",
)  # fmt: skip
MENTION_FEATURES: tuple[str, ...] = (*(f"width>={b}" for b in WIDTH_BUCKETS), *KINDS, "person_like")


@dataclass(frozen=True)
class MentionInfo:
    """One mention: words ``start..end`` (inclusive) and what agreement and matching need."""

    start: int
    end: int
    head: int
    kind: str
    text: str  # normalised: lower-cased, without leading determiners
    head_lemma: str
    person: int
    number: str
    gender: str
    ent: str


def _head(facts: TokenFacts, start: int, end: int) -> int:
    for i in range(start, end + 1):
        h = int(facts.head[i])
        if h == i or not start <= h <= end:
            return i
    return end


def describe_mentions(facts: TokenFacts, spans: Sequence[tuple[int, int]]) -> list[MentionInfo]:
    """The :class:`MentionInfo` of each span."""
    out = []
    for start, end in spans:
        head = _head(facts, start, end)
        low = facts.lower[head]
        words = list(facts.lower[start : end + 1])
        while len(words) > 1 and words[0] in DETERMINERS:
            words.pop(0)
        if start == end and low in PRONOUNS:
            person, number, gender = PRONOUNS[low]
            kind = "pronoun"
        else:
            kind = "proper" if facts.pos[head] == "PROPN" else "nominal"
            person = 3
            number = {"Sing": "sg", "Plur": "pl"}.get(facts.number[head], "")
            span_words = set(facts.lower[start : end + 1])
            gender = "m" if span_words & MASCULINE_NOUNS else "f" if span_words & FEMININE_NOUNS else ""
        out.append(MentionInfo(start, end, head, kind, " ".join(words), facts.lemma[head], person, number, gender,
                               facts.ent[head]))  # fmt: skip
    return out


def span_vectors(states: np.ndarray, spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """``[first word, last word, mean of the words]`` of each span: ``(len(spans), 3 * hidden)``."""
    if not spans:
        return np.zeros((0, 3 * states.shape[1]), dtype=np.float32)
    cum = np.vstack([np.zeros((1, states.shape[1]), dtype=np.float64), np.cumsum(states, axis=0, dtype=np.float64)])
    s = np.asarray([a for a, _ in spans])
    e = np.asarray([b for _, b in spans])
    mean = (cum[e + 1] - cum[s]) / (e - s + 1)[:, None]
    return np.hstack([states[s], states[e], mean]).astype(np.float32)


def mention_features(mentions: Sequence[MentionInfo]) -> np.ndarray:
    """Width buckets and kind of each mention: ``(len(mentions), len(MENTION_FEATURES))``."""
    out = np.zeros((len(mentions), len(MENTION_FEATURES)), dtype=np.float32)
    for r, m in enumerate(mentions):
        width = m.end - m.start + 1
        out[r, : len(WIDTH_BUCKETS)] = [width >= b for b in WIDTH_BUCKETS]
        out[r, len(WIDTH_BUCKETS) + KINDS.index(m.kind)] = 1
        out[r, -1] = m.head_lemma in PERSON_NOUNS or m.ent == "PERSON" or m.gender in ("m", "f")
    return out


def pair_features(
    mentions: Sequence[MentionInfo], sentence_of: np.ndarray, pairs: np.ndarray, facts: TokenFacts
) -> np.ndarray:
    """Features of each ``(mention, antecedent)`` index pair in ``pairs`` (shape ``(n, 2)``)."""
    out = np.zeros((len(pairs), len(PAIR_FEATURES)), dtype=np.float32)
    if not len(pairs) or not mentions:
        return out
    i, j = pairs[:, 0], pairs[:, 1]

    def codes(values: list[str]) -> np.ndarray:
        return np.unique(values, return_inverse=True)[1]

    start = np.array([m.start for m in mentions])
    end = np.array([m.end for m in mentions])
    kind = np.array([KINDS.index(m.kind) for m in mentions])
    pron = kind == 0
    text, head = codes([m.text for m in mentions]), codes([m.head_lemma for m in mentions])
    person = np.array([m.person for m in mentions])
    number, gender, ent = (codes([getattr(m, a) for m in mentions]) for a in ("number", "gender", "ent"))
    has_number = np.array([bool(m.number) for m in mentions])
    has_gender = np.array([bool(m.gender) for m in mentions])
    has_ent = np.array([bool(m.ent) for m in mentions])
    dist = i - j
    sents = np.abs(sentence_of[start[i]] - sentence_of[start[j]])
    nd, ns = len(DISTANCE_BUCKETS), len(SENTENCE_BUCKETS)
    out[:, :nd] = dist[:, None] >= np.array(DISTANCE_BUCKETS)[None, :]
    out[:, nd : nd + ns] = sents[:, None] >= np.array(SENTENCE_BUCKETS)[None, :]
    either = pron[i] | pron[j]
    words = [set(facts.lower[m.start : m.end + 1]) for m in mentions]
    head_in = np.array([facts.lower[mentions[a].head] in words[b] for a, b in zip(i, j, strict=True)])
    both_n, both_g = has_number[i] & has_number[j], has_gender[i] & has_gender[j]
    k = nd + ns
    out[:, k] = (text[i] == text[j]) & ~either
    out[:, k + 1] = (head[i] == head[j]) & ~either
    out[:, k + 2] = head_in & ~either
    out[:, k + 3] = ((start[j] <= start[i]) & (end[i] <= end[j])) | ((start[i] <= start[j]) & (end[j] <= end[i]))
    out[:, k + 4] = pron[i] & pron[j] & (text[i] == text[j])
    out[:, k + 5] = pron[i] & pron[j] & (person[i] != person[j])
    out[:, k + 6] = both_n & (number[i] != number[j])
    out[:, k + 7] = both_n & (number[i] == number[j])
    out[:, k + 8] = both_g & (gender[i] != gender[j])
    out[:, k + 9] = both_g & (gender[i] == gender[j])
    rows = np.arange(len(pairs))
    out[rows, k + 10 + kind[i]] = 1
    out[rows, k + 13 + kind[j]] = 1
    out[:, -1] = has_ent[i] & (ent[i] == ent[j])
    return out
