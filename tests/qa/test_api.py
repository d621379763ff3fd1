"""sciwire.qa.api: errors that must come before any model loads."""

from __future__ import annotations

import pytest

from sciwire.config import Config
from sciwire.errors import InputError
from sciwire.qa import api
from sciwire.qa.api import ask


def _no_model(config):
    raise AssertionError("the embedder must not load for a refused paper")


@pytest.mark.parametrize("files", [["a.md", "b.md"], []])
def test_a_folder_as_the_paper_is_a_one_line_error(tmp_path, monkeypatch, files):
    # was: ValueError: too many values to unpack (2 files) / not enough values (empty folder)
    monkeypatch.setattr(api, "make_embedder", _no_model)
    for name in files:
        (tmp_path / name).write_text("# Mice\n\nMice slept longer when they were fed at night only.\n")
    with pytest.raises(
        InputError,
        match=rf"^{tmp_path} is a folder, but a question is answered from one paper file; give one file, or add "
        rf"the folder's papers to the corpus store \(sciwire add {tmp_path}\) and ask the store$",
    ):
        ask("How long did the mice sleep?", paper=tmp_path, config=Config())
