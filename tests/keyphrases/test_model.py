from __future__ import annotations

import pytest

from sciwire.config import KeyphrasesConfig
from sciwire.errors import ConfigError, InputError, UnsupportedLanguageError
from sciwire.keyphrases import KeyphraseExtractor
from sciwire.keyphrases.candidates import stem_word
from tests.keyphrases.conftest import ABSTRACT

OTHER = (
    "Graph neural networks predict molecular properties from atom graphs. Message passing between atoms "
    "learns chemical features, and graph neural networks outperform fingerprints on solubility benchmarks."
)
GERMAN = " ".join(
    ["Die Katze schläft auf dem Sofa und der Hund spielt im Garten mit einem Ball, während die Sonne scheint."] * 6
)


def _texts(result):
    return [[k.text for k in r] for r in result]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fast_extractor", "graph_extractor", "combined_extractor"])
def test_same_output_alone_and_in_a_batch(request, name):
    ex = request.getfixturevalue(name)
    alone = [ex.extract(ABSTRACT), ex.extract(OTHER)]
    batch = ex.extract_many([OTHER, ABSTRACT, OTHER])
    assert batch[1] == alone[0] and batch[0] == alone[1] == batch[2]
    assert alone[0] and alone[1]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fast_extractor", "graph_extractor", "combined_extractor"])
def test_no_near_duplicates_in_the_output(request, name):
    phrases = request.getfixturevalue(name).extract(ABSTRACT, top=15)
    keys = [k.key for k in phrases]
    assert len(keys) == len(set(keys))
    stems = [" ".join(stem_word(w) for w in k.text.lower().split()) for k in phrases]
    assert len(stems) == len(set(stems))


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fast", "graph"])
def test_stopwords_are_honoured(method, tmp_path):
    baseline = KeyphraseExtractor(KeyphrasesConfig(method=method)).extract(ABSTRACT, top=20)
    assert any("systems" in k.text.lower() for k in baseline)
    ex = KeyphraseExtractor(KeyphrasesConfig(method=method, extra_stopwords="systems,system,decision"))
    for k in ex.extract(ABSTRACT, top=20):
        words = k.text.lower().split()
        assert not {"systems", "system", "decision"} & set(words), k.text
    stopfile = tmp_path / "stop.txt"
    stopfile.write_text("resource\nallocation\n", encoding="utf-8")
    ex = KeyphraseExtractor(KeyphrasesConfig(method=method, stopwords_file=str(stopfile)))
    texts = [k.text.lower() for k in ex.extract(ABSTRACT, top=30)]
    assert not any("resource" in t.split() or "allocation" in t.split() for t in texts)


@pytest.mark.slow
def test_keyphrases_point_at_their_occurrences(fast_extractor):
    for k in fast_extractor.extract(ABSTRACT):
        assert k.count == len(k.occurrences) >= 1
        for start, end in k.occurrences:
            written = " ".join(ABSTRACT[start:end].split())
            assert written.lower() == k.text.lower() or written == k.acronym or k.count > 1


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_an_error(fast_extractor, text):
    with pytest.raises(InputError, match="is empty"):
        fast_extractor.extract(text)


def test_text_without_words_is_an_error(fast_extractor):
    with pytest.raises(InputError, match="has no words"):
        fast_extractor.extract("12 + 7 = 19; 3.5 % 2")


def test_non_english_text_is_refused(fast_extractor):
    with pytest.raises(UnsupportedLanguageError, match="does not look like English"):
        fast_extractor.extract(GERMAN)


@pytest.mark.slow
def test_very_short_texts(graph_extractor):
    assert [k.text for k in graph_extractor.extract("Graph neural networks.")] == ["Graph neural networks"]
    assert graph_extractor.extract("It is what it is.") == []  # no noun phrase: nothing to return


def test_text_over_the_limit_is_an_error():
    ex = KeyphraseExtractor(KeyphrasesConfig(method="fast", max_chars=1000))
    with pytest.raises(InputError, match=r"more than keyphrases\.max_chars"):
        ex.extract("word " * 300)


@pytest.mark.slow
def test_very_long_text_is_processed_in_pieces(fast_extractor, monkeypatch):
    import sciwire.keyphrases.tagging as tagging

    long_text = (ABSTRACT + "\n\n" + OTHER + "\n\n") * 300  # ~330k characters, ~45k words
    phrases = fast_extractor.extract(long_text)
    assert [k.text for k in phrases][:1] and phrases[0].count >= 300
    # the tagged path cuts texts the same way: pieces never exceed the chunk size
    sizes: list[int] = []
    real = tagging.chunk_text
    monkeypatch.setattr(tagging, "chunk_text", lambda t: [p for p in real(t, 2000) if not sizes.append(len(p[1]))])
    ex = KeyphraseExtractor(KeyphrasesConfig(method="graph"))
    assert ex.extract((ABSTRACT + "\n") * 12) == ex.extract((ABSTRACT + "\n") * 12)
    assert sizes and max(sizes) <= 2000


def test_bad_settings_are_config_errors():
    with pytest.raises(ConfigError, match=r"keyphrases\.method"):
        KeyphrasesConfig(method="magic")
    with pytest.raises(ConfigError, match="diversity"):
        KeyphrasesConfig(diversity=2.0)
    with pytest.raises(InputError, match="top must be >= 1"):
        KeyphraseExtractor(KeyphrasesConfig(method="fast")).extract(OTHER, top=0)


