"""The terms panel of report.html and its ``report.json`` summary (handed to the report by the step).

``summary["terms"] = {"paper": [{"term", "short", "type", "count", "source", "display"}, ...]}``: one row per
distinct term of the paper's ``terms`` layer, abbreviations first, then by count; ``display``
is what the report shows ("TRF = time-restricted feeding (method)").
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import TERMS, WHO_AND_WHAT, Analysis, Panel, ReportParts
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


#: The order of the term types in the panel.
TYPE_ORDER = ("method", "task", "material", "measure", "other")
#: Noun-phrase terms shown per type (report.json has them all).
PHRASES_SHOWN = 8


def _type_block(label: str, rows: list[dict[str, Any]]) -> Markup:
    abbreviations = [r for r in rows if r["short"]]
    expansions = {r["term"].lower() for r in abbreviations}
    phrases = [r for r in rows if not r["short"] and r["term"].lower() not in expansions][:PHRASES_SHOWN]
    items = Markup("").join(
        Markup("<li><b>{}</b> — {} <small>({}×{})</small></li>").format(
            r["short"], r["term"], r["count"], ", common expansion" if r["source"] == "glossary" else ""
        )
        for r in abbreviations
    )
    items += Markup("").join(Markup("<li>{} <small>({}×)</small></li>").format(r["term"], r["count"]) for r in phrases)
    return Markup('<h4>{}</h4><ul class="terms-list">{}</ul>').format(label.capitalize(), items)


def terms_panel(analysis: Analysis) -> Panel | None:
    """The paper's terms grouped by type: abbreviations with their expansions ("TRF — time-restricted
    feeding"), then the noun-phrase terms used most; in the report's "Who and what" group."""
    summary = terms_summary(analysis)
    if summary is None:
        return None
    rows = summary["paper"]
    if not rows:
        none = Markup("<p>No terms or abbreviations were found in the paper.</p>")
        return Panel("Terms of the paper", none, order=45, group=WHO_AND_WHAT)
    labels = [t for t in TYPE_ORDER if any(r["type"] == t for r in rows)]
    labels += sorted({r["type"] for r in rows} - set(labels))
    blocks = Markup('<div class="terms-grid">{}</div>').format(
        Markup("").join(
            Markup("<div>{}</div>").format(_type_block(t, [r for r in rows if r["type"] == t])) for t in labels
        )
    )
    fitted = any(span.score is None for span in analysis.paper.layer(TERMS))  # a fitted model's terms have no score
    origin = (
        "Terms and types come from the term model in <code>terms.model</code> (trained with <code>sciwire train "
        "entities</code>)"
        if fitted
        else "Types come from a zero-shot typer and are often wrong"
    )
    note = Markup(
        '<p class="note">{}; expansions come from the paper\'s own definitions (or, marked, a list of common ones). '
        "In the texts, terms are marked in green: hover over one for its expansion.</p>"
    ).format(Markup(origin))
    return Panel("Terms of the paper", blocks + note, order=45, group=WHO_AND_WHAT)


#: What the terms step shows in report.json and report.html.
PARTS = ReportParts(summary=terms_summary, panel=terms_panel)
