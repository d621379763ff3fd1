"""The keyphrase step of ``sciwire analyze``: the paper's top keyphrases and which stories mention them.

Writes a ``keyphrases`` layer:

- on the paper, one span per occurrence of each of its top ``keyphrases.top`` phrases
  (the reference list is left out of the extraction), label ``keyphrase``, ``score`` the
  phrase's score, ``attrs`` ``{"phrase", "key", "rank", "acronym"}``;
- on each story, one span per mention of a paper keyphrase (same stems, or its acronym), with
  the same ``attrs`` and the paper phrase's score.

The document-level summary (phrases, scores, counts, mentions per story) is built from these
layers by :mod:`sciwire.keyphrases.report`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sciwire.analysis import EMBEDDINGS, KEYPHRASES, SENTENCES, BaseStep, ReportParts, StepContext, folder_label
from sciwire.config import Config
from sciwire.document import Document, Span
from sciwire.keyphrases import report
from sciwire.keyphrases.candidates import stem_word
from sciwire.keyphrases.lexicon import lexicon_dir
from sciwire.keyphrases.model import Keyphrase, KeyphraseExtractor
from sciwire.keyphrases.tagging import TaggedText


def paper_text_without_references(paper: Document) -> str:
    """The paper's text with its reference-list sections blanked out (offsets unchanged)."""
    text = paper.text
    for sec in paper.sections:
        if sec.name == "references":
            text = text[: sec.start] + " " * (sec.end - sec.start) + text[sec.end :]
    return text


def find_mentions(phrases: Sequence[Keyphrase], tagged: TaggedText) -> list[list[tuple[int, int]]]:
    """Character spans in ``tagged`` where each phrase occurs: same word stems in a row, or its acronym."""
    stems = [stem_word(lemma) for lemma in tagged.lemmas]
    first: dict[str, list[int]] = {}
    for i, s in enumerate(stems):
        first.setdefault(s, []).append(i)
    out = []
    for phrase in phrases:
        key = phrase.key.split(" ")
        spans = [
            (tagged.starts[i], tagged.ends[i + len(key) - 1])
            for i in first.get(key[0], [])
            if stems[i : i + len(key)] == key
        ]
        if phrase.acronym:
            raw = [tagged.text[a:b] for a, b in zip(tagged.starts, tagged.ends, strict=True)]
            spans += [(tagged.starts[i], tagged.ends[i]) for i, w in enumerate(raw) if w == phrase.acronym]
        out.append(sorted(set(spans)))
    return out


class KeyphraseStep(BaseStep):
    """Adds the ``keyphrases`` layer to the paper and to every story (see the module docstring).

    Example:
        >>> step = KeyphraseStep()
        >>> step.name, step.writes
        ('keyphrases', ('keyphrases',))
    """

    name = KEYPHRASES
    reads = (SENTENCES, EMBEDDINGS)
    writes = (KEYPHRASES,)

    _extractor: KeyphraseExtractor | None = None

    def warm_up(self, config: Config) -> None:
        """Load spaCy for keyphrases (the encoder is the pipeline's, loaded already)."""
        from sciwire.keyphrases._nlp import load_keyphrase_nlp

        load_keyphrase_nlp(config.models.spacy, tagged=config.keyphrases.method != "fast")

    def _get_extractor(self, context: StepContext) -> KeyphraseExtractor:
        """One extractor per keyphrase settings and encoder (built on first use)."""
        cfg = context.config
        extractor = self._extractor
        if extractor is None or extractor.config is not cfg.keyphrases or extractor.embedder is not context.embedder:
            extractor = KeyphraseExtractor(
                cfg.keyphrases, cfg.models.spacy, context.embedder, cfg.input.min_english_ratio
            )
            self._extractor = extractor
        return extractor

    def run(
        self, paper: Document, stories: Sequence[Document], context: StepContext
    ) -> tuple[Document, list[Document]]:
        """Extract the paper's keyphrases and mark them in the paper and the stories."""
        extractor = self._get_extractor(context)
        phrases = extractor.extract(paper_text_without_references(paper))
        paper = paper.with_layer(
            KEYPHRASES, [span for rank, p in enumerate(phrases, 1) for span in _spans(p, rank, p.occurrences)]
        )
        tagged = extractor.tag([s.text for s in stories]) if stories else []
        out = []
        for story, story_tagged in zip(stories, tagged, strict=True):
            mentions = find_mentions(phrases, story_tagged)
            spans = [
                span
                for rank, (p, occ) in enumerate(zip(phrases, mentions, strict=True), 1)
                for span in _spans(p, rank, occ)
            ]
            out.append(story.with_layer(KEYPHRASES, spans))
        return paper, out

    def report_parts(self) -> ReportParts:
        """The keyphrase table and ``summary["keyphrases"]``."""
        return report.PARTS

    def model_folders(self, config: Config) -> dict[str, str]:
        """The fast mode's lexicon folder and the ranker's weights file, when one is set."""
        folders = {"keyphrases.lexicon": folder_label(lexicon_dir())} if config.keyphrases.method == "fast" else {}
        if config.keyphrases.weights_file:
            folders["keyphrases.weights"] = folder_label(config.keyphrases.weights_file)
        return folders


def _spans(phrase: Keyphrase, rank: int, occurrences: Sequence[tuple[int, int]]) -> list[Span]:
    attrs = {"phrase": phrase.text, "key": phrase.key, "rank": rank, "acronym": phrase.acronym}
    return [Span(a, b, "keyphrase", score=phrase.score, attrs=attrs) for a, b in occurrences]
