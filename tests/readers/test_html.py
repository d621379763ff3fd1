from __future__ import annotations

from pathlib import Path

import pytest

from sciwire.errors import InputError
from sciwire.readers import read
from sciwire.readers.base import RawFile
from sciwire.readers.html import read_html

pytest.importorskip("trafilatura")

NEWS = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Old mice sleep better when meals are limited | The Made-up Herald</title>
  <meta name="author" content="Dana Writer">
  <meta property="og:title" content="Old mice sleep better when meals are limited">
  <meta property="og:url" content="https://herald.example/science/old-mice-sleep">
  <meta property="og:site_name" content="The Made-up Herald">
  <meta property="article:published_time" content="2026-03-16T08:00:00Z">
  <style>body { color: red; } .secretstyle { display: none }</style>
  <script>var trackingSecret = "SCRIPT-IN-HEAD";</script>
</head>
<body>
  <header><nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport pages</a></li>
  <li><a href="/subscribe">Subscribe today</a></li></ul></nav></header>
  <main>
    <article>
      <h1>Old mice sleep better when meals are limited</h1>
      <p>Old mice that could eat only during an eight-hour window each day slept in longer stretches than mice
      that could eat whenever they liked, according to a study published this week.</p>
      <script>document.write("SCRIPT-IN-BODY"); alert('x');</script>
      <img src="x" onerror="alert('ONERROR-HANDLER')">
      <p>The researchers recorded the brain activity of the animals for two days at the end of the ten-week
      study, and they found that the restricted mice woke up less often during their rest period.</p>
      <noscript>Please enable JavaScript NOSCRIPT-TEXT</noscript>
      <p>The team also found that older adults who ate within a shorter window tended to sleep better, but
      they stress that this part of the work shows a link and not proof that meal timing improves sleep.</p>
    </article>
  </main>
  <footer><p>Copyright 2026 The Made-up Herald Media Group. All rights reserved.</p>
  <p><a href="/privacy">Privacy policy</a> | <a href="/cookies">Cookie settings</a></p></footer>
  <script>(function(){ new Image().src = "/pixel.gif?FOOTER-SCRIPT"; })();</script>
