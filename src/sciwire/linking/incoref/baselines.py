"""Rule baselines on the same mentions as the model, each returning chain labels.

- :func:`exact_match`: non-pronoun mentions with the same text (lower-cased, leading
  determiners dropped) corefer; pronouns stay alone.
- :func:`head_match`: non-pronoun mentions with the same head lemma corefer.
- :func:`nearest_compatible`: head match, plus every pronoun joins the nearest earlier
  mention it agrees with in person, number and gender (a first- or second-person pronoun
  joins the nearest earlier pronoun of the same person; "he"/"she" need a mention of that
  gender or a name).

Example:
    >>> from sciwire.linking.incoref.features import MentionInfo
    >>> ms = [MentionInfo(0, 1, 1, "nominal", "drug", "drug", 3, "sg", "", ""),
    ...       MentionInfo(5, 6, 6, "nominal", "drug", "drug", 3, "sg", "", ""),
    ...       MentionInfo(8, 8, 8, "pronoun", "it", "it", 3, "sg", "n", "")]
    >>> exact_match(ms).tolist(), nearest_compatible(ms).tolist()
    ([0, 0, 1], [0, 0, 0])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sciwire.linking.incoref.features import MentionInfo


def _by_key(mentions: Sequence[MentionInfo], key: Callable[[MentionInfo], str]) -> np.ndarray:
    labels: dict[str, int] = {}
    out = []
    for i, m in enumerate(mentions):
        out.append(
            labels.setdefault(key(m), len(labels)) if m.kind != "pronoun" else labels.setdefault(f"#{i}", len(labels))
        )
    return np.unique(out, return_inverse=True)[1] if out else np.zeros(0, dtype=int)


def exact_match(mentions: Sequence[MentionInfo]) -> np.ndarray:
    """Chains of identical (normalised) strings."""
    return _by_key(mentions, lambda m: m.text)


def head_match(mentions: Sequence[MentionInfo]) -> np.ndarray:
    """Chains of identical head lemmas."""
    return _by_key(mentions, lambda m: m.head_lemma)


def agrees(pronoun: MentionInfo, other: MentionInfo) -> bool:
    """Whether ``other`` can be what ``pronoun`` refers to: person, number and gender do not clash,
    and "he"/"she" need a gendered mention or a name."""
    if pronoun.person != 3 or (other.kind == "pronoun" and other.person != 3):
        return other.kind == "pronoun" and other.person == pronoun.person
    if pronoun.number and other.number and pronoun.number != other.number:
        return False
    if pronoun.gender in ("m", "f"):
        return other.gender == pronoun.gender or (not other.gender and other.kind == "proper")
    return not (pronoun.gender == "n" and other.gender in ("m", "f"))


def nearest_compatible(mentions: Sequence[MentionInfo]) -> np.ndarray:
    """Head match, and each pronoun linked to the nearest earlier agreeing mention."""
    labels = head_match(mentions).copy()
    for i, m in enumerate(mentions):
        if m.kind != "pronoun":
            continue
        for j in range(i - 1, max(-1, i - 50), -1):
            other = mentions[j]
            if other.end < m.start and agrees(m, other):
                labels[labels == labels[i]] = labels[j]
                break
    return np.unique(labels, return_inverse=True)[1] if len(labels) else labels


BASELINES: dict[str, Callable[[Sequence[MentionInfo]], np.ndarray]] = {
    "exact string match": exact_match,
    "head-lemma match": head_match,
    "pronoun -> nearest compatible": nearest_compatible,
}
