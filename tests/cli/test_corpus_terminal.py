"""sciwire list / rank: stored titles never drive the terminal (escape sequences, bidi controls)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from rich.console import Console
from typer.testing import CliRunner

import sciwire.store
from sciwire.cli.main import app
from sciwire.cli.rank import _table
from sciwire.store.base import StoredDocument

HOSTILE = "Mice \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \u202eevil [bold]x[/]"
UNSAFE = ("\x1b", "\x07", "\u202e")


def test_list_strips_escape_sequences_from_stored_titles(monkeypatch, tmp_path):
    row = StoredDocument("p\x1b[2J1", "paper", HOSTILE, None, "h", 3, "2026-01-01")
    monkeypatch.setattr(sciwire.store, "list_documents", lambda cfg, store: [row])
    monkeypatch.setattr(sciwire.store, "store_path", lambda cfg, store: tmp_path / "corpus.sqlite")
    result = CliRunner().invoke(app, ["list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in UNSAFE), repr(result.output)
    assert "Mice [31mRED[0m ]0;pwned evil [bold]x[/]" in result.output  # printed as text, never markup


def test_rank_table_strips_escape_sequences_from_titles():
    paper = SimpleNamespace(title=HOSTILE, id="p1")
    row = SimpleNamespace(rank=1, paper=paper, score=0.5, probability=None, vote_share=None, reasons=["+ \x1b[1mx"])
    ranking = SimpleNamespace(trained_on_judgements=False, model_name="default", note="n", papers=[row])
    out = io.StringIO()
    Console(file=out, width=200, force_terminal=False).print(_table(ranking))  # type: ignore[arg-type]
    assert not any(c in out.getvalue() for c in UNSAFE), repr(out.getvalue())
    assert "Mice [31mRED[0m ]0;pwned evil [bold]x[/]" in out.getvalue()
