"""``KeyphraseExtractor``: text in, ranked keyphrases out, one document or many.

Methods (``keyphrases.method``):

- ``combined`` (default): spaCy tags -> candidates -> graph + statistical scores; the best
  ``embed_candidates`` are embedded (MiniLM) and re-ranked with the combined linear score,
  then picked with maximal marginal relevance (``diversity``).
- ``fast``: the same without spaCy's tagger and the encoder: tokens are tagged from a shipped
  word lexicon (:mod:`sciwire.keyphrases.lexicon`) and ranked by graph + statistical features.

``combined`` and ``fast`` choose a mode from each document (:func:`~sciwire.keyphrases.structure.choose_mode`):
a full paper (1,500+ words, 3+ headings) is read without its references and ranked by where its
phrases occur (title, abstract, introduction, conclusions, headings, spread over sections;
:mod:`sciwire.keyphrases.scorers.paper`), anything shorter by the abstract features.
- ``graph``, ``statistical``, ``embedding``: one scorer alone, on spaCy candidates.

Every document is ranked on its own. :meth:`KeyphraseExtractor.extract_many` (the batch API) shares
only the calls to spaCy and the encoder among the documents of a batch; without the encoder
(``fast``, ``graph``, ``statistical``) its output is identical to :meth:`~KeyphraseExtractor.extract`'s,
with it a score can differ in its last decimal (the encoder pads a batch's phrases together).

Example:
    >>> ex = KeyphraseExtractor()                 # cheap: the resolved config's settings, nothing loaded yet
    >>> [k.text for k in ex.extract("Graph neural networks for molecules.")]  # doctest: +SKIP
    ['Graph neural networks', 'molecules']
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from sciwire.analysis import Encoder
from sciwire.backends.embeddings import Embedder
from sciwire.config import Config, KeyphrasesConfig, load_config
from sciwire.errors import ConfigError, InputError, UnsupportedLanguageError
from sciwire.keyphrases._nlp import load_keyphrase_nlp
from sciwire.keyphrases.candidates import CandidateSet, CandidateSettings, extract_candidates
from sciwire.keyphrases.lexicon import load_lexicon, tag_with_lexicon
from sciwire.keyphrases.scorers import (
    DEFAULT_WEIGHTS,
    FAST_WEIGHTS,
    FEATURES,
    EmbeddingScorer,
    GraphScorer,
    StatisticalScorer,
    candidate_features,
    load_weights,
    mmr_values,
    rank_normalize,
)
from sciwire.keyphrases.scorers.embedding import mean_direction
from sciwire.keyphrases.scorers.paper import PAPER_FEATURES, PAPER_WEIGHTS, lead_text, paper_features
from sciwire.keyphrases.stopwords import resolve_stopwords
from sciwire.keyphrases.structure import choose_mode, read_structure
from sciwire.keyphrases.tagging import TaggedText, tag_texts
from sciwire.readers._checks import MIN_WORDS_FOR_LANGUAGE, english_ratio, words

logger = logging.getLogger(__name__)
METHODS: tuple[str, ...] = ("combined", "fast", "graph", "statistical", "embedding")
#: The extractor the processes of ``extract_many(jobs=...)`` inherit when forked (set under the lock).
_FORKED: dict[str, KeyphraseExtractor] = {}
_FORK_LOCK = threading.Lock()
#: Texts per batch of :meth:`KeyphraseExtractor.extract_many` (tagged together, one encoder call per batch).
BATCH_DOCS = 64


@dataclass
class _Pending:
    """One document's ranking up to the encoder (:meth:`KeyphraseExtractor.rank_many`).

    ``result`` is set when the method needs no encoder; otherwise ``doc_texts`` are embedded
    (full length; the document vector is the normalised mean of theirs) and so are the surface
    forms of the shortlist ``indices``. ``rows`` (paper mode) or ``graph`` and ``stat`` (the
    abstract features) are what the ranking is finished from.
    """

    cands: CandidateSet
    kind: str
    result: list[Keyphrase] | None = None
    indices: list[int] = field(default_factory=list)
    doc_texts: list[str] = field(default_factory=list)
    rows: np.ndarray | None = None
    graph: np.ndarray | None = None
    stat: np.ndarray | None = None

    @property
    def phrases(self) -> list[str]:
        return [self.cands.candidates[i].surface for i in self.indices]


@dataclass(frozen=True)
class Keyphrase:
    """One keyphrase of a document.

    Attributes:
        text: Its most frequent surface form in the document.
        score: The score it was ranked by (higher is better; comparable within one document
            only). With maximal marginal relevance (``combined``, ``embedding``) that is its
            relevance less the redundancy penalty at the moment it was picked, so a list of
            keyphrases is always in score order.
        key: The de-duplication key: the stems of its words' lemmas, space-separated.
        occurrences: ``(start, end)`` character offsets of every occurrence (acronym uses included).
        acronym: The acronym introduced for it ("HyARM"), if any.
    """

    text: str
    score: float
    key: str
    occurrences: tuple[tuple[int, int], ...]
    acronym: str | None = None

    @property
    def count(self) -> int:
        return len(self.occurrences)


class KeyphraseExtractor:
    """Extract keyphrases with the configured method.

    Every setting left out comes from the resolved config (:func:`~sciwire.config.load_config`,
    so ``$SCIWIRE_CONFIG`` and the environment apply).

    Args:
        config: Keyphrase settings (``[keyphrases]``).
        spacy_model: The spaCy package or folder (``models.spacy``).
        embedder: The sentence encoder for ``combined`` and ``embedding``; when None, the
            configured one (:meth:`Embedder.from_config`), built on first use.
        min_english_ratio: Texts of 40 words or more with a lower share of English function
            words are refused (``input.min_english_ratio``).

    Raises:
        ConfigError: On an unknown method or an unreadable stopword or weights file.
    """

    def __init__(
        self,
        config: KeyphrasesConfig | None = None,
        spacy_model: str | None = None,
        embedder: Encoder | None = None,
        min_english_ratio: float | None = None,
    ) -> None:
        if config is None or spacy_model is None or min_english_ratio is None:
            resolved = load_config()
            config = config or resolved.keyphrases
            spacy_model = spacy_model or resolved.models.spacy
            min_english_ratio = resolved.input.min_english_ratio if min_english_ratio is None else min_english_ratio
        self.config = config
        if self.config.method not in METHODS:
            raise ConfigError(f"keyphrases.method must be one of {METHODS}, got {self.config.method!r}")
        self.spacy_model = spacy_model
        self.embedder = embedder
        self.min_english_ratio = min_english_ratio
        self.stopwords = resolve_stopwords(self.config.stopwords_file, self.config.extra_stopwords)
        if self.config.weights_file:
            self.weights = load_weights(self.config.weights_file)
        else:
            self.weights = dict(FAST_WEIGHTS if self.config.method == "fast" else DEFAULT_WEIGHTS)
        #: Weights of the full-paper ranker (:data:`PAPER_FEATURES`; hand-set, see scorers/paper.py).
        self.paper_weights = dict(PAPER_WEIGHTS)
        #: Let ``combined`` and ``fast`` rank a full paper with the full-paper ranker (False: every text
        #: is ranked as an abstract, the behaviour before the paper mode; for comparisons).
        self.paper_mode = True
        self.settings = CandidateSettings(self.stopwords, self.config.max_words, self.config.participles)
        self.graph = GraphScorer(window=self.config.window)
        self.statistical = StatisticalScorer()
        self._embedding: EmbeddingScorer | None = None

    @classmethod
    def from_config(cls, config: Config, embedder: Embedder | None = None) -> KeyphraseExtractor:
        """The extractor ``config`` describes (``[keyphrases]``, ``models``, ``input.min_english_ratio``),
        with ``embedder`` or the configured one (:meth:`Embedder.from_config`)."""
        embedder = embedder or Embedder.from_config(config)
        return cls(config.keyphrases, config.models.spacy, embedder, config.input.min_english_ratio)

    @property
    def uses_embeddings(self) -> bool:
        return self.config.method == "embedding" or (
            self.config.method == "combined" and self.weights["embedding"] != 0
        )

    def warm_up(self) -> None:
        """Load spaCy (or the lexicon) and, when the method needs it, the encoder."""
        if self.config.method == "fast":
            load_keyphrase_nlp(self.spacy_model, tagged=False)
            load_lexicon()
        else:
            load_keyphrase_nlp(self.spacy_model, tagged=True)
        if self.uses_embeddings:
            self.embedding_scorer.warm_up()

    @property
    def embedding_scorer(self) -> EmbeddingScorer:
        if self._embedding is None:
            self._embedding = EmbeddingScorer(self.embedder or Embedder.from_config(load_config()))
        return self._embedding

    # ---- public API -----------------------------------------------------------------------
    def extract(self, text: str, top: int | None = None) -> list[Keyphrase]:
        """The best ``top`` (default ``keyphrases.top``) keyphrases of one text, best first.

        Raises:
            InputError: The text is empty, has no words or exceeds ``keyphrases.max_chars``.
            UnsupportedLanguageError: A text of 40 words or more does not look like English.
        """
        return self.extract_many([text], top)[0]

    def extract_many(
        self,
        texts: Sequence[str],
        top: int | None = None,
        on_progress: Callable[[int], None] | None = None,
        batch_size: int = BATCH_DOCS,
        jobs: int = 1,
    ) -> list[list[Keyphrase]]:
        """Keyphrases of each text, ``batch_size`` texts at a time (the way to extract from many).

        Each text is ranked on its own, as :meth:`extract` ranks it; a batch only shares the calls
        to spaCy and the encoder (one for the document texts and one for the shortlisted phrases
        of all its texts), which is what makes it faster. The encoder pads a batch's phrases
        together, which can move a vector in its last bits (about 1e-7): a keyphrase's score can
        differ in its last decimal from :meth:`extract`'s, and in a rare exact near-tie two
        phrases can swap.

        ``jobs`` > 1 ranks the batches in that many processes, forked from this one once its models
        are loaded (Linux and other systems with ``fork``; elsewhere it runs here, with a warning);
        batches are then at most ``len(texts) / jobs`` texts, so that every process has work.
        Only methods without the encoder (``fast``, ``graph``, ``statistical``) run in processes; their
        lists are the same as with one job.

        Raises:
            InputError: A text is empty, has no words or is too long, or ``batch_size`` or ``jobs`` < 1.
            UnsupportedLanguageError: A text of 40 words or more does not look like English.
            ConfigError: ``jobs`` > 1 with a method that uses the encoder.
        """
        if batch_size < 1 or jobs < 1:
            raise InputError(f"batch_size and jobs must be >= 1, got {batch_size} and {jobs}")
        if jobs > 1 and self.uses_embeddings:
            raise ConfigError(
                f"jobs > 1 runs only methods without the encoder (fast, graph, statistical); "
                f"keyphrases.method is {self.config.method!r}"
            )
        for i, text in enumerate(texts):
            self._check(text, f"text {i + 1}" if len(texts) > 1 else "the text")
        if jobs > 1 and len(texts) > 1:
            pooled = self._extract_in_processes(texts, top, on_progress, min(batch_size, -(-len(texts) // jobs)), jobs)
            if pooled is not None:
                return pooled
        return self._extract_checked(texts, top, on_progress, batch_size)

    def _extract_checked(
        self, texts: Sequence[str], top: int | None, on_progress: Callable[[int], None] | None, batch_size: int
    ) -> list[list[Keyphrase]]:
        """:meth:`extract_many` on texts already checked, in this process."""
        out: list[list[Keyphrase]] = []
        for b in range(0, len(texts), batch_size):
            tagged = self.tag([self._body(t) for t in texts[b : b + batch_size]])
            out += self.rank_many([extract_candidates(t, self.settings) for t in tagged], top)
            if on_progress is not None:
                on_progress(len(tagged))
        return out

    def _extract_in_processes(
        self,
        texts: Sequence[str],
        top: int | None,
        on_progress: Callable[[int], None] | None,
        batch_size: int,
        jobs: int,
    ) -> list[list[Keyphrase]] | None:
        """:meth:`extract_many`'s batches in ``jobs`` forked processes (None when this system cannot fork)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if "fork" not in multiprocessing.get_all_start_methods():
            logger.warning("jobs=%d needs processes started by fork, which this system lacks; using one", jobs)
            return None
        self.warm_up()  # loaded once, here: the forked processes share spaCy's tokenizer and the lexicon
        out: list[list[Keyphrase]] = []
        with _FORK_LOCK:
            _FORKED["extractor"] = self
            gc.freeze()  # the children's collector leaves the inherited objects (and their pages) alone
            try:
                with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                    batches = [list(texts[b : b + batch_size]) for b in range(0, len(texts), batch_size)]
                    results = pool.map(_extract_forked, batches, [top] * len(batches))
                    for batch, result in zip(batches, results, strict=True):
                        out += result
                        if on_progress is not None:
                            on_progress(len(batch))
            finally:
                gc.unfreeze()
                _FORKED.clear()
        return out

    def tag(self, texts: Sequence[str]) -> list[TaggedText]:
        """Tagged words of each text (spaCy, or the lexicon in fast mode)."""
        if self.config.method == "fast":
            return tag_with_lexicon(texts, load_keyphrase_nlp(self.spacy_model, tagged=False), load_lexicon())
        return tag_texts(texts, load_keyphrase_nlp(self.spacy_model, tagged=True))

    def candidates(self, text: str) -> CandidateSet:
        """The de-duplicated candidates of one text (before ranking; a paper's references left out)."""
        self._check(text, "the text")
        return extract_candidates(self.tag([self._body(text)])[0], self.settings)

    def mode(self, text: str) -> str:
        """``"paper"`` or ``"abstract"``: how ``combined`` and ``fast`` rank this text (others: ``"abstract"``)."""
        if self.config.method not in ("combined", "fast") or not self.paper_mode:
            return "abstract"
        return choose_mode(text)

    def _body(self, text: str) -> str:
        """A paper's text up to its references; any other text as it is."""
        if self.mode(text) != "paper":
            return text
        return text[: read_structure(text).body_end]

    def rank(self, cands: CandidateSet, top: int | None = None) -> list[Keyphrase]:
        """Rank the candidates of one document with the configured method."""
        return self.rank_many([cands], top)[0]

    def rank_many(self, cand_sets: Sequence[CandidateSet], top: int | None = None) -> list[list[Keyphrase]]:
        """Rank the candidates of several documents; the encoder runs once for all of them.

        Every document is scored on its own (its features, shortlist and document vector are its
        own); only the encoder calls are shared: one for the document texts, one for the
        shortlisted phrases of all documents (each distinct text once).
        """
        top = self.config.top if top is None else top
        if top < 1:
            raise InputError(f"top must be >= 1, got {top}")
        pending = [self._prepare(cands, top) for cands in cand_sets]
        waiting = [p for p in pending if p.result is None]
        if waiting:
            scorer = self.embedding_scorer
            docs = list(dict.fromkeys(t for p in waiting for t in p.doc_texts))
            phrases = list(dict.fromkeys(t for p in waiting for t in p.phrases))
            doc_vecs = dict(zip(docs, scorer.embedder.encode(docs, full_length=True), strict=True))
            phrase_vecs = dict(zip(phrases, scorer.embedder.encode(phrases), strict=True))
            for p in waiting:
                doc = mean_direction(np.stack([doc_vecs[t] for t in p.doc_texts]))
                vecs = np.vstack([phrase_vecs[t] for t in p.phrases])
                p.result = self._finish(p, doc, vecs, top)
        return [p.result or [] for p in pending]

    def _prepare(self, cands: CandidateSet, top: int) -> _Pending:
        """Everything before the encoder; ``result`` is set when the method does not use it."""
        if len(cands) == 0:
            logger.info("No noun-phrase candidates in a text of %d words", len(cands.tagged))
            return _Pending(cands, "done", result=[])
        method = self.config.method
        if method in ("combined", "fast") and self.paper_mode and choose_mode(cands.tagged.text) == "paper":
            pending, scores = self._prepare_paper(cands)
        elif method == "graph":
            return _Pending(cands, method, result=self._pick(cands, self.graph.score(cands), top))
        elif method == "statistical":
            return _Pending(cands, method, result=self._pick(cands, self.statistical.score(cands), top))
        elif method == "embedding":
            indices = self._shortlist(cands, self._first_order(cands), self.config.embed_candidates * 4)
            return _Pending(cands, method, indices=indices, doc_texts=self.embedding_scorer.document_pieces(cands))
        else:
            pending, scores = self._prepare_abstract(cands)
        if not self.uses_embeddings:
            pending.result = self._pick(cands, scores, top)
        return pending

    def _prepare_paper(self, cands: CandidateSet) -> tuple[_Pending, np.ndarray]:
        """The full-paper ranker before the encoder: the pending document (its shortlist with the
        encoder, every candidate without) and every candidate's score without the encoder."""
        structure = read_structure(cands.tagged.text)
        features = paper_features(cands, structure, self.statistical.score(cands))
        scores = features @ np.array([self.paper_weights[f] for f in PAPER_FEATURES])
        if not self.uses_embeddings:
            return _Pending(cands, "paper", indices=list(range(len(cands))), rows=features), scores
        indices = self._shortlist(cands, scores, self.config.embed_candidates)
        return _Pending(
            cands, "paper", indices=indices, doc_texts=[lead_text(structure)], rows=features[indices]
        ), scores

    def _prepare_abstract(self, cands: CandidateSet) -> tuple[_Pending, np.ndarray]:
        """The combined (abstract) ranker before the encoder, as :meth:`_prepare_paper`; the
        document pieces are read only when the encoder will embed them."""
        graph, stat = self.graph.score(cands), self.statistical.score(cands)
        features = candidate_features(cands, graph, stat)
        scores = features @ np.array([self.weights[f] for f in FEATURES])
        if not self.uses_embeddings:
            return _Pending(cands, "abstract", indices=list(range(len(cands))), rows=features), scores
        indices = self._shortlist(cands, scores, self.config.embed_candidates)
        doc_texts = self.embedding_scorer.document_pieces(cands)
        return _Pending(cands, "abstract", indices=indices, doc_texts=doc_texts, graph=graph, stat=stat), scores

    def _rows(self, p: _Pending, doc: np.ndarray, vecs: np.ndarray) -> np.ndarray:
        """The feature rows of a pending document's shortlist, with the embedding feature filled in."""
        sims = np.asarray(vecs @ doc, dtype=float)
        if p.kind == "paper":
            assert p.rows is not None
            rows = p.rows.copy()
            rows[:, PAPER_FEATURES.index("embedding")] = rank_normalize(sims)
            return rows
        assert p.graph is not None and p.stat is not None
        cands = p.cands
        sub = CandidateSet(cands.tagged, cands.stems, [cands.candidates[i] for i in p.indices], cands.stopwords)
        return candidate_features(sub, p.graph[p.indices], p.stat[p.indices], sims)

    def _finish(self, p: _Pending, doc: np.ndarray, vecs: np.ndarray, top: int) -> list[Keyphrase]:
        if p.kind == "embedding":
            return self._pick_mmr(p.cands, p.indices, np.asarray(vecs @ doc, dtype=float), vecs, top)
        weights = self.paper_weights if p.kind == "paper" else self.weights
        names = PAPER_FEATURES if p.kind == "paper" else FEATURES
        scores = self._rows(p, doc, vecs) @ np.array([weights[f] for f in names])
        return self._pick_mmr(p.cands, p.indices, scores, vecs, top)

    def _with_vectors(self, p: _Pending) -> tuple[np.ndarray, list[int], np.ndarray | None]:
        """Feature rows, shortlist and phrase vectors of one prepared document (for training and benchmarks)."""
        scorer = self.embedding_scorer
        doc = mean_direction(scorer.embedder.encode(p.doc_texts, full_length=True))
        phrase_vecs = scorer.embedder.encode(p.phrases)
        return self._rows(p, doc, phrase_vecs), p.indices, phrase_vecs

    def paper_features(self, cands: CandidateSet) -> tuple[np.ndarray, list[int], np.ndarray | None]:
        """The full-paper ranker's rows (:data:`PAPER_FEATURES`) for the shortlist of a paper's candidates,
        their candidate indices and (with the encoder) the candidates' vectors."""
        pending, _ = self._prepare_paper(cands)
        if not self.uses_embeddings:
            assert pending.rows is not None
            return pending.rows, pending.indices, None
        return self._with_vectors(pending)

    def features(self, cands: CandidateSet) -> tuple[np.ndarray, list[int]]:
        """The combined ranker's feature rows and the candidate index of each row (the shortlist)."""
        pending, _ = self._prepare_abstract(cands)
        if not self.uses_embeddings:
            assert pending.rows is not None
            return pending.rows, pending.indices
        rows, indices, _ = self._with_vectors(pending)
        return rows, indices

    # ---- helpers --------------------------------------------------------------------------
    def _check(self, text: str, name: str) -> None:
        if not isinstance(text, str):
            raise InputError(f"Keyphrase extraction needs a str, got {type(text).__name__} for {name}")
        if not text.strip():
            raise InputError(f"{name} is empty; keyphrase extraction needs some text")
        if len(text) > self.config.max_chars:
            raise InputError(
                f"{name} has {len(text):,} characters, more than keyphrases.max_chars = {self.config.max_chars:,}; "
                "split it or raise the limit"
            )
        tokens = words(text)
        if not tokens:
            raise InputError(f"{name} has no words (only numbers or symbols); keyphrases need words")
        if len(tokens) >= MIN_WORDS_FOR_LANGUAGE and self.min_english_ratio > 0:
            ratio = english_ratio(text)
            if ratio < self.min_english_ratio:
                raise UnsupportedLanguageError(
                    f"{name} does not look like English: {ratio:.1%} of its {len(tokens)} words are common English "
                    f"words, expected at least {self.min_english_ratio:.0%}; keyphrase extraction handles English only"
                )

    @staticmethod
    def _first_order(cands: CandidateSet) -> np.ndarray:
        n = len(cands)
        tf = np.array([len(c.occurrences) for c in cands.candidates], dtype=float)
        return tf + (n - np.arange(n)) / (n + 1)  # frequent first, then early

    @staticmethod
    def _order(scores: np.ndarray) -> np.ndarray:
        """Indices by score (rounded, so float noise cannot reorder), ties by first occurrence."""
        return np.lexsort((np.arange(len(scores)), -np.round(scores, 9)))

    def _shortlist(self, cands: CandidateSet, scores: np.ndarray, k: int) -> list[int]:
        return [int(i) for i in self._order(scores)[:k]]

    def _pick(self, cands: CandidateSet, scores: np.ndarray, top: int) -> list[Keyphrase]:
        return [self._keyphrase(cands, int(i), float(scores[i])) for i in self._order(scores)[:top]]

    def _pick_mmr(
        self, cands: CandidateSet, indices: list[int], scores: np.ndarray, vecs: np.ndarray, top: int
    ) -> list[Keyphrase]:
        order, values = mmr_values(np.round(scores, 9), vecs, top, self.config.diversity)
        return [self._keyphrase(cands, indices[j], value) for j, value in zip(order, values, strict=True)]

    @staticmethod
    def _keyphrase(cands: CandidateSet, i: int, score: float) -> Keyphrase:
        cand, tagged = cands.candidates[i], cands.tagged
        spans = tuple((tagged.starts[a], tagged.ends[b]) for a, b in cand.occurrences)
        return Keyphrase(cand.surface, round(score, 6), " ".join(cand.key), spans, cand.acronym)


def extract_keyphrases(
    texts: str | Sequence[str], config: KeyphrasesConfig | None = None, top: int | None = None
) -> list[list[Keyphrase]]:
    """Keyphrases of each text (a single string counts as one text), with a fresh extractor
    (unset settings from :func:`~sciwire.config.load_config`).

    See :func:`sciwire.keyphrases.api.keywords_for_files` for files (``sciwire keywords``).
    """
    items = [texts] if isinstance(texts, str) else list(texts)
    return KeyphraseExtractor(config).extract_many(items, top)


def _extract_forked(texts: list[str], top: int | None) -> list[list[Keyphrase]]:
    """One batch in a process forked by :meth:`KeyphraseExtractor._extract_in_processes` (checked there)."""
    return _FORKED["extractor"]._extract_checked(texts, top, None, len(texts))
