"""Answer selection: BM25 (SQLite FTS5) + dense MiniLM similarity, fused.

On scientific text BM25 is as strong as small dense models (BEIR SciFact), and the two make
different mistakes, so fusing them beats either alone. Two fusions: ``linear`` (the
default: cosine + ``bm25_weight`` x BM25 score divided by the query's best BM25 score) and
``rrf`` (reciprocal rank fusion, Cormack et al. 2009); benchmarks/qa.py compares them. The
BM25 weight and the confidence are fitted numbers, read from the model folder ``qa.model``
(:mod:`sciwire.qa.model`).
The answer is a sentence, returned with its neighbours, section, discourse role (when the
document has a ``discourse`` layer) and a confidence.

When the model folder has the answer ranker (format 2), hybrid mode re-ranks the candidates
with it (:mod:`sciwire.qa.ranker`): sentences that report results rank above those that restate
the question; the confidence is P(the sentence answers the question); and when a paper does
not answer it at all, its answers have ``answers=False`` ("the paper does not say",
:data:`NO_ANSWER`). ``bm25`` and ``dense`` modes stay plain retrieval, for comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from sciwire.analysis import DISCOURSE, Encoder
from sciwire.config import QAConfig, load_config
from sciwire.document import Document
from sciwire.errors import InputError, UnsupportedLanguageError
from sciwire.qa.features import ROLE_FEATURES, role_groups
from sciwire.qa.model import ANSWERABLE_THRESHOLD, AnswerModel, load_answer_model
from sciwire.qa.ranker import score_paper
from sciwire.readers._checks import FUNCTION_WORDS, words
from sciwire.store.base import Store

logger = logging.getLogger(__name__)
MODES = ("hybrid", "bm25", "dense")
#: What sciwire says when the paper does not answer the question.
NO_ANSWER = "the paper does not say"
#: Sections whose sentences never answer a question (the answer ranker leaves them out).
NOT_ANSWERS = frozenset({"title", "references"})
#: English words that almost every English question has ("Do mutations ... promote ...?").
QUESTION_WORDS = FUNCTION_WORDS | frozenset(
    "do does did is are was were can could should would will what which how why when where who whom a an the".split()
)
#: Frequent function words of other languages sciwire users write in (de, fr, es, it, nl, pt).
FOREIGN_WORDS = frozenset(
    """der die das und ist nicht ein eine mit für bei welche wie hat sind von zu den dem
    le la les des est une pour avec dans sont quels quelles qui chez du et
    el los las es una para con por del cuáles qué son y en
    il gli della sono che per non
    het een zijn wat welke voor niet
    os uma não são quais""".split()
)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[Hashable]], k: int = 60) -> dict[Hashable, float]:
    """RRF: each item scores sum(1 / (k + rank)) over the rankings it appears in (rank from 1).

    Example:
        >>> scores = reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=1)
        >>> sorted(scores, key=scores.get, reverse=True)
        ['b', 'a', 'c']
    """
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return scores


def check_question(question: str) -> str:
    """The stripped question, or a clear error for an empty or non-English one."""
    text = (question or "").strip()
    if not text:
        raise InputError('The question is empty; ask something, e.g. sciwire ask "How many patients took part?"')
    tokens = words(text)
    lowered = [t.lower() for t in tokens]
    foreign = sum(t in FOREIGN_WORDS for t in lowered)
    if len(tokens) >= 4 and foreign >= 2 and foreign > sum(t in QUESTION_WORDS for t in lowered):
        raise UnsupportedLanguageError(
            f"The question {text[:60]!r} does not look like English ({foreign} common words of other languages); "
            "sciwire's models handle English only"
        )
    return text


@dataclass(frozen=True)
class Answer:
    """An answer sentence with its evidence and context.

    ``answers`` is False when the answer ranker judged that the sentence's paper does not
    answer the question (P = ``answerable`` below the threshold): the sentence is then only
    the closest the paper comes, and the answer is :data:`NO_ANSWER`.
    """

    doc_id: str
    index: int
    text: str
    score: float
    confidence: float
    cosine: float
    bm25_rank: int | None
    dense_rank: int | None
    title: str = ""
    section: str | None = None
    role: str | None = None
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    attrs: dict[str, object] = field(default_factory=dict)
    answers: bool = True
    answerable: float | None = None


class Ranked(NamedTuple):
    """One ranked sentence: its ``(doc_id, index)`` key, fused score and the evidence.

    ``bm25`` is its BM25 score divided by the query's best one (0 when BM25 did not find it).
    """

    key: tuple[str, int]
    score: float
    cosine: float
    bm25_rank: int | None
    dense_rank: int | None
    bm25: float = 0.0


class Retriever:
    """Find answer sentences in a store.

    Args:
        store: The corpus store (``sciwire add`` fills it).
        embedder: Must be the model the store's vectors were made with.
        config: Fusion, candidate depth, neighbours and the model folder (default: the
            resolved config's ``qa``).
        model: The BM25 weight and confidence scorer (default: the folder ``config.model`` names).

    Attributes:
        model: The fitted numbers in use; ``model.folder`` is the folder they came from.
    """

    def __init__(
        self, store: Store, embedder: Encoder, config: QAConfig | None = None, model: AnswerModel | None = None
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config or load_config().qa
        self.model = model or load_answer_model(self.config.model)
        self._docs: dict[str, Document] = {}
        self._role_cache: dict[str, np.ndarray | None] = {}
        self._role_labels: dict[str, dict[int, str]] = {}
        self._loaded: tuple[list[tuple[str, int]], np.ndarray] | None = None
        self._rows_by_doc: dict[str, dict[int, int]] | None = None

    def _vectors(self) -> tuple[list[tuple[str, int]], np.ndarray]:
        """The store's sentence vectors, read afresh (each question sees the store as it is now)."""
        keys, matrix = self.store.vectors(self.embedder.model_key)
        self._loaded, self._rows_by_doc = (list(keys), matrix), None
        return self._loaded

    def _doc_rows(self, doc_id: str) -> tuple[dict[int, int], np.ndarray]:
        """Sentence index -> row of the last vectors read, for one paper (the index is built once)."""
        keys, matrix = self._loaded if self._loaded is not None else self._vectors()
        if self._rows_by_doc is None:
            self._rows_by_doc = {}
            for i, (doc, index) in enumerate(keys):
                self._rows_by_doc.setdefault(doc, {})[index] = i
        return self._rows_by_doc.get(doc_id, {}), matrix

    def _doc(self, doc_id: str) -> Document:
        if doc_id not in self._docs:
            self._docs[doc_id] = self.store.get(doc_id)
        return self._docs[doc_id]

    def rank(self, question: str, mode: str = "hybrid", doc_ids: Sequence[str] | None = None) -> list[Ranked]:
        """Sentences ranked for ``question``, best first.

        Raises:
            InputError: On an unknown mode, an empty store or an empty question.
        """
        if mode not in MODES:
            raise InputError(f"mode must be one of {MODES}, got {mode!r}")
        question = check_question(question)
        keys, matrix = self._vectors()
        if not keys:
            raise InputError("The corpus is empty; add papers first with 'sciwire add FILE...'")
        depth = self.config.candidates
        cos = matrix @ self.embedder.encode([question])[0]
        if doc_ids is not None:
            allowed = set(doc_ids)
            cos = np.where([k[0] in allowed for k in keys], cos, -np.inf)
        dense = [keys[i] for i in np.argsort(-cos, kind="stable")[:depth] if np.isfinite(cos[i])]
        hits = self.store.search_text(question, depth, doc_ids)
        bm25 = [(h.doc_id, h.index) for h in hits]
        top_bm25 = max((h.score for h in hits), default=1.0) or 1.0
        bm25_norm = {(h.doc_id, h.index): h.score / top_bm25 for h in hits}
        row = {k: i for i, k in enumerate(keys)}
        cosine = {k: float(cos[row[k]]) for k in dict.fromkeys(dense + bm25) if k in row}
        fused: dict[tuple[str, int], float]
        if mode == "bm25":
            fused = {k: bm25_norm[k] for k in bm25}
        elif mode == "dense":
            fused = {k: cosine[k] for k in dense}
        elif self.config.fusion == "rrf":
            fused = reciprocal_rank_fusion([bm25, dense], self.config.rrf_k)  # type: ignore[assignment]
        else:
            fused = {k: c + self.model.bm25_weight * bm25_norm.get(k, 0.0) for k, c in cosine.items()}
        bm25_rank = {k: r for r, k in enumerate(bm25, start=1)}
        dense_rank = {k: r for r, k in enumerate(dense, start=1)}
        ordered = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        return [
            Ranked(k, v, cosine.get(k, 0.0), bm25_rank.get(k), dense_rank.get(k), bm25_norm.get(k, 0.0))
            for k, v in ordered
        ]

    def confidence(self, cosine: float, bm25_rank: int | None, dense_rank: int | None) -> float:
        """P(the sentence's paper answers the question): the model's logistic function of the evidence."""
        return self.model.confidence_of(cosine, found_by_both=bm25_rank is not None and dense_rank is not None)

    def _roles(self, doc_id: str) -> np.ndarray | None:
        """Role-group probabilities of every sentence of a paper: from its ``discourse`` layer, else tagged
        now; None when neither can be had (the embedder is not the one the role tagger was trained on)."""
        if doc_id not in self._role_cache:
            self._role_cache[doc_id] = self._tag_roles(doc_id)
        return self._role_cache[doc_id]

    def _tag_roles(self, doc_id: str) -> np.ndarray | None:
        doc = self._doc(doc_id)
        spans = doc.layer(DISCOURSE)
        if spans:
            probs = {s.start: s.attrs.get("probabilities") for s in spans}
            labels = {s.start: s.label for s in spans}
            self._role_labels[doc_id] = {t.index: labels[t.start] for t in doc.sentences if t.start in labels}
            groups = [role_groups(probs.get(s.start)) for s in doc.sentences]
            return np.array(groups, dtype=np.float64).reshape(-1, len(ROLE_FEATURES))
        from sciwire.discourse.features import document_sequence
        from sciwire.discourse.model import load_cached

        tagger = load_cached("default", "coresc")
        if tagger.embedding_model and tagger.embedding_model != self.embedder.model_key:
            return None
        rows, matrix = self._doc_rows(doc_id)
        sentences = [s for s in doc.iter_sentences() if s.index in rows]
        out = np.zeros((len(doc.sentences), len(ROLE_FEATURES)))
        if sentences:
            vectors = matrix[[rows[s.index] for s in sentences]]
            preds = tagger.predict(document_sequence(doc, sentences, vectors), explain=False)
            for s, p in zip(sentences, preds, strict=True):
                out[s.index] = role_groups(p.probabilities)
            self._role_labels[doc_id] = {s.index: p.label for s, p in zip(sentences, preds, strict=True)}
        return out

    def role_of(self, doc_id: str, index: int) -> str | None:
        """The CoreSC role of a sentence: from the paper's ``discourse`` layer, or as tagged for the answer ranker."""
        doc = self._doc(doc_id)
        if doc_id not in self._role_labels:
            labels = {s.start: s.label for s in doc.layer(DISCOURSE)}
            self._role_labels[doc_id] = {t.index: labels[t.start] for t in doc.sentences if t.start in labels}
        return self._role_labels[doc_id].get(index)

    def answer_scores(self, question: str, ranked: Sequence[Ranked]) -> list[tuple[Ranked, float, float]] | None:
        """``ranked`` re-ranked by the answer ranker: ``(candidate, confidence, P(its paper answers))``, best first.

        Title and reference-list sentences are left out. None when a paper's discourse roles are
        unknown and cannot be tagged (another embedding model than the role tagger's).
        """
        by_doc: dict[str, list[Ranked]] = {}
        for r in ranked:
            doc = self._doc(r.key[0])
            section = doc.section_of(doc.sentences[r.key[1]])
            if section is None or section.name not in NOT_ANSWERS:
                by_doc.setdefault(r.key[0], []).append(r)
        out = []
        for doc_id, cands in by_doc.items():
            texts = self._doc(doc_id).sentence_texts()
            roles = self._roles(doc_id)
            if roles is None:
                return None
            scores = score_paper(
                self.model,
                question,
                [texts[r.key[1]] for r in cands],
                bm25=np.array([r.bm25 for r in cands]),
                cosine=np.array([r.cosine for r in cands]),
                roles=roles[[r.key[1] for r in cands]],
            )
            order = zip(cands, scores.confidence.tolist(), scores.ranker_logit.tolist(), strict=True)
            out += [(r, c, scores.answerable, z) for r, c, z in order]
        out.sort(key=lambda t: (-t[1], -t[3], t[0].key))
        return [(r, c, a) for r, c, a, _ in out]

    def ask(
        self, question: str, top_k: int | None = None, mode: str = "hybrid", doc_ids: Sequence[str] | None = None
    ) -> list[Answer]:
        """The best answer sentences, with context (see :class:`Answer`)."""
        ranked = self.rank(question, mode, doc_ids)
        k = top_k or self.config.top_k
        chosen: list[tuple[Ranked, float, float | None]]
        reranked = self.answer_scores(question, ranked) if mode == "hybrid" and self.model.has_ranker else None
        if reranked is not None:
            chosen = list(reranked[:k])
        else:
            if mode == "hybrid" and self.model.has_ranker:
                logger.warning(
                    "Answers are plain hybrid matches: the answer ranker needs discourse roles, and the role "
                    "tagger does not take %s embeddings",
                    self.embedder.model_key,
                )
            chosen = [(r, self.confidence(r.cosine, r.bm25_rank, r.dense_rank), None) for r in ranked[:k]]
        n = self.config.neighbours
        answers = []
        for r, confidence, answerable in chosen:
            doc_id, idx = r.key
            doc = self._doc(doc_id)
            texts = doc.sentence_texts()
            sent = doc.sentences[idx]
            section = doc.section_of(sent)
            # neighbours come from the answer's own section (never the reference list after it)
            near = range(max(0, idx - n), min(len(texts), idx + 1 + n))
            same = [i for i in near if i != idx and doc.section_of(doc.sentences[i]) == section]
            answers.append(
                Answer(
                    doc_id=doc_id,
                    index=idx,
                    text=texts[idx],
                    score=round(r.score, 6),
                    confidence=round(confidence, 4),
                    cosine=round(r.cosine, 4),
                    bm25_rank=r.bm25_rank,
                    dense_rank=r.dense_rank,
                    title=doc.title,
                    section=section.name if section else None,
                    role=self.role_of(doc_id, idx),
                    before=tuple(texts[i] for i in same if i < idx),
                    after=tuple(texts[i] for i in same if i > idx),
                    answers=answerable is None or answerable >= ANSWERABLE_THRESHOLD,
                    answerable=None if answerable is None else round(answerable, 4),
                )
            )
        return answers
