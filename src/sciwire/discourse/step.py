"""The discourse step of ``sciwire analyze`` and the API that labels a Document.

Writes on the paper:

- ``discourse``: one span per paper sentence outside the reference list, label the CoreSC
  code (``Res``, ``Met``...), ``score`` its calibrated probability, ``attrs``
  ``{"sentence": index, "probabilities": {code: p}, "explanation": {...}}`` (see
  :meth:`~sciwire.discourse.explain.Explanation.to_dict`);
- ``abstract_roles``: the same for the sentences of the abstract section, labelled with the
  rhetorical roles of CSAbstruct (background, objective, method, result, other).

Stories are left unchanged; their coverage map is derived from these layers and their
``alignment`` layer (:mod:`sciwire.discourse.coverage`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sciwire.analysis import (
    ABSTRACT_ROLES,
    DISCOURSE,
    EMBEDDINGS,
    SENTENCES,
    BaseStep,
    ReportParts,
    StepContext,
    folder_label,
)
from sciwire.config import Config, DiscourseConfig, load_config
from sciwire.discourse import report
from sciwire.discourse.features import document_sequence
from sciwire.discourse.model import DiscourseModel, load_cached, model_folder
from sciwire.document import Document, Sentence, Span


def role_spans(
    model: DiscourseModel,
    doc: Document,
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    cfg: DiscourseConfig,
    explain: bool = True,
) -> list[Span]:
    """One span per sentence with the model's role, probability and (unless ``explain`` is off) explanation."""
    if not sentences:
        return []
    preds = model.predict(document_sequence(doc, sentences, vectors), explain, cfg.top_features, cfg.neighbours)
    return [
        Span(
            s.start,
            s.end,
            p.label,
            score=round(p.probability, 4),
            attrs={
                "sentence": s.index,
                "probabilities": {k: round(v, 4) for k, v in p.probabilities.items()},
                "explanation": p.explanation.to_dict() if p.explanation else {},
            },
        )
        for s, p in zip(sentences, preds, strict=True)
    ]


def label_document(
    doc: Document,
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    config: Config | None = None,
    explain: bool = True,
) -> Document:
    """``doc`` with the ``discourse`` and ``abstract_roles`` layers for ``sentences``.

    Args:
        doc: A document with sentences (and, ideally, sections).
        sentences: The sentences to label (e.g. ``list(doc.iter_sentences())``).
        vectors: Their embeddings, in order.
        config: Settings (models, explanation size).
        explain: Add each prediction's explanation (the report shows them; the store does not keep them).
    """
    cfg = (config or load_config()).discourse
    coresc = load_cached(cfg.coresc_model, "coresc")
    doc = doc.with_layer(DISCOURSE, role_spans(coresc, doc, sentences, vectors, cfg, explain))
    in_abstract = [
        i for i, s in enumerate(sentences) if (sec := doc.section_of(s)) is not None and sec.name == "abstract"
    ]
    if in_abstract:
        abstract = load_cached(cfg.abstract_model, "abstract")
        spans = role_spans(abstract, doc, [sentences[i] for i in in_abstract], vectors[in_abstract], cfg, explain)
        doc = doc.with_layer(ABSTRACT_ROLES, spans)
    return doc


def store_enricher(config: Config, model_key: str) -> Callable[[Document, np.ndarray], Document]:
    """For :func:`sciwire.store.add_files`: label stored papers so answers carry their roles.

    Args:
        config: Settings (``discourse.enabled = false`` makes it a no-op).
        model_key: The embedder's key; the shipped models expect MiniLM (checked once).
    """
    cfg = config.discourse
    if cfg.enabled:
        for task, spec in (("coresc", cfg.coresc_model), ("abstract", cfg.abstract_model)):
            load_cached(spec, task).check_embedder(model_key)

    def enrich(doc: Document, vectors: np.ndarray) -> Document:
        sentences = list(doc.iter_sentences())
        if not cfg.enabled or doc.kind != "paper" or not sentences:
            return doc
        # no explanations: answers read the roles only (explaining was 60% of add's labelling time)
        return label_document(doc, sentences, vectors[[s.index for s in sentences]], config, explain=False)

    return enrich


class DiscourseStep(BaseStep):
    """Adds the ``discourse`` and ``abstract_roles`` layers to the paper (see the module docstring).

    Example:
        >>> step = DiscourseStep()
        >>> step.name, step.writes
        ('discourse', ('discourse', 'abstract_roles'))
    """

    name = DISCOURSE
    reads = (SENTENCES, EMBEDDINGS)
    writes = (DISCOURSE, ABSTRACT_ROLES)

    def warm_up(self, config: Config) -> None:
        """Load both models once (they are small)."""
        if config.discourse.enabled:
            load_cached(config.discourse.coresc_model, "coresc")
            load_cached(config.discourse.abstract_model, "abstract")

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Label the paper's sentences (outside the references) with the pipeline's embeddings."""
        if not context.config.discourse.enabled or not context.paper_sentences:
            return paper, list(stories)
        for task, spec in (
            ("coresc", context.config.discourse.coresc_model),
            ("abstract", context.config.discourse.abstract_model),
        ):
            load_cached(spec, task).check_embedder(context.embedder.model_key)
        paper = label_document(paper, context.paper_sentences, context.paper_vectors, context.config)
        return paper, list(stories)

    def report_parts(self) -> ReportParts:
        """Role badges on paper sentences, the roles panel and ``summary["discourse"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The CoreSC and abstract-role taggers' folders."""
        cfg = config.discourse
        return {f"discourse.{task}": folder_label(model_folder(spec, task))
                for task, spec in (("coresc", cfg.coresc_model), ("abstract", cfg.abstract_model))}  # fmt: skip
