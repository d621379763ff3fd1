"""``sciwire ask "QUESTION" [--paper FILE | --corpus]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sciwire.cli.common import Common, JsonOpt, StoreOpt, command, out_console
from sciwire.errors import InputError
from sciwire.readers._checks import strip_controls


@command()
def ask_cli(
    question: Annotated[str, typer.Argument(help="The question, in English.")],
    paper: Annotated[Path | None, typer.Option("--paper", "-p", help="Answer from this paper only.")] = None,
    corpus: Annotated[bool, typer.Option("--corpus", help="Answer from the corpus store (the default).")] = False,
    store: StoreOpt = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, max=50, help="How many answers.")] = 3,
    mode: Annotated[str, typer.Option("--mode", help="hybrid, bm25 or dense.")] = "hybrid",
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Find the sentences that answer QUESTION, with their context."""
    from sciwire.qa.api import ask, decide, decision_evidence_count
    from sciwire.qa.report import role_name
    from sciwire.qa.retrieval import NO_ANSWER

    if paper is not None and (corpus or store is not None):
        raise InputError("Give either --paper FILE or --corpus/--store, not both")
    config = common.config()
    found = ask(
        question, paper=paper, store=store, config=config, top_k=max(top, decision_evidence_count(config)), mode=mode
    )
    answers = found[:top]
    if as_json:
        typer.echo(json.dumps([a.__dict__ for a in answers], indent=1, ensure_ascii=False))
        return
    decision = decide(question, found, config)
    if decision is not None:
        verdict = decision.label if decision.decided else f"{NO_ANSWER} ({decision.reason})"
        out_console.print(f"[bold]Decision: {verdict}[/] confidence {decision.confidence:.2f}; evidence:")
        for e in decision.evidence:
            where = ", ".join(x for x in (e.section, role_name(e.role)) if x) or "no section"
            out_console.print(f"   - ({_safe(where)}) {_safe(e.text)}")
    if answers and not any(a.answers for a in answers):
        out_console.print(f"[bold]{NO_ANSWER.capitalize()}.[/] The closest sentences:")
    for n, a in enumerate(answers, start=1):
        where = ", ".join(x for x in (a.section, role_name(a.role)) if x)
        out_console.print(
            f"[bold]{n}. {_safe(a.doc_id)}[/] ({_safe(where) or 'no section'}) confidence {a.confidence:.2f}"
        )
        before, after = _safe(" ".join(a.before)), _safe(" ".join(a.after))
        out_console.print(f"   [dim]{before}[/] [yellow]{_safe(a.text)}[/] [dim]{after}[/]")


def _safe(text: str) -> str:
    """Stored text for the terminal: no rich markup, no escape sequences or bidi controls."""
    return escape(strip_controls(text))
