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
