"""The relations panel of report.html and its ``report.json`` summary (handed to the report by the step).

``summary["relations"] = {"paper": [{"head", "relation", "tail", "probability", "count", "sentence",
"sentence_index"}, ...]}``: one row per distinct (head, relation, tail) of the paper's ``relations``
layer, most probable first; ``sentence`` is the paper sentence of its most probable occurrence
(``sentence_index`` its index, ``None`` when the pair crosses sentences).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from markupsafe import Markup

from sciwire.analysis import WHO_AND_WHAT, Analysis, Panel, ReportParts
from sciwire.document import Document, Span

#: The layer the relations step writes.
RELATIONS = "relations"
#: Relations shown in the panel, the most probable (report.json has them all).
RELATIONS_SHOWN = 15


def _sentence(doc: Document, starts: list[int], span: Span) -> tuple[int | None, str]:
    """The index and text of the sentence that holds ``span`` (``None`` and the span's text when none does);
    ``starts``: where ``doc``'s sentences start."""
    k = bisect_right(starts, span.start) - 1
    sent = doc.sentences[k] if k >= 0 and span.end <= doc.sentences[k].end else None
    return (sent.index, doc.span_text(sent)) if sent else (None, doc.span_text(span))


def relation_table(doc: Document) -> list[dict[str, Any]]:
    """One row per distinct ``(head, relation, tail)`` of ``doc``'s ``relations`` layer."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    starts = [s.start for s in doc.sentences]
    for span in doc.layer(RELATIONS):
        key = (str(span.attrs.get("head", "")), span.label, str(span.attrs.get("tail", "")))
        row = rows.setdefault(key, {"head": key[0], "relation": key[1], "tail": key[2], "probability": -1.0,
                                    "count": 0})  # fmt: skip
        row["count"] += 1
        if float(span.score or 0.0) > row["probability"]:
            row["probability"] = float(span.score or 0.0)
            row["sentence_index"], row["sentence"] = _sentence(doc, starts, span)
    return sorted(rows.values(), key=lambda r: (-r["probability"], r["head"].lower()))


def relations_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["relations"]``."""
    if RELATIONS not in analysis.paper.layers:
        return None
    return {"paper": relation_table(analysis.paper)}


def _row(k: int, r: dict[str, Any]) -> Markup:
    """``head —relation→ tail``, a link to its paper sentence that shows the sentence on hover and focus."""
    index = r.get("sentence_index")
    target = Markup(' href="#p-{}"').format(index) if index is not None else Markup(' tabindex="0"')
    return Markup(
        '<li><a class="rel"{0} aria-describedby="rel-{1}">{2} <b>—{3}→</b> {4} <small>(p = {5:.2f})</small></a>'
        '<span class="rel-sentence" id="rel-{1}">{6}</span></li>'
    ).format(target, k, r["head"], r["relation"], r["tail"], r["probability"], r.get("sentence", ""))


def relations_panel(analysis: Analysis) -> Panel | None:
    """The paper's term pairs in a relation of the schema, most probable first, each with its sentence;
    in the report's "Who and what" group."""
    summary = relations_summary(analysis)
    if summary is None:
        return None
    rows = summary["paper"][:RELATIONS_SHOWN]
    if not rows:
        return Panel("Relations found", Markup("<p>No pair of terms fits a relation of the schema.</p>"), order=47,
                     group=WHO_AND_WHAT)  # fmt: skip
    items = Markup("").join(_row(k, r) for k, r in enumerate(rows))
    note = Markup(
        '<p class="note">Few-shot relations: each type is defined by a handful of examples; many are wrong. '
        "Hover over a relation, or Tab to it, to read its sentence; Enter goes to the sentence in the paper.</p>"
    )
    return Panel("Relations found", Markup('<ul class="rel-list">{}</ul>{}').format(items, note), order=47,
                 group=WHO_AND_WHAT)  # fmt: skip


#: What the relations step shows in report.json and report.html.
PARTS = ReportParts(summary=relations_summary, panel=relations_panel)
