from __future__ import annotations

import numpy as np
import pytest

from sciwire.config import load_config
from sciwire.document import Document, Sentence
from sciwire.errors import InputError
from sciwire.examples import story_paths
from sciwire.linking.api import link_story
from sciwire.linking.papers import load_papers
from sciwire.store import SQLiteStore

EMPTY = r"The paper collection .* is empty: expected at least one paper"


def test_jsonl_papers_have_title_abstract_and_metadata(decoys_jsonl):
    papers = load_papers(decoys_jsonl)
    assert [p.id for p in papers] == ["decoy-caffeine", "decoy-fasting-glucose", "decoy-night-light"]
    first = papers[0]
    assert first.kind == "paper" and first.title.startswith("Evening Caffeine")
    assert [s.name for s in first.sections] == ["title", "abstract"]
    assert first.metadata.doi == "10.5555/decoy.caffeine.2025" and first.metadata.authors[0] == "Ingrid Solberg"


def test_empty_collections_have_one_clear_error(tmp_path):
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match=EMPTY):
        load_papers(tmp_path / "empty.jsonl")
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError, match=EMPTY):
        load_papers(tmp_path / "folder")
    with SQLiteStore(tmp_path / "store.sqlite") as store, pytest.raises(InputError, match=EMPTY):
        load_papers(store)


def test_bad_inputs(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        load_papers(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "ok", "abstract": "fine"}\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2 is not valid JSON"):
        load_papers(bad)
    (tmp_path / "nothing.jsonl").write_text('{"doi": "10.1/x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r'nothing\.jsonl:1: a paper needs "title" or "abstract"'):
        load_papers(tmp_path / "nothing.jsonl")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.txt has only 1 words"):
        load_papers(tmp_path / "notes.txt")  # a paper file named directly is read, not skipped


def test_papers_from_a_store_file(tmp_path):
    path = tmp_path / "corpus.sqlite"
    doc = Document("p1", "paper", "Mice", "Mice sleep. Rats eat.", sentences=(Sentence(0, 0, 11), Sentence(1, 12, 21)))
    with SQLiteStore(path) as store:
        store.add(doc, np.eye(2, 3, dtype=np.float32), "h1", "m")
    (loaded,) = load_papers(path)
    assert loaded.id == "p1" and len(loaded.sentences) == 2


def test_a_folder_skips_unreadable_papers_but_not_bad_records(tmp_path, decoys_jsonl, caplog):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "decoys.jsonl").write_text(decoys_jsonl.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    papers = load_papers(folder)
    assert [p.id for p in papers] == ["decoy-caffeine", "decoy-fasting-glucose", "decoy-night-light"]
    assert "Skipping" in caplog.text and "broken.pdf" in caplog.text
    (folder / "more.jsonl").write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"more\.jsonl:1: expected a JSON object"):
        load_papers(folder)


def test_duplicate_ids_are_made_unique(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "a", "title": "One"}\n{"id": "a", "title": "Two"}\n', encoding="utf-8")
    assert [p.id for p in load_papers(path)] == ["a", "a-2"]


def test_linking_to_the_corpus_store_before_it_exists_says_how_to_fill_it(tmp_path):
    cfg = load_config(environ={"SCIWIRE_STORE": str(tmp_path / "none.sqlite")})
    with pytest.raises(InputError, match=r"corpus store .*none\.sqlite does not exist yet; fill it with 'sciwire add"):
        link_story(story_paths()[0], None, cfg)
    assert not (tmp_path / "none.sqlite").exists()
