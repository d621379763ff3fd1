from __future__ import annotations

import pytest

from sciwire.datasets.cdcr_coref import load_checklist, load_coref_split, load_tokens
from sciwire.errors import InputError


def test_missing_data_folder_gives_a_hint(tmp_path):
    with pytest.raises(InputError, match="Set SCIWIRE_DATA"):
        load_coref_split(tmp_path, "dev")


@pytest.mark.data
def test_dev_topics_tokens_and_gold_mentions(data_dir):
    topics = load_coref_split(data_dir, "dev")
    assert len(topics) == 71
    assert sum(len(t.mentions) for t in topics) == 1821
    topic = topics[0]
    doc, spans = topic.news.to_document()
    assert doc.kind == "news" and len(doc.sentences) == len(topic.news.sentences)
    for m in topic.mentions:
        if m.doc_id == topic.news.doc_id:
            a, b = spans[m.token_ids[0]][0], spans[m.token_ids[-1]][1]
            assert doc.text[a:b] == m.text
    assert all(m.cluster.startswith("dev:") for m in topic.mentions)


@pytest.mark.data
def test_checklist_pairs(data_dir):
    pairs = load_checklist(data_dir)
    assert len(pairs) == 210
    assert {p.category for p in pairs} == {"Anaphora", "Paraphrasing", "Subset"}
    assert sum(p.coreferent for p in pairs) == 110
    assert len(load_tokens(data_dir, "dev")) == 142
