from __future__ import annotations

import json

import pytest

from sciwire.datasets.csabstruct import CSABSTRUCT_LABELS, load_csabstruct
from sciwire.errors import InputError


def test_split_and_label_checks(tmp_path):
    with pytest.raises(InputError, match="the test split is held back"):
        load_csabstruct(tmp_path, "test")
    folder = tmp_path / "csabstruct"
    folder.mkdir()
    row = {"abstract_id": 1, "sentences": ["A.", "B."], "labels": ["method", "novelty"], "confs": [1, 1]}
    (folder / "train.jsonl").write_text(json.dumps(row) + "\n")
    with pytest.raises(InputError, match=r"unknown labels \['novelty'\]"):
        load_csabstruct(tmp_path, "train")


@pytest.mark.data
def test_load_csabstruct(data_dir):
    train, dev = load_csabstruct(data_dir, "train"), load_csabstruct(data_dir, "dev")
    assert (len(train), len(dev)) == (1668, 295)
    assert sum(len(a.sentences) for a in dev) == 2026
    assert {label for a in train for label in a.labels} == set(CSABSTRUCT_LABELS)
