"""What each story shares with the paper, for the "Who and what" panel and ``summary["who_and_what"]``.

Three kinds of shared item, each with its occurrences (character offsets) in the paper and in
the story:

- ``term``: a term of the paper's ``terms`` layer (when the ``terms`` step ran) that the story
  uses, by its short form ("TRF", case-sensitive) or its long form ("time-restricted feeding",
  any case, a plural ``s`` allowed);
- ``entity``: a salient named entity (person, organisation, place...) that both name, compared
  without case and a leading "the" ("the Northfield Institute of Ageing");
- ``linked``: a cluster of the linking step's ``shared_entities`` layer (cross-document
  coreference: "a mouse" in the story, "the mice" in the paper), unless a term or an entity
  already covers it.

Keys (``t1``, ``e2``, ``c0-3``) are made here, never from document text, so they are safe in
HTML attributes and CSS selectors: a term or an entity has one key in the whole page, a linked
cluster one per story.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sciwire.analysis import ENTITIES, PAPER_LINK, SHARED_ENTITIES, TERMS, Analysis
from sciwire.document import Document, Span

#: Entity labels worth showing a journalist (numbers and dates are everywhere in papers).
SALIENT_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART"})
TERM, ENTITY, LINKED = "term", "entity", "linked"
Offsets = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SharedItem:
    """One thing a story shares with the paper, with where each of them says it."""

    key: str
    kind: str
    text: str
    label: str
    expansion: str | None
    story_text: str
    paper: Offsets
    story: Offsets
    probability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The item as ``report.json`` holds it."""
        return {"key": self.key, "kind": self.kind, "text": self.text, "label": self.label,
                "expansion": self.expansion, "story_text": self.story_text,
                "paper": [list(o) for o in self.paper], "story": [list(o) for o in self.story],
                "probability": self.probability}  # fmt: skip


@dataclass(frozen=True)
class PaperTerm:
    """One distinct term of the paper's ``terms`` layer and its occurrences there."""

    key: str
    term: str
    short: str | None
    label: str
    spans: Offsets


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two character ranges share a character."""
    return a[0] < b[1] and b[0] < a[1]


def _offsets(spans: Sequence[Span]) -> Offsets:
    return tuple((s.start, s.end) for s in spans)


def named_entities(doc: Document, terms: Sequence[Span] = ()) -> list[Span]:
    """The salient entities of a document, less those that are its terms ("TRF" is a term of the
    paper, not an organisation): those that overlap a term (of its ``terms`` layer, or of
    ``terms``) and those with a word that is a term's short form ("TH" in "TH-responsive", where
    the terms step does not mark it; "PBDE-47" of "PBDE = polybrominated diphenyl ether"; "ZT2" of
    "ZT = zeitgeber time"), and those that name a term's long form ("the Northfield Ageing and Sleep
    Cohort")."""
    spans = (*doc.layer(TERMS), *terms)
    covered = bytearray(len(doc.text))
    for t in spans:
        covered[t.start : t.end] = b"\x01" * (t.end - t.start)
    shorts = {str(t.attrs["short"]) for t in spans if t.attrs.get("short")}
    long_forms = {_norm(str(t.attrs.get("term", ""))) for t in spans}

    def is_term(text: str) -> bool:
        words = {w.rstrip("0123456789") or w for w in re.split(r"[\s\-/]+", text)}  # "ZT2" is "ZT" at hour 2
        return bool(shorts & words) or _norm(text) in long_forms

    return [
        s
        for s in doc.layer(ENTITIES)
        if s.label in SALIENT_ENTITY_LABELS and not any(covered[s.start : s.end]) and not is_term(doc.span_text(s))
    ]


