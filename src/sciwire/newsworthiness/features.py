"""Features of a paper for newsworthiness: embedding, readability, jargon, availability, field, signals.

:class:`Featurizer` turns papers into a :class:`FeatureSet`: the abstract's embedding (the
shared offline MiniLM :class:`~sciwire.backends.embeddings.Embedder`, batched and cached) and
named *tabular* features that a journalist can read:

============================  =====================================================================
``words`` ...                 readability of the normalised abstract (:mod:`.text_stats`)
``jargon_share`` ...          share of rare words in general English (wordfreq)
``code_available``            code released (GitHub, GitLab, "code is available"...)
``data_available``            data released (Zenodo, Figshare, Dryad, GEO, "data are available"...)
``field_<archive>``           broad arXiv archive of the categories (cs, physics, math, q-bio...)
``venue_high_profile``        Nature, Science, Cell, Lancet, NEJM, JAMA, BMJ, PNAS (by venue or DOI)
``nv_*``, ``topic_*``         similarity to the news values and topics (:mod:`.news_values`)
``claim_strength``            0-3 strength of the last sentence (only when ``sciwire.fidelity`` provides it)
============================  =====================================================================

The abstract is style-neutralised first (:func:`~.style.neutralise_style`, the one normaliser:
prefix, headings, line breaks, citation markers, copyright lines, "Here we show" openers), so
formatting and house style cannot become a feature. The embedded text is the title plus at
most ``embed_words`` words of the abstract: its first two thirds and last third (where the
conclusion is), which bounds the cost of ranking thousands of abstracts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sciwire.analysis import Encoder
from sciwire.newsworthiness.news_values import NewsValueScorer
from sciwire.newsworthiness.papers import Paper, normalise_abstract
from sciwire.newsworthiness.text_stats import _SENTENCE_END, availability, jargon, readability

logger = logging.getLogger(__name__)

READABILITY = ("words", "words_per_sentence", "syllables_per_word", "flesch_reading_ease")
JARGON = ("jargon_share", "common_share", "dejargonizer_score")
AVAILABILITY = ("code_available", "data_available")
#: Broad arXiv archives (the part of a category before the dot, grouped).
FIELDS: dict[str, tuple[str, ...]] = {
    "cs": ("cs",),
    "physics": (
        "physics",
        "astro-ph",
        "cond-mat",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "nucl-ex",
        "nucl-th",
        "quant-ph",
        "nlin",
    ),
    "math": ("math",),
    "stat": ("stat",),
    "q_bio": ("q-bio",),
    "econ": ("econ", "q-fin"),
    "eess": ("eess",),
}
_HIGH_PROFILE = re.compile(
    r"^(?:nature|science|cell|the lancet|lancet|new england journal of medicine|n engl j med|nejm|jama|bmj|"
    r"proceedings of the national academy of sciences|pnas)\b",
    re.IGNORECASE,
)
_HIGH_PROFILE_DOI = re.compile(
    r"^(?:doi:)?10\.(?:1038|1126|1016/j\.cell|1016/s0140-6736|1056|1001/jama|1136/bmj|1073)/"
)


@dataclass(frozen=True)
class FeatureSet:
    """Features of some papers: the abstract embeddings and named tabular columns.

    Attributes:
        ids: Paper ids, one per row.
        names: Names of the tabular columns.
        tabular: Shape ``(papers, len(names))``.
        embedding: Shape ``(papers, dim)``, unit-length rows.
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    tabular: np.ndarray
    embedding: np.ndarray

    def subset(self, rows: np.ndarray) -> FeatureSet:
        """The features of some rows (an index array), in that order."""
        return FeatureSet(tuple(self.ids[i] for i in rows), self.names, self.tabular[rows], self.embedding[rows])

    def column(self, name: str) -> np.ndarray:
        """One tabular column by name."""
        return self.tabular[:, self.names.index(name)]

    def matrix(self, columns: Sequence[str], with_embedding: bool) -> np.ndarray:
        """The model input: the named tabular columns, then (optionally) the embedding."""
        missing = [c for c in columns if c not in self.names]
        if missing:
            raise KeyError(f"Features {missing} were not computed; available: {list(self.names)}")
        tab = self.tabular[:, [self.names.index(c) for c in columns]]
        return np.hstack([tab, self.embedding]) if with_embedding else tab


def claim_strength_function() -> Callable[[str], int] | None:
    """``sciwire.fidelity``'s documented lexicon claim strength (0-3), when it is installed."""
    try:
        from sciwire.fidelity.cues import lexicon_strength
    except ImportError:
        return None
    return lexicon_strength


