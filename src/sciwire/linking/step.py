"""The linking step of ``sciwire analyze``: how well each story matches the paper, and what they share.

Reads: sentences, the ``alignment`` layer of each story, and the shared sentence embeddings.
Writes:

- on each story, layer ``paper_link``: one span over the whole story, label ``about`` (the
  finder's probability >= 0.5) or ``unclear``, score = that probability, attrs = the
  evidence, the reasons, and ``pairs`` (the cross-document entity pairs);
- on each story and on the paper, layer ``shared_entities``: every mention of a cluster
  that spans both documents, label ``shared``, attrs ``cluster`` (``"<story id>#<n>"``, the
  same on both sides), ``story_id`` and ``kind``.

Only part of a long paper is searched for shared entities: its abstract (or first sentences)
and the sentences the story reports, up to ``link.max_paper_sentences``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sciwire.analysis import (
    ALIGNMENT,
    EMBEDDINGS,
    PAPER_LINK,
    SENTENCES,
    SHARED_ENTITIES,
    BaseStep,
    ReportParts,
    StepContext,
    folder_label,
)
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.fitting import resolve_model_folder
from sciwire.linking import report
from sciwire.linking.crossdoc import EntityLinker, Linking
from sciwire.linking.finder import PaperFinder, PaperMatch
from sciwire.linking.model import COREF_FOLDER, FINDER_FOLDER, MENTION_FOLDER, load_finder_model

logger = logging.getLogger(__name__)
LEAD_SENTENCES = 10


def paper_sentences_for(story: Document, paper: Document, limit: int) -> list[int]:
    """Abstract sentences (else the first ones), then the sentences the story reports, at most ``limit``."""
    abstract = [s.index for s in paper.sentences if (sec := paper.section_of(s)) is not None and sec.name == "abstract"]
    chosen = abstract or [s.index for s in list(paper.iter_sentences())[:LEAD_SENTENCES]]
    for span in story.layer(ALIGNMENT):
        chosen.extend(span.attrs.get("paper_sentences", []))
    return sorted(dict.fromkeys(chosen[: max(limit, 1)]))


def _layers(story: Document, paper: Document, match: PaperMatch, linking: Linking) -> tuple[Document, list[Span]]:
    shared = {p.cluster for p in linking.pairs}
    story_spans: list[Span] = []
    paper_spans: list[Span] = []
    for m, label in zip(linking.mentions, linking.labels, strict=True):
        if label not in shared:
            continue
        span = Span(m.start, m.end, "shared", attrs={"cluster": f"{story.id}#{label}", "story_id": story.id,
                                                      "kind": m.kind})  # fmt: skip
        (story_spans if m.doc_id == story.id else paper_spans).append(span)
    pairs = [
        {
            "cluster": f"{story.id}#{p.cluster}",
            "story": [p.story.start, p.story.end],
            "paper": [p.paper.start, p.paper.end],
            "story_text": p.story.text,
            "paper_text": p.paper.text,
            "probability": round(p.probability, 4),
        }
        for p in linking.pairs
    ]
    link = Span(
        0,
        len(story.text),
        "about" if match.probability >= 0.5 else "unclear",
        score=round(match.probability, 4),
        attrs={**match.to_dict(), "pairs": pairs},
    )
    story = story.with_layer(PAPER_LINK, [link]).with_layer(SHARED_ENTITIES, story_spans)
    return story, paper_spans


class LinkingStep(BaseStep):
    """Adds ``paper_link`` and ``shared_entities`` layers (see the module docstring).

    Example:
        >>> step = LinkingStep()
        >>> step.name, step.writes
        ('linking', ('paper_link', 'shared_entities'))
    """

    name = "linking"
    reads = (SENTENCES, EMBEDDINGS, ALIGNMENT)
    writes = (PAPER_LINK, SHARED_ENTITIES)

    def warm_up(self, config: Config) -> None:
        """Load the paper finder's scorer, the parser pipeline and the span encoder."""
        load_finder_model(config.link.finder_model)
        self.linker_ = EntityLinker(config)
        self.linker_.warm_up()

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Link every story to the paper; returns new documents."""
        config = context.config
        if not hasattr(self, "linker_") or self.linker_.config is not config:
            self.warm_up(config)
        self.linker_.forget()  # sentences are shared across this analysis' stories, not across analyses
        finder = PaperFinder(config, context.embedder).index([paper], {paper.id: context.paper_vectors})
        out: list[Document] = []
        paper_spans: list[Span] = []
        for story, vectors in zip(stories, context.story_vectors, strict=True):
            if not story.sentences:
                out.append(story)
                continue
            match = finder.rank(story, vectors, top_k=1)[0]
            selection = paper_sentences_for(story, paper, config.link.max_paper_sentences)
            linking = self.linker_.link(story, paper, selection)
            story, spans = _layers(story, paper, match, linking)
            paper_spans.extend(spans)
            logger.debug("%s: p(about paper)=%.2f, %d shared entities", story.id, match.probability, len(linking.pairs))
            out.append(story)
        return paper.with_layer(SHARED_ENTITIES, paper_spans), out

    def report_parts(self) -> ReportParts:
        """The match-and-shared-entities panel and ``summary["linking"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The paper finder's, the coreference scorer's and the mention filter's folders."""
        folders = {
            "link.finder": folder_label(resolve_model_folder(config.link.finder_model, FINDER_FOLDER)),
            "link.coref": folder_label(resolve_model_folder(config.link.coref_model, COREF_FOLDER)),
        }
        if config.link.mention_model != "none":
            folders["link.mentions"] = folder_label(resolve_model_folder(config.link.mention_model, MENTION_FOLDER))
        return folders