def paper_terms(paper: Document) -> list[PaperTerm]:
    """The paper's distinct terms (same long form in any case, same short form), keyed in order of first use."""
    found: dict[tuple[str, str | None], list[Span]] = {}
    for span in sorted(paper.layer(TERMS), key=lambda s: s.start):
        found.setdefault((str(span.attrs.get("term", "")).lower(), span.attrs.get("short")), []).append(span)
    return [
        PaperTerm(
            f"t{k}", str(spans[0].attrs.get("term", "")), short, spans[0].label, tuple((s.start, s.end) for s in spans)
        )
        for k, ((_, short), spans) in enumerate(found.items(), start=1)
        if spans[0].attrs.get("term")
    ]


def _pattern(terms: Sequence[PaperTerm]) -> re.Pattern[str]:
    """One pattern for all terms: group ``t<k>`` matches term k by its short form or its long form."""
    alternatives = []
    for t in terms:
        words = [re.escape(w) for w in re.split(r"[\s\-]+", t.term.strip()) if w]
        forms = [r"(?i:" + r"[\s\-]+".join(words) + r"s?)"]
        if t.short:
            forms.insert(0, re.escape(t.short) + "s?")
        alternatives.append(f"(?P<{t.key}>" + "|".join(forms) + ")")
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def story_term_spans(story: Document, terms: Sequence[PaperTerm]) -> list[Span]:
    """Where the story uses the paper's terms, as spans like the ``terms`` layer's (longest first
    where two overlap), each with the term's ``key`` in ``attrs``."""
    if not terms:
        return []
    by_key = {t.key: t for t in terms}
    pattern = _pattern(sorted(terms, key=lambda t: -len(t.term)))  # the longest form wins where two start together
    out = []
    for m in pattern.finditer(story.text):
        t = by_key[str(m.lastgroup)]
        out.append(Span(m.start(), m.end(), t.label, attrs={"term": t.term, "short": t.short, "key": t.key}))
    return out


def _norm(text: str) -> str:
    return re.sub(r"^the\s+", "", " ".join(text.split()).casefold())


def entity_keys(paper: Document) -> dict[str, str]:
    """``{normalised entity text: key}`` of the paper's salient named entities (terms left out)."""
    keys: dict[str, str] = {}
    for span in named_entities(paper):
        keys.setdefault(_norm(paper.span_text(span)), f"e{len(keys) + 1}")
    return keys


def _linked(paper: Document, story: Document, number: int, taken: list[tuple[int, int]]) -> list[SharedItem]:
    """The linking step's clusters that span this story and the paper, less those a term or entity covers."""
    link = story.layer(PAPER_LINK)
    probability: dict[str, float] = {}
    for pair in link[0].attrs.get("pairs", []) if link else []:
        cluster = str(pair.get("cluster", ""))
        probability[cluster] = max(probability.get(cluster, 0.0), float(pair.get("probability", 0.0)))
    story_side: dict[str, list[Span]] = {}
    for span in story.layer(SHARED_ENTITIES):
        story_side.setdefault(str(span.attrs.get("cluster", "")), []).append(span)
    paper_side: dict[str, list[Span]] = {}
    for span in paper.layer(SHARED_ENTITIES):
        if span.attrs.get("story_id") == story.id:
            paper_side.setdefault(str(span.attrs.get("cluster", "")), []).append(span)
    items = []
    for k, (cluster, spans) in enumerate(story_side.items(), start=1):
        in_paper = paper_side.get(cluster, [])
        if not in_paper or any(overlaps((s.start, s.end), t) for s in spans for t in taken):
            continue
        items.append(
            SharedItem(
                f"c{number}-{k}",
                LINKED,
                paper.span_text(in_paper[0]),
                "coreferent",
                None,
                story.span_text(spans[0]),
                tuple((s.start, s.end) for s in in_paper),
                tuple((s.start, s.end) for s in spans),
                probability.get(cluster),
            )
        )
    return sorted(items, key=lambda i: -(i.probability or 0.0))


