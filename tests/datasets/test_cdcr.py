from __future__ import annotations

import pytest

from sciwire.datasets.cdcr import detokenize, load_papers, load_split, news_with_papers
from sciwire.errors import InputError


def test_detokenize():
    tokens = 'Europe \'s men ( aged 5,000 - 10,000 years ) said " yes " , and left .'.split()
    assert detokenize(tokens) == 'Europe\'s men (aged 5,000-10,000 years) said "yes", and left.'


def test_missing_data_folder_gives_a_hint(tmp_path):
    with pytest.raises(InputError, match="Set SCIWIRE_DATA"):
        load_split(tmp_path, "train")


@pytest.mark.data
def test_load_cdcr_train_dev(data_dir):
    train = load_split(data_dir, "train")
    pairs = news_with_papers(train)
    assert len(pairs) == 150
    papers = load_papers(data_dir)
    assert all(pid in papers and papers[pid]["abstract"] for _, pid in pairs)
    assert all(d.sentences and d.kind == "news" for d, _ in pairs)
