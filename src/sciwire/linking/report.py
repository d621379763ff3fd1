"""The linking panel of report.html and ``report.json["summary"]["linking"]``.

Every piece of document text
goes through ``markupsafe`` escaping; only the markup written here is trusted.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import PAPER_LINK, Analysis, Panel, ReportParts
from sciwire.document import Document

CONTEXT_CHARS = 80


def highlight(doc: Document, start: int, end: int, cluster: str) -> Markup:
    """The mention in its sentence (or nearby text), escaped, the mention wrapped in ``<mark>``."""
    sent = next((s for s in doc.sentences if s.start <= start and end <= s.end), None)
    a = sent.start if sent else max(0, start - CONTEXT_CHARS)
    b = sent.end if sent else min(len(doc.text), end + CONTEXT_CHARS)
    return Markup('{0}<mark class="coref" data-cluster="{1}">{2}</mark>{3}').format(
        doc.text[a:start], cluster, doc.text[start:end], doc.text[end:b]
    )


def _story_block(story: Document, paper: Document) -> Markup | None:
    links = story.layer(PAPER_LINK)
    if not links:
        return None
    link = links[0]
    reasons = Markup("").join(Markup("<li>{0}</li>").format(r) for r in link.attrs.get("reasons", []))
    rows = Markup("").join(
        Markup('<tr><td>{0}</td><td>{1}</td><td class="num">{2:.2f}</td></tr>').format(
            highlight(story, p["story"][0], p["story"][1], p["cluster"]),
            highlight(paper, p["paper"][0], p["paper"][1], p["cluster"]),
            p["probability"],
        )
        for p in link.attrs.get("pairs", [])
    )
    table = (
        Markup("<table><thead><tr><th>In the story</th><th>In the paper</th><th>p</th></tr></thead>")
        + Markup("<tbody>{0}</tbody></table>").format(rows)
        if rows
        else Markup("<p>No shared entities found.</p>")
    )
    verdict = "is about this paper" if link.label == "about" else "may not be about this paper"
    return Markup(
        '<section class="link-story"><h3>{0}</h3><p>The story {1} (p = {2:.2f}).</p><ul>{3}</ul>{4}</section>'
    ).format(story.title or story.id, verdict, link.score or 0.0, reasons, table)


def linking_panel(analysis: Analysis) -> Panel | None:
    """One block per story: the paper match with its reasons, and the shared entities side by side."""
    blocks = [b for s in analysis.stories if (b := _story_block(s, analysis.paper)) is not None]
    if not blocks:
        return None
    return Panel("Story ↔ paper: match and shared entities", Markup("").join(blocks), order=40)


def linking_summary(analysis: Analysis) -> dict[str, Any] | None:
    """Per story: the match probability, the reasons and the shared entity pairs (texts)."""
    stories = []
    for story in analysis.stories:
        links = story.layer(PAPER_LINK)
        if not links:
            continue
        link = links[0]
        stories.append(
            {
                "id": story.id,
                "about_paper": link.label == "about",
                "probability": link.score,
                "evidence": link.attrs.get("evidence", {}),
                "reasons": link.attrs.get("reasons", []),
                "shared_entities": [
                    {"story": p["story_text"], "paper": p["paper_text"], "probability": p["probability"]}
                    for p in link.attrs.get("pairs", [])
                ],
            }
        )
    return {"stories": stories} if stories else None


#: What the linking step shows in report.json and report.html.
PARTS = ReportParts(summary=linking_summary, panel=linking_panel)
