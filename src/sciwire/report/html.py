"""Render the analysis as one self-contained HTML file (inline CSS and JS, no network).

All document text is untrusted (news pages, PDFs): it reaches the page only through
``markupsafe.escape`` or Jinja2 autoescaping, never as raw HTML.

Panels and sentence badges come from the steps of the analysis (:meth:`~sciwire.analysis.Step.report_parts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from sciwire.analysis import ALIGNMENT, ENTITIES, TERMS, Analysis, BadgeBuilder, Panel
from sciwire.document import Document, Sentence, Span
from sciwire.report.build import SALIENT_ENTITY_LABELS, named_entities, summarize
from sciwire.version import __version__


def _term_title(span: Span) -> str:
    """``TRF = time-restricted feeding (method)`` for a span of the ``terms`` layer."""
    short, term = span.attrs.get("short"), span.attrs.get("term", "")
    return f"{short} = {term} ({span.label})" if short else f"{term} ({span.label})"


def marked_spans(doc: Document) -> list[Span]:
    """What sentences mark: the salient named entities that are not terms, and the terms, in text order."""
    return sorted([*named_entities(doc), *doc.layer(TERMS)], key=lambda s: (s.start, -s.end))


def mark_entities(doc: Document, sent: Sentence, entities: Sequence[Span]) -> Markup:
    """The sentence text, escaped, with salient entities (and terms, titled with their expansion) in ``<mark>``."""
    out: list[Markup] = []
    pos = sent.start
    for ent in entities:
        is_term = "term" in ent.attrs
        if ent.start < pos or ent.end > sent.end or not (is_term or ent.label in SALIENT_ENTITY_LABELS):
            continue
        out.append(escape(doc.text[pos : ent.start]))
        title = _term_title(ent) if is_term else ent.label
        out.append(
            Markup('<mark class="ent{0}" data-label="{1}" title="{2}">{3}</mark>').format(
                " term" if is_term else "", ent.label, title, doc.span_text(ent)
            )
        )
        pos = ent.end
    out.append(escape(doc.text[pos : sent.end]))
    return Markup("").join(out)


def _paragraphs(doc: Document, sentences: Sequence[Sentence]) -> list[list[Sentence]]:
    groups: list[list[Sentence]] = []
    prev: Sentence | None = None
    for sent in sentences:
        if prev is None or "\n\n" in doc.text[prev.end : sent.start]:
            groups.append([])
        groups[-1].append(sent)
        prev = sent
    return groups


def _sentence_view(
    doc: Document, sent: Sentence, entities: Sequence[Span], badges: Sequence[BadgeBuilder]
) -> dict[str, Any]:
    inside = [e for e in entities if e.start >= sent.start and e.end <= sent.end]
    shown = [b for builder in badges for b in builder(doc, sent)]
    return {"index": sent.index, "html": mark_entities(doc, sent, inside), "badges": shown}


def _paper_view(analysis: Analysis, badges: Sequence[BadgeBuilder]) -> list[dict[str, Any]]:
    paper = analysis.paper
    reported_by: dict[int, list[str]] = {}
    for story in analysis.stories:
        for span in story.layer(ALIGNMENT):
            for idx in span.attrs.get("paper_sentences", []):
                reported_by.setdefault(idx, []).append(story.id)
    entities = marked_spans(paper)
    by_section: dict[int | None, list[Sentence]] = {}
    for sent in paper.sentences:
        by_section.setdefault(sent.section, []).append(sent)
    sections = []
    for key, sents in by_section.items():
        sec = paper.sections[key] if key is not None else None
        paras = []
        for group in _paragraphs(paper, sents):
            views = []
            for s in group:
                view = _sentence_view(paper, s, entities, badges)
                view["reported_by"] = sorted(set(reported_by.get(s.index, [])))
                views.append(view)
            paras.append(views)
        sections.append(
            {"name": sec.name if sec else "body", "heading": sec.heading if sec else "", "paragraphs": paras}
        )
    return sections


def _story_view(story: Document, paper: Document, badges: Sequence[BadgeBuilder]) -> dict[str, Any]:
    entities = story.layer(ENTITIES)
    align = {span.start: span for span in story.layer(ALIGNMENT)}
    sentences, pairs = [], []
    for sent in story.sentences:
        view = _sentence_view(story, sent, entities, badges)
        span = align.get(sent.start)
        links = list(span.attrs.get("paper_sentences", [])) if span else []
        view.update(links=links, probability=span.score if span else None, label=span.label if span else "")
        sentences.append(view)
        if links:
            pairs.append(
                {
                    "story": view["html"],
                    "paper": escape(paper.span_text(paper.sentences[links[0]])),
                    "paper_index": links[0],
                    "probability": span.score if span else None,
                }
            )
    return {
        "id": story.id,
        "title": story.title,
        "meta": story.metadata,
        "paragraphs": _paragraphs_views(story, sentences),
        "pairs": pairs,
    }


def _paragraphs_views(doc: Document, views: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    by_index = {v["index"]: v for v in views}
    return [[by_index[s.index] for s in group] for group in _paragraphs(doc, doc.sentences)]


def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True)


def render_html(analysis: Analysis, llm: dict[str, Any] | None = None) -> str:
    """The report page as a string (UTF-8, self-contained); ``llm``: the generated section of ``--llm``, if any."""
    template_text = resources.files("sciwire.report").joinpath("templates/report.html.j2").read_text("utf-8")
    parts = [step.report_parts() for step in analysis.steps]
    badges = [p.badges for p in parts if p.badges is not None]
    built = (p.panel(analysis) for p in parts if p.panel is not None)
    panels: list[Panel] = sorted((p for p in built if p is not None), key=lambda p: p.order)
    return (
        _environment()
        .from_string(template_text)
        .render(
            summary=summarize(analysis),
            paper=analysis.paper,
            sections=_paper_view(analysis, badges),
            stories=[_story_view(s, analysis.paper, badges) for s in analysis.stories],
            panels=panels,
            created=analysis.created,
            version=__version__,
            llm=llm,
        )
    )


__all__ = ["mark_entities", "render_html"]
