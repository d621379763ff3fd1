"""The ``incoref`` step of ``sciwire analyze``: in-document coreference chains in every story.

Writes a ``coref`` layer on each story: one span per mention of a chain of two or more,
label ``chain-K``, ``attrs`` ``{"chain": K, "name": the chain's first non-pronoun mention,
"name_start", "name_end", "pronoun"}``, so "they" points at "the researchers" and "the
drug" at "a drug". The paper is returned unchanged. Not in the default ``pipeline.steps``
(see docs/coref.md for its cost): add ``incoref`` to run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sciwire.analysis import SENTENCES, BaseStep, ReportParts, StepContext, folder_label
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.linking.incoref import report
from sciwire.linking.incoref.api import Chain, chains_from, encoder_for, resolve_inputs
from sciwire.linking.incoref.bundle import DEFAULT_FOLDER, CorefModel
from sciwire.linking.incoref.prepare import read_text
from sciwire.linking.incoref.report import COREF


def chain_spans(chains: Sequence[Chain]) -> list[Span]:
    """The layer's spans of a document's chains."""
    out = []
    for k, chain in enumerate(chains, start=1):
        name = chain.name
        for m in chain.mentions:
            attrs = {"chain": k, "name": name.text, "name_start": name.start, "name_end": name.end,
                     "pronoun": m.pronoun}  # fmt: skip
            out.append(Span(m.start, m.end, f"chain-{k}", attrs=attrs))
    return sorted(out, key=lambda s: (s.start, s.end))


class CorefStep(BaseStep):
    """Adds the ``coref`` layer to every story.

    Example:
        >>> step = CorefStep()
        >>> step.name, step.writes
        ('incoref', ('coref',))
    """

    name = "incoref"
    reads = (SENTENCES,)
    writes = (COREF,)

    _model: CorefModel | None = None

    def warm_up(self, config: Config) -> None:
        """Load the parser, the encoder and the shipped heads."""
        from sciwire.backends.spacy_parser import load_spacy_parser

        load_spacy_parser(config.models.spacy)
        self._model = CorefModel.load("default")
        encoder_for(self._model)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Resolve each story; the paper is returned unchanged."""
        from sciwire.backends.spacy_parser import load_spacy_parser

        model = self._model or CorefModel.load("default")
        nlp: Any = load_spacy_parser(context.config.models.spacy)
        out = []
        for story in stories:
            inputs, offsets = read_text(nlp, encoder_for(model), story.text, model.layer)
            spans, labels = resolve_inputs(model, inputs)
            out.append(story.with_layer(COREF, chain_spans(chains_from(story.text, offsets, inputs.words, spans,
                                                                       labels))))  # fmt: skip
        return paper, out

    def report_parts(self) -> ReportParts:
        """The chains panel and ``summary["incoref"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The shipped heads."""
        from sciwire.fitting.folders import bundled_models_dir

        return {"coref.model": folder_label(bundled_models_dir() / DEFAULT_FOLDER)}
