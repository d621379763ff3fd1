"""Browser fixtures: Debian's Chromium driven by Playwright (sync API), axe-core, and what a page did.

Import the fixtures into a test module (``from tests.serve.browser import browser, ...``). They
skip, with the reason, when Playwright, axe-playwright-python or a Chromium is missing; CI
installs Debian's ``chromium`` (``.ci/run``), and ``SCIWIRE_CHROMIUM`` names another binary.
Playwright never downloads a browser here: it launches that binary (``executable_path``).

One browser per module; every test opens its own context (cookies, viewport) and closes it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: axe-core impacts that fail a test ("moderate" and "minor" are reported, not failed).
BLOCKING = ("serious", "critical")


def chromium_path() -> str | None:
    """The Chromium binary: ``SCIWIRE_CHROMIUM``, else ``chromium`` on the PATH, else None."""
    named = os.environ.get("SCIWIRE_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium for the module (skips when Playwright or Chromium is missing)."""
    pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright (pip install sciwire[test])")
    pytest.importorskip("axe_playwright_python", reason="browser tests need axe-playwright-python (sciwire[test])")
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set SCIWIRE_CHROMIUM)")
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Watched:
    """A page and what it did: console errors, uncaught errors and requests."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def requests_besides(self, *urls: str) -> list[str]:
        """The requests to anything but ``urls`` (the page itself)."""
        return [u for u in self.requests if u.split("#")[0] not in urls]


def watch(page: Any) -> Watched:
    """Start recording ``page``'s console errors, page errors and requests."""
    seen = Watched(page)
    page.on("console", lambda m: seen.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))
    page.on("request", lambda r: seen.requests.append(r.url))
    return seen


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """``open_page(viewport)`` -> a :class:`Watched` page in a fresh context, closed after the test."""
    contexts = []

    def make(viewport: dict[str, int] | None = None) -> Watched:
        context = browser.new_context(viewport=viewport or DESKTOP)
        contexts.append(context)
        return watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


def axe_violations(page: Any, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """axe-core's violations of ``impacts`` on the page, as ``rule (impact): first target, ...``."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['nodes'][0]['target']} {v['help']}"
        for v in found
        if v["impact"] in impacts
    ]


def overflow(page: Any) -> dict[str, Any]:
    """The page's width against the viewport's, and the elements that stick out on the right."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const out = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-wrap, .sr-only'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className);
          return {scroll: document.documentElement.scrollWidth, client: width, out: out};
        }"""
    )


@pytest.fixture(scope="session")
def example_report(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Path:
    """report.html of the bundled example (paper and both stories), built once per session.

    With the steps whose report parts matter to the page: discourse (badges and a wide table),
    fidelity (badges and side-by-side tables) and keyphrases (a table); linking and
    newsworthiness would add 20 s and nothing new to check.
    """
    from sciwire.config import load_config
    from sciwire.examples import paper_path, story_paths
    from sciwire.report import analyze_to_folder

    out = tmp_path_factory.mktemp("example-report")
    steps = "pipeline.steps=discourse,fidelity,keyphrases"
    config = load_config(overrides=[f"paths.cache_dir={cache_dir}", steps], environ={})
    analyze_to_folder(paper_path(), story_paths(), out, config)
    return out / "report.html"
