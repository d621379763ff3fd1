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


# ---- terms.model: a fitted model from `sciwire train entities` ---------------------------------------------------

PAPER = (
    "Feeding and sleep in mice\n\n"
    "We used time-restricted feeding (TRF) in mice .\n"
    "TRF improved sleep quality in mice .\n"
    "This method changed sleep quality .\n"
)


def _gold(text: str) -> tuple[tuple[int, int, str], ...]:
    spans = []
    for phrase, label in (("time-restricted feeding", "Method"), ("sleep quality", "Metric"), ("mice", "Material"),
                          ("This method", "Generic")):  # fmt: skip
        start = text.find(phrase)
        while start >= 0:
            spans.append((start, start + len(phrase), label))
            start = text.find(phrase, start + 1)
    return tuple(sorted(spans))


@pytest.fixture(scope="module")
def paper_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("terms-paper") / "paper.txt"
    path.write_text(PAPER, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tagger_folder(tiny_model_dir, tmp_path_factory, paper_file):
    from sciwire.terms.data import TermDoc
    from sciwire.terms.tagger import TermTagger

    text = read_inputs(paper_file, [])[0].text  # the reader joins a paragraph's lines: learn the text it gives
    docs = [TermDoc(str(i), text, _gold(text)) for i in range(4)]
    tagger = TermTagger(base=str(tiny_model_dir), epochs=60, learning_rate=0.01, batch_size=4).fit(docs)
    return tagger.save(tmp_path_factory.mktemp("terms-model") / "tagger")


def test_a_fitted_tagger_types_the_papers_terms(tagger_folder, cache_dir, paper_file):
    from sciwire.terms.api import load_term_model, terms_from_spans
    from sciwire.terms.tagger import TermTagger

    config = load_config(overrides=[f"paths.cache_dir={cache_dir}", f"terms.model={tagger_folder}"], environ={})
    step = TermStep()
    analysis = Analyzer(config, steps=[step]).analyze(*read_inputs(paper_file, [], config))
    text = analysis.paper.text
    tagger = load_term_model(str(tagger_folder))
    assert isinstance(tagger, TermTagger)
    found = tagger.predict([text])[0]
    assert set(found) == set(_gold(text))  # it learned the paper (a tiny random BERT), "This method" as Generic
    layer = analysis.paper.layer(TERMS)
    expected = terms_from_spans(text, found)
    assert [(s.start, s.end, s.label) for s in layer] == [(t.start, t.end, t.type) for t in expected]
    by_text = {(text[s.start : s.end], s.label, s.attrs["source"]) for s in layer}
    assert ("time-restricted feeding", "method", "defined") in by_text  # the definition, typed by the tagger
    assert ("TRF", "method", "defined") in by_text
    assert ("sleep quality", "measure", "model") in by_text and ("mice", "material", "model") in by_text
    assert not any(text[s.start : s.end] == "This method" for s in layer)  # Generic is not a term
    assert all(s.score is None for s in layer)
    assert step.model_folders(config) == {"terms.model": str(tagger_folder.resolve())}
    assert TermStep().model_folders(load_config(environ={})) == {"terms.model": "sciwire/models/terms_default"}
    html = render_html(analysis)
    assert "Terms and types come from the term model in <code>terms.model</code>" in html
    assert "zero-shot typer" not in html


def test_the_terms_model_setting_names_a_folder(tmp_path):
    from sciwire.errors import ConfigError, ModelLoadError
    from sciwire.terms.api import load_term_model
    from sciwire.terms.model import SpanTyper, ZeroShotTyper, write_weights

    assert isinstance(load_term_model("default"), ZeroShotTyper)
    with pytest.raises(ConfigError, match=r"^terms.model must be 'default' or a model folder from `sciwire train"):
        load_config(overrides=["terms.model= "], environ={})
    missing = r"^Cannot load the model folder: .*missing does not exist or is not a folder; set terms.model to "
    with pytest.raises(ModelLoadError, match=missing + r"'default' or to a folder from `sciwire train entities"):
        load_term_model(str(tmp_path / "missing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelLoadError, match=r"^Cannot load the model in .*empty: weights.json"):
        load_term_model(str(tmp_path / "empty"))
    typer = write_weights(tmp_path / "typer", {"format": "sciwire-terms-span-typer/1", "classes": ["Task", "none"],
                                               "coef": [[0.0, 1.0], [1.0, 0.0]], "intercept": [0.0, 0.0]})  # fmt: skip
    assert isinstance(load_term_model(str(typer.parent)), SpanTyper)
