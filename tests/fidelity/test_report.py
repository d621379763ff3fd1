"""The fidelity panel, badges and summary: built from layers, all document text escaped."""

from __future__ import annotations

from sciwire.analysis import FIDELITY, FINDINGS, RELEVANCE, Analysis
from sciwire.config import Config
from sciwire.document import Document, Sentence, Span
from sciwire.fidelity.report import (
    NO_FINDINGS,
    NO_PAIRS,
    claims_first,
    fidelity_badges,
    fidelity_panel,
    fidelity_summary,
    story_fidelity,
    unrelated_text,
    verdict_words,
)

PAPER = "Mice slept longer. Late meals were associated with poor sleep."
STORY = "<script>alert(1)</script> Eating late wrecks sleep. Mice nap."
#: Four story sentences, one per verdict (built in story order: same, unsure, downplays, exaggerates).
LONG = "Mice slept. Meals may matter. Sleep was a bit longer. Late meals <b>ruin</b> sleep."


def paper_doc(findings: bool = True) -> Document:
    paper = Document("p", "paper", "Paper", PAPER, sentences=(Sentence(0, 0, 18), Sentence(1, 19, 62)))
    spans = [Span(19, 62, "finding", 0.8, {"role": None, "source": "detector"})] if findings else []
    return paper.with_layer(FINDINGS, spans)


def relevance_span(text: str, label: str, p: float) -> Span:
    attrs = {"paper_id": "p", "probability": p, "threshold": 0.3, "evidence": {"shared_entities": 0.1}}
    return Span(0, len(text), label, p, attrs)


def analysis() -> Analysis:
    story = Document("s", "news", "A <b>bold</b> story", STORY, sentences=(Sentence(0, 0, 50), Sentence(1, 51, 60)))
    attrs = {
        "paper_sentence": 1,
        "source": "checks",
        "paper_strength": 1,
        "story_strength": 3,
        "reasons": ["the story adds <em>'wrecks'</em>"],
        "issues": [{"kind": "correlation_as_cause", "decisive": True}, {"kind": "hedge_dropped"}],
        "notes": [],
    }
    same = {"paper_sentence": 0, "source": "claim strength", "paper_strength": 0, "story_strength": 0, "issues": []}
    story = story.with_layer(FIDELITY, [Span(0, 50, "exaggerates", 0.9, attrs), Span(51, 60, "same", 0.7, same)])
    return Analysis(paper_doc(), (story,), Config())


def four_verdicts() -> Document:
    """A story with a relevance span and one claim per verdict, in the new attrs (best_guess, notes, decisive)."""
    starts = [LONG.index(t) for t in ("Mice", "Meals", "Sleep", "Late")]
    bounds = [(a, LONG.index(".", a) + 1) for a in starts]
    sents = tuple(Sentence(i, a, b) for i, (a, b) in enumerate(bounds))

    def attrs(label: str, guess: str, notes: list[str], issues: list[dict]) -> dict:
        return {
            "verdict": label,
            "best_guess": guess,
            "source": "claim strength",
            "paper_sentence": 1,
            "paper_strength": 1,
            "story_strength": 2,
            "reasons": [f"reason for {label}"],
            "notes": notes,
            "issues": issues,
        }

    weak_booster = {"kind": "booster_added", "direction": "exaggerates", "decisive": False}
    spans = [
        Span(*bounds[0], "same", 0.95, attrs("same", "same", [], [])),
        Span(*bounds[1], "unsure", 0.41, attrs("unsure", "downplays", ["the story adds 'a bit'"], [weak_booster])),
        Span(*bounds[2], "downplays", 0.7, attrs("downplays", "downplays", [], [])),
        Span(*bounds[3], "exaggerates", 0.6, attrs("exaggerates", "exaggerates", [], [{"kind": "number_mismatch"}])),
    ]
    story = Document("four", "news", "Four", LONG, sentences=sents)
    return story.with_layer(FIDELITY, spans).with_layer(RELEVANCE, [relevance_span(LONG, "reports", 0.97)])


def test_summary_counts_verdicts_claims_and_issues():
    info = story_fidelity(analysis().stories[0])
    assert info["checked"] == 2 and info["claims"] == 1 and info["exaggerates"] == 1 and info["same"] == 1
    assert info["unsure"] == 0 and info["relevance"] is None and info["notes"] == {}
    assert info["text"] == (
        "1 claim overstated (stated more strongly than the paper), 0 understated, 0 unsure, 1 faithful; "
        "checks found: 1 hedge dropped, 1 correlation reported as cause"
    )
    summary = fidelity_summary(analysis())
    assert summary == {"paper_findings": 1, "stories": {"s": info}}


def test_summary_counts_unsure_relevance_and_only_decisive_issues():
    info = story_fidelity(four_verdicts())
    assert (info["exaggerates"], info["downplays"], info["unsure"], info["same"]) == (1, 1, 1, 1)
    assert info["relevance"] == {"label": "reports", "probability": 0.97, "threshold": 0.3}
    assert info["issues"] == {"number_mismatch": 1} and info["notes"] == {"booster_added": 1}
    assert info["text"] == (
        "1 claim overstated (stated more strongly than the paper), 1 understated, 1 unsure, 1 faithful; "
        "checks found: 1 number differs"
    )


