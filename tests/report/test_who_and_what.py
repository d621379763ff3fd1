"""The "Who and what" panel: terms by type with expansions, relations, chains, shared items (no model runs).

The same page in a real Chromium (keyboard and axe-core): tests/report/test_browser_who_and_what.py.
"""

from __future__ import annotations

import itertools
import json
import re

from markupsafe import Markup

from sciwire.analysis import ENTITIES, TERMS, WHO_AND_WHAT, Panel
from sciwire.document import Document, Span
from sciwire.report import render_html, report_dict
from sciwire.report.build import top_entities
from sciwire.report.shared import named_entities, shared_view
from sciwire.report.who import blocks_of
from tests.report.who_and_what import at, paper_doc, story_doc, who_analysis


def parts_of(html: str) -> list[str]:
    group = html.split(f">{WHO_AND_WHAT}</h2>", 1)[1].split("</section>", 1)[0]
    return re.findall(r'<div class="part"><h3>([^<]*)</h3>', group)


def test_the_group_holds_terms_shared_relations_and_chains_in_order():
    html = render_html(who_analysis())
    assert html.count(f">{WHO_AND_WHAT}</h2>") == 1
    assert parts_of(html) == ["Terms of the paper", "Shared by each story and the paper", "Relations found",
                              "Who is who in the stories"]  # fmt: skip
    levels = [int(h) for h in re.findall(r"<h([1-6])\b", html)]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_terms_are_grouped_by_type_with_their_expansions():
    html = render_html(who_analysis())
    method = html.split("<h4>Method</h4>", 1)[1].split("</ul>", 1)[0]
    assert "<b>TRF</b> — Time-restricted feeding <small>(3×)</small>" in method
    assert "<b>EEG</b> — electroencephalography" in method
    assert "<b>AL</b> — ad libitum" in html.split("<h4>Material</h4>", 1)[1].split("</ul>", 1)[0]


def test_relations_link_to_their_sentence_shown_on_hover_and_focus():
    html = render_html(who_analysis())
    row = re.search(r'<li><a class="rel" href="#p-2" aria-describedby="rel-0">(.*?)</li>', html)
    assert row is not None, "a link to the paper sentence, described by its text"
    assert "TRF <b>—compared with→</b> AL &lt;script&gt;" in row.group(1)
    assert '<span class="rel-sentence" id="rel-0">TRF mice slept longer than AL mice.</span>' in row.group(1)


def test_chains_show_their_first_and_fullest_mention():
    html = render_html(who_analysis())
    assert "<b>The researchers</b> → Researchers at the Northfield Institute <small>(4 mentions:" in html


def test_shared_terms_and_entities_are_buttons_and_their_places_carry_the_key():
    analysis = who_analysis()
    html = render_html(analysis)
    assert re.search(r'<button type="button" class="shared-link" data-shared="t1" data-story="0" '
                     r'aria-pressed="false">TRF — Time-restricted feeding</button>', html)  # fmt: skip
    paper_text = html.split('id="paper-heading"', 1)[1].split('id="stories-heading"', 1)[0]
    story_text = html.split('id="stories-heading"', 1)[1]
    assert paper_text.count('data-shared="t1"') == 3, "definition and both uses"
    assert story_text.count('data-shared="t1"') == 1
    assert 'title="TRF = Time-restricted feeding (method)" data-shared="t1">TRF</mark>' in story_text
    entity = re.search(r'data-shared="(e\d+)" data-story="0" aria-pressed="false">the Northfield Institute<', html)
    assert entity is not None and f'data-shared="{entity.group(1)}">the Northfield Institute<' in story_text
    assert '<span class="shared" data-shared="c0-1">10 weeks</span>' in story_text, "a linked cluster"


def test_terms_are_not_named_entities_in_the_paper_or_the_story():
    analysis = who_analysis()
    view = shared_view(analysis)
    assert {e["text"] for e in top_entities(analysis.paper)} == {"the Northfield Institute"}
    assert {e["text"] for e in top_entities(analysis.stories[0], terms=view.story_terms[0])} == {
        "the Northfield Institute"
    }
    summary = report_dict(analysis)["summary"]
    assert [e["text"] for e in summary["paper"]["top_entities"]] == ["the Northfield Institute"]
    assert [e["text"] for e in summary["stories"][0]["top_entities"]] == ["the Northfield Institute"]
    html = render_html(analysis)
    assert 'data-label="ORG" title="ORG">TRF<' not in html and 'data-label="GPE" title="GPE">AL<' not in html
    assert ">TRF-treated<" not in html, "an entity with a word that is a term's short form is that term"


