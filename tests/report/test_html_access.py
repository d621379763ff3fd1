"""The report page's markup for keyboard, screen-reader and phone users, and its CSP (no browser needed).

The same behaviour in a real Chromium: tests/serve/test_browser_report.py.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re

from markupsafe import Markup, escape

from sciwire.report import render_html
from sciwire.report.html import content_security_policy, report_script, script_hash, wrap_tables
from tests.report.test_report import HOSTILE, ExtraStep, make_analysis, with_steps


def meta_csp(html: str) -> str:
    found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert found is not None
    return found.group(1).replace("&#39;", "'")


def test_csp_allows_only_the_pages_own_script_by_its_hash():
    html = render_html(make_analysis())
    (script,) = re.findall(r"<script>(.*?)</script>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = meta_csp(html)
    assert f"script-src 'sha256-{digest}';" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert policy == content_security_policy(html) == content_security_policy()
    assert script == report_script() and script_hash(script) == f"'sha256-{digest}'"


def test_csp_of_a_page_with_a_changed_script_changes():
    html = render_html(make_analysis()).replace("<script>(function", "<script>(function  ")
    assert content_security_policy(html) != content_security_policy()


def test_headings_go_down_one_level_at_a_time():
    html = render_html(with_steps(make_analysis(), ExtraStep()))
    levels = [int(h) for h in re.findall(r"<h([1-6])\b", html)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    assert "<h2>Extra &lt;panel&gt;</h2>" in html


def test_linked_sentences_are_focusable_and_unlinked_ones_are_not_tab_stops():
    html = render_html(make_analysis())
    assert re.search(r'<span class="sent reported" id="p-0" tabindex="0"', html)
    assert re.search(r'<span class="sent" id="p-1" tabindex="-1"', html)
    assert re.search(r'<span class="sent reports" id="s0-0" [^>]*data-links="0" tabindex="0"', html)
    no_match = re.search(r'<span class="sent no_match" id="s0-1" [^>]*>', html)
    assert no_match is not None and "tabindex" not in no_match.group(0)


def test_badge_reasons_open_with_a_button_not_a_hover_tooltip():
    class Hostile(ExtraStep):
        def report_parts(self):
            parts = super().report_parts()
            return type(parts)(
                badges=lambda doc, sent: [type(b)(b.text, tooltip=HOSTILE) for b in parts.badges(doc, sent)]
            )

    html = render_html(with_steps(make_analysis(), Hostile()))
    button = (
        '<button type="button" class="badge " aria-expanded="false" aria-controls="why-p0-0">ROLE&lt;1&gt;</button>'
    )
    assert button in html
    assert f'<span class="why" id="why-p0-0" hidden>{escape(HOSTILE)}</span>' in html
    assert "<script>alert" not in html and html.count("<script>") == 1
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "ids are unique"


def test_wide_tables_scroll_in_their_own_focusable_region():
    body = Markup("<p>{}</p><table><tr><td>a</td></tr></table><table><tr><td>b</td></tr></table>").format(
        "<table>not a table</table>"
    )
    out = wrap_tables(body, 'Roles "x"')
    assert out.count('<div class="table-wrap" tabindex="0" role="region"') == 2
    assert 'aria-label="Roles &#34;x&#34; (table 1)"><table><tr><td>a</td></tr></table></div>' in out
    assert "&lt;table&gt;not a table&lt;/table&gt;" in out
    assert wrap_tables(Markup("<p>none</p>"), "x") == Markup("<p>none</p>")
