"""Discourse roles in report.html and report.json (handed to the report by the step).

- a **badge** after every paper sentence with its CoreSC role (coloured; the tooltip shows
  the probability and why: the words that pushed it, the context part and the most similar
  training sentences), and a second badge with the rhetorical role for abstract sentences;
- a **panel**: the colour legend, the roles per section, the abstract's roles, the coverage
  map of every story ("Result 6, Conclusion 3, Method 0, limitations ignored"), and the
  words each role relies on most;
- ``report.json["summary"]["discourse"]``: the same numbers.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from markupsafe import Markup

from sciwire.analysis import ABSTRACT_ROLES, DISCOURSE, Analysis, Badge, Panel, ReportParts
from sciwire.discourse.coverage import sentence_roles, story_coverage
from sciwire.discourse.labels import ABSTRACT, CORESC, LabelSet
from sciwire.document import Document, Sentence, Span

_INDEX: dict[str, tuple[tuple[Span, ...], dict[int, Span]]] = {}


def _spans_by_sentence(doc: Document, layer: str) -> dict[int, Span]:
    """Spans of ``layer`` by sentence index (the last layer seen is kept, checked by identity)."""
    spans = doc.layer(layer)
    cached = _INDEX.get(layer)
    if cached is None or cached[0] is not spans:
        cached = (spans, {int(s.attrs["sentence"]): s for s in spans if "sentence" in s.attrs})
        _INDEX[layer] = cached
    return cached[1]


def _tooltip(span: Span, labels: LabelSet) -> str:
    expl = span.attrs.get("explanation") or {}
    parts = [f"{labels.name(span.label)} (p={span.score or 0:.2f}): {labels.meaning(span.label)}"]
    if expl.get("lexical"):
        parts.append("words: " + ", ".join(f"{w} ({c:+.2f})" for w, c in expl["lexical"]))
    if "context" in expl:
        parts.append(f"context (embedding, neighbours): {expl['context']:+.2f}")
    if expl.get("neighbours"):
        sims = ", ".join(f"{labels.name(lab)} {sim:.2f}" for _, lab, sim in expl["neighbours"])
        parts.append(f"most similar training sentences: {sims}")
    probs = sorted((span.attrs.get("probabilities") or {}).items(), key=lambda kv: -kv[1])[:3]
    if probs:
        parts.append("top roles: " + ", ".join(f"{labels.name(k)} {v:.2f}" for k, v in probs))
    return " | ".join(parts)


def discourse_badges(doc: Document, sent: Sentence) -> list[Badge]:
    """The CoreSC role badge (and the abstract role badge) of a paper sentence."""
    if doc.kind != "paper":
        return []
    out = []
    for layer, labels, prefix in ((DISCOURSE, CORESC, ""), (ABSTRACT_ROLES, ABSTRACT, "abstract: ")):
        span = _spans_by_sentence(doc, layer).get(sent.index)
        if span is not None:
            out.append(
                Badge(
                    prefix + labels.name(span.label),
                    _tooltip(span, labels),
                    f"role role-{span.label}",
                    labels.color(span.label),
                )
            )
    return out


def _section_rows(paper: Document) -> list[tuple[str, Counter[str]]]:
    rows: dict[str, Counter[str]] = {}
    for span in paper.layer(DISCOURSE):
        sec = paper.section_of(paper.sentences[int(span.attrs["sentence"])])
        name = (sec.heading or sec.name) if sec is not None else "body"
        rows.setdefault(name, Counter())[span.label] += 1
    return list(rows.items())


def discourse_summary(analysis: Analysis) -> dict[str, Any] | None:
    """``report.json["summary"]["discourse"]``: roles in the paper, per section, abstract roles, coverage."""
    paper = analysis.paper
    if DISCOURSE not in paper.layers:
        return None
    roles = sentence_roles(paper)
    return {
        "paper": dict(Counter(roles.values())),
        "by_section": {name: dict(c) for name, c in _section_rows(paper)},
        "abstract_roles": [span.label for span in paper.layer(ABSTRACT_ROLES)],
        "coverage": {
            s.id: {
                **(cov := story_coverage(paper, s)).to_dict(),
                "text": cov.text(dict(zip(CORESC.codes, CORESC.names, strict=True))),
            }
            for s in analysis.stories
        },
    }


def _chip(code: str, labels: LabelSet) -> Markup:
    return Markup('<span class="badge" style="background: {}" title="{}">{}</span>').format(
        labels.color(code), labels.meaning(code), labels.name(code)
    )


def _why(analysis: Analysis, codes: list[str]) -> Markup:
    """A click-to-open list of the words and cues each role relies on most (the lexical weights)."""
    from sciwire.discourse.explain import top_features
    from sciwire.discourse.model import load_cached

    model = load_cached(analysis.config.discourse.coresc_model, "coresc")
    items = Markup("").join(
        Markup("<li>{}: {}</li>").format(
            _chip(c, CORESC), ", ".join(f"{w} ({v:+.2f})" for w, v in top_features(model.tagger, c, 8))
        )
        for c in codes
        if c in model.classes
    )
    return Markup(
        "<details><summary>Why? The words and cues each role relies on most (lexical weights, in logits)</summary>"
        "<ul>{}</ul></details>"
    ).format(items)


def discourse_panel(analysis: Analysis) -> Panel | None:
    """Legend, roles per section, abstract roles and the coverage map per story."""
    summary = discourse_summary(analysis)
    if summary is None:
        return None
    codes = [c for c in CORESC.codes if c in summary["paper"]]
    legend = Markup(" ").join(_chip(c, CORESC) for c in CORESC.codes)
    head = Markup("").join(Markup("<th>{}</th>").format(CORESC.name(c)) for c in codes)
    rows = Markup("").join(
        Markup("<tr><td>{}</td>{}</tr>").format(
            name, Markup("").join(Markup("<td>{}</td>").format(counts.get(c, 0) or "·") for c in codes)
        )
        for name, counts in summary["by_section"].items()
    )
    body = Markup(
        '<p class="legend">{legend}</p><p class="note">Core Scientific Concept of every paper sentence '
        "(open a badge, by click or Enter, for the probability and why). Roles per section:</p>"
        '<table class="discourse"><thead><tr><th>Section</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    ).format(legend=legend, head=head, rows=rows)
    if summary["abstract_roles"]:
        body += Markup('<p class="note">Abstract, sentence by sentence: {}</p>').format(
            Markup(" → ").join(_chip(r, ABSTRACT) for r in summary["abstract_roles"])
        )
    if analysis.stories:
        items = Markup("").join(
            Markup('<li><b>{}</b>: {} <span class="muted">({} paper sentences reported)</span></li>').format(
                story.title or story.id,
                summary["coverage"][story.id]["text"],
                summary["coverage"][story.id]["sentences_reported"],
            )
            for story in analysis.stories
        )
        body += Markup('<p class="note">Coverage: which roles of the paper each story reported</p><ul>{}</ul>').format(
            items
        )
    body += _why(analysis, codes)
    body += Markup(
        '<p class="note">Roles are predicted by sciwire\'s discourse models (silver-trained on CoreSC; '
        "CSAbstruct for abstracts): read them as hints, see docs/discourse.md for their accuracy.</p>"
    )
    return Panel("Discourse roles", body, order=30)


#: What the discourse step shows in report.json and report.html.
PARTS = ReportParts(summary=discourse_summary, panel=discourse_panel, badges=discourse_badges)
