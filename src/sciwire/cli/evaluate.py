"""``sciwire evaluate <capability>``: measure a model on labelled data, with a receipt.

Each capability adds its subcommand to :data:`evaluate_app`.
"""

from __future__ import annotations

import typer

evaluate_app = typer.Typer(help="Evaluate a model on your own labelled data.")
