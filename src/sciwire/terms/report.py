"""The terms panel of report.html and its ``report.json`` summary (handed to the report by the step).

``summary["terms"] = {"paper": [{"term", "short", "type", "count", "source", "display"}, ...]}``: one row per
distinct term of the paper's ``terms`` layer, abbreviations first, then by count; ``display``
is what the report shows ("TRF = time-restricted feeding (method)").
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import TERMS, Analysis, Panel, ReportParts
from sciwire.document import Document, Span


def term_display(span: Span) -> str:
    """``TRF = time-restricted feeding (method)`` for an abbreviation, ``sleep efficiency (measure)`` else."""
    short = span.attrs.get("short")
    term = span.attrs.get("term", "")
    return f"{short} = {term} ({span.label})" if short else f"{term} ({span.label})"


def term_table(doc: Document) -> list[dict[str, Any]]:
    """One row per distinct term of ``doc``'s ``terms`` layer."""
    rows: dict[tuple[str, str | None], dict[str, Any]] = {}
    for span in doc.layer(TERMS):
        key = (str(span.attrs.get("term", "")), span.attrs.get("short"))
        row = rows.setdefault(
            key,
            {"term": key[0], "short": key[1], "type": span.label, "count": 0, "source": span.attrs.get("source"),
             "display": term_display(span)},
        )  # fmt: skip
        row["count"] += 1
    return sorted(rows.values(), key=lambda r: (r["short"] is None, -r["count"], r["term"].lower()))


def terms_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["terms"]``."""
    if TERMS not in analysis.paper.layers:
        return None
    return {"paper": term_table(analysis.paper)}


def terms_panel(analysis: Analysis) -> Panel | None:
    """The paper's abbreviations with their expansions and types, then its most used noun-phrase terms."""
    summary = terms_summary(analysis)
    if summary is None:
        return None
    rows = summary["paper"]
    if not rows:
        return Panel("Terms", Markup("<p>No terms or abbreviations were found in the paper.</p>"), order=45)
    abbreviations = [r for r in rows if r["short"]]
    phrases = [r for r in rows if not r["short"]][:20]
    items = Markup("").join(
        Markup("<li>{}{}</li>").format(
            r["display"], Markup(" <small>(common expansion)</small>") if r["source"] == "glossary" else ""
        )
        for r in abbreviations
    )
    words = Markup(", ").join(Markup("{} <small>({})</small>").format(r["term"], r["type"]) for r in phrases)
    body = Markup(
        "<p>Abbreviations:</p><ul>{}</ul><p>Terms used most: {}</p>"
        '<p class="note">Types (method, task, material, measure, other) come from a zero-shot typer and are often '
        "wrong; expansions come from the paper's own definitions.</p>"
    ).format(items, words)
    return Panel("Terms", body, order=45)


#: What the terms step shows in report.json and report.html.
PARTS = ReportParts(summary=terms_summary, panel=terms_panel)
