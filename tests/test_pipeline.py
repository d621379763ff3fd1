"""The whole pipeline on the bundled example, with the real offline models."""

from __future__ import annotations

import json

import pytest

from sciwire.analysis import ALIGNMENT, SENTENCES, BaseStep
from sciwire.config import DEFAULT_STEPS, load_config
from sciwire.document import Span
from sciwire.errors import InputError
from sciwire.examples import EXAMPLES_DIR, paper_path, story_paths
from sciwire.pipeline import Analyzer, read_inputs

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analyzer(cache_dir):
    return Analyzer(load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={}))


@pytest.fixture(scope="module")
def result(analyzer):
    paper, stories = read_inputs(paper_path(), story_paths())
    return analyzer.analyze(paper, stories)


def expected_hits(result) -> dict[str, list[tuple[str, bool]]]:
    """For each hand-made (story sentence, acceptable paper sentences) pair: was it matched?"""
    expected = json.loads((EXAMPLES_DIR / "expected_alignment.json").read_text("utf-8"))
    paper_sents = result.paper.sentence_texts()
    out: dict[str, list[tuple[str, bool]]] = {}
    for story, name in zip(result.stories, ("story_faithful.html", "story_overstated.html"), strict=True):
        spans = story.layer("alignment")
        sentences = story.sentence_texts()
        out[name] = []
        for pair in expected[name]:
            (i,) = [k for k, s in enumerate(sentences) if pair["story"] in s]
            ok = {k for k, s in enumerate(paper_sents) if any(p in s for p in pair["paper"])}
            assert ok, f"expected paper sentence not found: {pair['paper']}"
            out[name].append((pair["story"], bool(ok & set(spans[i].attrs["paper_sentences"]))))
    return out


def test_every_story_sentence_has_an_alignment_span(result):
    assert result.paper.sentences and all(s.sentences for s in result.stories)
    for story in result.stories:
        spans = story.layer("alignment")
        assert [(s.start, s.end) for s in spans] == [(s.start, s.end) for s in story.sentences]
        assert {s.label for s in spans} <= {"reports", "no_match"}
        for span in spans:
            assert 0.0 <= span.score <= 1.0
            assert all(result.paper.section_of(result.paper.sentences[i]).name != "references"
                       for i in span.attrs["paper_sentences"])  # fmt: skip


def test_story_sentences_align_to_the_paper_sentences_they_report(result):
    hits = expected_hits(result)
    faithful = [ok for _, ok in hits["story_faithful.html"]]
    overstated = dict(hits["story_overstated.html"])
    assert sum(faithful) >= 7, hits["story_faithful.html"]
    # The overstated story's main claims reach the paper sentences they distort.
    assert overstated["proved once and for all that eating earlier makes you sleep better"]
    assert overstated["Eating your last meal after 8pm wrecks your sleep"]
    assert overstated["crammed their eating into 10 hours or less slept far better"]
    assert sum(overstated.values()) >= 5, hits["story_overstated.html"]


def test_faithful_story_is_better_supported_than_the_overstated_one(result):
    share = [sum(s.label == "reports" for s in st.layer("alignment")) / len(st.sentences) for st in result.stories]
    assert share[0] > 0.8 and share[0] > share[1]


def test_hostile_html_never_reaches_the_documents(result):
    text = result.stories[1].text
    assert "alert(" not in text and "onerror" not in text and "<script" not in text


def test_timings_are_recorded(result):
    base = {"load_models", "sentences_entities", "embeddings", "alignment"}
    steps = set(DEFAULT_STEPS)
    assert set(result.timings) == base | steps
    assert all(seconds >= 0 for seconds in result.timings.values())


def test_inputs_are_not_modified(analyzer):
    paper, stories = read_inputs(paper_path(), story_paths()[:1])
    analyzer.analyze(paper, stories)
    assert paper.sentences == () and stories[0].layers == {}


def test_wrong_kinds_and_duplicate_ids_are_rejected(analyzer):
    paper, stories = read_inputs(paper_path(), story_paths())
    with pytest.raises(InputError, match="is a news document; the first input of analyze must be a paper"):
        analyzer.analyze(stories[0], [])
    with pytest.raises(InputError, match="stories must have kind 'news'"):
        analyzer.analyze(paper, [paper.replace(id="other")])
    with pytest.raises(InputError, match="Document ids must be unique"):
        analyzer.analyze(paper, [stories[0], stories[0]])


def test_same_story_twice_gets_unique_ids():
    _, stories = read_inputs(paper_path(), [story_paths()[0], story_paths()[0]])
    assert stories[0].id != stories[1].id


class MarkFirstSentence(BaseStep):
    """A minimal Step: labels each document's first sentence and checks the shared context."""

    name = "mark_first"
    reads = (SENTENCES, ALIGNMENT)
    writes = ("first",)

    def __init__(self) -> None:
        self.warmed = False

    def warm_up(self, config) -> None:
        self.warmed = True

    def run(self, paper, stories, context):
        assert len(context.paper_vectors) == len(context.paper_sentences)
        assert [len(v) for v in context.story_vectors] == [len(s.sentences) for s in stories]
        mark = lambda d: d.with_layer("first", [Span(d.sentences[0].start, d.sentences[0].end, "FIRST")])  # noqa: E731
        return mark(paper), [mark(s) for s in stories]


def test_extra_steps_run_after_alignment_with_shared_vectors(cache_dir):
    step = MarkFirstSentence()
    analyzer = Analyzer(load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={}), steps=[step])
    paper, stories = read_inputs(paper_path(), story_paths())
    result = analyzer.analyze(paper, stories)
    assert step.warmed and "mark_first" in result.timings
    assert [len(d.layer("first")) for d in (result.paper, *result.stories)] == [1, 1, 1]
    assert result.stories[0].layer("alignment"), "earlier layers are kept"


def test_the_analysis_names_its_steps_and_model_folders(result):
    assert [s.name for s in result.steps] == list(DEFAULT_STEPS)
    assert result.models["align"] == "sciwire/models/align_default"
    assert result.models["discourse.coresc"] == "sciwire/models/discourse_coresc"
    assert result.models["fidelity.strength"] == "sciwire/models/fidelity_strength"
    assert result.models["link.finder"] == "sciwire/models/link_finder_default"
    assert result.models["embedding"] == "all-MiniLM-L6-v2"


def test_top_level_names(tmp_path):
    import sciwire

    assert sciwire.Analyzer is Analyzer and sciwire.read is __import__("sciwire.readers").readers.read
    assert callable(sciwire.analyze) and sciwire.load_config().pipeline.steps == list(DEFAULT_STEPS)
    with pytest.raises(AttributeError, match="module 'sciwire' has no attribute 'nope'"):
        sciwire.nope  # noqa: B018


def test_a_story_that_is_the_paper_itself_is_refused_before_any_model_loads(tmp_path):
    """analyze and check share the check: the same file, or the same text under another name."""
    with pytest.raises(InputError, match=r"^paper\.md is the paper itself; give a news story about it$"):
        read_inputs(paper_path(), [paper_path()])
    copy = tmp_path / "copy.md"
    copy.write_text(paper_path().read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^copy\.md is the paper itself \(the same text as paper\.md\)"):
        read_inputs(paper_path(), [story_paths()[0], copy])
