"""Long inputs: chunks cut at sentence ends, spaCy batches bounded by characters, a text limit."""

from __future__ import annotations

import importlib

import pytest

from sciwire.config import InputConfig
from sciwire.document import Document
from sciwire.errors import InputError
from sciwire.nlp import annotate, annotate_many
from sciwire.readers import read_text

annotate_module = importlib.import_module("sciwire.nlp.annotate")  # the name is shadowed by the function
SENTENCE = "Mice that ate within 8 h slept 20 min longer than controls. "


def test_long_single_line_is_cut_at_sentence_ends_not_inside_sentences(nlp, monkeypatch):
    monkeypatch.setattr(annotate_module, "MAX_CHUNK_CHARS", 500)
    text = SENTENCE * 40  # 2,400 characters on one line: five chunks
    doc = annotate(Document(id="long", kind="paper", title="", text=text), nlp)
    assert [doc.text[s.start : s.end] for s in doc.sentences] == [SENTENCE.strip()] * 40


def test_spacy_batches_are_bounded_by_characters(nlp, monkeypatch):
    monkeypatch.setattr(annotate_module, "MAX_CHUNK_CHARS", 500)
    monkeypatch.setattr(annotate_module, "BATCH_CHARS", 1_000)
    seen: list[int] = []
    pipe = nlp.pipe

    def spy(texts, **kwargs):
        texts = list(texts)
        if kwargs.get("as_tuples"):  # spaCy calls pipe again without the tuples
            seen.append(sum(len(t) for t, _ in texts))
        return pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", spy)
    docs = [Document(id=f"d{i}", kind="paper", title="", text=SENTENCE * 20) for i in range(3)]
    out = annotate_many(docs, nlp)
    assert len(seen) > 3 and max(seen) <= 1_000
    assert [len(d.sentences) for d in out] == [20, 20, 20]


def test_text_longer_than_max_chars_is_refused_with_the_setting_to_raise():
    with pytest.raises(
        InputError,
        match=r"^story has 1,199 characters of text, more than input.max_chars=1000 .*"
        r"raise it with --set input.max_chars=1200$",
    ):
        read_text(SENTENCE * 20, name="story", config=InputConfig(max_chars=1000))
