"""Render the analysis as one self-contained HTML file (inline CSS and JS, no network).

All document text is untrusted (news pages, PDFs): it reaches the page only through
``markupsafe.escape`` or Jinja2 autoescaping, never as raw HTML.

Panels and sentence badges come from the steps of the analysis (:meth:`~sciwire.analysis.Step.report_parts`).

The page carries its Content-Security-Policy in a ``<meta>`` tag: no network at all, and only
the page's own inline script runs (allowed by its SHA-256 hash, computed from the exact script
text, no ``'unsafe-inline'`` for scripts). Styles keep ``'unsafe-inline'``: the steps' panels
and badges colour things with ``style=`` attributes, which CSP can only allow one hash at a
time (``'unsafe-hashes'``). A web server that serves the page sends the same policy as a header:
:func:`content_security_policy`.

Accessibility (docs/report.md): sentences that link are focusable (Enter or Space jumps to the
linked sentence), badge reasons open with a button instead of a hover tooltip, headings go
H1 → H2 → H3, and tables scroll in their own box or stack on a phone.
"""

from __future__ import annotations

import base64
import hashlib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from importlib import resources
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from sciwire.analysis import ALIGNMENT, TERMS, Analysis, BadgeBuilder, Panel
from sciwire.document import Document, Sentence, Span
from sciwire.report.build import summarize
from sciwire.report.shared import SALIENT_ENTITY_LABELS, SharedView, named_entities, shared_view
from sciwire.report.who import blocks_of, shared_panel
from sciwire.version import __version__

