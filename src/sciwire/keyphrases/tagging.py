"""Turn text into the tagged word sequence that candidates are read from.

A :class:`TaggedText` is a flat list of words with character offsets, lower-cased forms,
lemmas, a coarse tag and a sentence index. Hyphenated compounds that spaCy splits
("multi-agent", "state-of-the-art") are joined back into one word. Whitespace tokens
(line breaks of PDF text) are dropped, so phrases run across line breaks.

Coarse tags: ``N`` noun or proper noun, ``A`` adjective, ``G`` past or present participle
(``distributed``, ``learning``: a modifier or a verb), ``D`` number, ``O`` anything else
(punctuation included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sciwire.keyphrases._nlp import chunk_text

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

PTB_TO_COARSE: dict[str, str] = {
    "NN": "N", "NNS": "N", "NNP": "N", "NNPS": "N", "FW": "N",
    "JJ": "A", "JJR": "A", "JJS": "A", "AFX": "A",
    "VBN": "G", "VBG": "G",
    "CD": "D",
}  # fmt: skip
UPOS_TO_COARSE: dict[str, str] = {"NOUN": "N", "PROPN": "N", "ADJ": "A", "NUM": "D"}
_JOINERS = frozenset("-")


@dataclass
class TaggedText:
    """Parallel lists, one entry per word (see the module docstring)."""

    text: str
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    lowers: list[str] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    sents: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def n_sents(self) -> int:
        """Number of sentences (0 for an empty text)."""
        return self.sents[-1] + 1 if self.sents else 0

    def surface(self, first: int, last: int) -> str:
        """The text of words ``first..last`` (inclusive) with whitespace runs collapsed to one space."""
        return " ".join(self.text[self.starts[first] : self.ends[last]].split())

    def append(self, start: int, end: int, lower: str, lemma: str, tag: str, sent: int) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.lowers.append(lower)
        self.lemmas.append(lemma)
        self.tags.append(tag)
        self.sents.append(sent)


def _coarse(tag: str, pos: str) -> str:
    return PTB_TO_COARSE.get(tag) or UPOS_TO_COARSE.get(pos, "O")


def spacy_tag(token: Token) -> tuple[str, str]:
    """``(lemma, coarse tag)`` from spaCy's tagger and lemmatizer."""
    return token.lemma_.lower() or token.lower_, _coarse(token.tag_, token.pos_)


def _add_doc(
    out: TaggedText,
    doc: Doc,
    offset: int,
    sent_base: int,
    tagger: Callable[[Token], tuple[str, str]] = spacy_tag,
    sentence_starts: Sequence[bool] | None = None,
) -> int:
    """Append the words of a spaCy Doc (shifted by ``offset``); returns the next sentence index.

    ``sentence_starts`` (one flag per token of ``doc``) replaces spaCy's sentence boundaries.
    """
    sent = sent_base - 1
    tokens = [t for t in doc if not t.is_space]
    starts = [t.is_sent_start for t in tokens] if sentence_starts is None else [sentence_starts[t.i] for t in tokens]
    i = 0
    first_in_doc = True
    while i < len(tokens):
        tok = tokens[i]
        if starts[i] or first_in_doc:
            sent += 1
            first_in_doc = False
        j = i
        # join "multi - agent" (no spaces around the hyphen, word characters on both sides)
        while (
            j + 2 < len(tokens)
            and tokens[j + 1].text in _JOINERS
            and not tokens[j].whitespace_
            and not tokens[j + 1].whitespace_
            and tokens[j].text[-1:].isalnum()
            and tokens[j + 2].text[:1].isalnum()
        ):
            j += 2
        last = tokens[j]
        lemma, tag = tagger(last)
        if j == i:
            out.append(offset + tok.idx, offset + tok.idx + len(tok.text), tok.lower_, lemma, tag, sent)
        else:
            parts = tokens[i : j + 1]
            lower = "".join(t.lower_ for t in parts)
            lemma = "".join(t.lower_ for t in parts[:-1]) + lemma
            out.append(
                offset + tok.idx, offset + last.idx + len(last.text), lower, lemma, "N" if tag == "N" else "A", sent
            )
        i = j + 1
    return sent + 1


def tag_texts(texts: Iterable[str], nlp: Language, batch_size: int = 32) -> list[TaggedText]:
    """Tag each text with a spaCy pipeline that has a tagger (see :func:`load_keyphrase_nlp`).

    Long texts are cut into pieces (:func:`chunk_text`) first; each text is processed on its
    own pieces only, so a text's result does not depend on the other texts of the batch.
    """
    texts = list(texts)
    jobs = [(k, off, piece) for k, text in enumerate(texts) for off, piece in chunk_text(text)]
    out = [TaggedText(t) for t in texts]
    next_sent = [0] * len(texts)
    docs = nlp.pipe((piece for _, _, piece in jobs), batch_size=batch_size)
    for (k, off, _), doc in zip(jobs, docs, strict=True):
        next_sent[k] = _add_doc(out[k], doc, off, next_sent[k])
    return out
