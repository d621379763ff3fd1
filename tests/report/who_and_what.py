"""A small hand-built analysis with terms, relations, chains and shared entities (no model runs).

Shared by tests/report/test_who_and_what.py and tests/report/test_browser_who_and_what.py.
"""

from __future__ import annotations

from sciwire.analysis import ENTITIES, PAPER_LINK, SHARED_ENTITIES, TERMS, Analysis, BaseStep, ReportParts
from sciwire.config import Config
from sciwire.document import Document, Metadata, Section, Sentence, Span
from sciwire.linking.incoref import report as coref_report
from sciwire.relations import report as relations_report
from sciwire.terms import report as terms_report

HOSTILE = '<script>alert("x")</script>'

PAPER_SENTENCES = [
    "Time-restricted feeding (TRF) consolidates sleep in aged mice.",
    "Researchers at the Northfield Institute measured sleep with EEG.",
    "TRF mice slept longer than AL mice.",
    f"The {HOSTILE} probe was used for 10 weeks.",
    "TRF-treated mice ate less.",
]
STORY_SENTENCES = [
    "The researchers say TRF helps old mice sleep.",
    "Researchers at the Northfield Institute say they fed mice for 10 weeks.",
    f"They tried the {HOSTILE} gadget too.",
]


def _document(doc_id: str, kind: str, sentences: list[str], title: str, **kw) -> Document:
    text, spans, pos = "", [], 0
    for k, s in enumerate(sentences):
        text += s + " "
        spans.append(Sentence(k, pos, pos + len(s), 0 if kind == "paper" else None))
        pos += len(s) + 1
    sections = (Section("results", 0, len(text), "Results"),) if kind == "paper" else ()
    return Document(id=doc_id, kind=kind, title=title, text=text, sections=sections, sentences=tuple(spans), **kw)


def at(doc: Document, needle: str, nth: int = 0) -> tuple[int, int]:
    """The offsets of the ``nth`` occurrence of ``needle`` in ``doc``."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(needle, start + 1)
    return start, start + len(needle)


def _term(doc: Document, needle: str, nth: int, label: str, term: str, short: str | None, kind: str) -> Span:
    a, b = at(doc, needle, nth)
    attrs = {"term": term, "short": short, "source": "defined" if short else "phrase", "kind": kind, "definition": 0}
    return Span(a, b, label, score=0.5, attrs=attrs)


def paper_doc(with_terms: bool = True, with_shared: bool = True) -> Document:
    paper = _document("paper", "paper", PAPER_SENTENCES, "Sleep paper")
    layers: dict[str, tuple[Span, ...]] = {
        ENTITIES: (
            Span(*at(paper, "TRF", 0), "ORG"),  # a general news NER's view of a term
            Span(*at(paper, "TRF", 1), "ORG"),
            Span(*at(paper, "AL"), "GPE"),
            Span(*at(paper, "the Northfield Institute"), "ORG"),
            Span(*at(paper, "TRF-treated"), "ORG"),  # the terms layer does not mark this TRF
        )
    }
    if with_terms:
        layers[TERMS] = (
            _term(paper, "Time-restricted feeding", 0, "method", "Time-restricted feeding", "TRF", "definition"),
            _term(paper, "TRF", 0, "method", "Time-restricted feeding", "TRF", "abbreviation"),
            _term(paper, "TRF", 1, "method", "Time-restricted feeding", "TRF", "abbreviation"),
            _term(paper, "AL", 0, "material", "ad libitum", "AL", "abbreviation"),
            _term(paper, "aged mice", 0, "material", "aged mice", None, "phrase"),
            _term(paper, HOSTILE + " probe", 0, "method", HOSTILE + " probe", None, "phrase"),
            _term(paper, "EEG", 0, "method", "electroencephalography", "EEG", "abbreviation"),
        )
        a, b = at(paper, "TRF", 1)
        c, d = at(paper, "AL mice")
        layers[relations_report.RELATIONS] = (
            Span(a, d, "compared with", 0.8, {"head": "TRF", "tail": f"AL {HOSTILE}", "head_start": a, "head_end": b,
                                               "tail_start": c, "tail_end": d, "similarity": 0.5}),
        )  # fmt: skip
    if with_shared:
        layers[SHARED_ENTITIES] = (
            Span(*at(paper, "10 weeks"), "shared", attrs={"cluster": "story#1", "story_id": "story", "kind": "np"}),
        )
    return paper.replace(layers=layers)


def story_doc() -> Document:
    story = _document("story", "news", STORY_SENTENCES, f"News {HOSTILE}", metadata=Metadata(url="https://x.example"))
    coref = []
    for needle, nth, pronoun in (("The researchers", 0, False), ("Researchers at the Northfield Institute", 0, False),
                                 ("they", 0, True), ("They", 0, True)):  # fmt: skip
        a, b = at(story, needle, nth)
        attrs = {"chain": 1, "name": "The researchers", "name_start": 0, "name_end": 15, "pronoun": pronoun}
        coref.append(Span(a, b, "chain-1", attrs=attrs))
    link = Span(0, len(story.text), "about", 0.9, {"pairs": [{"cluster": "story#1", "probability": 0.77}]})
    return story.replace(
        layers={
            ENTITIES: (Span(*at(story, "TRF"), "ORG"), Span(*at(story, "the Northfield Institute"), "ORG")),
            "coref": tuple(sorted(coref, key=lambda s: s.start)),
            PAPER_LINK: (link,),
            SHARED_ENTITIES: (
                Span(*at(story, "10 weeks"), "shared", attrs={"cluster": "story#1", "story_id": "story", "kind": "np"}),
            ),
        }
    )


class Shows(BaseStep):
    """A step that only hands over a capability's report parts (its model never runs here)."""

    def __init__(self, name: str, parts: ReportParts) -> None:
        self.name = name
        self._parts = parts

    def report_parts(self) -> ReportParts:
        return self._parts


STEPS = (Shows("terms", terms_report.PARTS), Shows("relations", relations_report.PARTS),
         Shows("incoref", coref_report.PARTS))  # fmt: skip


def who_analysis(with_terms: bool = True, steps: tuple[BaseStep, ...] = STEPS) -> Analysis:
    """The paper and one story, with the layers of terms, relations, incoref and linking."""
    return Analysis(paper_doc(with_terms), (story_doc(),), Config(), steps=steps)
