"""The keyphrase panel of report.html and its ``report.json`` summary (handed to the report by the step).

Both are built from the ``keyphrases`` layers that :class:`~sciwire.keyphrases.step.KeyphraseStep`
adds: ``summary["keyphrases"] = {"paper": [{"phrase", "score", "count", "acronym"}, ...],
"stories": {story_id: [phrases it mentions, in paper rank order]}}``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import KEYPHRASES, Analysis, Panel, ReportParts
from sciwire.document import Document


def phrase_table(doc: Document) -> list[dict[str, Any]]:
    """One row per keyphrase in ``doc``'s layer, by rank: phrase, score, count, acronym."""
    rows: dict[int, dict[str, Any]] = {}
    for span in doc.layer(KEYPHRASES):
        rank = int(span.attrs["rank"])
        row = rows.setdefault(
            rank,
            {"phrase": span.attrs["phrase"], "score": span.score, "count": 0, "acronym": span.attrs.get("acronym")},
        )
        row["count"] += 1
    return [rows[r] for r in sorted(rows)]


def keyphrases_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["keyphrases"]``: the paper's phrases and each story's mentions."""
    if KEYPHRASES not in analysis.paper.layers:
        return None
    return {
        "paper": phrase_table(analysis.paper),
        "stories": {s.id: [row["phrase"] for row in phrase_table(s)] for s in analysis.stories},
    }


def keyphrases_panel(analysis: Analysis) -> Panel | None:
    """A table: the paper's keyphrases, how often the paper uses them, and which stories mention them."""
    summary = keyphrases_summary(analysis)
    if summary is None:
        return None
    if not summary["paper"]:
        return Panel("Keyphrases", Markup("<p>No keyphrases were found in the paper.</p>"), order=40)
    counts = {s.id: {row["phrase"]: row["count"] for row in phrase_table(s)} for s in analysis.stories}
    head = Markup("").join(Markup("<th>{}</th>").format(s.title or s.id) for s in analysis.stories)
    rows = Markup("")
    for i, row in enumerate(summary["paper"], 1):
        cells = Markup("").join(
            Markup('<td class="{}">{}</td>').format(
                "yes" if counts[s.id].get(row["phrase"]) else "no", counts[s.id].get(row["phrase"], 0) or "—"
            )
            for s in analysis.stories
        )
        acronym = Markup(" ({})").format(row["acronym"]) if row["acronym"] else Markup("")
        rows += Markup("<tr><td>{}</td><td>{}{}</td><td>{}</td>{}</tr>").format(
            i, row["phrase"], acronym, row["count"], cells
        )
    body = Markup(
        '<table class="keyphrases"><thead><tr><th>#</th><th>Keyphrase</th><th>In paper</th>{head}</tr></thead>'
        "<tbody>{rows}</tbody></table>"
        '<p class="note">Top keyphrases of the paper (references left out) and how often each story uses them '
        "(same word stems, or the acronym).</p>"
    ).format(head=head, rows=rows)
    return Panel("Keyphrases", body, order=40)


#: What the keyphrases step shows in report.json and report.html.
PARTS = ReportParts(summary=keyphrases_summary, panel=keyphrases_panel)
