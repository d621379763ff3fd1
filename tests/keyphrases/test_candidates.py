from __future__ import annotations

import pytest

from sciwire.keyphrases._nlp import chunk_text
from sciwire.keyphrases.candidates import is_stopword, stem_word
from sciwire.keyphrases.stopwords import default_stopwords, read_stopwords, resolve_stopwords
from tests.keyphrases.conftest import ABSTRACT


def test_stems_collapse_inflections_and_derivations():
    assert stem_word("trees") == stem_word("tree")
    assert stem_word("optimize") == stem_word("optimization") == stem_word("optimizing")
    assert stem_word("multi-agent") == "multi-agent"


def test_stems_come_from_the_c_snowball_with_the_python_ones():
    """PyStemmer (a dependency) is snowballstemmer's C backend: same stems, ~20x faster on new words."""
    from snowballstemmer.english_stemmer import EnglishStemmer

    from sciwire.keyphrases import candidates

    assert type(candidates._stemmer).__module__ == "Stemmer"
    words = ["relational", "generalization", "argued", "skies", "dying", "news", "communism", "knightly", "proceeds"]
    assert [candidates._stemmer.stemWord(w) for w in words] == [EnglishStemmer().stemWord(w) for w in words]


@pytest.mark.slow
def test_candidates_are_deduplicated_by_lemma_stems(graph_extractor):
    cands = graph_extractor.candidates(ABSTRACT)
    keys = [c.key for c in cands.candidates]
    assert len(keys) == len(set(keys))
    tree = [c for c in cands.candidates if c.key == (stem_word("decision"), stem_word("tree"))]
    assert len(tree) == 1
    # "Decision trees" (2x), "decision trees" and "decision tree" are one candidate shown by its commonest form
    assert set(tree[0].surfaces) == {"Decision trees", "decision trees", "decision tree"}
    assert tree[0].surface == "Decision trees" and len(tree[0].occurrences) == 4
    text = "Stochastic optimization is hard. Stochastic optimizations of trees differ from tree pruning."
    cands = graph_extractor.candidates(text)
    by_key = {c.key: c for c in cands.candidates}
    assert len(by_key[(stem_word("stochastic"), stem_word("optimize"))].occurrences) == 2
    assert {c.surface for c in cands.candidates} >= {"Stochastic optimization", "trees", "tree pruning"}


@pytest.mark.slow
def test_acronym_is_linked_to_its_expansion(graph_extractor):
    cands = graph_extractor.candidates(ABSTRACT)
    harm = [c for c in cands.candidates if c.acronym == "HARM"]
    assert [c.surface for c in harm] == ["hybrid adaptive resource management"]
    assert len(harm[0].occurrences) == 4  # the long form and three uses of HARM
    assert not any(c.key == (stem_word("harm"),) for c in cands.candidates)


@pytest.mark.slow
def test_hyphenated_terms_and_adjectives_form_phrases(graph_extractor):
    surfaces = {c.surface for c in graph_extractor.candidates(ABSTRACT).candidates}
    assert "distributed real-time embedded systems" in surfaces
    assert "multi-agent systems" in surfaces


def test_stopwords_default_file_and_extra(tmp_path):
    assert "the" in default_stopwords()
    path = tmp_path / "stop.txt"
    path.write_text("# domain words\nNetwork\n\nmodel  # trailing comment\n", encoding="utf-8")
    assert read_stopwords(path) == {"network", "model"}
    words = resolve_stopwords(str(path), "graph, Tree")
    assert words == {"network", "model", "graph", "tree"}
    assert is_stopword("well-known", {"well"}) and not is_stopword("end-to-end", {"to"})


def test_unreadable_stopword_file_is_a_config_error(tmp_path):
    from sciwire.errors import ConfigError

    with pytest.raises(ConfigError, match=r"Cannot read keyphrases\.stopwords_file"):
        resolve_stopwords(str(tmp_path / "missing.txt"))


def test_chunk_text_covers_the_text_in_bounded_pieces():
    text = ("word " * 50 + "\n") * 400
    pieces = chunk_text(text, size=1000)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 1000 for _, p in pieces)
    assert [off for off, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
    assert chunk_text("x" * 2500, size=1000)[1] == (1000, "x" * 1000)  # no break: hard cut