def field_features(paper: Paper) -> dict[str, float]:
    """One-hot broad arXiv archives of the categories, and whether the venue is high-profile."""
    archives = {c.split(".")[0].lower() for c in paper.categories}
    out = {f"field_{name}": float(bool(archives & set(prefixes))) for name, prefixes in FIELDS.items()}
    out["venue_high_profile"] = float(
        bool(_HIGH_PROFILE.match(paper.venue.strip()) or _HIGH_PROFILE_DOI.match(paper.doi.strip().lower()))
    )
    return out


def embedding_text(paper: Paper, embed_words: int, normalised: str | None = None) -> str:
    """Title plus at most ``embed_words`` words of the normalised abstract (head 2/3, tail 1/3)."""
    words = (normalise_abstract(paper.abstract) if normalised is None else normalised).split()
    if len(words) > embed_words:
        head = (2 * embed_words) // 3
        words = [*words[:head], "…", *words[len(words) - (embed_words - head) :]]
    title = " ".join(paper.title.split())
    return f"{title}. {' '.join(words)}" if title else " ".join(words)


def last_sentence(text: str) -> str:
    """The last sentence of ``text`` (the conclusion of most abstracts)."""
    parts = [p for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    return parts[-1] if parts else ""


class Featurizer:
    """Compute a :class:`FeatureSet` for papers.

    Args:
        embedder: The shared embedder.
        embed_words: Abstract words embedded per paper (see :func:`embedding_text`).
        use_claim_strength: Add ``claim_strength`` when ``sciwire.fidelity`` provides it.
        neutralise: Style-neutralise abstracts before every feature and the embedding (the
            default; ``False`` only for the raw-text rows of the benchmark).

    Example:
        >>> from sciwire.backends.embeddings import Embedder
        >>> from sciwire.config import load_config
        >>> feat = Featurizer(Embedder.from_config(load_config()), embed_words=96)  # cheap: loads on first use
        >>> feat.names()[:3]
        ['words', 'words_per_sentence', 'syllables_per_word']
    """

    def __init__(
        self, embedder: Encoder, embed_words: int = 96, use_claim_strength: bool = True, neutralise: bool = True
    ) -> None:
        self.embedder = embedder
        self.embed_words = embed_words
        self.use_claim_strength = use_claim_strength
        self.neutralise = neutralise
        self.signals = NewsValueScorer(embedder)
        self._strength = claim_strength_function() if use_claim_strength else None

    def names(self) -> list[str]:
        """Tabular column names, in order."""
        fields = [f"field_{n}" for n in FIELDS] + ["venue_high_profile"]
        extra = ["claim_strength"] if self._strength is not None else []
        return [*READABILITY, *JARGON, *AVAILABILITY, *fields, *self.signals.names(), *extra]

    def prepare(self, abstract: str) -> str:
        """The abstract every feature and the embedding read: style-neutralised (or, if disabled, as written)."""
        return normalise_abstract(abstract) if self.neutralise else abstract.strip()

    def text_features(self, paper: Paper, normalised: str | None = None) -> dict[str, float]:
        """Everything but the embedding-based signals, for one paper."""
        abstract = self.prepare(paper.abstract) if normalised is None else normalised
        feats = {**readability(abstract), **jargon(abstract)}
        feats.update(availability(" ".join([abstract, paper.text, paper.url])))
        feats.update(field_features(paper))
        if self._strength is not None:
            feats["claim_strength"] = float(self._strength(last_sentence(abstract)))
        return feats

    def transform(self, papers: Sequence[Paper], on_progress: Callable[[int], None] | None = None) -> FeatureSet:
        """Features of ``papers`` (embeddings batched through the shared, cached embedder)."""
        names = self.names()
        n_text = len(names) - len(self.signals.names())
        text_names = [n for n in names if not n.startswith(("nv_", "topic_"))]
        normalised = [self.prepare(p.abstract) for p in papers]
        rows = [self.text_features(p, a) for p, a in zip(papers, normalised, strict=True)]
        tab_text = np.array([[r[n] for n in text_names] for r in rows], dtype=np.float64).reshape(len(papers), n_text)
        texts = [embedding_text(p, self.embed_words, a) for p, a in zip(papers, normalised, strict=True)]
        emb = self.embedder.encode(texts, on_progress=on_progress, full_length=True)
        signals = self.signals.score(emb).astype(np.float64)
        by_name = dict(zip(text_names, tab_text.T, strict=True))
        by_name.update(zip(self.signals.names(), signals.T, strict=True))
        tabular = np.column_stack([by_name[n] for n in names]) if papers else np.zeros((0, len(names)))
        logger.debug("features: %d papers x %d tabular + %d embedding", len(papers), len(names), emb.shape[1])
        return FeatureSet(tuple(p.id for p in papers), tuple(names), tabular, emb)
