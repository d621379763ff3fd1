"""The chains panel of report.html and its ``report.json`` summary (handed over by the ``incoref`` step).

``summary["incoref"] = {story id: [{"name": ..., "mentions": [text, ...]}, ...]}``: each story's
chains of two or more mentions, named by their first non-pronoun mention.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import Analysis, Panel, ReportParts
from sciwire.document import Document

#: The layer the ``incoref`` step writes on each story.
COREF = "coref"


def story_chains(doc: Document) -> list[dict[str, Any]]:
    """The chains of one story's ``coref`` layer, in order of first mention."""
    chains: dict[int, dict[str, Any]] = {}
    for span in doc.layer(COREF):
        row = chains.setdefault(int(span.attrs["chain"]), {"name": span.attrs["name"], "mentions": []})
        row["mentions"].append(doc.text[span.start : span.end])
    return [chains[k] for k in sorted(chains)]


def coref_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["incoref"]``."""
    if not any(COREF in s.layers for s in analysis.stories):
        return None
    return {s.id: story_chains(s) for s in analysis.stories}


def coref_panel(analysis: Analysis) -> Panel | None:
    """Per story: who or what each chain is, and the words that refer to it."""
    summary = coref_summary(analysis)
    if summary is None:
        return None
    parts = []
    for story in analysis.stories:
        rows = Markup("").join(
            Markup("<li><b>{}</b>: {}</li>").format(c["name"], ", ".join(c["mentions"])) for c in summary[story.id]
        )
        parts.append(Markup("<h4>{}</h4><ul>{}</ul>").format(story.title or story.id, rows or Markup("<li>none</li>")))
    note = Markup('<p class="note">Chains come from a model trained on fiction and Wikipedia; check them.</p>')
    return Panel("Who is who in the stories", Markup("").join(parts) + note, order=95)


#: What the coref step shows in report.json and report.html.
PARTS = ReportParts(summary=coref_summary, panel=coref_panel)
