"""sciwire ask: refusals are one line, with no traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from sciwire.cli.main import app

runner = CliRunner()


def test_ask_with_a_folder_as_the_paper_is_one_line(tmp_path):
    (tmp_path / "a.md").write_text("# Mice\n\nMice slept longer when they were fed at night only.\n")
    (tmp_path / "b.md").write_text("# Rats\n\nRats slept longer when they were fed at night only.\n")
    result = runner.invoke(app, ["ask", "How long did the mice sleep?", "--paper", str(tmp_path)])
    assert result.exit_code == 1
    assert "is a folder, but a question is answered from one paper file" in result.output
    assert isinstance(result.exception, SystemExit)  # not the ValueError it was
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_ask_prints_stored_text_without_escape_sequences(monkeypatch):
    import sciwire.qa.api
    from sciwire.qa.retrieval import Answer

    hostile = "Mice \x1b[31mslept\x1b[0m \u202elonger [bold]x[/]."
    answer = Answer("p\x1b]0;t\x071", 0, hostile, 1.0, 0.9, 0.8, 1, 1, section="results", before=("\x1b[2J",))
    monkeypatch.setattr(sciwire.qa.api, "ask", lambda *args, **kwargs: [answer])
    result = runner.invoke(app, ["ask", "How long did the mice sleep?"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in ("\x1b", "\x07", "\u202e")), repr(result.output)
    assert "Mice [31mslept[0m longer [bold]x[/]." in result.output
