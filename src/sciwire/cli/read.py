"""``sciwire read FILE``: print the parsed Document as JSON (for debugging readers)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sciwire.cli.common import ConfigOpt, SetOpt, VerboseOpt, build_config, run_safely, setup_logging


def read_cli(
    file: Annotated[Path, typer.Argument(help="A PDF, JATS XML, HTML, Markdown/text or Document JSON file.")],
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="paper or news (default: from the format).")] = None,
    sentences: Annotated[bool, typer.Option("--sentences", help="Also split sentences and find entities.")] = False,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Read FILE and print the Document as JSON."""
    setup_logging(verbose)

    def body() -> None:
        from sciwire.errors import InputError
        from sciwire.readers import read

        if kind is not None and kind not in ("paper", "news"):
            raise InputError(f"--kind must be 'paper' or 'news', got {kind!r}")
        cfg = build_config(config, set_)
        doc = read(file, kind=kind, config=cfg.input)
        if sentences:
            from sciwire.backends.spacy_nlp import load_spacy
            from sciwire.nlp import annotate

            doc = annotate(doc, load_spacy(cfg.models.spacy))
        typer.echo(doc.to_json(indent=1))

    run_safely(body)