def shared_items(
    paper: Document,
    story: Document,
    number: int,
    terms: Sequence[PaperTerm],
    entities: dict[str, str],
    story_terms: Sequence[Span],
) -> list[SharedItem]:
    """What story ``number`` shares with the paper: terms (most used first), entities, linked clusters.

    ``story_terms``: :func:`story_term_spans` of the story; ``entities``: :func:`entity_keys` of the paper.
    """
    items: list[SharedItem] = []
    uses: dict[str, list[Span]] = {}
    for span in story_terms:
        uses.setdefault(str(span.attrs["key"]), []).append(span)
    for term in terms:
        if term.key in uses:
            spans = uses[term.key]
            text, expansion = (term.short, term.term) if term.short else (term.term, None)
            items.append(SharedItem(term.key, TERM, text, term.label, expansion, story.span_text(spans[0]),
                                    term.spans, tuple((s.start, s.end) for s in spans)))  # fmt: skip
    items.sort(key=lambda i: -(len(i.story) + len(i.paper)))
    paper_entities: dict[str, list[Span]] = {}
    for span in named_entities(paper):
        paper_entities.setdefault(_norm(paper.span_text(span)), []).append(span)
    story_entities: dict[str, list[Span]] = {}
    for span in named_entities(story, story_terms):
        story_entities.setdefault(_norm(story.span_text(span)), []).append(span)
    for norm, key in entities.items():
        if norm in story_entities:
            p, s = paper_entities[norm], story_entities[norm]
            item = SharedItem(key, ENTITY, paper.span_text(p[0]), p[0].label, None, story.span_text(s[0]),
                              _offsets(p), _offsets(s))  # fmt: skip
            items.append(item)
    taken = [o for i in items for o in i.story]
    return items + _linked(paper, story, number, taken)


@dataclass(frozen=True)
class SharedView:
    """Everything the page needs: per story its items and term uses; the keys of every marked range."""

    items: tuple[tuple[SharedItem, ...], ...]
    story_terms: tuple[tuple[Span, ...], ...]
    paper_marks: tuple[tuple[int, int, str], ...]
    story_marks: tuple[tuple[tuple[int, int, str], ...], ...]


#: The last view made, by the analysis it was made of: report.json, report.html and the command
#: line's summary each ask for the same one (an Analysis and its documents are frozen).
_last: tuple[weakref.ref[Analysis], SharedView] | None = None


def shared_view(analysis: Analysis) -> SharedView:
    """The shared items of every story of ``analysis``, and the ranges to mark with their keys."""
    global _last
    last = _last
    if last is not None and last[0]() is analysis:
        return last[1]
    view = _make_view(analysis)
    _last = (weakref.ref(analysis), view)
    return view


def _make_view(analysis: Analysis) -> SharedView:
    paper = analysis.paper
    terms = paper_terms(paper)
    entities = entity_keys(paper)
    uses = [story_term_spans(s, terms) for s in analysis.stories]
    items = [shared_items(paper, s, k, terms, entities, uses[k]) for k, s in enumerate(analysis.stories)]
    paper_marks = sorted({(a, b, i.key) for per in items for i in per for a, b in i.paper})
    return SharedView(
        items=tuple(tuple(per) for per in items),
        story_terms=tuple(tuple(u) for u in uses),
        paper_marks=tuple(paper_marks),
        story_marks=tuple(tuple(sorted((a, b, i.key) for i in per for a, b in i.story)) for per in items),
    )


def has_shared(analysis: Analysis) -> bool:
    """Whether the report shows shared items: the paper has a ``terms`` or a ``shared_entities`` layer."""
    return TERMS in analysis.paper.layers or SHARED_ENTITIES in analysis.paper.layers


def shared_summary(analysis: Analysis, view: SharedView | None = None) -> dict[str, Any] | None:
    """``report.json["summary"]["who_and_what"]``: per story, the items it shares with the paper
    (``view``: :func:`shared_view` of ``analysis``, when already made)."""
    if not has_shared(analysis):
        return None
    view = view or shared_view(analysis)
    stories = [
        {"id": story.id, "shared": [i.to_dict() for i in items]}
        for story, items in zip(analysis.stories, view.items, strict=True)
    ]
    return {"terms_ran": TERMS in analysis.paper.layers, "stories": stories}
