"""Records from files (jsonl, csv, text cut into units) and from the corpus store."""

from __future__ import annotations

import pytest

from sciwire.errors import InputError
from sciwire.learn.records import records_from_file


def test_table_rows_are_records_with_ids_and_groups(tmp_path, config):
    path = tmp_path / "rows.csv"
    path.write_text("id,text,paper\na,First text.,p1\n,Second text.,p2\n")
    recs = records_from_file(path, "sentence", config)
    assert [(r.id, r.group) for r in recs] == [("a", "p1"), ("rows:2", "p2")]
    path.write_text("id,text\na,\n")
    with pytest.raises(InputError, match="record 1 has no 'text'"):
        records_from_file(path, "sentence", config)
    jl = tmp_path / "rows.jsonl"
    jl.write_text('{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n')
    with pytest.raises(InputError, match="record id 'x' appears more than once"):
        records_from_file(jl, "sentence", config)


@pytest.mark.slow
def test_a_text_file_is_cut_into_sentences_paragraphs_or_kept_whole(tmp_path, config):
    path = tmp_path / "story.txt"
    path.write_text(
        "Mice slept longer after the diet changed. The effect lasted two weeks.\n\n"
        "A second paragraph says the authors will test people next year in a new trial."
    )
    sentences = records_from_file(path, "sentence", config)
    assert [r.text for r in sentences][:2] == [
        "Mice slept longer after the diet changed.",
        "The effect lasted two weeks.",
    ]
    assert {r.group for r in sentences} == {"story"}
    assert len(records_from_file(path, "paragraph", config)) == 2
    assert len(records_from_file(path, "document", config)) == 1


def test_records_from_the_corpus_store_keep_the_paper_as_group(tmp_path, config):
    import numpy as np

    from sciwire.document import Document, Sentence
    from sciwire.learn import api
    from sciwire.store import open_store

    text = "Mice slept longer. The effect lasted.\n\nA second paragraph."
    doc = Document("paper1", "paper", "T", text, sentences=(Sentence(0, 0, 18), Sentence(1, 19, 37)))
    with open_store(config) as store:
        store.add(doc, np.zeros((2, 4), dtype=np.float32), "h1", "test-model")
    made = api.new_task("s", ["a", "b"], config, from_store=True)
    assert made["records"] == 2
    task = api.load_task("s", config)
    assert [(r.id, r.text, r.group) for r in task.records] == [
        ("paper1:0", "Mice slept longer.", "paper1"), ("paper1:1", "The effect lasted.", "paper1")
    ]  # fmt: skip
    api.new_task("p", ["a", "b"], config, from_store=True, unit="paragraph")
    assert [r.text for r in api.load_task("p", config).records] == [text[:37], "A second paragraph."]
