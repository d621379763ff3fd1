"""Assemble the JSON report: documents, a summary, the resolved config and the receipt."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sciwire.analysis import ALIGNMENT, ENTITIES, TERMS, Analysis
from sciwire.document import SCHEMA_VERSION, Document, Span
from sciwire.version import __version__

REPORT_VERSION = "1.0"
#: Entity labels worth showing a journalist (numbers and dates are everywhere in papers).
SALIENT_ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART"})


def named_entities(doc: Document) -> list[Span]:
    """The salient entities of a document, less those that overlap one of its terms (when the
    ``terms`` step ran: "TRF" is a term of the paper, not an organisation)."""
    terms = doc.layer(TERMS)
    return [
        s
        for s in doc.layer(ENTITIES)
        if s.label in SALIENT_ENTITY_LABELS and not any(t.start < s.end and s.start < t.end for t in terms)
    ]


def top_entities(doc: Document, n: int = 10) -> list[dict[str, Any]]:
    """The most frequent salient entities of a document, as ``{"text", "label", "count"}`` (terms left out)."""
    counts = Counter((doc.span_text(s), s.label) for s in named_entities(doc))
    return [{"text": t, "label": lab, "count": c} for (t, lab), c in counts.most_common(n)]


def _story_summary(story: Document, paper: Document) -> dict[str, Any]:
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
        "top_entities": top_entities(story, 8),
    }


def step_summaries(analysis: Analysis) -> dict[str, Any]:
    """``{step name: summary}`` for every step of the analysis that has one (in step order)."""
    out = {}
    for step in analysis.steps:
        builder = step.report_parts().summary
        if builder is not None and (value := builder(analysis)) is not None:
            out[step.name] = value
    return out


def summarize(analysis: Analysis) -> dict[str, Any]:
    """Numbers for the summary block: paper size and sections, per-story alignment coverage, each step's summary."""
    paper = analysis.paper
    return {
        "paper": {
            "id": paper.id,
            "title": paper.title,
            "doi": paper.metadata.doi,
            "sentences": sum(1 for _ in paper.iter_sentences()),
            "words": len(paper.text.split()),
            "sections": [s.name for s in paper.sections],
            "top_entities": top_entities(paper),
        },
        "stories": [_story_summary(s, paper) for s in analysis.stories],
        **step_summaries(analysis),
    }


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
