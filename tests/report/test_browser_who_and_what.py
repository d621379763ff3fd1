# ruff: noqa: F811  (pytest fixtures imported from tests.serve.browser are redefined as parameters)
"""The "Who and what" panel in a real headless Chromium: keyboard only, and axe-core.

The page is rendered from a small hand-built analysis (tests/report/who_and_what.py), so no model
runs; it skips, with the reason, when Playwright or Chromium is missing (tests/serve/browser.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sciwire.report import render_html
from tests.report.who_and_what import who_analysis
from tests.serve.browser import (  # noqa: F401  (fixtures)
    DESKTOP,
    PHONE,
    Watched,
    axe_violations,
    browser,
    open_page,
)


@pytest.fixture(scope="module")
def who_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("who-and-what") / "report.html"
    path.write_text(render_html(who_analysis()), "utf-8")
    return path


def load(open_page: Any, page: Path, viewport: dict[str, int]) -> Watched:
    seen = open_page(viewport)
    seen.page.goto(page.as_uri())
    return seen


def tab_to(page: Any, selector: str, limit: int = 100) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def lit(page: Any, cls: str) -> list[tuple[str, str]]:
    """``(where, text)`` of the marks with class ``cls``: where is "paper" or "story"."""
    found = page.eval_on_selector_all(
        f".{cls}", "els => els.map(e => [e.closest('.paper') ? 'paper' : 'story', e.textContent])"
    )
    return [tuple(x) for x in found]


def in_view(page: Any, selector: str) -> bool:
    return page.eval_on_selector(
        selector, "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )


def test_enter_on_a_shared_term_highlights_and_scrolls_to_its_places(open_page, who_page):
    seen = load(open_page, who_page, DESKTOP)
    page = seen.page
    tab_to(page, "button.shared-link")
    assert page.evaluate("() => document.activeElement.textContent") == "TRF — Time-restricted feeding"
    page.keyboard.press("Enter")
    assert sorted(lit(page, "shared-hl")) == [("paper", "TRF"), ("paper", "TRF"), ("paper", "Time-restricted feeding"),
                                              ("story", "TRF")]  # fmt: skip
    assert sorted(lit(page, "shared-now")) == [("paper", "Time-restricted feeding"), ("story", "TRF")]
    assert in_view(page, ".paper .shared-now") and in_view(page, ".story .shared-now")
    status = page.locator(".shared-status")
    assert status.inner_text() == (
        "TRF — Time-restricted feeding: place 1 of 3 in the paper and 1 in the story, highlighted."
    )
    assert page.evaluate("() => document.activeElement.getAttribute('aria-pressed')") == "true"
    page.keyboard.press("Enter")  # again: the next place
    assert sorted(lit(page, "shared-now")) == [("paper", "TRF"), ("story", "TRF")]
    assert "place 2 of 3" in status.inner_text()
    page.keyboard.press("Tab")  # another item: the first one's highlight goes
    page.keyboard.press("Enter")
    assert {text for _, text in lit(page, "shared-hl")} == {"the Northfield Institute"}
    assert page.locator("button.shared-link[aria-pressed=true]").count() == 1
    assert seen.errors == []


def test_a_relation_shows_its_sentence_on_focus_and_enter_goes_there(open_page, who_page):
    seen = load(open_page, who_page, DESKTOP)
    page = seen.page
    sentence = page.locator("#rel-0")
    assert not sentence.is_visible()
    tab_to(page, "a.rel")
    assert sentence.is_visible() and sentence.inner_text() == "TRF mice slept longer than AL mice."
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#p-2"
    assert seen.errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_axe_finds_no_serious_violations_with_the_panel_open(open_page, who_page, viewport):
    seen = load(open_page, who_page, viewport)
    page = seen.page
    page.locator("button.shared-link").first.click()
    assert page.locator(".shared-hl").count() > 0
    assert axe_violations(page) == []
    assert seen.errors == [] and seen.requests_besides(who_page.as_uri()) == []
