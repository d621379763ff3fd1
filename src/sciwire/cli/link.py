"""``sciwire link STORY --papers PATH``: which paper is this story about?"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sciwire.cli.common import Common, JsonOpt, command, out_console
from sciwire.errors import InputError


@command()
def link_cli(
    story: Annotated[Path, typer.Argument(help="The news story (HTML, text or Document JSON).")],
    papers: Annotated[
        Path | None,
        typer.Option("--papers", "-p", help="A folder of papers, a JSONL file (title, abstract...) or a store file."),
    ] = None,
    corpus: Annotated[bool, typer.Option("--corpus", help="Use the corpus store (paths.store) as the papers.")] = False,
    top: Annotated[int | None, typer.Option("--top", "-k", min=1, max=100, help="How many papers to show.")] = None,
    as_json: JsonOpt = False,
    *,
    common: Common,
) -> None:
    """Rank the papers STORY is most likely about, with the evidence for each."""
    from sciwire.linking.api import link_story

    if (papers is None) == (not corpus):
        raise InputError("Give the papers with --papers PATH, or --corpus for the corpus store (one of the two)")
    matches = link_story(story, papers, common.config(), top)
    if as_json:
        typer.echo(json.dumps([m.to_dict() for m in matches], indent=1, ensure_ascii=False))
        return
    for m in matches:
        title = f" {escape(m.title[:80])}" if m.title else ""
        doi = f" doi:{escape(m.doi)}" if m.doi else ""
        out_console.print(f"[bold]{m.rank}. {escape(m.paper_id)}[/]{title}{doi}  p={m.probability:.2f}")
        for reason in m.reasons:
            out_console.print(f"   - {escape(reason)}")