def test_an_extractor_without_settings_takes_them_from_sciwire_config(tmp_path, monkeypatch):
    toml = tmp_path / "kp.toml"
    settings = '[keyphrases]\nmethod = "graph"\ntop = 2\n[models]\nmax_tokens = 64\n[input]\nmin_english_ratio = 0.5\n'
    toml.write_text(settings)
    monkeypatch.setenv("SCIWIRE_CONFIG", str(toml))
    ex = KeyphraseExtractor()
    assert (ex.config.method, ex.config.top, ex.min_english_ratio) == ("graph", 2, 0.5)
    assert ex.embedding_scorer.embedder.max_tokens == 64, "the configured encoder, not a bare MiniLM"
    assert KeyphraseExtractor(KeyphrasesConfig(method="fast")).config.method == "fast", "given settings win"
    toml.write_text('[keyphrases]\nmethod = "magic"\n')
    with pytest.raises(ConfigError, match=r"keyphrases\.method must be one of"):
        KeyphraseExtractor()


def test_phrases_do_not_cross_a_title_heading_or_author_line(graph_extractor):
    """Real papers gave "Mycobacterial Growth Abstract Lipid metabolism" and "heat stress Kayla Thomason"."""
    text = (
        "Rift Valley fever in Mozambique\nKayla Thomason\n\nAbstract\n\nRift Valley fever virus infects sheep. "
        "Rift Valley fever outbreaks follow heavy rain, and sheep serology tracks Rift Valley fever exposure.\n"
        "Sheep serology in wet years showed more exposure across the hard-wrapped\nline of text."
    )
    phrases = [k.text.lower() for k in graph_extractor.extract(text, top=30)]
    lines = text.lower().split("\n")
    crossing = [p for p in phrases if not any(p in line for line in lines)]
    assert crossing == ["hard-wrapped line"], phrases  # a hard-wrapped line (lowercase next) is still one phrase


@pytest.mark.parametrize("name", ["fast_extractor", "combined_extractor"])
def test_keyphrases_are_listed_in_score_order(request, name):
    """With maximal marginal relevance the listed order was not the score order (0.848, 0.760, 0.830, ...)."""
    scores = [k.score for k in request.getfixturevalue(name).extract(ABSTRACT, top=15)]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) > 1


@pytest.fixture(scope="module")
def uncached_combined():
    """``combined`` with an encoder without an on-disk cache: every batch really runs the encoder."""
    from sciwire.backends.embeddings import Embedder

    ex = KeyphraseExtractor(KeyphrasesConfig(method="combined"), embedder=Embedder(cache_dir=None))
    ex.warm_up()
    return ex


@pytest.mark.slow
def test_extract_many_in_batches_ranks_each_text_as_extract_does(uncached_combined):
    from tests.keyphrases.conftest import PAPER

    ex = uncached_combined
    texts = [ABSTRACT, OTHER, PAPER, ABSTRACT]
    alone = [ex.extract(t) for t in texts]
    assert ex.extract_many(texts, batch_size=1) == alone  # one text per encoder call: identical
    for size in (2, 64):
        batch = ex.extract_many(texts, batch_size=size)
        assert _texts(batch) == _texts(alone)
        for got, want in zip(batch, alone, strict=True):
            assert [k.score for k in got] == pytest.approx([k.score for k in want], abs=1e-5)
    assert ex.mode(PAPER) == "paper" and ex.mode(ABSTRACT) == "abstract"


@pytest.mark.slow
def test_extract_many_reports_progress_per_batch(fast_extractor):
    seen = []
    fast_extractor.extract_many([ABSTRACT, OTHER, ABSTRACT], on_progress=seen.append, batch_size=2)
    assert seen == [2, 1]


def test_extract_many_refuses_a_batch_size_below_one():
    with pytest.raises(InputError, match=r"^batch_size and jobs must be >= 1, got 0 and 1$"):
        KeyphraseExtractor(KeyphrasesConfig(method="fast")).extract_many([ABSTRACT], batch_size=0)
    with pytest.raises(InputError, match=r"^batch_size and jobs must be >= 1, got 64 and 0$"):
        KeyphraseExtractor(KeyphrasesConfig(method="fast")).extract_many([ABSTRACT], jobs=0)


@pytest.mark.slow
def test_extract_many_in_processes_gives_the_same_lists_in_order(fast_extractor):
    from sciwire.keyphrases.lexicon import forget_chunks

    texts = [ABSTRACT, OTHER] * 5
    alone = fast_extractor.extract_many(texts)
    forget_chunks()  # the processes read the texts as unseen: the same lists all the same
    seen: list[int] = []
    assert fast_extractor.extract_many(texts, batch_size=3, jobs=2, on_progress=seen.append) == alone
    assert seen == [3, 3, 3, 1]


def test_extract_many_in_processes_refuses_the_encoder():
    with pytest.raises(ConfigError, match=r"^jobs > 1 runs only methods without the encoder .*'combined'$"):
        KeyphraseExtractor(KeyphrasesConfig(method="combined")).extract_many([ABSTRACT] * 100, jobs=2)


def test_fast_mode_never_builds_the_encoder():
    from sciwire.keyphrases.candidates import extract_candidates

    ex = KeyphraseExtractor(KeyphrasesConfig(method="fast"))
    assert ex.extract_many([ABSTRACT, OTHER])
    rows, indices = ex.features(extract_candidates(ex.tag([ABSTRACT])[0], ex.settings))
    assert len(rows) == len(indices) > 0
    assert ex._embedding is None  # no encoder, no document pieces read for it
