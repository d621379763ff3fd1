"""The fidelity step of ``sciwire analyze`` (see :mod:`sciwire.fidelity.assess` for the layers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sciwire.analysis import (
    ABSTRACT_ROLES,
    ALIGNMENT,
    DISCOURSE,
    FIDELITY,
    FINDINGS,
    SENTENCES,
    BaseStep,
    ReportParts,
    StepContext,
    folder_label,
)
from sciwire.config import Config
from sciwire.document import Document
from sciwire.fidelity import report
from sciwire.fidelity.assess import assess
from sciwire.fidelity.bundle import CERTAINTY_DIR, CONCLUSION_DIR, STRENGTH_DIR, FidelityModels, bundled_model_dir


class FidelityStep(BaseStep):
    """Adds ``findings`` to the paper and ``fidelity`` (verdict per aligned sentence) to every story.

    Reads the discourse roles when the discourse step ran before it (findings by role).

    Args:
        models: Loaded models; by default ``warm_up`` loads ``fidelity.model_dir`` (or the shipped ones).

    Example:
        >>> step = FidelityStep()
        >>> step.name, step.reads, step.writes
        ('fidelity', ('sentences', 'alignment'), ('findings', 'fidelity'))
    """

    name = FIDELITY
    reads = (SENTENCES, ALIGNMENT)
    optional_reads = (DISCOURSE, ABSTRACT_ROLES)
    writes = (FINDINGS, FIDELITY)

    def __init__(self, models: FidelityModels | None = None) -> None:
        self._models = models

    def warm_up(self, config: Config) -> None:
        """Load the fidelity models (once)."""
        if self._models is None:
            self._models = FidelityModels.load(config.fidelity.model_dir or None)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Judge every aligned story sentence; returns new documents."""
        self.warm_up(context.config)
        assert self._models is not None
        return assess(paper, stories, self._models, context.config.fidelity)

    def report_parts(self) -> ReportParts:
        """Verdict badges, the side-by-side panel and ``summary["fidelity"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The claim-strength, conclusion and certainty models' folders."""
        root = Path(config.fidelity.model_dir) if config.fidelity.model_dir else bundled_model_dir()
        parts = {"strength": STRENGTH_DIR, "conclusion": CONCLUSION_DIR, "certainty": CERTAINTY_DIR}
        return {f"fidelity.{part}": folder_label(root / sub) for part, sub in parts.items()}
