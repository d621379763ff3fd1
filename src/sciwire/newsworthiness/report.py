"""The newsworthiness panel of report.html and its ``report.json`` summary (handed to the report by the step).

Reads the ``newsworthiness`` layer that :class:`~.step.NewsworthinessStep` adds to the paper.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import NEWSWORTHINESS, Analysis, Panel, ReportParts
from sciwire.newsworthiness.ranking import WHAT_IT_IS


def _attrs(analysis: Analysis) -> dict[str, Any] | None:
    spans = analysis.paper.layer(NEWSWORTHINESS)
    return dict(spans[0].attrs) if spans else None


def newsworthiness_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["newsworthiness"]``: score, confidence, reasons and the model."""
    return _attrs(analysis)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def newsworthiness_panel(analysis: Analysis) -> Panel | None:
    """Score, probability and vote share, the four news values (trained models), reasons and what it is not."""
    attrs = _attrs(analysis)
    if attrs is None:
        return None
    reasons = Markup("").join(
        Markup('<li class="{}">{}</li>').format(
            "pos" if r["contribution"] >= 0 else "neg", ("+ " if r["contribution"] >= 0 else "− ") + r["phrase"]
        )
        for r in attrs.get("reasons", [])
    )
    values = Markup("").join(
        Markup("<li>{}: calibrated probability {}, vote share {}{}</li>").format(
            d.get("label", name),
            _pct(d.get("probability")),
            _pct(d.get("vote_share")),
            Markup(" ({})").format(("+ " if d["reason"]["contribution"] >= 0 else "− ") + d["reason"]["phrase"])
            if d.get("reason")
            else "",
        )
        for name, d in (attrs.get("dimensions") or {}).items()
    )
    body = Markup(
        "<p><strong>Score {score}</strong> (0–100). Calibrated probability: {prob}. Vote share: {vote}.</p>"
        "{values}"
        '<ul>{reasons}</ul><p class="note">Model: {model}. {note}</p>'
    ).format(
        score=f"{100 * attrs['score']:.0f}",
        prob=_pct(attrs.get("probability")),
        vote=_pct(attrs.get("vote_share")),
        values=Markup("<p>News values:</p><ul>{}</ul>").format(values) if values else "",
        reasons=reasons,
        model=attrs.get("model", ""),
        note=attrs.get("note") or WHAT_IT_IS,
    )
    return Panel("Newsworthiness", body, order=60)


#: What the newsworthiness step shows in report.json and report.html.
PARTS = ReportParts(summary=newsworthiness_summary, panel=newsworthiness_panel)
