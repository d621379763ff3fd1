"""The ``sciwire`` application: one module per command, each calling a library function."""

from __future__ import annotations

import typer

from sciwire.cli.analyze import analyze_cli
from sciwire.cli.ask import ask_cli
from sciwire.cli.check import check_cli
from sciwire.cli.classify import classify_cli
from sciwire.cli.corpus import add_cli, list_cli, remove_cli
from sciwire.cli.demo import demo_cli
from sciwire.cli.evaluate import evaluate_app
from sciwire.cli.keywords import keywords_cli
from sciwire.cli.link import link_cli
from sciwire.cli.rank import rank_cli
from sciwire.cli.read import read_cli
from sciwire.cli.train import train_app

app = typer.Typer(
    name="sciwire",
    help="Read scientific papers and the news about them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("analyze")(analyze_cli)
app.command("read")(read_cli)
app.command("classify")(classify_cli)
app.command("demo")(demo_cli)
app.command("add")(add_cli)
app.command("list")(list_cli)
app.command("remove")(remove_cli)
app.command("ask")(ask_cli)
app.command("check")(check_cli)
app.command("keywords")(keywords_cli)
app.command("link")(link_cli)
app.command("rank")(rank_cli)
app.add_typer(train_app, name="train")
app.add_typer(evaluate_app, name="evaluate")


def version_callback(value: bool) -> None:
    if value:
        import sciwire

        typer.echo(f"sciwire {sciwire.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Read scientific papers and the news about them."""