</body>
</html>
"""


def test_news_html(tmp_path: Path):
    path = tmp_path / "story_faithful.html"
    path.write_text(NEWS, encoding="utf-8")
    doc = read(path)
    assert doc.id == "story-faithful" and doc.kind == "news"
    assert doc.title == "Old mice sleep better when meals are limited"
    meta = doc.metadata
    assert meta.authors == ("Dana Writer",)
    assert meta.date == "2026-03-16"
    assert meta.url == "https://herald.example/science/old-mice-sleep"
    assert meta.venue == "The Made-up Herald"
    assert meta.source == str(path)
    for junk in (
        "SCRIPT",
        "alert",
        "ONERROR",
        "NOSCRIPT",
        "pixel",
        "color: red",
        "Subscribe",
        "Sport",
        "Privacy",
        "Copyright",
        "trackingSecret",
    ):
        assert junk not in doc.text, junk
    assert "according to a study published this week." in doc.text
    assert doc.text.count("\n\n") == 3, "headline and three paragraphs"
    title = doc.sections[0]
    assert (title.name, doc.span_text(title).strip()) == ("title", "Old mice sleep better when meals are limited")
    assert doc.sections[1].name == "body" and doc.sections[1].end == len(doc.text)


def test_html_kind_can_be_overridden(tmp_path: Path):
    path = tmp_path / "page.htm"
    path.write_text(NEWS, encoding="utf-8")
    assert read(path, kind="paper").kind == "paper"


def test_html_without_main_text_is_an_input_error():
    page = b"<html><head><title>Menu</title></head><body><script>var s = 'a long script text';</script></body></html>"
    with pytest.raises(InputError, match=r"menu\.html: no main text found in the HTML; expected a news article"):
        read_html(RawFile(page, "menu", "menu.html"))
    nav_only = b"<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    with pytest.raises(InputError, match=r"menu\.html has only 2 words of text"):
        read_html(RawFile(nav_only, "menu", "menu.html"))


def test_html_declared_charset_is_used():
    body = "<p>" + " ".join(["Les souris âgées dormaient mieux, and the mice were old."] * 6) + "</p>"
    page = f'<html><head><meta charset="iso-8859-1"><title>Mice</title></head><body><article>{body}</article>'
    page += "</body></html>"
    doc = read_html(RawFile(page.encode("latin-1"), "x", "x.html"))
    assert "âgées" in doc.text


def test_a_repeated_headline_is_kept_once():
    """phys.org repeats the headline above the story; it was the first two sentences."""
    headline = "Tiny robots learn to swim through thick mucus in the lab"
    body = " ".join(["Engineers built robots smaller than a grain of sand that move through mucus."] * 4)
    page = (
        f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>"
        f"<p>March 3, 2024 report</p><p>{headline}</p><p>{body}</p>"
        f"<p>{headline} is also the name of the talk they gave.</p></article></body></html>"
    )
    doc = read_html(RawFile(page.encode(), "robots", "robots.html"))
    assert doc.text.count(headline) == 2, doc.text  # the headline once, and the later sentence that starts with it
    assert doc.text.startswith(headline + "\n\n")


def _page(paragraphs: list[str], title: str = "Robots swim through mucus", site: str = "") -> bytes:
    meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    head_title = f"{title} - {site}" if site else title
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = f"<head><title>{head_title}</title>{meta}</head>"
    return f"<html>{head}<body><article><h1>{title}</h1>{body}</article></body></html>".encode()


STORY = [" ".join(["Engineers built robots smaller than a grain of sand that move through thick mucus."] * 3)]


def test_page_furniture_at_the_edges_is_dropped_and_the_byline_gives_the_author():
    """A real page kept "Written by:", "Courtesy of", copyright and the journal's citation line as text."""
    page = _page(
        [
            "Courtesy of Lab News",
            "Written by: Ana Lee",
            "October 22, 2019 report",
            *STORY,
            "Header Image: a robot. Credit: Ana Lee",
            "Nature 574, 16-17 (2019)",
            "© 2019 Science X Network",
        ],
        site="The Made-up Press",
    )
    doc = read_html(RawFile(page, "robots", "robots.html"))
    assert doc.text == "Robots swim through mucus\n\n" + STORY[0]
    assert doc.title == "Robots swim through mucus"  # " - The Made-up Press" is the site, not the headline
    assert doc.metadata.authors == ("Ana Lee",)


def test_furniture_words_inside_the_story_are_kept():
    kept = [
        "Copyright lawyers were not involved in the study, the team said.",
        "Written by the team, the paper runs to nine pages.",
        "Courtesy of the lab, the mice had a running wheel and a nest.",
        "Credit where it is due: the idea came from a student.",
    ]
    doc = read_html(RawFile(_page([*kept, *STORY]), "robots", "robots.html"))
    assert all(k in doc.text for k in kept), doc.text


def test_a_question_glued_to_the_next_word_is_split():
    """trafilatura glued a headline question to the date line: "recovery?Monday, 6 January 2020"."""
    page = _page(["Will the reef see a recovery?Monday, more divers counted fish than ever before.", *STORY])
    doc = read_html(RawFile(page, "reef", "reef.html"))
    assert "recovery? Monday" in doc.text


def test_agency_lines_at_the_end_are_dropped():
    """A Reuters story kept its reporting/editing credits and the trust-principles line."""
    page = _page([*STORY, "Reporting by Ana Lee in London; Editing by Bo Chen", "Our Standards: The Trust Principles."])
    doc = read_html(RawFile(page, "reuters", "reuters.html"))
    assert doc.text.endswith(STORY[0]), doc.text
