"""The fidelity panel, sentence badges and ``report.json`` summary (handed to the report by the step).

Built from the ``relevance`` and ``fidelity`` layers of the stories and the ``findings`` layer
of the paper (see :mod:`sciwire.fidelity.assess`). Every piece of document text is escaped.

What a reader sees per story, in this order: the verdicts in words ("2 claims overstated
(stated more strongly than the paper), 1 understated, 1 unsure, 6 faithful"), then every
judged claim, strongest evidence first (:func:`claims_first`), the story sentence next to the
paper sentence with the reasons and notes as text. A story the relevance gate calls
"unrelated" shows one sentence instead (:func:`unrelated_text`).

``summary["fidelity"] = {"paper_findings": n, "stories": {story_id: {"checked", "claims",
"exaggerates", "same", "downplays", "unsure", "issues": {kind: n}, "notes": {kind: n},
"relevance": {"label", "probability", "threshold"} | None, "text"}}}``. ``issues`` counts the
check findings that decided a verdict, ``notes`` those that were only noted (an issue without
a ``decisive`` flag, from an older report, counts as decisive).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from sciwire.analysis import FIDELITY, FINDINGS, RELEVANCE, Analysis, Badge, Panel, ReportParts
from sciwire.document import Document, Sentence, Span

#: How verdicts are shown to readers, with a colour ("unsure" is neutral).
SHOWN = {
    "exaggerates": ("overstated", "#f8d0cc"),
    "same": ("faithful", "#d5efd8"),
    "downplays": ("understated", "#d6e4f7"),
    "unsure": ("unsure", "#e4e6ea"),
}
#: Verdicts in the order claims are listed: strongest evidence of a problem first.
CLAIM_ORDER = ("exaggerates", "downplays", "unsure", "same")
#: Issue kinds in words: (singular, plural).
ISSUE_WORDS = {
    "number_mismatch": ("number differs", "numbers differ"),
    "number_not_in_paper": ("number not in the paper", "numbers not in the paper"),
    "hedge_dropped": ("hedge dropped", "hedges dropped"),
    "model_dropped": ("'in mice/cells' dropped", "'in mice/cells' dropped"),
    "correlation_as_cause": ("correlation reported as cause", "correlations reported as causes"),
    "booster_added": ("booster added", "boosters added"),
}
#: The summary of a story with no judged sentence, by cause.
NO_PAIRS = "no story sentence reports a paper sentence"
NO_FINDINGS = "the paper states no findings sciwire could detect; no claims were checked"


def _count(n: int, words: tuple[str, str]) -> str:
    return f"{n} {words[0] if n == 1 else words[1]}"


def relevance(story: Document) -> dict[str, Any] | None:
    """The story's relevance verdict ``{"label", "probability", "threshold"}``, or None when the
    ``relevance`` layer is absent (an older report, a custom pipeline)."""
    spans = story.layer(RELEVANCE)
    if not spans:
        return None
    span = spans[0]
    probability = span.attrs.get("probability", span.score)
    threshold = span.attrs.get("threshold")
    return {
        "label": span.label,
        "probability": None if probability is None else float(probability),
        "threshold": None if threshold is None else float(threshold),
    }


def is_unrelated(story: Document) -> bool:
    """Whether the relevance gate says the story does not report the paper (no verdicts then)."""
    info = relevance(story)
    return info is not None and info["label"] == "unrelated"


def unrelated_text(info: Mapping[str, Any]) -> str:
    """'This story does not appear to report this paper (p=0.001, threshold 0.30); no claims were checked.'"""
    p, threshold = info.get("probability"), info.get("threshold")
    numbers = []
    if p is not None:
        numbers.append("p<0.001" if 0 < p < 0.0005 else f"p={p:.3f}")
    if threshold is not None:
        numbers.append(f"threshold {threshold:.2f}")
    shown = f" ({', '.join(numbers)})" if numbers else ""
    return f"This story does not appear to report this paper{shown}; no claims were checked."


def verdict_words(label: str, best_guess: str | None = None) -> str:
    """A verdict as readers see it: 'overstated', or 'unsure (best guess: faithful)'."""
    shown = SHOWN.get(label, (label, ""))[0]
    if label == "unsure" and best_guess in SHOWN and best_guess != "unsure":
        return f"{shown} (best guess: {SHOWN[best_guess][0]})"
    return shown


def claims_first(spans: Iterable[Span]) -> list[Span]:
    """Verdict spans, strongest evidence first: overstated by confidence (highest first), then
    understated, unsure and faithful, each by confidence; ties in story order."""
    rank = {label: k for k, label in enumerate(CLAIM_ORDER)}
    return sorted(spans, key=lambda s: (rank.get(s.label, len(rank)), -(s.score or 0.0), s.start))


def _is_decisive(issue: Mapping[str, Any]) -> bool:
    return bool(issue.get("decisive", True))


def story_fidelity(story: Document, paper_findings: int | None = None) -> dict[str, Any]:
    """Counts for one story and its summary in words.

    Args:
        story: A story with a ``fidelity`` layer (and maybe a ``relevance`` layer).
        paper_findings: How many findings the paper states, when known: with none and no verdict,
            the summary says so instead of "no story sentence reports a paper sentence".
    """
    spans = story.layer(FIDELITY)
    verdicts = Counter(s.label for s in spans)
    all_issues = [i for s in spans for i in s.attrs.get("issues", [])]
    issues = Counter(i["kind"] for i in all_issues if _is_decisive(i))
    notes = Counter(i["kind"] for i in all_issues if not _is_decisive(i))
    claims = sum(1 for s in spans if max(s.attrs.get("story_strength", 0), s.attrs.get("paper_strength", 0)) > 0)
    info = relevance(story)
    if info is not None and info["label"] == "unrelated":
        text = unrelated_text(info)
    elif not spans:
        text = NO_FINDINGS if paper_findings == 0 else NO_PAIRS
    else:
        n = verdicts["exaggerates"]
        text = (
            f"{n} {'claim' if n == 1 else 'claims'} overstated (stated more strongly than the paper), "
            f"{verdicts['downplays']} understated, {verdicts['unsure']} unsure, {verdicts['same']} faithful"
        )
        found = [_count(issues[k], ISSUE_WORDS.get(k, (k, k))) for k in sorted(issues, key=_issue_rank)]
        if found:
            text += "; checks found: " + ", ".join(found)
    return {
        "checked": len(spans),
        "claims": claims,
        "exaggerates": verdicts["exaggerates"],
        "same": verdicts["same"],
        "downplays": verdicts["downplays"],
        "unsure": verdicts["unsure"],
        "issues": dict(issues),
        "notes": dict(notes),
        "relevance": info,
        "text": text,
    }


def _issue_rank(kind: str) -> int:
    kinds = list(ISSUE_WORDS)
    return kinds.index(kind) if kind in kinds else len(kinds)


def fidelity_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["fidelity"]`` (None when the fidelity step did not run)."""
    if not any(FIDELITY in s.layers for s in analysis.stories):
        return None
    findings = len(analysis.paper.layer(FINDINGS)) if FINDINGS in analysis.paper.layers else None
    return {
        "paper_findings": findings or 0,
        "stories": {s.id: story_fidelity(s, findings) for s in analysis.stories},
    }


