"""The fidelity step of ``sciwire analyze`` (see :mod:`sciwire.fidelity.assess` for the layers)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import sciwire.fidelity.report  # noqa: F401  (registers the panel, badges and summary)
from sciwire.config import Config, FidelityConfig
from sciwire.document import Document
from sciwire.fidelity.assess import assess
from sciwire.fidelity.bundle import FidelityModels

if TYPE_CHECKING:
    from sciwire.pipeline import StepContext


class FidelityStep:
    """Adds ``findings`` to the paper and ``fidelity`` (verdict per aligned sentence) to every story.

    Args:
        models: Loaded models; by default ``warm_up`` loads ``fidelity.model_dir`` (or the shipped ones).

    Example:
        >>> FidelityStep().name
        'fidelity'
    """

    name = "fidelity"

    def __init__(self, models: FidelityModels | None = None) -> None:
        self._models = models
        self._config = FidelityConfig()

    def warm_up(self, config: Config) -> None:
        """Load the fidelity models (once)."""
        self._config = config.fidelity
        if self._models is None:
            self._models = FidelityModels.load(config.fidelity.model_dir or None)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Judge every aligned story sentence; returns new documents."""
        if self._models is None:
            self.warm_up(context.config)
        assert self._models is not None
        return assess(paper, stories, self._models, self._config)
