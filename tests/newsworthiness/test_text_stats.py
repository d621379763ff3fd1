"""Readability, jargon (wordfreq), availability and style cues."""

from __future__ import annotations

import pytest

from sciwire.newsworthiness import text_stats
from sciwire.newsworthiness.text_stats import availability, flesch_reading_ease, jargon, rare_words, style_cues


def test_flesch_and_syllables():
    assert text_stats.count_syllables("cat") == 1
    assert text_stats.count_syllables("table") == 2
    assert text_stats.count_syllables("probability") == 5
    easy = flesch_reading_ease("The cat sat on the mat. The dog ran.")
    hard = flesch_reading_ease(
        "Heterogeneous immunohistochemical characterisation necessitates multidimensional normalisation."
    )
    assert easy > 90 > 0 > hard


def test_jargon_share_separates_plain_from_technical_words():
    plain = jargon("People who walk their dogs every day sleep better and feel happier.")
    dense = jargon("Immunohistochemical quantification of phosphorylated tau in entorhinal neurofibrillary tangles.")
    assert plain["jargon_share"] == 0.0 and plain["dejargonizer_score"] > 80
    assert dense["jargon_share"] > 0.3 and dense["dejargonizer_score"] < plain["dejargonizer_score"]
    assert "neurofibrillary" in rare_words("neurofibrillary tangles in the brain")
    assert jargon("") == {"common_share": 0.0, "jargon_share": 0.0, "dejargonizer_score": 100.0}


def test_missing_wordfreq_gives_install_hint(monkeypatch):
    import builtins

    from sciwire.errors import MissingDependencyError

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "wordfreq":
            raise ImportError("no wordfreq")
        return real_import(name, *args, **kwargs)

    text_stats.zipf_table.cache_clear()
    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingDependencyError, match="pip install wordfreq"):
        text_stats.zipf_table()
    monkeypatch.undo()
    text_stats.zipf_table.cache_clear()
    assert text_stats.zipf_table()["the"] > 7


@pytest.mark.parametrize(
    ("text", "code", "data"),
    [
        ("Our code is publicly available at https://github.com/x/y.", 1.0, 0.0),
        ("The source code has been released.", 1.0, 0.0),
        ("All data are available on Zenodo (doi:10.5281/zenodo.1).", 0.0, 1.0),
        ("Sequencing reads were deposited in GEO under GSE12345.", 0.0, 1.0),
        ("We coded the interviews and the data suggest a trend.", 0.0, 0.0),
    ],
)
def test_availability(text, code, data):
    assert availability(text) == {"code_available": code, "data_available": data}


def test_style_cues():
    cues = style_cues("ABSTRACT: BACKGROUND: Here we show that\nmice sleep 1 . RESULTS: They do.")
    assert cues["abstract_prefix"] == cues["has_headings"] == cues["line_breaks"] == cues["here_we"] == 1.0
    assert cues["citation_markers"] == 1.0
    plain = style_cues("Mice sleep more when fed early. This matters for 65 older adults.")
    assert plain["abstract_prefix"] == plain["has_headings"] == plain["line_breaks"] == plain["here_we"] == 0.0
    assert plain["citation_markers"] == 0.0 and plain["raw_words"] == 12


def test_the_zipf_table_is_wordfreqs_dictionary_in_zipf_units():
    import math

    import wordfreq

    expected = {w: math.log10(f * 1e9) for w, f in wordfreq.get_frequency_dict("en").items() if f > 0}
    assert text_stats.zipf_table() == expected
    assert text_stats.zipf_table()["the"] == pytest.approx(wordfreq.zipf_frequency("the", "en"), abs=0.01)
