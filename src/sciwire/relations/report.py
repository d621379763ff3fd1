"""The relations panel of report.html and its ``report.json`` summary (handed to the report by the step).

``summary["relations"] = {"paper": [{"head", "relation", "tail", "probability", "count"}, ...]}``:
one row per distinct (head, relation, tail) of the paper's ``relations`` layer, most probable first.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import Analysis, Panel, ReportParts
from sciwire.document import Document

#: The layer the relations step writes.
RELATIONS = "relations"


def relation_table(doc: Document) -> list[dict[str, Any]]:
    """One row per distinct ``(head, relation, tail)`` of ``doc``'s ``relations`` layer."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for span in doc.layer(RELATIONS):
        key = (str(span.attrs.get("head", "")), span.label, str(span.attrs.get("tail", "")))
        row = rows.setdefault(key, {"head": key[0], "relation": key[1], "tail": key[2], "probability": 0.0,
                                    "count": 0})  # fmt: skip
        row["count"] += 1
        row["probability"] = max(row["probability"], float(span.score or 0.0))
    return sorted(rows.values(), key=lambda r: (-r["probability"], r["head"].lower()))


def relations_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["relations"]``."""
    if RELATIONS not in analysis.paper.layers:
        return None
    return {"paper": relation_table(analysis.paper)}


def relations_panel(analysis: Analysis) -> Panel | None:
    """The paper's entity pairs in a relation of the schema, most probable first."""
    summary = relations_summary(analysis)
    if summary is None:
        return None
    rows = summary["paper"][:30]
    if not rows:
        return Panel("Relations", Markup("<p>No pair of terms fits a relation of the schema.</p>"), order=46)
    items = Markup("").join(
        Markup("<li>{} <b>{}</b> {} <small>({:.2f})</small></li>").format(
            r["head"], r["relation"], r["tail"], r["probability"]
        )
        for r in rows
    )
    note = Markup(
        '<p class="note">Few-shot relations: each type is defined by a handful of examples; many are wrong.</p>'
    )
    return Panel("Relations", Markup("<ul>{}</ul>{}").format(items, note), order=46)


#: What the relations step shows in report.json and report.html.
PARTS = ReportParts(summary=relations_summary, panel=relations_panel)
