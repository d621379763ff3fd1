"""The chains panel of report.html and its ``report.json`` summary (handed over by the ``incoref`` step).

``summary["incoref"] = {story id: [{"name": ..., "fullest": ..., "mentions": [text, ...], "pronouns_only":
bool}, ...]}``: each story's chains of two or more mentions, named by their first non-pronoun mention;
``fullest`` is their longest non-pronoun mention ("researchers at the University of Leeds" for "the
researchers"), ``pronouns_only`` true for a chain of pronouns only ("you" ... "your").
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import WHO_AND_WHAT, Analysis, Panel, ReportParts
from sciwire.document import Document

#: The layer the ``incoref`` step writes on each story.
COREF = "coref"


def story_chains(doc: Document) -> list[dict[str, Any]]:
    """The chains of one story's ``coref`` layer, in order of first mention."""
    chains: dict[int, dict[str, Any]] = {}
    for span in doc.layer(COREF):
        row = chains.setdefault(int(span.attrs["chain"]), {"name": span.attrs["name"], "fullest": "", "mentions": [],
                                                           "pronouns_only": True})  # fmt: skip
        text = doc.text[span.start : span.end]
        row["mentions"].append(text)
        if not span.attrs.get("pronoun"):
            row["pronouns_only"] = False
            if len(text) > len(row["fullest"]):
                row["fullest"] = text
    for row in chains.values():
        row["fullest"] = row["fullest"] or row["name"]
    return [chains[k] for k in sorted(chains)]


def coref_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["incoref"]``."""
    if not any(COREF in s.layers for s in analysis.stories):
        return None
    return {s.id: story_chains(s) for s in analysis.stories}


def _chain(c: dict[str, Any]) -> Markup:
    """``the researchers → researchers at the University of Leeds (4 mentions: ...)``."""
    fuller = Markup(" → {}").format(c["fullest"]) if c["fullest"].lower() != c["name"].lower() else Markup("")
    return Markup("<li><b>{}</b>{} <small>({} mentions: {})</small></li>").format(
        c["name"], fuller, len(c["mentions"]), ", ".join(c["mentions"])
    )


def coref_panel(analysis: Analysis) -> Panel | None:
    """Per story: who or what each chain is (its first and its fullest mention), and the words that refer
    to it; chains of pronouns only are left out. In the report's "Who and what" group."""
    summary = coref_summary(analysis)
    if summary is None:
        return None
    parts = []
    for story in analysis.stories:
        rows = Markup("").join(_chain(c) for c in summary[story.id] if not c["pronouns_only"])
        parts.append(Markup("<h4>Story: {}</h4><ul>{}</ul>").format(story.title or story.id,
                                                                   rows or Markup("<li>none</li>")))  # fmt: skip
    note = Markup('<p class="note">Chains come from a model trained on fiction and Wikipedia; check them.</p>')
    return Panel("Who is who in the stories", Markup("").join(parts) + note, order=48, group=WHO_AND_WHAT)


#: What the coref step shows in report.json and report.html.
PARTS = ReportParts(summary=coref_summary, panel=coref_panel)
