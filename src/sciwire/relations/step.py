"""The ``relations`` step of ``sciwire analyze``: pairs of the paper's terms in a relation of a schema.

Writes a ``relations`` layer on the paper: one span per pair (from the head's start to the
tail's end, or the reverse), label the relation type, ``score`` its probability, ``attrs``
``{"head", "tail", "head_start", "head_end", "tail_start", "tail_end", "similarity"}``. The
schema is ``relations.schema`` (empty: the bundled example ``sciwire/examples/relations.toml``).
It is not in the default ``pipeline.steps``: add ``relations`` to run it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sciwire.analysis import SENTENCES, BaseStep, ReportParts, StepContext, folder_label
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.relations import report
from sciwire.relations.api import FoundRelation, find_relations, schema_classifier
from sciwire.relations.model import load_head
from sciwire.relations.report import RELATIONS
from sciwire.relations.schema import load_schema


def schema_path(config: Config) -> str:
    """The schema file ``config`` names, or the bundled example."""
    from sciwire.examples import EXAMPLES_DIR

    return config.relations.schema or str(EXAMPLES_DIR / "relations.toml")


def relation_span(found: FoundRelation) -> Span:
    """The layer's span of one related pair."""
    start, end = min(found.head_start, found.tail_start), max(found.head_end, found.tail_end)
    attrs = {"head": found.head, "tail": found.tail, "head_start": found.head_start, "head_end": found.head_end,
             "tail_start": found.tail_start, "tail_end": found.tail_end, "similarity": found.similarity}  # fmt: skip
    return Span(start, end, found.relation, score=found.probability, attrs=attrs)


class RelationStep(BaseStep):
    """Adds the ``relations`` layer to the paper (see the module docstring).

    Example:
        >>> step = RelationStep()
        >>> step.name, step.writes
        ('relations', ('relations',))
    """

    name = RELATIONS
    reads = (SENTENCES,)
    writes = (RELATIONS,)

    def check_inputs(self, paper: Document, stories: Sequence[Document], questions: Sequence[str]) -> None:
        """Nothing to check here: the schema is checked in :meth:`warm_up`, before any model loads."""

    def warm_up(self, config: Config) -> None:
        """Read the schema (a bad one fails here), load the head and fit the prototypes."""
        schema = load_schema(schema_path(config))
        head, self._features = load_head(config.relations.model)
        self._classifier, self._encoder = schema_classifier(schema, head, self._features)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Classify the term pairs of the paper's sentences; the stories are returned unchanged."""
        from sciwire.backends.spacy_parser import load_spacy_parser

        if not hasattr(self, "_classifier"):
            self.warm_up(context.config)
        found, _ = find_relations(paper.text, self._classifier, self._encoder,
                                  load_spacy_parser(context.config.models.spacy),
                                  parts=self._features.get("parts", ("head", "tail", "mean")),
                                  max_entities=context.config.relations.max_entities)  # fmt: skip
        return paper.with_layer(RELATIONS, [relation_span(f) for f in found]), list(stories)

    def report_parts(self) -> ReportParts:
        """The relations panel and ``summary["relations"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The relations head."""
        from sciwire.fitting.folders import resolve_model_folder
        from sciwire.relations.model import DEFAULT_FOLDER

        return {"relations.model": folder_label(resolve_model_folder(config.relations.model, DEFAULT_FOLDER))}
