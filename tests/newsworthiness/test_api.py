"""``rank_files``: bad input fails before anything is written (the full run is in test_cli.py)."""

from __future__ import annotations

import pytest

from sciwire.config import load_config
from sciwire.errors import InputError
from sciwire.newsworthiness.api import rank_files


def test_bad_input_writes_nothing(tmp_path):
    csv, html = tmp_path / "out" / "rank.csv", tmp_path / "out" / "rank.html"
    with pytest.raises(InputError, match="does not exist"):
        rank_files([tmp_path / "missing.jsonl"], load_config(environ={}), csv=csv, html=html)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "title": "A"}\n{"title": "no id"}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:2: a paper needs an 'id'"):
        rank_files([bad], load_config(environ={}), csv=csv, html=html)
    assert not (tmp_path / "out").exists()