def test_hostile_text_is_escaped_everywhere():
    html = render_html(who_analysis())
    assert html.count("<script>") == 1, "only the page's own script"
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; probe" in html
    assert "Story: News &lt;script&gt;" in html


def test_report_json_shape():
    data = report_dict(who_analysis())
    who = data["summary"]["who_and_what"]
    assert who["terms_ran"] is True and [s["id"] for s in who["stories"]] == ["story"]
    items = who["stories"][0]["shared"]
    assert [i["kind"] for i in items] == ["term", "entity", "linked"]
    story, paper = story_doc(), paper_doc()
    assert items[0] == {
        "key": "t1", "kind": "term", "text": "TRF", "label": "method", "expansion": "Time-restricted feeding",
        "story_text": "TRF", "paper": [list(at(paper, "Time-restricted feeding")), list(at(paper, "TRF")),
                                       list(at(paper, "TRF", 1))],
        "story": [list(at(story, "TRF"))], "probability": None,
    }  # fmt: skip
    assert items[1]["text"] == items[1]["story_text"] == "the Northfield Institute" and items[1]["label"] == "ORG"
    assert items[2]["label"] == "coreferent" and items[2]["probability"] == 0.77
    relation = data["summary"]["relations"]["paper"][0]
    assert relation["sentence"] == "TRF mice slept longer than AL mice." and relation["sentence_index"] == 2
    chain = data["summary"]["incoref"]["story"][0]
    assert chain["fullest"] == "Researchers at the Northfield Institute" and chain["pronouns_only"] is False
    json.dumps(data)


def test_without_the_optional_steps_the_panel_says_how_to_add_them():
    html = render_html(who_analysis(with_terms=False, steps=()))
    assert parts_of(html) == ["Shared by each story and the paper"]
    assert "Not run: terms (the paper&#39;s terms and abbreviations)" in html and "--steps" in html
    who = report_dict(who_analysis(with_terms=False, steps=()))["summary"]["who_and_what"]
    items = who["stories"][0]["shared"]
    assert who["terms_ran"] is False and [i["kind"] for i in items] == ["entity", "entity", "linked"]
    assert (items[0]["text"], items[0]["label"]) == ("TRF", "ORG"), "without terms, the news NER's noise stays"


def test_a_group_stands_where_its_first_panel_would():
    panels = [Panel("A", Markup("a"), 1), Panel("T", Markup("t"), 2, "G"), Panel("B", Markup("b"), 3),
              Panel("R", Markup("r"), 4, "G")]  # fmt: skip
    blocks = blocks_of(panels)
    assert [b.title for b in blocks] == ["A", "G", "B"]
    assert [p.title for p in blocks[1].parts] == ["T", "R"] and blocks[0].parts == ()


def test_entities_that_name_a_term_are_left_out():
    text = "Aged mice ate. Zeitgeber time (ZT) starts at lights on. At ZT2 the Aged Mice slept in Oxford."
    term = {"term": "zeitgeber time", "short": "ZT", "source": "defined", "kind": "abbreviation", "definition": 0}
    phrase = {"term": "aged mice", "short": None, "source": "phrase", "kind": "phrase", "definition": 0}
    zt = text.index("(ZT)") + 1
    terms = [Span(0, 9, "material", attrs=phrase), Span(zt, zt + 2, "measure", attrs=term)]
    ents = [Span(text.index(w), text.index(w) + len(w), "ORG") for w in ("ZT2", "the Aged Mice", "Oxford")]
    doc = Document("p", "paper", "", text, layers={TERMS: tuple(terms), ENTITIES: tuple(ents)})
    assert [doc.span_text(e) for e in named_entities(doc)] == ["Oxford"]


def test_one_view_per_analysis_is_made_once():
    analysis, other = who_analysis(), who_analysis(with_terms=False)
    assert shared_view(analysis) is shared_view(analysis)
    assert shared_view(other).items[0][0].kind == "entity" and shared_view(analysis).items[0][0].kind == "term"
