"""Ctrl-C during add_files: the papers committed before it are reported, and nothing else is written."""

from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.examples import paper_path, story_paths
from sciwire.store import SQLiteStore, add_files
from sciwire.store import ingest as ingest_module


@pytest.mark.slow
def test_ctrl_c_during_add_says_what_was_committed(tmp_path, interrupt_second_read, embedder):
    files = [paper_path(), *story_paths()[:2]]
    assert len(paper_path().read_text("utf-8")) > ingest_module.BATCH_CHARS, "the paper is a batch of its own"
    with SQLiteStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(ingest_module.AddInterrupted) as info:
            add_files(store, files, load_config(environ={}), embedder)
        assert [r.doc_id for r in info.value.added] == ["paper"]
        assert [d.id for d in store.documents()] == ["paper"]
    assert str(info.value) == "Interrupted after 1 of 3 papers were added: paper; nothing else was written."
    assert isinstance(info.value, KeyboardInterrupt)
