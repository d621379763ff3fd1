"""``sciwire classify FILE``: print the discourse role of every sentence of a paper."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import ConfigOpt, SetOpt, VerboseOpt, build_config, progress_bars, run_safely, setup_logging


def classify_cli(
    file: Annotated[Path, typer.Argument(help="A paper: PDF, JATS XML, Markdown/text or Document JSON.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per sentence.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Also print why (words, similar training sentences).")
    ] = False,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Print the Core Scientific Concept of every sentence (and the rhetorical role of abstract sentences)."""
    setup_logging(verbose)

    def body() -> None:
        import json

        from sciwire.analysis import ABSTRACT_ROLES, DISCOURSE
        from sciwire.discourse.api import classify_file
        from sciwire.discourse.labels import ABSTRACT, CORESC

        cfg = build_config(config, set_)
        with progress_bars() as progress:
            progress.start("Embedding sentences", 0)
            doc = classify_file(file, cfg, progress.advance)
        abstract = {span.attrs["sentence"]: span for span in doc.layer(ABSTRACT_ROLES)}
        for span in doc.layer(DISCOURSE):
            index = span.attrs["sentence"]
            extra = abstract.get(index)
            text = doc.span_text(span)
            if as_json:
                row = {
                    "sentence": index,
                    "role": span.label,
                    "name": CORESC.name(span.label),
                    "probability": span.score,
                    "abstract_role": extra.label if extra else None,
                    "text": text,
                }
                if explain:
                    row["explanation"] = span.attrs.get("explanation")
                typer.echo(json.dumps(row, ensure_ascii=False))
                continue
            role = f"{CORESC.name(span.label):<11} {span.score or 0:.2f}"
            if extra is not None:
                role += f"  [{ABSTRACT.name(extra.label)} {extra.score or 0:.2f}]"
            short = text if len(text) <= 90 else text[:87] + "..."
            typer.echo(f"{index:>4}  {role:<36}  {short}")
            if explain:
                expl = span.attrs.get("explanation") or {}
                words = ", ".join(f"{w} ({c:+.2f})" for w, c in expl.get("lexical", []))
                similar = ", ".join(f"{CORESC.name(lab)} {sim:.2f}" for _, lab, sim in expl.get("neighbours", []))
                typer.echo(f"{'':>6}why: {words or '-'}; context {expl.get('context', 0):+.2f}; similar: {similar}")

    run_safely(body)
