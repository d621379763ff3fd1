"""Assemble the JSON report: documents, a summary, the resolved config and the receipt."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sciwire.analysis import ALIGNMENT, Analysis
from sciwire.document import SCHEMA_VERSION, Document, Span
from sciwire.report.shared import SALIENT_ENTITY_LABELS, SharedView, named_entities, shared_summary, shared_view
from sciwire.version import __version__

REPORT_VERSION = "1.0"
__all__ = ["SALIENT_ENTITY_LABELS", "named_entities", "report_dict", "summarize", "top_entities"]


def top_entities(doc: Document, n: int = 10, terms: Sequence[Span] = ()) -> list[dict[str, Any]]:
    """The most frequent salient entities of a document, as ``{"text", "label", "count"}``; its
    ``terms`` layer and ``terms`` (a story's uses of the paper's terms) left out."""
    counts = Counter((doc.span_text(s), s.label) for s in named_entities(doc, terms))
    return [{"text": t, "label": lab, "count": c} for (t, lab), c in counts.most_common(n)]


def _story_summary(story: Document, paper: Document, terms: Sequence[Span]) -> dict[str, Any]:
    spans = story.layer(ALIGNMENT)
    matched = [s for s in spans if s.label == "reports"]
    sections: Counter[str] = Counter()
    reported: set[int] = set()
    for span in matched:
        for idx in span.attrs.get("paper_sentences", [])[:1]:
            sec = paper.section_of(paper.sentences[idx])
            sections[sec.name if sec else "body"] += 1
            reported.add(idx)
    return {
        "id": story.id,
        "title": story.title,
        "url": story.metadata.url,
        "date": story.metadata.date,
        "authors": list(story.metadata.authors),
        "sentences": len(story.sentences),
        "aligned_sentences": len(matched),
        "aligned_share": round(len(matched) / len(spans), 3) if spans else 0.0,
        "paper_sentences_reported": sorted(reported),
        "reported_sections": dict(sections.most_common()),
        "top_entities": top_entities(story, 8, terms),
    }


def step_summaries(analysis: Analysis) -> dict[str, Any]:
    """``{step name: summary}`` for every step of the analysis that has one (in step order)."""
    out = {}
    for step in analysis.steps:
        builder = step.report_parts().summary
        if builder is not None and (value := builder(analysis)) is not None:
            out[step.name] = value
    return out


def summarize(analysis: Analysis, shared: SharedView | None = None) -> dict[str, Any]:
    """Numbers for the summary block: paper size and sections, per-story alignment coverage, each step's
    summary, and ``who_and_what`` (what each story shares with the paper, when the paper has a ``terms``
    or ``shared_entities`` layer; ``shared``: :func:`~sciwire.report.shared.shared_view`, when already made).
    """
    paper = analysis.paper
    shared = shared or shared_view(analysis)
    summary = {
        "paper": {
            "id": paper.id,
            "title": paper.title,
            "doi": paper.metadata.doi,
            "sentences": sum(1 for _ in paper.iter_sentences()),
            "words": len(paper.text.split()),
            "sections": [s.name for s in paper.sections],
            "top_entities": top_entities(paper),
        },
        "stories": [_story_summary(s, paper, shared.story_terms[k]) for k, s in enumerate(analysis.stories)],
        **step_summaries(analysis),
    }
    if (who := shared_summary(analysis, shared)) is not None:
        summary["who_and_what"] = who
    return summary


def report_dict(analysis: Analysis, llm: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole report as a JSON-compatible dict (what ``report.json`` holds).

    ``llm``: the generated section of ``--llm`` (:func:`sciwire.llm.report.llm_report`), added as
    the last key ``llm``; every other key is the same with or without it.
    """
    report = {
        "report_version": REPORT_VERSION,
        "document_schema_version": SCHEMA_VERSION,
        "sciwire_version": __version__,
        "created": analysis.created,
        "receipt": {
            "config": analysis.config.to_dict(),
            "steps": [step.name for step in analysis.steps],
            "models": dict(analysis.models),
            "timings_s": dict(analysis.timings),
        },
        "summary": summarize(analysis),
        "paper": analysis.paper.to_dict(),
        "stories": [s.to_dict() for s in analysis.stories],
    }
    if llm is not None:
        report["llm"] = llm
    return report