#: The policy of every report page; ``{script}`` is filled with the hashes of its inline scripts.
CSP_TEMPLATE = (
    "default-src 'none'; script-src {script}; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_TABLE = re.compile(r"<table\b.*?</table>", re.S)


def report_script() -> str:
    """The page's inline script, exactly as it is embedded (linking, keyboard, badge reasons)."""
    return resources.files("sciwire.report").joinpath("templates/report.js").read_text("utf-8")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script: ``'sha256-<base64>'``."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(html: str | None = None) -> str:
    """The Content-Security-Policy of a report page, for a server to send as a header.

    Args:
        html: A page made by :func:`render_html`: the policy allows the inline scripts it holds
            (by their hashes). Default: the report's own script, which is what every report holds.

    Returns:
        The policy, the same string as the page's ``<meta http-equiv="Content-Security-Policy">``.

    Example:
        >>> content_security_policy().startswith("default-src 'none'; script-src 'sha256-")
        True
    """
    scripts = _SCRIPT.findall(html) if html is not None else [report_script()]
    return CSP_TEMPLATE.format(script=" ".join(script_hash(s) for s in scripts) or "'none'")


def _term_title(span: Span) -> str:
    """``TRF = time-restricted feeding (method)`` for a span of the ``terms`` layer."""
    short, term = span.attrs.get("short"), span.attrs.get("term", "")
    return f"{short} = {term} ({span.label})" if short else f"{term} ({span.label})"


def marked_spans(doc: Document, terms: Sequence[Span] = (), shared: Sequence[tuple[int, int, str]] = ()) -> list[Span]:
    """What sentences mark, in text order: the salient named entities that are not terms, the
    terms (the ``terms`` layer and ``terms``, a story's uses of the paper's terms) and the other
    ranges a story shares with the paper (``shared``: ``(start, end, key)``, label ``shared``)."""
    spans = [*named_entities(doc, terms), *doc.layer(TERMS), *terms]
    spans += [Span(a, b, "shared", attrs={"shared": key}) for a, b, key in shared]
    return sorted(spans, key=lambda s: (s.start, -s.end))


def _open_tag(doc: Document, ent: Span, keys: Sequence[str]) -> Markup:
    shared = Markup(' data-shared="{}"').format(" ".join(keys)) if keys else Markup("")
    if "shared" in ent.attrs:
        return Markup('<span class="shared"{}>').format(shared)
    is_term = "term" in ent.attrs
    title = _term_title(ent) if is_term else ent.label
    return Markup('<mark class="ent{0}" data-label="{1}" title="{2}"{3}>').format(
        " term" if is_term else "", ent.label, title, shared
    )


def mark_entities(
    doc: Document, sent: Sentence, entities: Sequence[Span], shared: Sequence[tuple[int, int, str]] = ()
) -> Markup:
    """The sentence text, escaped, with salient entities (and terms, titled with their expansion) in ``<mark>``.

    ``shared``: ``(start, end, key)`` ranges the story and the paper share (:mod:`sciwire.report.shared`);
    a mark that overlaps one carries its key in ``data-shared`` (the panel's buttons find them by it).
    """
    out: list[Markup] = []
    pos = sent.start
    for ent in entities:
        is_shown = "term" in ent.attrs or "shared" in ent.attrs or ent.label in SALIENT_ENTITY_LABELS
        if ent.start < pos or ent.end > sent.end or not is_shown:
            continue
        keys = sorted({k for a, b, k in shared if a < ent.end and ent.start < b})
        out.append(escape(doc.text[pos : ent.start]))
        closing = Markup("</span>") if "shared" in ent.attrs else Markup("</mark>")
        out.append(_open_tag(doc, ent, keys) + escape(doc.span_text(ent)) + closing)
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


def _by_sentence(
    sentences: Sequence[Sentence], ranges: Sequence[tuple[int, int]], *, inside: bool
) -> dict[int, list[int]]:
    """``{sentence index: [k, ...]}``: the ``ranges[k]`` inside each sentence (``inside``) or overlapping it."""
    starts = [s.start for s in sentences]
    out: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(ranges):
        i = max(bisect_right(starts, a) - 1, 0)
        while i < len(sentences) and sentences[i].start < max(b, a + 1):
            sent = sentences[i]
            if (sent.start <= a and b <= sent.end) if inside else (a < sent.end and sent.start < b):
                out.setdefault(sent.index, []).append(k)
            i += 1
    return out


def _marks_by_sentence(
    doc: Document, entities: Sequence[Span], shared: Sequence[tuple[int, int, str]]
) -> tuple[dict[int, list[Span]], dict[int, list[tuple[int, int, str]]]]:
    """The marks inside each sentence (in text order) and the shared ranges that overlap it."""
    inside = _by_sentence(doc.sentences, [(e.start, e.end) for e in entities], inside=True)
    overlap = _by_sentence(doc.sentences, [(a, b) for a, b, _ in shared], inside=False)
    return ({i: [entities[k] for k in ks] for i, ks in inside.items()},
            {i: [shared[k] for k in ks] for i, ks in overlap.items()})  # fmt: skip


def _sentence_view(
    doc: Document,
    sent: Sentence,
    inside: Sequence[Span],
    badges: Sequence[BadgeBuilder],
    prefix: str,
    shared: Sequence[tuple[int, int, str]] = (),
) -> dict[str, Any]:
    """The sentence's HTML and badges; ``inside``: the marks inside it, ``shared``: the shared ranges over it;
    ``prefix`` makes the ids of its badge reasons unique in the page."""
    shown = [
        {"text": b.text, "tooltip": b.tooltip, "css_class": b.css_class, "color": b.color, "id": f"{prefix}-{k}"}
        for k, b in enumerate(b for builder in badges for b in builder(doc, sent))
    ]
    return {"index": sent.index, "html": mark_entities(doc, sent, inside, shared), "badges": shown}


def _link_text(links: Sequence[int], probability: float | None) -> str:
    if links:
        return f"reports paper sentence {', '.join(map(str, links))} (p={probability or 0.0:.2f})"
    return "" if probability is None else f"no matching paper sentence (best p={probability:.2f})"


def wrap_tables(body: Markup, label: str) -> Markup:
    """Each ``<table>`` of a panel in its own scrollable, focusable region, so a wide table
    scrolls inside the panel instead of widening the page (the markup is ours: escaped text
    cannot contain ``<table``)."""
    tables = _TABLE.findall(body)
    for k, table in enumerate(tables, start=1):
        name = label if len(tables) == 1 else f"{label} (table {k})"
        wrapped = Markup('<div class="table-wrap" tabindex="0" role="region" aria-label="{}">{}</div>').format(
            name, Markup(table)
        )
        body = Markup(body.replace(table, wrapped, 1))
    return body


def _paper_view(analysis: Analysis, badges: Sequence[BadgeBuilder], view: SharedView) -> list[dict[str, Any]]:
    paper = analysis.paper
    reported_by: dict[int, list[str]] = {}
    for story in analysis.stories:
        for span in story.layer(ALIGNMENT):
            for idx in span.attrs.get("paper_sentences", []):
                reported_by.setdefault(idx, []).append(story.id)
    entities, shared = _marks_by_sentence(paper, marked_spans(paper, shared=view.paper_marks), view.paper_marks)
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
                shown = _sentence_view(
                    paper, s, entities.get(s.index, []), badges, f"why-p{s.index}", shared.get(s.index, [])
                )
                shown["reported_by"] = sorted(set(reported_by.get(s.index, [])))
                views.append(shown)
            paras.append(views)
        sections.append(
            {"name": sec.name if sec else "body", "heading": sec.heading if sec else "", "paragraphs": paras}
        )
    return sections


def _story_view(
    story: Document, paper: Document, badges: Sequence[BadgeBuilder], number: int, shared: SharedView
) -> dict[str, Any]:
    marks = shared.story_marks[number]
    entities, over = _marks_by_sentence(story, marked_spans(story, shared.story_terms[number], marks), marks)
    align = {span.start: span for span in story.layer(ALIGNMENT)}
    sentences, pairs = [], []
    for sent in story.sentences:
        view = _sentence_view(
            story, sent, entities.get(sent.index, []), badges, f"why-s{number}-{sent.index}", over.get(sent.index, [])
        )
        span = align.get(sent.start)
        links = list(span.attrs.get("paper_sentences", [])) if span else []
        probability = span.score if span else None
        view.update(
            id=f"s{number}-{sent.index}",
            links=links,
            probability=probability,
            label=span.label if span else "",
            link_text=_link_text(links, probability),
        )
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
        "number": number,
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
    built = [p.panel(analysis) for p in parts if p.panel is not None]
    view = shared_view(analysis)
    built.append(shared_panel(analysis, view))
    panels: list[Panel] = sorted((p for p in built if p is not None), key=lambda p: p.order)
    script = report_script()
    return (
        _environment()
        .from_string(template_text)
        .render(
            csp=CSP_TEMPLATE.format(script=script_hash(script)),
            script=Markup(script),
            summary=summarize(analysis, view),
            paper=analysis.paper,
            sections=_paper_view(analysis, badges, view),
            stories=[_story_view(s, analysis.paper, badges, k, view) for k, s in enumerate(analysis.stories)],
            terms_ran=TERMS in analysis.paper.layers,
            blocks=blocks_of([replace(p, body=wrap_tables(p.body, p.title)) for p in panels]),
            created=analysis.created,
            version=__version__,
            llm=llm,
        )
    )


__all__ = ["content_security_policy", "mark_entities", "render_html", "report_script", "script_hash", "wrap_tables"]
