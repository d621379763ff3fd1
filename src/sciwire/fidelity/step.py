"""The fidelity step of ``sciwire analyze`` (see :mod:`sciwire.fidelity.assess` for the layers)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sciwire.analysis import (
    ABSTRACT_ROLES,
    ALIGNMENT,
    DISCOURSE,
    EMBEDDINGS,
    FIDELITY,
    FINDINGS,
    RELEVANCE,
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
from sciwire.fidelity.pairs import load_pair_model
from sciwire.fidelity.relevance import load_relevance_model, story_relevance


class FidelityStep(BaseStep):
    """Adds ``findings`` to the paper and ``fidelity`` (verdict per aligned sentence) to every story.

    Reads the discourse roles when the discourse step ran before it (findings by role).

    Args:
        models: Loaded models; by default ``warm_up`` loads ``fidelity.model_dir`` (or the shipped ones).

    Example:
        >>> step = FidelityStep()
        >>> step.name, step.reads, step.writes
        ('fidelity', ('sentences', 'embeddings', 'alignment'), ('findings', 'fidelity', 'relevance'))
    """

    name = FIDELITY
    reads = (SENTENCES, EMBEDDINGS, ALIGNMENT)
    optional_reads = (DISCOURSE, ABSTRACT_ROLES)
    writes = (FINDINGS, FIDELITY, RELEVANCE)

    def __init__(self, models: FidelityModels | None = None) -> None:
        self._models = models

    def warm_up(self, config: Config) -> None:
        """Load the fidelity models (once), the relevance gate and the pair verdict."""
        if self._models is None:
            self._models = FidelityModels.load(config.fidelity.model_dir or None)
        self._gate = load_relevance_model(config.fidelity.relevance_model)
        self._pairs = load_pair_model(config.fidelity.pair_model)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Judge every aligned story sentence; returns new documents."""
        self.warm_up(context.config)
        assert self._models is not None
        cfg = context.config.fidelity
        relevance = None
        if cfg.relevance_threshold > 0 and stories:
            from sciwire.linking.finder import PaperFinder

            finder = PaperFinder(context.config, context.embedder).index([paper], {paper.id: context.paper_vectors})
            relevance = story_relevance(
                paper, list(stories), self._gate, cfg.relevance_threshold, finder, list(context.story_vectors)
            )
        return assess(paper, stories, self._models, cfg, relevance, self._pairs)

    def report_parts(self) -> ReportParts:
        """Verdict badges, the side-by-side panel and ``summary["fidelity"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The claim-strength, conclusion and certainty models' folders."""
        root = Path(config.fidelity.model_dir) if config.fidelity.model_dir else bundled_model_dir()
        parts = {"strength": STRENGTH_DIR, "conclusion": CONCLUSION_DIR, "certainty": CERTAINTY_DIR}
        folders = {f"fidelity.{part}": folder_label(root / sub) for part, sub in parts.items()}
        for part, folder in (
            ("relevance", load_relevance_model(config.fidelity.relevance_model).folder),
            ("pairs", load_pair_model(config.fidelity.pair_model).folder),
        ):
            if folder is not None:
                folders[f"fidelity.{part}"] = folder_label(folder)
        return folders