def test_claims_are_listed_strongest_evidence_first():
    story = four_verdicts()
    assert [s.label for s in claims_first(story.layer(FIDELITY))] == ["exaggerates", "downplays", "unsure", "same"]
    spans = [Span(0, 1, "exaggerates", 0.6), Span(2, 3, "exaggerates", 0.9), Span(4, 5, "same", 0.99)]
    assert [s.score for s in claims_first(spans)] == [0.9, 0.6, 0.99]


def test_verdict_words_and_unrelated_text():
    assert verdict_words("exaggerates") == "overstated"
    assert verdict_words("unsure", "same") == "unsure (best guess: faithful)"
    assert verdict_words("unsure") == "unsure"
    assert unrelated_text({"probability": 0.001, "threshold": 0.3}) == (
        "This story does not appear to report this paper (p=0.001, threshold 0.30); no claims were checked."
    )
    assert unrelated_text({"probability": 0.00001, "threshold": 0.3}).startswith(
        "This story does not appear to report this paper (p<0.001, threshold 0.30)"
    )


def test_an_unrelated_story_shows_one_sentence_and_no_table():
    text = "Scientists found a new <script>comet</script> near Mars today."
    story = Document("far", "news", "Comet", text, sentences=(Sentence(0, 0, len(text)),))
    story = story.with_layer(FIDELITY, []).with_layer(RELEVANCE, [relevance_span(text, "unrelated", 0.001)])
    a = Analysis(paper_doc(), (story,), Config())
    info = fidelity_summary(a)["stories"]["far"]
    assert info["checked"] == 0 and info["relevance"]["label"] == "unrelated"
    assert info["text"] == unrelated_text({"probability": 0.001, "threshold": 0.3})
    html = str(fidelity_panel(a).body)
    assert "does not appear to report this paper (p=0.001, threshold 0.30)" in html
    assert "<table" not in html and "comet" not in html


def test_no_verdicts_says_why_paper_findings_or_alignment():
    text = "Nothing in this story reports the paper at all."
    story = Document("s", "news", "S", text, sentences=(Sentence(0, 0, len(text)),)).with_layer(FIDELITY, [])
    no_findings = Analysis(paper_doc(findings=False), (story,), Config())
    assert fidelity_summary(no_findings)["stories"]["s"]["text"] == NO_FINDINGS
    assert fidelity_summary(no_findings)["paper_findings"] == 0
    assert fidelity_summary(Analysis(paper_doc(), (story,), Config()))["stories"]["s"]["text"] == NO_PAIRS
    assert story_fidelity(story)["text"] == NO_PAIRS  # findings unknown: no claim about the paper


def test_panel_escapes_story_text_titles_and_reasons():
    panel = fidelity_panel(analysis())
    html = str(panel.body)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;em&gt;" in html
    assert "overstated" in html and 'href="#p-1"' in html and "0.90" in html
    assert html.index("Eating late") < html.index("Mice nap")  # overstated claims first


def test_panel_puts_the_summary_first_then_claims_side_by_side_with_notes_as_text():
    story = four_verdicts()
    html = str(fidelity_panel(Analysis(paper_doc(), (story,), Config())).body)
    summary = html.index("1 claim overstated (stated more strongly than the paper)")
    order = [html.index(t) for t in ("ruin", "Sleep was a bit longer", "Meals may matter", "Mice slept.")]
    assert summary < order[0] and order == sorted(order)
    assert "<b>ruin</b>" not in html and "&lt;b&gt;ruin&lt;/b&gt;" in html
    row = html[html.index("Meals may matter") :]
    row = row[: row.index("</tr>")]
    assert "Late meals were associated with poor sleep." in row  # the paper sentence in the same row
    assert "unsure (best guess: understated)" in row and "reason for unsure" in row
    assert "noted, not used for the verdict: the story adds &#39;a bit&#39;" in row


def test_badges_and_absent_layers():
    a = analysis()
    (badge,) = fidelity_badges(a.stories[0], a.stories[0].sentences[0])
    assert badge.text == "overstated" and "wrecks" in badge.tooltip
    assert [b.text for b in fidelity_badges(a.paper, a.paper.sentences[1])] == ["finding"]
    assert fidelity_badges(a.paper, a.paper.sentences[0]) == []
    bare = Analysis(a.paper, (a.stories[0].replace(layers={}),), Config())
    assert fidelity_summary(bare) is None and fidelity_panel(bare) is None


def test_unsure_badge_is_neutral_and_names_its_best_guess():
    story = four_verdicts()
    (badge,) = fidelity_badges(story, story.sentences[1])
    assert badge.text == "unsure (best guess: understated)" and badge.css_class == "fidelity unsure"
    assert badge.color == "#e4e6ea" and "a bit" in badge.tooltip
