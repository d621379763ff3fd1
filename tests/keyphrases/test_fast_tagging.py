"""The fast mode's chunk tagger gives exactly what tagging spaCy's tokens one by one gives."""

from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.keyphrases import _nlp
from sciwire.keyphrases import lexicon as lexicon_module
from sciwire.keyphrases._nlp import chunk_text, load_keyphrase_nlp
from sciwire.keyphrases.lexicon import _SENTENCE_END, ChunkTagger, forget_chunks, load_lexicon, tag_with_lexicon
from sciwire.keyphrases.tagging import TaggedText, _add_doc
from tests.keyphrases.conftest import ABSTRACT, PAPER

TRICKY = [
    ABSTRACT,
    PAPER,
    "  Leading spaces. Then a sentence!And one glued? Yes.\n\nA new paragraph\n\n\nafter blank lines.",
    "It ends.\nThe next line is not a new sentence here.\tA tab. Two  spaces. e.g. Fig. 3 and U.S. data...",
    "state-of-the-art multi-agent x--y COVID-19 3-D (HARM), real-time: end-to-end p-values; Smith et al. 2004",
    "don't stop-words well-known 1,000.5 50% input/output [1] “quoted” — dash — end",
]


def reference(texts, tokenizer, lexicon):
    """Tagging as the fast mode did before chunks were remembered: every token of every piece."""

    def tag(token):
        return token.lower_, lexicon.tag(token.lower_, token.text)

    out = []
    for text in texts:
        tagged = TaggedText(text)
        sent = 0
        for offset, piece in chunk_text(text):
            doc = tokenizer.make_doc(piece)
            starts = [False] * len(doc)
            for t in doc[1:]:
                prev = doc[t.i - 1]
                starts[t.i] = prev.text in _SENTENCE_END or (prev.is_space and prev.text.count("\n") > 1)
            sent = _add_doc(tagged, doc, offset, sent, tag, starts)
        out.append(tagged)
    return out


@pytest.fixture(scope="module")
def tokenizer():
    return load_keyphrase_nlp(load_config().models.spacy, tagged=False)


@pytest.mark.slow
def test_chunk_tagger_equals_token_by_token_tagging(tokenizer):
    lexicon = load_lexicon()
    expected = reference(TRICKY, tokenizer, lexicon)
    tagger = ChunkTagger(tokenizer, lexicon)
    first = [tagger.tag(t) for t in TRICKY]  # chunks learnt
    again = [tagger.tag(t) for t in reversed(TRICKY)][::-1]  # chunks remembered, other order
    assert first == expected and again == expected
    assert tag_with_lexicon(TRICKY, tokenizer, lexicon) == expected


@pytest.mark.slow
def test_chunk_tagger_forgets_when_full_and_stays_exact(tokenizer):
    lexicon = load_lexicon()
    tagger = ChunkTagger(tokenizer, lexicon, max_chunks=5)
    assert [tagger.tag(t) for t in TRICKY] == reference(TRICKY, tokenizer, lexicon)
    assert len(tagger._chunks) <= max(5, max(len(set(t.split())) for t in TRICKY))


@pytest.mark.slow
def test_chunk_tagger_on_a_text_cut_into_pieces(tokenizer, monkeypatch):
    monkeypatch.setattr(_nlp, "CHUNK_CHARS", 60)
    monkeypatch.setattr(_nlp.chunk_text, "__defaults__", (60,))
    lexicon = load_lexicon()
    text = PAPER[:600] + "x" * 150 + " tail words here."  # a hard cut inside a word, too
    assert len(chunk_text(text)) > 5
    assert ChunkTagger(tokenizer, lexicon).tag(text) == reference([text], tokenizer, lexicon)[0]


@pytest.mark.slow
def test_forget_chunks_empties_the_memory_and_keeps_the_output(tokenizer):
    lexicon = load_lexicon()
    before = tag_with_lexicon([ABSTRACT], tokenizer, lexicon)
    assert any(t._chunks for t in lexicon_module._TAGGERS.values())
    forget_chunks()
    assert not lexicon_module._TAGGERS
    assert tag_with_lexicon([ABSTRACT], tokenizer, lexicon) == before