def _verdict_cell(span: Span) -> Markup:
    color = SHOWN.get(span.label, (span.label, "#eef1f6"))[1]
    shown = verdict_words(span.label, span.attrs.get("best_guess"))
    conf = "" if span.score is None else f" {span.score:.2f}"
    return Markup('<span style="background:{};padding:1px 6px;border-radius:8px">{}</span>{}<br>'
                  '<span class="muted">{}</span>').format(color, shown, conf, span.attrs.get("source", ""))  # fmt: skip


def _why_cell(span: Span) -> Markup:
    items = Markup("").join(Markup("<li>{}</li>").format(r) for r in span.attrs.get("reasons", []))
    notes = span.attrs.get("notes", [])
    if notes:
        items += Markup("").join(
            Markup('<li class="muted">noted, not used for the verdict: {}</li>').format(n) for n in notes
        )
    return Markup('<ul style="margin:0;padding-left:16px">{}</ul>').format(items)


def _story_table(story: Document, paper: Document) -> Markup:
    spans = claims_first(story.layer(FIDELITY))
    if not spans:
        return Markup("")
    rows = Markup("")
    for span in spans:
        idx = int(span.attrs["paper_sentence"])
        rows += Markup('<tr><td>{}</td><td><a href="#p-{}">{}</a></td><td>{}</td><td>{}</td></tr>').format(
            story.span_text(span), idx, paper.span_text(paper.sentences[idx]), _verdict_cell(span), _why_cell(span)
        )
    return Markup(
        '<table class="pairs"><thead><tr><th style="width:30%">Story says</th><th style="width:30%">Paper says</th>'
        "<th>Verdict, confidence</th><th>Why</th></tr></thead><tbody>{}</tbody></table>"
    ).format(rows)


def fidelity_panel(analysis: Analysis) -> Panel | None:
    """Per story: the verdicts in words, then each claim next to its paper sentence, strongest evidence first."""
    summary = fidelity_summary(analysis)
    if summary is None:
        return None
    body = Markup(
        '<p class="muted">Each story sentence that reports a paper sentence, compared on claim strength '
        "(none, correlational, conditional causal, direct causal) and by deterministic checks. "
        "Confidence: the calibrated probability of the verdict, or for a check the alignment probability; "
        "\u201cunsure\u201d means the evidence is too weak to call, with the most likely verdict as its best guess. "
        "Overstated claims come first.</p>"
    )
    for story in analysis.stories:
        info = summary["stories"][story.id]
        body += Markup("<h3>{}</h3><p><strong>{}</strong></p>{}").format(
            story.title or story.id, info["text"], _story_table(story, analysis.paper)
        )
    return Panel("Fidelity: does each story keep, overstate or understate the paper?", body, order=20)


def fidelity_badges(doc: Document, sent: Sentence) -> list[Badge]:
    """A verdict badge after each judged story sentence; "finding" after paper findings."""
    if doc.kind == "news":
        out = []
        for span in doc.layer(FIDELITY):
            if span.start == sent.start:
                shown = verdict_words(span.label, span.attrs.get("best_guess"))
                tip = "; ".join([*span.attrs.get("reasons", []), *span.attrs.get("notes", [])]) or shown
                color = SHOWN.get(span.label, (span.label, ""))[1]
                out.append(Badge(shown, tooltip=tip, css_class=f"fidelity {span.label}", color=color))
        return out
    return [
        Badge("finding", tooltip=f"states a finding (p={s.score:.2f})" if s.score is not None else "states a finding")
        for s in doc.layer(FINDINGS)
        if s.start == sent.start
    ]


#: What the fidelity step shows in report.json and report.html.
PARTS = ReportParts(summary=fidelity_summary, panel=fidelity_panel, badges=fidelity_badges)
