"""``sciwire check``: summary first, claims strongest first, unrelated stories in one line, bad input in one line.

The judging itself is replaced by hand-built analyses (the run with the real models is in
tests/fidelity/test_pipeline_fidelity.py), so these run in about a second each.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sciwire.analysis import FIDELITY, RELEVANCE, Analysis
from sciwire.cli.main import app
from sciwire.config import Config
from sciwire.document import Document, Sentence
from sciwire.examples import paper_path, story_paths
from sciwire.fidelity import api
from tests.fidelity.test_api import fake_analyze
from tests.fidelity.test_report import four_verdicts, paper_doc, relevance_span

runner = CliRunner()


def check(*args: str):
    return runner.invoke(app, ["check", *args, "--paper", str(paper_path())], env={"HF_HUB_OFFLINE": "1"})


def flat(text: str) -> str:
    """Output without rich's line wrapping."""
    return " ".join(text.split())


@pytest.fixture
def judged(monkeypatch):
    text = "A comet <script>passed</script> Mars."
    far = Document("far", "news", "Comet", text, sentences=(Sentence(0, 0, len(text)),))
    far = far.with_layer(FIDELITY, []).with_layer(RELEVANCE, [relevance_span(text, "unrelated", 0.001)])
    monkeypatch.setattr(api, "analyze", fake_analyze(Analysis(paper_doc(), (four_verdicts(), far), Config())))
    return [str(p) for p in story_paths()]


def test_prints_the_summary_first_then_claims_strongest_first(judged):
    result = check(*judged)
    assert result.exit_code == 0, result.output
    out = flat(result.stdout)
    assert out.startswith(
        "Four: 1 claim overstated (stated more strongly than the paper), 1 understated, 1 unsure, 1 faithful;"
    )
    order = [out.index(t) for t in ("overstated 0.60", "understated 0.70", "unsure (best guess: understated) 0.41")]
    assert order == sorted(order)
    assert "noted, not used for the verdict: the story adds 'a bit'" in out
    assert "Mice slept." not in out  # faithful claims only with --all
    assert "faithful 0.95" in flat(check(*judged, "--all").stdout)


def test_an_unrelated_story_gets_one_line_and_no_claims(judged):
    out = flat(check(*judged).stdout)
    line = "Comet: This story does not appear to report this paper (p=0.001, threshold 0.30); no claims were checked."
    assert out.endswith(line)


def test_json_carries_relevance_best_guess_and_notes(judged):
    result = check(*judged, "--json")
    four, far = json.loads(result.stdout)
    assert four["relevance"] == {"label": "reports", "probability": 0.97, "threshold": 0.3}
    assert [c["verdict"] for c in four["claims"]] == ["exaggerates", "downplays", "unsure", "same"]
    assert four["claims"][2]["best_guess"] == "downplays" and four["claims"][2]["notes"] == ["the story adds 'a bit'"]
    assert four["summary"]["unsure"] == 1 and four["summary"]["relevance"]["label"] == "reports"
    assert far["claims"] == [] and far["relevance"]["label"] == "unrelated"


def test_a_paper_without_findings_is_said_not_failed(monkeypatch):
    text = "Nothing here reports the paper."
    story = Document("s", "news", "S", text, sentences=(Sentence(0, 0, len(text)),)).with_layer(FIDELITY, [])
    monkeypatch.setattr(api, "analyze", fake_analyze(Analysis(paper_doc(findings=False), (story,), Config())))
    result = check(str(story_paths()[0]))
    assert result.exit_code == 0, result.output
    assert flat(result.stdout) == "S: the paper states no findings sciwire could detect; no claims were checked"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "empty.txt",
            "",
            "Error: empty.txt contains no text (the file is empty, 0 bytes); expected a document with text",
        ),
        ("blank.txt", " \n\n ", "Error: blank.txt contains no text; expected a document with at least 5 words"),
        ("bare.html", "<html><body><div></div></body></html>", "Error: bare.html: no main text found in the HTML;"),
        ("paper.md", None, "Error: paper.md is the paper itself; give a news story about it"),
        (
            "copy.md",
            "same",
            "Error: copy.md is the paper itself (the same text as paper.md); give a news story about it",
        ),
    ],
)
def test_bad_stories_are_one_line_and_exit_1(tmp_path, name, content, message):
    if content is None:
        story = paper_path()
    else:
        story = tmp_path / name
        story.write_text(paper_path().read_text("utf-8") if content == "same" else content, "utf-8")
    result = check(str(story))
    assert result.exit_code == 1
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert line.startswith(message), result.output
    assert "Traceback" not in result.output
