"""The ``sciwire`` application: one module per command, each calling a library function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from sciwire.cli.analyze import analyze_cli
from sciwire.cli.ask import ask_cli
from sciwire.cli.check import check_cli
from sciwire.cli.classify import classify_cli
from sciwire.cli.corpus import add_cli, list_cli, remove_cli
from sciwire.cli.demo import demo_cli
from sciwire.cli.evaluate import evaluate_app
from sciwire.cli.explain import explain_cli
from sciwire.cli.illustrate import illustrate_cli
from sciwire.cli.keywords import keywords_cli
from sciwire.cli.learn import learn_app
from sciwire.cli.link import link_cli
from sciwire.cli.rank import rank_cli
from sciwire.cli.read import read_cli
from sciwire.cli.relations import relations_cli
from sciwire.cli.serve import serve_cli
from sciwire.cli.tag import tag_cli
from sciwire.cli.train import train_app

app = typer.Typer(
    name="sciwire",
    help="Read scientific papers and the news about them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Command names and their functions, in the order ``sciwire --help`` lists them.
COMMANDS: dict[str, Callable[..., Any]] = {
    "analyze": analyze_cli,
    "read": read_cli,
    "classify": classify_cli,
    "demo": demo_cli,
    "add": add_cli,
    "list": list_cli,
    "remove": remove_cli,
    "ask": ask_cli,
    "check": check_cli,
    "keywords": keywords_cli,
    "link": link_cli,
    "rank": rank_cli,
    "explain": explain_cli,
    "illustrate": illustrate_cli,
    "relations": relations_cli,
    "serve": serve_cli,
    "tag": tag_cli,
}
for name, function in COMMANDS.items():
    app.command(name)(function)
app.add_typer(train_app, name="train")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(learn_app, name="learn")


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
