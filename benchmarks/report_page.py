"""Measure report.html pages in a real headless Chromium: overflow, console errors, requests, focus, axe-core.

Usage::

    python benchmarks/report_page.py before=old/report.html after=sciwire-report/report.html

For each page and each width (390 and 1280 CSS px) it prints one Markdown table row: the page's
``scrollWidth`` against its ``clientWidth`` (wider means horizontal overflow), console errors,
network requests other than the page itself, sentences reachable with the keyboard, ``title=``
tooltips, the heading levels in order (jumps marked) and axe-core violations by impact. It writes
nothing else; paste the table into docs/report.md.

Needs Playwright (``pip install sciwire[test]``), axe-playwright-python and a Chromium:
``SCIWIRE_CHROMIUM`` or ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

WIDTHS = (390, 1280)
IMPACTS = ("critical", "serious", "moderate", "minor")

PAGE_FACTS = """() => {
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const jumps = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1).length;
  return {
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    focusable: document.querySelectorAll('.sent[tabindex="0"]').length,
    titles: document.querySelectorAll('[title]').length,
    expandable: document.querySelectorAll('[aria-expanded], details').length,
    levels: [...new Set(levels)].sort().join(','),
    jumps: jumps,
  };
}"""


def measure(html: Path, width: int, chromium: str) -> dict[str, object]:
    """The facts of one page at one width."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    url = html.resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": width, "height": 900})
        errors: list[str] = []
        requests: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url) if r.url != url else None)
        page.goto(url)
        facts = page.evaluate(PAGE_FACTS)
        results = Axe().run(page)
        browser.close()
    impacts = Counter(v["impact"] for v in results.response["violations"])
    rules = sorted(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in results.response["violations"])
    return {**facts, "errors": len(errors), "requests": len(requests), "impacts": impacts, "rules": rules}


def main(argv: list[str]) -> None:
    chromium = os.environ.get("SCIWIRE_CHROMIUM", "/usr/bin/chromium")
    print(
        "| page | width | scrollWidth / clientWidth | console errors | requests | focusable sentences "
        "| title= | expandable | headings (jumps) | axe critical / serious / moderate / minor |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for arg in argv:
        name, _, path = arg.partition("=")
        for width in WIDTHS:
            f = measure(Path(path or name), width, chromium)
            impacts = f["impacts"]
            assert isinstance(impacts, Counter)
            axe = " / ".join(str(impacts[i]) for i in IMPACTS)
            if f["rules"]:
                axe += f": {', '.join(f['rules'])}"  # type: ignore[arg-type]
            print(
                f"| {name} | {width} | {f['scroll']} / {f['client']} | {f['errors']} | {f['requests']} "
                f"| {f['focusable']} | {f['titles']} | {f['expandable']} | H{f['levels']} ({f['jumps']}) | {axe} |"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
