"""The ``terms`` step of ``sciwire analyze``: the paper's scientific terms and abbreviations.

Writes a ``terms`` layer on the paper (the reference list left out): one span per occurrence,
label the term's type (method / task / material / measure / other), ``score`` the typer's best
cosine, ``attrs`` ``{"term", "short", "source", "kind", "definition"}``:

- ``kind="definition"``: the long form where an abbreviation is defined;
- ``kind="abbreviation"``: every use of a short form, ``definition`` the offset of its
  definition (``source`` ``defined``, or ``glossary`` for a common abbreviation the paper does
  not define, such as "EEG");
- ``kind="phrase"``: a multi-word noun phrase used at least twice (``source`` ``phrase``), or, when
  ``terms.model`` is a folder from ``sciwire train entities``, every span that model tagged (``source``
  ``model``, ``score`` None; see :func:`~sciwire.terms.api.terms_from_spans`).

It costs about a second on the bundled example (spaCy's parser for the noun phrases, MiniLM for
the types), so it is not in the default ``pipeline.steps``: add ``terms`` to run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sciwire.analysis import EMBEDDINGS, SENTENCES, TERMS, BaseStep, ReportParts, StepContext, folder_label
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.terms import report
from sciwire.terms.api import FittedModel, Term, find_terms, fitted_spans, load_term_model, terms_from_spans
from sciwire.terms.model import DEFAULT_FOLDER, ZeroShotTyper
from sciwire.terms.tagger import TermTagger


def paper_text_without_references(paper: Document) -> str:
    """The paper's text with its reference-list sections blanked out (offsets unchanged)."""
    text = paper.text
    for sec in paper.sections:
        if sec.name == "references":
            text = text[: sec.start] + " " * (sec.end - sec.start) + text[sec.end :]
    return text


def term_span(term: Term) -> Span:
    """The layer's span of one term occurrence."""
    attrs = {"term": term.text, "short": term.short, "source": term.source, "kind": term.kind,
             "definition": term.definition}  # fmt: skip
    score = None if term.score is None else round(term.score, 4)
    return Span(term.start, term.end, term.type, score=score, attrs=attrs)


class TermStep(BaseStep):
    """Adds the ``terms`` layer to the paper (see the module docstring).

    Example:
        >>> step = TermStep()
        >>> step.name, step.writes
        ('terms', ('terms',))
    """

    name = TERMS
    reads = (SENTENCES, EMBEDDINGS)
    writes = (TERMS,)

    _model: tuple[str, ZeroShotTyper | FittedModel] | None = None

    def _load(self, config: Config) -> ZeroShotTyper | FittedModel:
        """The model ``terms.model`` names, loaded once per setting."""
        if self._model is None or self._model[0] != config.terms.model:
            self._model = (config.terms.model, load_term_model(config.terms.model))
        return self._model[1]

    @staticmethod
    def _parser(model: ZeroShotTyper | FittedModel, config: Config) -> Any:
        """spaCy's parser when ``model`` reads noun chunks (the typers); the tagger reads the words itself."""
        from sciwire.backends.spacy_parser import load_spacy_parser

        return None if isinstance(model, TermTagger) else load_spacy_parser(config.models.spacy)

    def warm_up(self, config: Config) -> None:
        """Load the term model (``terms.model``) and, when it needs it, the parser."""
        self._parser(self._load(config), config)

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Find the paper's terms; the stories are returned unchanged."""
        model = self._load(context.config)
        text = paper_text_without_references(paper)
        nlp = self._parser(model, context.config)
        if isinstance(model, ZeroShotTyper):
            terms = find_terms(text, nlp, context.embedder, model)
        else:
            terms = terms_from_spans(text, fitted_spans(model, [text], nlp, context.embedder)[0])
        return paper.with_layer(TERMS, [term_span(t) for t in terms]), list(stories)

    def report_parts(self) -> ReportParts:
        """The terms panel and ``summary["terms"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The term model's folder (``terms.model``)."""
        from sciwire.fitting.folders import resolve_model_folder

        return {"terms.model": folder_label(resolve_model_folder(config.terms.model, DEFAULT_FOLDER))}
