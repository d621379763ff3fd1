"""Which paper is a story about? Rank a collection of papers for one news story.

Evidence for each (story, paper) pair, all in [0, 1]:

- ``bm25``: Okapi BM25 of the story against the paper (Snowball stems), divided by the
  story's score against itself, so stories of any length compare; IDF comes from the
  collection (or, for fewer than :data:`MIN_IDF_DOCS` papers, from the papers' sentences);
- ``cosine``: cosine of the embeddings of the story's and the paper's lead (title and
  abstract, or the first 2,000 characters);
- ``align``: mean over story sentences of the best sentence-alignment probability
  (:func:`sciwire.align.aligner.match_probability`) against the paper's sentences;
- metadata (rules): ``doi`` (the paper's DOI is in the story text or URL), ``title``
  (share of the title's word pairs in the story), ``author`` (authors' surnames named),
  ``venue`` (the journal named), ``date`` (story published 0-30 days after the paper).

``probability = sigmoid(b + w · [bm25, cosine, align] + Σ metadata weight · evidence)``: ``b``
and ``w`` are the fitted scorer of the model folder ``link.finder_model``
(:func:`sciwire.linking.model.load_finder_model`), the metadata weights are the hand-set
``link.find_w_*`` settings. Papers are ranked by it, and each match carries the
human-readable reasons.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

import numpy as np

from sciwire.align.aligner import match_probability, pair_features
from sciwire.align.lexical import WORD, stem
from sciwire.align.model import load_align_model
from sciwire.analysis import Encoder
from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, load_config
from sciwire.document import Document
from sciwire.errors import InputError
from sciwire.fitting import LogisticScorer, sigmoid
from sciwire.linking.bm25 import BM25Index
from sciwire.linking.model import FINDER_FEATURES, load_finder_model
from sciwire.linking.papers import empty_collection_error

CONTENT_FEATURES: tuple[str, ...] = FINDER_FEATURES
METADATA_FEATURES: tuple[str, ...] = ("doi", "title", "author", "venue", "date")
#: Below this many papers, BM25's IDF comes from the papers' sentences instead.
MIN_IDF_DOCS = 20
LEAD_CHARS = 2000
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.I)


@dataclass(frozen=True)
class PaperMatch:
    """One ranked paper: its probability, the evidence and the reasons, best first."""

    paper_id: str
    title: str
    doi: str | None
    rank: int
    probability: float
    evidence: dict[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return {
            "paper_id": self.paper_id,
            "title": self.title,
            "doi": self.doi,
            "rank": self.rank,
            "probability": round(self.probability, 4),
            "evidence": {k: round(v, 4) for k, v in self.evidence.items()},
            "reasons": list(self.reasons),
        }


def normalize_doi(doi: str) -> str:
    """Lower-case DOI without ``doi:`` / resolver prefixes or trailing punctuation."""
    doi = doi.strip().lower()
    doi = re.sub(r"^(https?://)?(dx\.)?doi\.org/|^doi:\s*", "", doi)
    return doi.rstrip(".,;)")


def lead_text(doc: Document) -> str:
    """Title plus abstract (when there is an abstract section), else the first 2,000 characters."""
    abstract = next((doc.span_text(s) for s in doc.sections if s.name == "abstract"), "")
    body = abstract or doc.text
    if doc.title and not body.lstrip().startswith(doc.title):
        body = f"{doc.title}. {body}"
    return body[:LEAD_CHARS]


def _bigrams(text: str) -> set[tuple[str, str]]:
    words = [stem(w) for w in WORD.findall(text) if len(w) > 2]
    return set(pairwise(words))


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def metadata_evidence(story: Document, paper: Document) -> tuple[dict[str, float], list[str]]:
    """Rule-based metadata evidence (each 0..1) and the reasons for the non-zero ones."""
    ev = dict.fromkeys(METADATA_FEATURES, 0.0)
    reasons: list[str] = []
    haystack = f"{story.text}\n{story.metadata.url or ''}\n{story.metadata.doi or ''}"
    if paper.metadata.doi:
        want = normalize_doi(paper.metadata.doi)
        if any(normalize_doi(d) == want for d in _DOI.findall(haystack)):
            ev["doi"] = 1.0
            reasons.append(f"the paper's DOI {paper.metadata.doi} appears in the story")
    title = _bigrams(paper.title)
    if len(title) >= 2:
        ev["title"] = len(title & _bigrams(f"{story.title} {story.text}")) / len(title)
        if ev["title"] >= 0.5:
            reasons.append(f"{ev['title']:.0%} of the paper title's word pairs occur in the story")
    surnames = [a.replace(",", " ").split()[-1] for a in paper.metadata.authors if a.strip()]
    surnames = [s for s in surnames if len(s) >= 3]
    named = [s for s in dict.fromkeys(surnames) if re.search(rf"\b{re.escape(s)}\b", story.text)]
    if named and surnames:
        ev["author"] = min(1.0, len(named) / min(2, len(surnames)))
        reasons.append(f"names an author: {', '.join(named[:3])}")
    venue = (paper.metadata.venue or "").strip()
    if len(venue) >= 4 and re.search(re.escape(" ".join(venue.split())), " ".join(story.text.split()), re.I):
        ev["venue"] = 1.0
        reasons.append(f"names the venue: {venue}")
    published, reported = _parse_date(paper.metadata.date), _parse_date(story.metadata.date)
    if published and reported and -7 <= (reported - published).days <= 30:
        ev["date"] = 1.0
        reasons.append(f"story dated {(reported - published).days} days after the paper")
    return ev, reasons


class PaperFinder:
    """Rank papers for news stories (index the collection once, then :meth:`rank` each story).

    Args:
        config: Model folders and hand-set weights (``config.link``), alignment settings and
            models (default: the resolved config, so ``$SCIWIRE_CONFIG`` applies).
        embedder: A (warm) sentence embedder to reuse.
        model: The fitted content scorer (default: the folder ``link.finder_model`` names).
        align_model: The aligner's scorer (default: the folder ``align.model`` names).

    Attributes:
        model: The content scorer; ``model.folder`` is the folder it came from.

    Example:
        >>> finder = PaperFinder().index(papers)          # doctest: +SKIP
        >>> finder.rank(story)[0].paper_id                # doctest: +SKIP
        'p1'
    """

    def __init__(
        self,
        config: Config | None = None,
        embedder: Encoder | None = None,
        model: LogisticScorer | None = None,
        align_model: LogisticScorer | None = None,
    ) -> None:
        self.config = config or load_config()
        cfg = self.config
        self.embedder = embedder or Embedder.from_config(cfg)
        self.model = model or load_finder_model(cfg.link.finder_model)
        self.align_model = align_model or load_align_model(cfg.align.model)

    def index(
        self, papers: Sequence[Document], sentence_vectors: Mapping[str, np.ndarray] | None = None
    ) -> PaperFinder:
        """Prepare the collection: sentences, sentence and lead embeddings, BM25.

        Args:
            papers: The candidate papers (sentences are added when missing).
            sentence_vectors: Optional precomputed vectors per paper id, one per sentence
                outside the references (e.g. from the corpus store).

        Raises:
            InputError: When ``papers`` is empty.
        """
        if not papers:
            raise empty_collection_error("given")
        self.papers_ = list(_with_sentences(papers, self.config))
        vectors = dict(sentence_vectors or {})
        self.sentences_ = [[p.span_text(s) for s in p.iter_sentences()] for p in self.papers_]
        todo = [i for i, p in enumerate(self.papers_) if len(vectors.get(p.id, ())) != len(self.sentences_[i])]
        flat = self.embedder.encode([t for i in todo for t in self.sentences_[i]])
        pos = 0
        for i in todo:
            vectors[self.papers_[i].id] = flat[pos : pos + len(self.sentences_[i])]
            pos += len(self.sentences_[i])
        self.vectors_ = [vectors[p.id] for p in self.papers_]
        self.lead_vectors_ = self.embedder.encode([lead_text(p) for p in self.papers_], full_length=True)
        texts = [p.text for p in self.papers_]
        background = None if len(texts) >= MIN_IDF_DOCS else [t for s in self.sentences_ for t in s] or None
        self.bm25_ = BM25Index().fit(texts, idf_texts=background)
        return self

    def evidence(self, story: Document, story_vectors: np.ndarray | None = None) -> list[dict[str, float]]:
        """Evidence of ``story`` against every indexed paper (index order), plus reasons under ``"_"``.

        Raises:
            InputError: When the story has no text or the finder has no papers.
        """
        if not hasattr(self, "papers_"):
            raise InputError("PaperFinder has no papers; call index(papers) first")
        if not story.text.strip():
            raise InputError(f"Story {story.id!r} has no text to link; give a news story with at least one sentence")
        story = _with_sentences([story], self.config)[0]
        texts = story.sentence_texts()
        vecs = self.embedder.encode(texts) if story_vectors is None else story_vectors
        query = f"{story.title}\n{story.text}"
        bm25 = self.bm25_.scores(query) / max(self.bm25_.self_score(query), 1e-9)
        cosine = self.lead_vectors_ @ self.embedder.encode([lead_text(story)], full_length=True)[0]
        out = []
        for i, paper in enumerate(self.papers_):
            align = 0.0
            if texts and self.sentences_[i]:
                cos, lex = pair_features(texts, self.sentences_[i], vecs, self.vectors_[i])
                align = float(match_probability(cos, lex, self.align_model).max(axis=1).mean())
            ev = {"bm25": float(min(bm25[i], 1.0)), "cosine": float(max(cosine[i], 0.0)), "align": align}
            meta, _ = metadata_evidence(story, paper)
            out.append({**ev, **meta})
        return out

    def probability(self, evidence: Mapping[str, float]) -> float:
        """The logistic combination of one paper's evidence: fitted content scorer plus hand-set metadata weights."""
        c = self.config.link
        z = float(self.model.decision_function(self.model.features_of([evidence]))[0])
        z += sum(getattr(c, f"find_w_{name}") * evidence.get(name, 0.0) for name in METADATA_FEATURES)
        return float(sigmoid(z))

    def rank(
        self, story: Document, story_vectors: np.ndarray | None = None, top_k: int | None = None
    ) -> list[PaperMatch]:
        """The papers, best first (``top_k`` of them; default ``link.find_top_k``)."""
        evidence = self.evidence(story, story_vectors)
        probs = np.array([self.probability(ev) for ev in evidence])
        order = np.argsort(-probs, kind="stable")[: top_k or self.config.link.find_top_k]
        matches = []
        for rank, i in enumerate(order, start=1):
            paper = self.papers_[i]
            _, reasons = metadata_evidence(story, paper)
            ev = evidence[i]
            content = (
                f"content: BM25 share {ev['bm25']:.2f}, lead cosine {ev['cosine']:.2f}, "
                f"mean sentence-alignment probability {ev['align']:.2f}"
            )
            matches.append(
                PaperMatch(paper.id, paper.title, paper.metadata.doi, rank, float(probs[i]), ev, (*reasons, content))
            )
        return matches


def _with_sentences(docs: Sequence[Document], config: Config) -> list[Document]:
    """Documents with sentences (the shared spaCy pipeline splits those that have none)."""
    missing = [d for d in docs if not d.sentences and d.text.strip()]
    if not missing:
        return list(docs)
    from sciwire.backends.spacy_nlp import load_spacy
    from sciwire.nlp import annotate_many

    done = {d.id: d for d in annotate_many(missing, load_spacy(config.models.spacy))}
    return [done.get(d.id, d) if not d.sentences else d for d in docs]


def find_papers(
    story: Document, papers: Sequence[Document], config: Config | None = None, embedder: Embedder | None = None
) -> list[PaperMatch]:
    """Rank ``papers`` for ``story`` (see :class:`PaperFinder`; ``config`` defaults to the resolved config)."""
    return PaperFinder(config, embedder).index(papers).rank(story)
