"""Add sentences and named entities to Documents with the shared spaCy pipeline.

Reads: ``Document.text`` and ``Document.sections``.
Writes: ``Document.sentences`` and the ``entities`` layer (spaCy NER labels).

Text is processed paragraph by paragraph (sentences never cross a blank line). Headings
are not sentences. List items (a bullet, one item per line, or "1. ... 2. ...") are
sentences of their own and never headings (:func:`sciwire.nlp.sentences.list_items`), so a
claim in a bulleted list is judged like any other. The reference list is split one
reference per line, without NER.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sciwire.analysis import ENTITIES
from sciwire.document import Document, Section, Sentence, Span
from sciwire.nlp.sentences import list_items, looks_like_heading, paragraphs, repair_boundaries

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc as SpacyDoc

logger = logging.getLogger(__name__)
#: Paragraphs longer than this are cut before spaCy sees them: after the last sentence end
#: (". ", "? ", "! " before a capital) in the window, else at the last whitespace.
MAX_CHUNK_CHARS = 5_000
#: Characters per spaCy batch: bounds peak memory on long inputs (a 1 MB single line once
#: went to spaCy as one 1.3 M-character batch and took 3.3 GB).
BATCH_CHARS = 100_000
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]?\s+(?=[A-Z\d“\"'(])")


@dataclass(frozen=True)
class _Unit:
    doc: int
    start: int
    end: int
    section: int | None


def _sections(doc: Document) -> list[tuple[int | None, Section | None, int, int]]:
    if not doc.sections:
        return [(None, None, 0, len(doc.text))]
    return [(i, s, s.start, s.end) for i, s in enumerate(doc.sections)]


def _cut(text: str, start: int, limit: int) -> int:
    """Where to cut ``text[start:limit]``: after its last sentence end, else its last space."""
    window = text[start:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(window, len(window) // 2)]
    if ends:
        return start + ends[-1]
    space = text.rfind(" ", start, limit)
    return space if space > start else limit


def _chunks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_CHUNK_CHARS:
        cut = _cut(text, start, start + MAX_CHUNK_CHARS)
        yield start, cut
        start = cut
    yield start, end


def _batches(units: Sequence[_Unit], max_units: int) -> Iterator[list[_Unit]]:
    """Consecutive units, at most ``max_units`` and about :data:`BATCH_CHARS` characters each."""
    batch: list[_Unit] = []
    chars = 0
    for unit in units:
        if batch and (len(batch) >= max_units or chars + unit.end - unit.start > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(unit)
        chars += unit.end - unit.start
    if batch:
        yield batch


def _plan(doc_index: int, doc: Document) -> tuple[list[_Unit], list[Sentence]]:
    """Paragraphs to send through spaCy, and reference lines that become sentences directly."""
    units: list[_Unit] = []
    refs: list[Sentence] = []
    for sec_index, section, start, end in _sections(doc):
        is_title = section is not None and section.name == "title"
        for p_start, p_end in paragraphs(doc.text, start, end):
            para = doc.text[p_start:p_end]
            if section is not None and section.name == "references":
                pos = p_start
                for line in para.split("\n"):
                    a = doc.text.index(line, pos)
                    pos = a + len(line)
                    if line.strip() and line.strip() != section.heading.strip():
                        lead = len(line) - len(line.lstrip())
                        refs.append(Sentence(0, a + lead, a + len(line.rstrip()), sec_index))
                continue
            if section is not None and para.strip() == section.heading.strip() and not is_title:
                continue
            items = None if is_title else list_items(doc.text, p_start, p_end)
            if items is not None:  # list items are sentences of their own, never headings
                for i_start, i_end in items:
                    units.extend(_Unit(doc_index, a, b, sec_index) for a, b in _chunks(doc.text, i_start, i_end))
                continue
            if not is_title and looks_like_heading(para):
                continue
            units.extend(_Unit(doc_index, a, b, sec_index) for a, b in _chunks(doc.text, p_start, p_end))
    return units, refs


def annotate_many(
    docs: Sequence[Document],
    nlp: Language,
    *,
    batch_size: int = 64,
    on_progress: Callable[[int], None] | None = None,
) -> list[Document]:
    """Split sentences and find entities in several documents in one spaCy pass.

    Args:
        docs: Documents as returned by a reader (existing sentences are replaced).
        nlp: The pipeline from :func:`sciwire.backends.spacy_nlp.load_spacy`.
        batch_size: At most this many paragraphs per spaCy batch (and about
            :data:`BATCH_CHARS` characters).
        on_progress: Called with the number of paragraphs just processed.

    Returns:
        New documents with ``sentences`` and an ``entities`` layer.
    """
    all_units: list[_Unit] = []
    found: list[list[Sentence]] = []
    entities: list[list[Span]] = [[] for _ in docs]
    for i, doc in enumerate(docs):
        units, refs = _plan(i, doc)
        all_units.extend(units)
        found.append(refs)
    for parsed, unit in _parse(docs, all_units, nlp, batch_size):
        text = docs[unit.doc].text
        proposed = [(unit.start + s.start_char, unit.start + s.end_char) for s in parsed.sents]
        for a, b in repair_boundaries(text, proposed):
            found[unit.doc].append(Sentence(0, a, b, unit.section))
        entities[unit.doc].extend(
            Span(unit.start + e.start_char, unit.start + e.end_char, e.label_) for e in parsed.ents
        )
        if on_progress is not None:
            on_progress(1)
    out = []
    for doc, sents, ents in zip(docs, found, entities, strict=True):
        ordered = sorted(sents, key=lambda s: s.start)
        numbered = [Sentence(i, s.start, s.end, s.section) for i, s in enumerate(ordered)]
        out.append(doc.replace(sentences=tuple(numbered)).with_layer(ENTITIES, ents))
        logger.debug("%s: %d sentences, %d entities", doc.id, len(numbered), len(ents))
    return out


def _parse(
    docs: Sequence[Document], units: Sequence[_Unit], nlp: Language, batch_size: int
) -> Iterator[tuple[SpacyDoc, _Unit]]:
    for batch in _batches(units, batch_size):
        texts = [(docs[u.doc].text[u.start : u.end], u) for u in batch]
        yield from nlp.pipe(texts, as_tuples=True, batch_size=len(batch))


def annotate(doc: Document, nlp: Language) -> Document:
    """Sentences and entities for one document (see :func:`annotate_many`)."""
    return annotate_many([doc], nlp)[0]
