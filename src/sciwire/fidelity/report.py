"""The fidelity panel, sentence badges and ``report.json`` summary (handed to the report by the step).

Built from the ``fidelity`` layers of the stories and the ``findings`` layer of the paper
(see :mod:`sciwire.fidelity.assess`). Every piece of document text is escaped.

``summary["fidelity"] = {"paper_findings": n, "stories": {story_id: {"checked", "claims",
"exaggerates", "same", "downplays", "issues": {kind: n}, "text"}}}``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup

from sciwire.analysis import FIDELITY, FINDINGS, Analysis, Badge, Panel, ReportParts
from sciwire.document import Document, Sentence

#: How verdicts are shown to readers, with a colour.
SHOWN = {
    "exaggerates": ("overstated", "#f8d0cc"),
    "same": ("faithful", "#d5efd8"),
    "downplays": ("understated", "#d6e4f7"),
}
#: Issue kinds in words: (singular, plural).
ISSUE_WORDS = {
    "number_mismatch": ("number differs", "numbers differ"),
    "number_not_in_paper": ("number not in the paper", "numbers not in the paper"),
    "hedge_dropped": ("hedge dropped", "hedges dropped"),
    "model_dropped": ("'in mice/cells' dropped", "'in mice/cells' dropped"),
    "correlation_as_cause": ("correlation reported as cause", "correlations reported as causes"),
    "booster_added": ("booster added", "boosters added"),
}


def _count(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"


def story_fidelity(story: Document) -> dict[str, Any]:
    """Counts for one story: verdicts, claims (pairs where either side makes a claim), issues, a sentence."""
    spans = story.layer(FIDELITY)
    verdicts = Counter(s.label for s in spans)
    issues: Counter[str] = Counter(i["kind"] for s in spans for i in s.attrs.get("issues", []))
    claims = sum(1 for s in spans if max(s.attrs.get("story_strength", 0), s.attrs.get("paper_strength", 0)) > 0)
    parts = [
        _count(verdicts["exaggerates"], ("claim overstated", "claims overstated")),
        _count(verdicts["downplays"], ("understated", "understated")),
        _count(verdicts["same"], ("faithful", "faithful")),
    ]
    parts += [_count(issues[k], ISSUE_WORDS[k]) for k in ISSUE_WORDS if issues[k]]
    return {
        "checked": len(spans),
        "claims": claims,
        "exaggerates": verdicts["exaggerates"],
        "same": verdicts["same"],
        "downplays": verdicts["downplays"],
        "issues": dict(issues),
        "text": ", ".join(parts) if spans else "no story sentence reports a paper sentence",
    }


def fidelity_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["fidelity"]`` (None when the fidelity step did not run)."""
    if not any(FIDELITY in s.layers for s in analysis.stories):
        return None
    return {
        "paper_findings": len(analysis.paper.layer(FINDINGS)),
        "stories": {s.id: story_fidelity(s) for s in analysis.stories},
    }


def _verdict_cell(label: str, confidence: float | None, source: str) -> Markup:
    shown, color = SHOWN.get(label, (label, "#eef1f6"))
    conf = "" if confidence is None else f" {confidence:.2f}"
    return Markup('<span style="background:{};padding:1px 6px;border-radius:8px">{}</span>{}<br>'
                  '<span class="muted">{}</span>').format(color, shown, conf, source)  # fmt: skip


def _story_table(story: Document, paper: Document) -> Markup:
    spans = story.layer(FIDELITY)
    if not spans:
        return Markup('<p class="muted">No story sentence reports a paper sentence.</p>')
    rows = Markup("")
    order = {"exaggerates": 0, "downplays": 1, "same": 2}
    for span in sorted(spans, key=lambda s: (order.get(s.label, 3), s.start)):
        idx = int(span.attrs["paper_sentence"])
        reasons = Markup("").join(Markup("<li>{}</li>").format(r) for r in span.attrs.get("reasons", []))
        rows += Markup(
            '<tr><td>{}</td><td><a href="#p-{}">{}</a></td><td>{}</td><td><ul style="margin:0;padding-left:16px">'
            "{}</ul></td></tr>"
        ).format(
            story.span_text(span),
            idx,
            paper.span_text(paper.sentences[idx]),
            _verdict_cell(span.label, span.score, str(span.attrs.get("source", ""))),
            reasons,
        )
    return Markup(
        '<table class="pairs"><thead><tr><th>Story says</th><th>Paper says</th><th>Verdict, confidence</th>'
        "<th>Why</th></tr></thead><tbody>{}</tbody></table>"
    ).format(rows)


def fidelity_panel(analysis: Analysis) -> Panel | None:
    """Per story: a one-line summary and each claim side by side with its paper source and verdict."""
    summary = fidelity_summary(analysis)
    if summary is None:
        return None
    body = Markup(
        '<p class="muted">Each story sentence that reports a paper sentence, compared on claim strength '
        "(none, correlational, conditional causal, direct causal) and by deterministic checks. "
        "Confidence: the calibrated probability of the verdict, or for a check the alignment probability.</p>"
    )
    for story in analysis.stories:
        info = summary["stories"][story.id]
        body += Markup("<h4>{}</h4><p><strong>{}</strong></p>{}").format(
            story.title or story.id, info["text"], _story_table(story, analysis.paper)
        )
    return Panel("Fidelity: does each story keep, overstate or understate the paper?", body, order=20)


def fidelity_badges(doc: Document, sent: Sentence) -> list[Badge]:
    """A verdict badge after each judged story sentence; "finding" after paper findings."""
    if doc.kind == "news":
        out = []
        for span in doc.layer(FIDELITY):
            if span.start == sent.start:
                shown, color = SHOWN.get(span.label, (span.label, ""))
                tip = "; ".join(span.attrs.get("reasons", [])) or shown
                out.append(Badge(shown, tooltip=tip, css_class=f"fidelity {span.label}", color=color))
        return out
    return [
        Badge("finding", tooltip=f"states a finding (p={s.score:.2f})" if s.score is not None else "states a finding")
        for s in doc.layer(FINDINGS)
        if s.start == sent.start
    ]


#: What the fidelity step shows in report.json and report.html.
PARTS = ReportParts(summary=fidelity_summary, panel=fidelity_panel, badges=fidelity_badges)
