"""``sciwire ask "QUESTION" [--paper FILE | --corpus]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sciwire.cli.common import ConfigOpt, SetOpt, VerboseOpt, build_config, out_console, run_safely, setup_logging


def ask_cli(
    question: Annotated[str, typer.Argument(help="The question, in English.")],
    paper: Annotated[Path | None, typer.Option("--paper", "-p", help="Answer from this paper only.")] = None,
    corpus: Annotated[bool, typer.Option("--corpus", help="Answer from the corpus store (the default).")] = False,
    store: Annotated[Path | None, typer.Option("--store", help="The store file (default: paths.store).")] = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=50, help="How many answers.")] = 3,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, bm25 or dense.")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Find the sentences that answer QUESTION, with their context."""
    setup_logging(verbose)

    def body() -> None:
        from sciwire.errors import InputError
        from sciwire.qa import ask
        from sciwire.store import SQLiteStore

        if paper is not None and (corpus or store is not None):
            raise InputError("Give either --paper FILE or --corpus/--store, not both")
        cfg = build_config(config, set_)
        if store is not None:
            with SQLiteStore(store) as st:
                answers = ask(question, store=st, config=cfg, top_k=top, mode=mode)
        else:
            answers = ask(question, paper=paper, config=cfg, top_k=top, mode=mode)
        if as_json:
            typer.echo(json.dumps([a.__dict__ for a in answers], indent=1, ensure_ascii=False))
            return
        for n, a in enumerate(answers, start=1):
            where = ", ".join(x for x in (a.section, a.role) if x)
            out_console.print(
                f"[bold]{n}. {escape(a.doc_id)}[/] ({escape(where) or 'no section'}) confidence {a.confidence:.2f}"
            )
            context = " ".join(a.before)
            out_console.print(
                f"   [dim]{escape(context)}[/] [yellow]{escape(a.text)}[/] [dim]{escape(' '.join(a.after))}[/]"
            )

    run_safely(body)
