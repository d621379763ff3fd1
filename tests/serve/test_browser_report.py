# ruff: noqa: F811  (pytest fixtures imported from tests.serve.browser are redefined as parameters)
"""The static report.html of the bundled example in a real headless Chromium.

Hover and keyboard linking, badge reasons without hovering, a phone's width without horizontal
overflow, axe-core with no serious or critical violations, no console errors and no network
requests. The page is built once per session (:func:`tests.serve.browser.example_report`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.serve.browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    PHONE,
    Watched,
    axe_violations,
    browser,
    example_report,
    open_page,
    overflow,
)

pytestmark = pytest.mark.slow


def load(open_page: Any, report: Path, viewport: dict[str, int]) -> Watched:
    seen = open_page(viewport)
    seen.page.goto(report.as_uri())
    return seen


def ids_of(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.id)")


def test_hovering_a_sentence_highlights_the_sentences_it_links(open_page, example_report):
    seen = load(open_page, example_report, DESKTOP)
    page = seen.page
    story = page.locator(".news .sent.reports").first
    story.hover()
    links = story.get_attribute("data-links").split()
    assert links and sorted(ids_of(page, ".paper .sent.hl")) == sorted(f"p-{i}" for i in links)
    paper = page.locator(".paper .sent.reported").nth(1)
    paper.hover()
    index = paper.get_attribute("id")[2:]
    active = page.eval_on_selector_all(".news .sent.active", "els => els.map(e => e.dataset.links.split(' '))")
    assert active and all(index in links for links in active)
    assert seen.errors == [] and seen.requests_besides(example_report.as_uri()) == []


def tab_to(page: Any, selector: str, limit: int = 600) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e);
          return {id: e.id, classes: [...e.classList], links: e.dataset.links || null,
                  outline: s.outlineStyle + ' ' + s.outlineWidth}; }"""
    )


def test_keyboard_tab_to_a_sentence_and_enter_jumps_to_the_linked_one(open_page, example_report):
    seen = load(open_page, example_report, DESKTOP)
    page = seen.page
    tab_to(page, ".paper .sent.reported")
    start = focused(page)
    assert start["outline"].startswith("solid") and start["outline"] != "solid 0px", "visible focus"
    assert "hl" in start["classes"], "focus highlights like hover"
    page.keyboard.press("Enter")
    story = focused(page)
    assert "reports" in story["classes"] and start["id"][2:] in story["links"].split()
    assert "active" in story["classes"] and "hl" in page.locator(f"#{start['id']}").get_attribute("class")
    page.keyboard.press(" ")  # Space jumps back to the paper sentence the story sentence reports
    back = focused(page)
    assert back["id"] == f"p-{story['links'].split()[0]}" and "hl" in back["classes"]
    assert seen.errors == []


def test_badge_reasons_open_from_the_keyboard(open_page, example_report):
    seen = load(open_page, example_report, PHONE)
    page = seen.page
    button = page.locator(".news button.badge.fidelity").first
    why = page.locator(f"#{button.get_attribute('aria-controls')}")
    assert not why.is_visible() and button.get_attribute("aria-expanded") == "false"
    button.focus()
    page.keyboard.press("Enter")
    assert why.is_visible() and button.get_attribute("aria-expanded") == "true"
    assert why.inner_text().strip()
    page.keyboard.press("Enter")
    assert not why.is_visible()
    assert seen.errors == []


def test_no_horizontal_overflow_at_phone_width(open_page, example_report):
    page = load(open_page, example_report, PHONE).page
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    measured = overflow(page)
    assert measured["scroll"] <= measured["client"] == PHONE["width"], measured
    assert measured["out"] == [], "only table regions may scroll sideways"
    stacked = page.locator("table.pairs td").first.evaluate("e => getComputedStyle(e).display")
    assert stacked == "block", "side-by-side tables stack on a phone"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_axe_finds_no_serious_violations_and_the_page_stays_offline(open_page, example_report, viewport):
    seen = load(open_page, example_report, viewport)
    assert axe_violations(seen.page) == []
    assert seen.errors == []
    assert seen.requests_besides(example_report.as_uri()) == [], "the report is self-contained"
