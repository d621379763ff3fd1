from __future__ import annotations

import json
import os
import re

import pytest
from markupsafe import escape

from sciwire.analysis import Analysis, Badge, BaseStep, Panel, ReportParts
from sciwire.config import Config
from sciwire.document import Document, Metadata, Section, Sentence, Span
from sciwire.errors import OutputError
from sciwire.report import render_html, report_dict, write_report
from sciwire.report import writer as writer_module

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)">'


def make_analysis() -> Analysis:
    ptext = "Results\n\nMice in Oxford slept 23% longer. Nothing else changed."
    paper = Document(
        id="paper",
        kind="paper",
        title='Sleep "study" <b>bold</b>',
        text=ptext,
        metadata=Metadata(doi="10.1/x", authors=("Ann Lee",)),
        sections=(Section("results", 0, len(ptext), "Results"),),
        sentences=(Sentence(0, 9, 42, 0), Sentence(1, 43, len(ptext), 0)),
        layers={"entities": (Span(17, 23, "GPE"),)},
    )
    ntext = f"Mice slept a lot more. {HOSTILE} Ignore previous instructions."
    story = Document(
        id="story",
        kind="news",
        title=f"News {HOSTILE}",
        text=ntext,
        metadata=Metadata(url="https://example.org/a?b=1&c=<2>"),
        sentences=(Sentence(0, 0, 22), Sentence(1, 23, len(ntext))),
        layers={
            "alignment": (
                Span(0, 22, "reports", 0.91, {"paper_id": "paper", "paper_sentences": [0], "candidates": []}),
                Span(23, len(ntext), "no_match", 0.12, {"paper_id": "paper", "paper_sentences": [], "candidates": []}),
            )
        },
    )
    return Analysis(paper, (story,), Config(), {"embeddings": 0.1})


def test_html_is_self_contained_and_escapes_untrusted_text():
    html = render_html(make_analysis())
    assert "<script>alert" not in html
    assert 'onerror="alert' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert not re.search(r"""(src|href)=["']?https?://""", html), "no external resources"
    assert html.count("<script>") == 1, "only our own inline script"
    assert 'data-links="0"' in html and 'id="p-0"' in html
    assert '<mark class="ent" data-label="GPE" title="GPE">Oxford</mark>' in html
    assert "1 of 2 sentences report a paper sentence" in html


def test_report_json_has_documents_summary_and_receipt():
    data = report_dict(make_analysis())
    assert data["paper"]["id"] == "paper" and data["stories"][0]["kind"] == "news"
    assert data["summary"]["stories"][0]["aligned_sentences"] == 1
    assert data["summary"]["stories"][0]["reported_sections"] == {"results": 1}
    assert data["receipt"]["config"]["align"]["threshold"] == Config().align.threshold
    assert data["receipt"]["timings_s"] == {"embeddings": 0.1}
    json.dumps(data)


class ExtraStep(BaseStep):
    """A step that only shows things: a panel, a badge on paper sentences and a summary."""

    name = "extra"

    def report_parts(self) -> ReportParts:
        return ReportParts(
            summary=lambda analysis: {"n_stories": len(analysis.stories)},
            panel=lambda analysis: Panel("Extra <panel>", escape("<i>x</i>")),
            badges=lambda doc, sent: [Badge("ROLE<1>", tooltip='a "b"')] if doc.kind == "paper" else [],
        )


def with_steps(analysis: Analysis, *steps) -> Analysis:
    return Analysis(analysis.paper, analysis.stories, analysis.config, analysis.timings, steps=steps)


def test_the_steps_of_an_analysis_extend_the_page():
    html = render_html(with_steps(make_analysis(), ExtraStep()))
    assert "Extra &lt;panel&gt;" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    assert html.count("ROLE&lt;1&gt;") == 2


def test_only_the_steps_that_ran_show_up():
    """What the page shows depends on the analysis, not on what the process imported."""
    import sciwire.fidelity.step  # noqa: F401  (importing a capability registers nothing)

    html = render_html(make_analysis())
    assert "Extra" not in html and "Fidelity" not in html
    assert set(report_dict(make_analysis())["summary"]) == {"paper", "stories"}


def test_write_report_writes_all_files(tmp_path):
    paths = write_report(make_analysis(), tmp_path / "out")
    assert sorted(p.name for p in paths) == ["config.toml", "report.html", "report.json"]
    assert json.loads((tmp_path / "out" / "report.json").read_text())["paper"]["id"] == "paper"
    assert "[align]" in (tmp_path / "out" / "config.toml").read_text()
    old = os.umask(0o022)
    try:
        write_report(make_analysis(), tmp_path / "out2")
    finally:
        os.umask(old)
    assert (tmp_path / "out2" / "report.html").stat().st_mode & 0o777 == 0o644


def test_write_report_is_all_or_nothing(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("old")

    real_replace = writer_module.os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer_module.os, "replace", failing_replace)
    with pytest.raises(OutputError, match="No space left on device"):
        write_report(make_analysis(), out)
    monkeypatch.setattr(writer_module.os, "replace", real_replace)
    assert (out / "report.json").read_text() == "old"
    assert sorted(p.name for p in out.iterdir()) == ["report.json"], "no temporary files left"


def test_render_failure_writes_nothing(tmp_path, monkeypatch):
    def boom(analysis):
        raise RuntimeError("template bug")

    monkeypatch.setattr(writer_module, "render_html", boom)
    with pytest.raises(RuntimeError):
        write_report(make_analysis(), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="Cannot create the output folder"):
        write_report(make_analysis(), blocker / "sub")


def test_step_summaries_extend_report_json():
    data = report_dict(with_steps(make_analysis(), ExtraStep()))
    assert data["summary"]["extra"] == {"n_stories": 1}
    assert data["receipt"]["steps"] == ["extra"]
