"""The data model at the bottom of sciwire: documents, sections, sentences and span layers.

Everything is an immutable dataclass. Sections, sentences and spans hold character offsets
into :attr:`Document.text`, never copies of it. Analyses return *new* documents with an
extra named layer (:meth:`Document.with_layer`), so a document read once can be shared.

Example:
    >>> doc = Document(id="p1", kind="paper", title="Mice", text="Mice sleep. They dream.")
    >>> doc = doc.with_sentences([Sentence(0, 0, 11), Sentence(1, 12, 23)])
    >>> doc = doc.with_layer("entities", [Span(0, 4, "ANIMAL", score=0.9)])
    >>> doc.span_text(doc.layers["entities"][0])
    'Mice'
    >>> Document.from_json(doc.to_json()) == doc
    True
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sciwire.errors import DocumentError

SCHEMA_VERSION = "1.0"
DocumentKind = Literal["paper", "news"]
KINDS: tuple[str, ...] = ("paper", "news")
#: Canonical section names used across sciwire; anything else is "other".
SECTION_NAMES: tuple[str, ...] = (
    "title",
    "abstract",
    "introduction",
    "methods",
    "results",
    "discussion",
    "conclusion",
    "references",
    "body",
    "other",
)


@dataclass(frozen=True)
class Metadata:
    """Bibliographic facts about a document; every field is optional."""

    doi: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    venue: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.authors, str) or not all(isinstance(a, str) for a in self.authors):
            raise DocumentError(f"Metadata.authors must be a sequence of strings, got {self.authors!r}")
        object.__setattr__(self, "authors", tuple(self.authors))


@dataclass(frozen=True)
class Section:
    """A named part of a document: ``name`` is canonical (see SECTION_NAMES), ``heading`` as written."""

    name: str
    start: int
    end: int
    heading: str = ""

    def __post_init__(self) -> None:
        if self.name not in SECTION_NAMES:
            raise DocumentError(f"Section name must be one of {SECTION_NAMES}, got {self.name!r}")


@dataclass(frozen=True)
class Sentence:
    """A sentence: its position ``index``, character offsets, and the index of its section."""

    index: int
    start: int
    end: int
    section: int | None = None


@dataclass(frozen=True)
class Span:
    """An annotation over ``text[start:end]`` with a label, an optional score and attributes.

    ``attrs`` holds JSON-compatible values only (str, int, float, bool, None, lists, dicts).
    """

    start: int
    end: int
    label: str
    score: float | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)


def _check_range(what: str, start: int, end: int, length: int) -> None:
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start <= end <= length:
        raise DocumentError(
            f"{what} has offsets [{start}, {end}) outside the document text of length {length}; "
            "offsets must satisfy 0 <= start <= end <= len(text)"
        )


@dataclass(frozen=True)
class Document:
    """A paper or a news story with its text, structure and annotation layers.

    Args:
        id: A stable identifier, unique within an analysis.
        kind: ``"paper"`` or ``"news"``.
        title: The title ("" when unknown).
        text: The full plain text; every offset points into it.
        metadata: DOI, URL, authors, date, venue and source.
        sections: Named character ranges, in order.
        sentences: Sentences in order, indices 0..n-1.
        layers: Named tuples of spans, e.g. ``"entities"`` or ``"alignment"``.

    Raises:
        DocumentError: When the kind is unknown or an offset falls outside the text.
    """

    id: str
    kind: str
    title: str
    text: str
    metadata: Metadata = field(default_factory=Metadata)
    sections: tuple[Section, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    layers: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise DocumentError(f"Document.kind must be one of {KINDS}, got {self.kind!r}")
        if not isinstance(self.text, str):
            raise DocumentError(f"Document.text must be a str, got {type(self.text).__name__}")
        n = len(self.text)
        object.__setattr__(self, "sections", tuple(self.sections))
        object.__setattr__(self, "sentences", tuple(self.sentences))
        for sec in self.sections:
            _check_range(f"Section {sec.name!r}", sec.start, sec.end, n)
        for i, sent in enumerate(self.sentences):
            _check_range(f"Sentence {i}", sent.start, sent.end, n)
            if sent.index != i:
                raise DocumentError(f"Sentence at position {i} has index {sent.index}; indices must be 0..n-1 in order")
            if sent.section is not None and not 0 <= sent.section < len(self.sections):
                raise DocumentError(
                    f"Sentence {i} points to section {sent.section}, but there are {len(self.sections)}"
                )
        layers = {name: tuple(spans) for name, spans in self.layers.items()}
        for name, spans in layers.items():
            for span in spans:
                _check_range(f"Span in layer {name!r}", span.start, span.end, n)
        object.__setattr__(self, "layers", layers)

    # ---- access -------------------------------------------------------------------------
    def span_text(self, span: Span | Sentence | Section) -> str:
        """The text covered by a span, sentence or section."""
        return self.text[span.start : span.end]

    def sentence_texts(self) -> list[str]:
        """The text of every sentence, in order."""
        return [self.text[s.start : s.end] for s in self.sentences]

    def section_of(self, sentence: Sentence) -> Section | None:
        """The section a sentence belongs to, if known."""
        return None if sentence.section is None else self.sections[sentence.section]

    def layer(self, name: str) -> tuple[Span, ...]:
        """The spans of a layer, or an empty tuple when the layer is absent."""
        return self.layers.get(name, ())

    def iter_sentences(self, exclude_sections: Iterable[str] = ("references",)) -> Iterator[Sentence]:
        """Sentences outside the named sections (by default, outside the reference list)."""
        skip = set(exclude_sections)
        for sent in self.sentences:
            sec = self.section_of(sent)
            if sec is None or sec.name not in skip:
                yield sent

    # ---- immutable updates --------------------------------------------------------------
    def replace(self, **changes: Any) -> Document:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def with_layer(self, name: str, spans: Iterable[Span]) -> Document:
        """A copy with layer ``name`` set to ``spans`` (sorted by offsets); other layers kept."""
        ordered = tuple(sorted(spans, key=lambda s: (s.start, s.end, s.label)))
        return self.replace(layers={**self.layers, name: ordered})

    def with_sentences(self, sentences: Iterable[Sentence]) -> Document:
        """A copy with new sentences."""
        return self.replace(sentences=tuple(sentences))

    # ---- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-compatible dict, lossless (see :meth:`from_dict`)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "text": self.text,
            "metadata": {**dataclasses.asdict(self.metadata), "authors": list(self.metadata.authors)},
            "sections": [dataclasses.asdict(s) for s in self.sections],
            "sentences": [dataclasses.asdict(s) for s in self.sentences],
            "layers": {
                name: [
                    {"start": s.start, "end": s.end, "label": s.label, "score": s.score, "attrs": dict(s.attrs)}
                    for s in spans
                ]
                for name, spans in self.layers.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        """Rebuild a document from :meth:`to_dict` output.

        Raises:
            DocumentError: On a missing field, a wrong type or an unsupported schema version.
        """
        if not isinstance(data, Mapping):
            raise DocumentError(f"A document must be a JSON object, got {type(data).__name__}")
        version = data.get("schema_version", SCHEMA_VERSION)
        if str(version).split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise DocumentError(
                f"Document schema version {version!r} is not supported; this sciwire reads {SCHEMA_VERSION}"
            )
        try:
            meta = data.get("metadata") or {}
            return cls(
                id=str(data["id"]),
                kind=data["kind"],
                title=data.get("title") or "",
                text=data["text"],
                metadata=Metadata(**{**meta, "authors": tuple(meta.get("authors") or ())}),
                sections=tuple(Section(**s) for s in data.get("sections") or ()),
                sentences=tuple(Sentence(**s) for s in data.get("sentences") or ()),
                layers={
                    name: tuple(
                        Span(s["start"], s["end"], s["label"], s.get("score"), dict(s.get("attrs") or {}))
                        for s in spans
                    )
                    for name, spans in (data.get("layers") or {}).items()
                },
            )
        except (KeyError, TypeError) as exc:
            raise DocumentError(
                f"Invalid document JSON: {exc!r}; expected the shape written by Document.to_dict()"
            ) from exc

    def to_json(self, indent: int | None = None) -> str:
        """Serialise to a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_json(cls, text: str) -> Document:
        """Parse a JSON string written by :meth:`to_json`."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"Not valid JSON: {exc}") from exc
        return cls.from_dict(data)
