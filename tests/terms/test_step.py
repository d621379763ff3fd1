"""The terms step on the bundled example (real models) and the report's terms display."""

from __future__ import annotations

import pytest

from sciwire.analysis import ENTITIES, TERMS
from sciwire.config import DEFAULT_STEPS, load_config
from sciwire.examples import paper_path, story_paths
from sciwire.pipeline import Analyzer, read_inputs
from sciwire.report.build import summarize, top_entities
from sciwire.report.html import render_html
from sciwire.terms.step import TermStep


def test_the_step_is_registered_and_opt_in():
    from sciwire.registry import make_step

    assert make_step("terms").name == TERMS
    assert TERMS not in DEFAULT_STEPS  # it costs about a second on the example (docs/terms.md)


@pytest.fixture(scope="module")
def result(cache_dir):
    analyzer = Analyzer(load_config(overrides=[f"paths.cache_dir={cache_dir}"], environ={}), steps=[TermStep()])
    paper, stories = read_inputs(paper_path(), story_paths()[:1])
    return analyzer.analyze(paper, stories)


def _expansions(result) -> dict[str, str]:
    return {s.attrs["short"]: s.attrs["term"] for s in result.paper.layer(TERMS) if s.attrs["short"]}


@pytest.mark.slow
def test_the_papers_abbreviations_get_their_expansions(result):
    expansions = _expansions(result)
    assert expansions["TRF"].lower() == "time-restricted feeding"
    assert expansions["NREM"] == "non-rapid eye movement"
    assert expansions["WASO"] == "wake after sleep onset"
    assert expansions["EEG"] == "electroencephalography"  # not defined in the paper: the glossary's
    assert all(s.label in {"method", "task", "material", "measure", "other"} for s in result.paper.layer(TERMS))


@pytest.mark.slow
def test_a_later_trf_points_to_its_definition(result):
    paper = result.paper
    trf = [s for s in paper.layer(TERMS) if s.attrs["short"] == "TRF" and s.attrs["kind"] == "abbreviation"]
    definition = trf[0].attrs["definition"]
    assert paper.text[definition : definition + 3] == "TRF"
    last = trf[-1]
    assert last.start > definition + 1000 and last.attrs["definition"] == definition
    assert paper.span_text(last) == "TRF"


@pytest.mark.slow
def test_terms_replace_news_ner_labels_in_the_report(result):
    paper = result.paper
    # spaCy's news NER calls them organisations and places ...
    ner = {(paper.span_text(s), s.label) for s in paper.layer(ENTITIES)}
    assert ("AL", "GPE") in ner or any(
        label in {"ORG", "GPE"} for text, label in ner if text in {"TRF", "NREM", "WASO"}
    )
    # ... the report does not any more: they are terms with their expansions
    named = {e["text"] for e in top_entities(paper, 50)}
    assert not named & {"TRF", "NREM", "EEG", "WASO", "AL"}
    rows = {r["short"]: r for r in summarize(result)["terms"]["paper"] if r["short"]}
    assert rows["TRF"]["display"].startswith("TRF = Time-restricted feeding (")
    html = render_html(result)
    assert 'title="NREM = non-rapid eye movement (' in html
    assert "AL = ad libitum" in html and 'data-label="GPE" title="GPE">AL<' not in html
