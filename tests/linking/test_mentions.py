"""Mention detection with the parser pipeline (real spaCy model), and CD²CR preparation (data)."""

from __future__ import annotations

import pytest

from sciwire.backends.spacy_parser import load_spacy_parser
from sciwire.config import DEFAULT_SPACY_MODEL
from sciwire.document import Document, Sentence
from sciwire.errors import DocumentError
from sciwire.linking.mentions import Mention, detect_mentions, parse_sentences, resolve_pronouns

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def parser():
    return load_spacy_parser(DEFAULT_SPACY_MODEL)


def doc_of(kind: str, *sentences: str) -> Document:
    text, sents, pos = "", [], 0
    for i, s in enumerate(sentences):
        sents.append(Sentence(i, pos, pos + len(s)))
        text += s + " "
        pos += len(s) + 1
    return Document("d", kind, "", text, sentences=tuple(sents))


def test_noun_phrases_entities_and_resolvable_pronouns(parser):
    doc = doc_of("news", "The World Health Organization tested the vaccine.", "It cut infections in Oxford by 40%.")
    ms = detect_mentions(doc, parse_sentences(doc, parser))
    by_text = {m.text: m for m in ms}
    assert by_text["The World Health Organization"].kind in ("entity", "noun_phrase")
    assert by_text["Oxford"].kind == "entity" and by_text["Oxford"].label == "GPE"
    assert by_text["the vaccine"].head == "vaccine"
    it = by_text["It"]
    assert it.kind == "pronoun" and ms[it.antecedent].text in ("the vaccine", "The World Health Organization")
    assert all(doc.text[m.start : m.end] == m.text for m in ms)


def test_we_is_an_author_mention_in_papers_only(parser):
    for kind, expected in (("paper", ["author"]), ("news", [])):
        doc = doc_of(kind, "We measured sleep.")
        kinds = [m.kind for m in detect_mentions(doc, parse_sentences(doc, parser)) if m.text == "We"]
        assert kinds == expected


def test_pronoun_without_antecedent_is_dropped():
    it = Mention("d", 0, 2, "It", "it", frozenset(), "pronoun", 0)
    assert resolve_pronouns([it]) == []
    assert resolve_pronouns([it], drop_unresolved=False) == [it]


def test_pretokenised_words_must_match(parser):
    doc = doc_of("news", "Mice sleep .")
    assert len(parse_sentences(doc, parser, [["Mice", "sleep", "."]])) == 1
    with pytest.raises(DocumentError, match="pre-tokenised words"):
        parse_sentences(doc, parser, [["Rats"]])


@pytest.mark.data
def test_cdcr_topics_prepare_gold_and_predicted_mentions(data_dir, parser):
    from sciwire.backends.token_vectors import load_token_encoder
    from sciwire.datasets.cdcr_coref import load_coref_split
    from sciwire.linking.cdcr import key, prepare_topics, training_pairs

    topics = prepare_topics(load_coref_split(data_dir, "dev")[:2], parser, load_token_encoder("all-MiniLM-L6-v2"))
    for t in topics:
        assert len(t.gold.mentions) == len(t.gold_clusters) == len(t.gold.context)
        gold = {key(m) for m in t.gold.mentions}
        assert len(gold & {key(m) for m in t.predicted.mentions}) >= len(gold) // 2
    x, y = training_pairs(topics)
    assert x.shape[0] == len(y) and 0 < y.sum() < len(y)
