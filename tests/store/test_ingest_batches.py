"""add_files in batches: one encoder call and one transaction per batch, receipts per paper (no real models)."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.document import Sentence
from sciwire.store import AddInterrupted, SQLiteStore, add_files
from sciwire.store import ingest as ingest_module


class FakeEncoder:
    """Stands in for the Embedder: records how many texts each call got."""

    model_key = "fake"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts):
        self.calls.append(len(texts))
        rng = np.random.default_rng(len(texts))
        return rng.normal(size=(len(texts), 4)).astype(np.float32)


def split_sentences(docs, nlp):
    """Stands in for spaCy: one sentence per '. '-separated piece of the text."""
    out = []
    for doc in docs:
        spans = [m.span() for m in re.finditer(r"[^.]+\.", doc.text)]
        out.append(doc.replace(sentences=tuple(Sentence(i, a, b) for i, (a, b) in enumerate(spans))))
    return out


@pytest.fixture
def fake_models(monkeypatch):
    monkeypatch.setattr(ingest_module, "load_spacy", lambda name: object())
    monkeypatch.setattr(ingest_module, "annotate_many", split_sentences)
    monkeypatch.setattr(ingest_module, "BATCH_DOCS", 2)
    return FakeEncoder()


def abstracts(folder, n):
    for i in range(n):
        (folder / f"a{i}.txt").write_text(f"Mice {i} sleep. Rats {i} eat more.\n")
    return sorted(folder.glob("*.txt"))


def test_abstracts_share_encoder_calls_and_commits(tmp_path, fake_models, caplog):
    files = abstracts(tmp_path, 5)
    steps: list[int] = []
    with SQLiteStore(tmp_path / "s.sqlite") as store, caplog.at_level(logging.INFO, "sciwire.store.ingest"):
        results = add_files(store, files, load_config(environ={}), fake_models, on_progress=steps.append)
        assert [d.id for d in store.documents()] == ["a0", "a1", "a2", "a3", "a4"]
    assert fake_models.calls == [4, 4, 2], "one encoder call per batch of 2 abstracts (2 sentences each)"
    assert [r.status for r in results] == ["added"] * 5 and sum(steps) == 5
    receipts = [r.sciwire_added for r in caplog.records if hasattr(r, "sciwire_added")]
    assert receipts == ["a0", "a1", "a2", "a3", "a4"], "one receipt per paper"


def test_a_long_document_is_a_batch_of_its_own(tmp_path, fake_models, monkeypatch):
    monkeypatch.setattr(ingest_module, "BATCH_CHARS", 100)
    files = abstracts(tmp_path, 3)
    (tmp_path / "a1.txt").write_text("Long sentence about mice. " * 10)
    with SQLiteStore(tmp_path / "s.sqlite") as store:
        add_files(store, files, load_config(environ={}), fake_models)
    assert fake_models.calls == [12, 2], "a0 + the long a1 close the first batch; a2 is the last"


def test_duplicates_and_empty_files_in_one_batch(tmp_path, fake_models):
    files = abstracts(tmp_path, 1)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(files[0].read_bytes())
    blank = tmp_path / "blank.txt"
    blank.write_text("a line of words without any sentence end in it\n")
    with SQLiteStore(tmp_path / "s.sqlite") as store:
        results = add_files(store, [files[0], blank, copy], load_config(environ={}), fake_models)
        assert [d.id for d in store.documents()] == ["a0"]
    assert [(r.status, r.doc_id) for r in results] == [("added", "a0"), ("failed", None), ("unchanged", "a0")]
    assert results[1].message == "blank.txt: no sentences found"


def test_ctrl_c_mid_batch_reports_the_committed_batches_only(tmp_path, fake_models, monkeypatch):
    files = abstracts(tmp_path, 5)
    real_read = ingest_module.read
    calls: list[object] = []

    def read(path, **kwargs):  # Ctrl-C while reading the 4th file: the batch a2 + a3 is not complete
        calls.append(path)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real_read(path, **kwargs)

    monkeypatch.setattr(ingest_module, "read", read)
    with SQLiteStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(AddInterrupted) as info:
            add_files(store, files, load_config(environ={}), fake_models)
        assert [d.id for d in store.documents()] == ["a0", "a1"]
    assert [r.doc_id for r in info.value.added] == ["a0", "a1"]
    assert str(info.value) == "Interrupted after 2 of 5 papers were added: a0, a1; nothing else was written."


def test_reference_list_sentences_are_not_embedded():
    from sciwire.store.ingest import sentence_vectors
    from tests.store.test_store import make_doc

    encoder = FakeEncoder()
    first, second = sentence_vectors([make_doc("p1", n=3), make_doc("p2", n=2)], encoder)
    assert encoder.calls == [5], "one call; the two reference lines are left out"
    assert first.shape == (4, 4) and second.shape == (3, 4)
    assert not first[3].any() and not second[2].any() and first[:3].any(axis=1).all()
