"""check_files and story_checks: new fields from the layers, bad input stopped before models load."""

from __future__ import annotations

import pytest

from sciwire.analysis import FIDELITY, RELEVANCE, Analysis
from sciwire.config import Config
from sciwire.document import Document, Sentence
from sciwire.errors import InputError
from sciwire.examples import paper_path, story_paths
from sciwire.fidelity import api
from sciwire.fidelity.api import Relevance, check_files, story_checks
from sciwire.fidelity.report import NO_FINDINGS
from tests.fidelity.test_report import analysis, four_verdicts, paper_doc, relevance_span


def test_story_checks_carry_relevance_best_guess_and_notes_strongest_first():
    check = story_checks(four_verdicts(), paper_doc())
    assert check.relevance == Relevance("reports", 0.97, 0.3) and not check.unrelated
    assert [c.verdict for c in check.claims] == ["exaggerates", "downplays", "unsure", "same"]
    unsure = check.claims[2]
    assert unsure.best_guess == "downplays" and unsure.notes == ("the story adds 'a bit'",)
    assert unsure.shown == "unsure (best guess: understated)" and unsure.paper_text.startswith("Late meals")
    assert check.summary["unsure"] == 1
    as_dict = check.to_dict()
    assert as_dict["relevance"] == {"label": "reports", "probability": 0.97, "threshold": 0.3}
    claim = as_dict["claims"][2]
    assert claim["best_guess"] == "downplays" and claim["notes"] == ("the story adds 'a bit'",)


def test_older_layers_without_the_new_fields_read_as_before():
    check = story_checks(analysis().stories[0], analysis().paper)
    assert check.relevance is None and not check.unrelated
    assert [(c.verdict, c.best_guess, c.notes) for c in check.claims] == [("exaggerates", None, ()), ("same", None, ())]


def test_an_unrelated_story_has_no_claims_and_says_so():
    text = "A comet passed Mars."
    story = Document("far", "news", "Comet", text, sentences=(Sentence(0, 0, len(text)),))
    story = story.with_layer(FIDELITY, []).with_layer(RELEVANCE, [relevance_span(text, "unrelated", 0.001)])
    check = story_checks(story, paper_doc())
    assert check.unrelated and check.claims == ()
    assert check.summary["text"].startswith("This story does not appear to report this paper (p=0.001")


def test_a_story_that_is_the_paper_itself_is_refused(tmp_path):
    with pytest.raises(InputError, match=r"^paper.md is the paper itself; give a news story about it$"):
        check_files([paper_path()], paper_path())
    copy = tmp_path / "copy.txt"
    copy.write_text(paper_path().read_text("utf-8"), "utf-8")
    with pytest.raises(InputError, match=r"copy.txt is the paper itself \(the same text as paper.md\)"):
        check_files([story_paths()[0], copy], paper_path())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", "", r"^empty.txt contains no text \(the file is empty, 0 bytes\)"),
        ("blank.txt", "  \n\n \t", r"^blank.txt contains no text; expected a document with at least 5 words$"),
        ("bare.html", "<html><body><script>x()</script></body></html>", r"^bare.html: no main text found in the HTML"),
    ],
)
def test_a_story_without_text_is_refused(tmp_path, name, content, message):
    story = tmp_path / name
    story.write_text(content)
    with pytest.raises(InputError, match=message):
        check_files([story], paper_path())


def fake_analyze(result: Analysis):
    def run(paper, stories, config=None, progress=None, *, steps=None, **_):
        assert steps == [FIDELITY] and len(stories) == len(result.stories)
        return result

    return run


def test_a_story_with_no_sentences_after_reading_is_refused(monkeypatch):
    story = analysis().stories[0].replace(sentences=(), layers={})
    monkeypatch.setattr(api, "analyze", fake_analyze(Analysis(paper_doc(), (story,), Config())))
    with pytest.raises(InputError, match=r"^story_faithful.html has no sentences sciwire could find"):
        check_files([story_paths()[0]], paper_path())


def test_a_paper_without_findings_is_not_an_error(monkeypatch):
    text = "Nothing here reports the paper."
    story = Document("s", "news", "S", text, sentences=(Sentence(0, 0, len(text)),)).with_layer(FIDELITY, [])
    monkeypatch.setattr(api, "analyze", fake_analyze(Analysis(paper_doc(findings=False), (story,), Config())))
    (check,) = check_files([story_paths()[0]], paper_path())
    assert check.claims == () and check.summary["text"] == NO_FINDINGS
