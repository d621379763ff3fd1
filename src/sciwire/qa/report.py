"""Answers in report.json and report.html (handed to the report by the ``answers`` step).

``report.json["summary"]["answers"]["questions"]`` lists, per question, its answers in rank order
and ``verdict``: ``"answered"``, or ``"the paper does not say"`` when the answer ranker judged that the
paper does not answer it (the sentences are then the closest it comes), and for a yes/no question
``decision`` (``{"label", "confidence", "reason", "evidence"}``: yes, no, maybe or "the paper does not
say", with the sentence indices it was decided from); report.html shows them in
an "Answers" panel with each sentence's section and role, every piece of text escaped.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sciwire.analysis import ANSWERS, Analysis, Panel, ReportParts
from sciwire.discourse.labels import CORESC
from sciwire.qa.retrieval import NO_ANSWER


def role_name(code: str | None) -> str | None:
    """The display name of a CoreSC role code ("Res" -> "Result"); None stays None."""
    return CORESC.name(code) if code else None


def answers_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["answers"]``: ``{"questions": [...]}``, each with its answers in rank order."""
    spans = analysis.paper.layer(ANSWERS)
    if not spans:
        return None
    out: dict[int, dict[str, Any]] = {}
    for span in sorted(spans, key=lambda s: (s.attrs["question_index"], s.attrs["rank"])):
        entry = out.setdefault(
            span.attrs["question_index"],
            {
                "question": span.attrs["question"],
                "verdict": "answered" if span.attrs.get("answers", True) else NO_ANSWER,
                "answers": [],
            },
        )
        if "decision" in span.attrs:
            entry["decision"] = {
                "label": span.attrs["decision"],
                "confidence": span.attrs.get("decision_confidence"),
                "reason": span.attrs.get("decision_reason", ""),
                "evidence": span.attrs.get("decision_evidence", []),
            }
        entry["answers"].append(
            {
                "text": analysis.paper.span_text(span),
                "sentence": span.attrs["sentence"],
                "confidence": span.score,
                "section": span.attrs["section"],
                "role": span.attrs["role"],
            }
        )
    return {"questions": list(out.values())}


def answers_panel(analysis: Analysis) -> Panel | None:
    """Each question with its answers in context; everything escaped."""
    summary = answers_summary(analysis)
    if not summary:
        return None
    spans = {(s.attrs["question_index"], s.attrs["rank"]): s for s in analysis.paper.layer(ANSWERS)}
    blocks = []
    for qi, entry in enumerate(summary["questions"]):
        items = []
        for rank, answer in enumerate(entry["answers"], start=1):
            span = spans[(qi, rank)]
            where = ", ".join(x for x in (answer["section"], role_name(answer["role"])) if x) or "no section"
            items.append(
                Markup(
                    '<li><span class="ctx">{0}</span> <mark>{1}</mark> <span class="ctx">{2}</span>'
                    "<br><small>{3} · confidence {4:.2f}</small></li>"
                ).format(
                    " ".join(span.attrs["before"]),
                    answer["text"],
                    " ".join(span.attrs["after"]),
                    where,
                    answer["confidence"] or 0.0,
                )
            )
        verdict = (
            Markup("")
            if entry["verdict"] == "answered"
            else Markup("<p><strong>{0}</strong>; the closest sentences:</p>").format(NO_ANSWER.capitalize())
        )
        if "decision" in entry:
            d = entry["decision"]
            verdict += Markup(
                "<p>Decision: <strong>{0}</strong> (confidence {1:.2f}{2}), from the first sentences below.</p>"
            ).format(d["label"], d["confidence"] or 0.0, f"; {d['reason']}" if d["reason"] else "")
        blocks.append(Markup("<h3>{0}</h3>{1}<ol>{2}</ol>").format(entry["question"], verdict, Markup("").join(items)))
    note = Markup(
        '<p class="note">Sentences of the paper found by BM25 + MiniLM and re-ranked by the answer ranker, which '
        "prefers reported results to sentences that restate the question (see docs/qa.md).</p>"
    )
    return Panel("Answers", Markup("").join(blocks) + note, order=70)


#: What the answers step shows in report.json and report.html.
PARTS = ReportParts(summary=answers_summary, panel=answers_panel)
