"""The newsworthiness panel of report.html and its ``report.json`` summary (handed to the report by the step).

Reads the ``newsworthiness`` layer that :class:`~.step.NewsworthinessStep` adds to the paper.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import NEWSWORTHINESS, Analysis, Panel, ReportParts


def _attrs(analysis: Analysis) -> dict[str, Any] | None:
    spans = analysis.paper.layer(NEWSWORTHINESS)
    return dict(spans[0].attrs) if spans else None


def newsworthiness_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["newsworthiness"]``: score, confidence, reasons and the model."""
    return _attrs(analysis)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def newsworthiness_panel(analysis: Analysis) -> Panel | None:
    """Score, calibrated probability (trained models), vote share and the top reasons, escaped."""
    attrs = _attrs(analysis)
    if attrs is None:
        return None
    reasons = Markup("").join(
        Markup('<li class="{}">{}</li>').format(
            "pos" if r["contribution"] >= 0 else "neg", ("+ " if r["contribution"] >= 0 else "− ") + r["phrase"]
        )
        for r in attrs.get("reasons", [])
    )
    body = Markup(
        "<p><strong>Score {score}</strong> (0–100). Calibrated probability: {prob}. Vote share: {vote}.</p>"
        '<ul>{reasons}</ul><p class="note">Model: {model}. {note}</p>'
    ).format(
        score=f"{100 * attrs['score']:.0f}",
        prob=_pct(attrs.get("probability")),
        vote=_pct(attrs.get("vote_share")),
        reasons=reasons,
        model=attrs.get("model", ""),
        note=attrs.get("note", ""),
    )
    return Panel("Newsworthiness", body, order=60)


#: What the newsworthiness step shows in report.json and report.html.
PARTS = ReportParts(summary=newsworthiness_summary, panel=newsworthiness_panel)
