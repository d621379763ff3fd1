"""The newsworthiness step of ``sciwire analyze``: scores the paper and adds a ``newsworthiness`` layer.

Reads the paper's title, abstract (section, else its first 300 words) and metadata; writes one
span over the abstract whose ``score`` is the newsworthiness score and whose ``attrs`` hold
``probability`` (trained models), ``vote_share``, ``reasons``, ``dimensions`` (the four news
values of a trained model), ``model``, a ``note`` (what newsworthiness is and is not) and a
``caveat`` (when the model does not beat the style-only baseline).
"""

from __future__ import annotations

from collections.abc import Sequence

from sciwire.analysis import EMBEDDINGS, NEWSWORTHINESS, SENTENCES, BaseStep, ReportParts, StepContext, folder_label
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.newsworthiness import report
from sciwire.newsworthiness.default_model import default_model_dir
from sciwire.newsworthiness.papers import abstract_range, paper_from_document
from sciwire.newsworthiness.prediction import NewsworthinessModel
from sciwire.newsworthiness.ranking import Ranker


class NewsworthinessStep(BaseStep):
    """Adds the paper's newsworthiness score, confidence and reasons (see the module docstring).

    Example:
        >>> step = NewsworthinessStep()
        >>> step.name
        'newsworthiness'
    """

    name = NEWSWORTHINESS
    reads = (SENTENCES, EMBEDDINGS)
    writes = (NEWSWORTHINESS,)

    def __init__(self) -> None:
        self._ranker: Ranker | None = None
        self._model: NewsworthinessModel | None = None

    def warm_up(self, config: Config) -> None:
        """Load the model named by ``newsworthiness.model`` (the embedder is the pipeline's)."""
        from sciwire.newsworthiness.ranking import load_model

        self._model = load_model(config.newsworthiness.model)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Score the paper; stories are returned unchanged."""
        if self._ranker is None or self._ranker.config is not context.config:
            self._ranker = Ranker(context.config, context.embedder, self._model)
        ranking = self._ranker.rank([paper_from_document(paper)])
        row = ranking.papers[0]
        start, end = abstract_range(paper)
        attrs = {
            "score": round(row.score, 4),
            "probability": None if row.probability is None else round(row.probability, 4),
            "vote_share": None if row.vote_share is None else round(row.vote_share, 4),
            "reasons": [r.to_dict() for r in row.reasons],
            "dimensions": {d.name: d.to_dict() for d in row.dimensions},
            "model": ranking.model_name,
            "trained_on_judgements": ranking.trained_on_judgements,
            "note": ranking.note,
            "caveat": ranking.caveat,
        }
        return paper.with_layer(
            NEWSWORTHINESS, [Span(start, end, "newsworthiness", score=row.score, attrs=attrs)]
        ), list(stories)

    def report_parts(self) -> ReportParts:
        """The newsworthiness panel and ``summary["newsworthiness"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The newsworthiness model's folder."""
        spec = config.newsworthiness.model
        return {"newsworthiness": folder_label(default_model_dir() if spec == "default" else spec)}
