"""Within-abstract answer selection data from PubMedQA PQA-L: one question against its own abstract.

This is what ``sciwire ask --paper`` and ``analyze --question`` do: rank the sentences of one
paper. For every PQA-L item, :func:`within_abstract` splits the abstract (CONTEXTS) into
sentences with sciwire's pipeline, puts it alone in an in-memory store (so BM25's statistics
are the paper's own, as with ``ask --paper``), ranks its sentences with the hybrid retriever
and computes the answer ranker's :data:`~sciwire.qa.features.FEATURES` for each.

Every sentence gets the kind of the context it comes from (PubMedQA's ``LABELS``, see
:func:`context_kind`): ``answer`` (RESULTS, CONCLUSIONS, FINDINGS, DISCUSSION),
``background`` (BACKGROUND, OBJECTIVE, PURPOSE, AIMS, INTRODUCTION, CONTEXT) or ``other``
(methods, setting, ...). With ``long_answer=True`` the long answer (the abstract's
conclusion, not in CONTEXTS) is appended as a last paragraph, of kind ``answer``.

:func:`mismatched` pairs each question with the *most similar other* abstract (the one whose
best sentence is closest to the question): a paper on a neighbouring topic that does not
answer it. Those pairs teach and measure "the paper does not say".
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.analysis import Encoder
from sciwire.config import QAConfig
from sciwire.document import Document, Sentence
from sciwire.qa.features import answer_features, role_groups

if TYPE_CHECKING:
    from sciwire.datasets.pubmedqa import PubMedQAItem
    from sciwire.discourse.model import DiscourseModel
    from sciwire.qa.model import AnswerModel

logger = logging.getLogger(__name__)
ANSWER_WORDS = ("RESULT", "CONCLUSION", "FINDING", "DISCUSSION")
BACKGROUND_WORDS = ("BACKGROUND", "OBJECTIVE", "PURPOSE", "AIM", "INTRODUCTION", "CONTEXT", "RATIONALE", "HYPOTHES")


def context_kind(label: str) -> str:
    """``answer``, ``background`` or ``other`` for a PubMedQA context label.

    Example:
        >>> context_kind("RESULTS"), context_kind("BACKGROUND AND PURPOSE"), context_kind("METHODS")
        ('answer', 'background', 'other')
    """
    upper = label.upper()
    if any(w in upper for w in ANSWER_WORDS):
        return "answer"
    if any(w in upper for w in BACKGROUND_WORDS):
        return "background"
    return "other"


@dataclass(frozen=True)
class AbstractDoc:
    """One abstract split into sentences, with each sentence's kind, vector and role groups."""

    pmid: str
    doc: Document
    kinds: tuple[str, ...]
    long_answer: np.ndarray
    vectors: np.ndarray
    roles: np.ndarray


@dataclass(frozen=True)
class Candidates:
    """One question's candidate sentences (from one abstract or a pool of them), with the baselines'
    scores and the ranker's features.

    ``sources`` holds each sentence's abstract (PMID); a sentence carries the answer when it is
    of kind ``answer`` and comes from the question's own abstract ``pmid``.
    """

    pmid: str
    question: str
    texts: tuple[str, ...]
    kinds: tuple[str, ...]
    sources: tuple[str, ...]
    long_answer: np.ndarray
    hybrid: np.ndarray
    bm25: np.ndarray
    cosine: np.ndarray
    X: np.ndarray

    @property
    def own(self) -> np.ndarray:
        """True for the sentences of the question's own abstract."""
        return np.array([s == self.pmid for s in self.sources], dtype=bool)

    @property
    def positive(self) -> np.ndarray:
        """1 for sentences that carry the answer (kind ``answer``, in the question's own abstract)."""
        return np.array([k == "answer" for k in self.kinds], dtype=int) * self.own


def abstract_docs(
    items: Sequence[PubMedQAItem],
    embedder: Encoder,
    nlp: Any,
    coresc: DiscourseModel,
    *,
    long_answer: bool = False,
) -> list[AbstractDoc]:
    """Split, embed and role-tag every item's abstract (see the module docstring)."""
    from sciwire.discourse.features import document_sequence
    from sciwire.nlp import annotate_many

    docs, bounds = [], []
    for it in items:
        parts = [*it.contexts, *([it.long_answer] if long_answer and it.long_answer else [])]
        kinds = [context_kind(lab) for lab in it.labels] + ["answer"] * (len(parts) - len(it.labels))
        starts, pos = [], 0
        for p in parts:
            starts.append(pos)
            pos += len(p) + 2
        docs.append(Document(id=it.pmid, kind="paper", title="", text="\n\n".join(parts)))
        bounds.append((starts, kinds, len(it.contexts)))
    docs = annotate_many(docs, nlp)
    vecs = embedder.encode([t for d in docs for t in d.sentence_texts()])
    out, row = [], 0
    for doc, (starts, kinds, n_ctx) in zip(docs, bounds, strict=True):
        n = len(doc.sentences)
        v = vecs[row : row + n]
        row += n
        part = [int(np.searchsorted(starts, s.start, side="right") - 1) for s in doc.sentences]
        if n:
            preds = coresc.predict(document_sequence(doc, doc.sentences, v), explain=False)
            roles = np.array([role_groups(p.probabilities) for p in preds])
        else:
            roles = np.zeros((0, 4))
        out.append(
            AbstractDoc(
                doc.id,
                doc,
                tuple(kinds[min(p, len(kinds) - 1)] for p in part),
                np.array([p >= n_ctx for p in part], dtype=bool),
                v,
                roles,
            )
        )
    return out


def _joined(abstracts: Sequence[AbstractDoc]) -> Document:
    """The abstracts as one document (one paragraph each), with their sentences."""
    if len(abstracts) == 1:
        return abstracts[0].doc
    text, sentences = "", list[Sentence]()
    for a in abstracts:
        offset = len(text) + (2 if text else 0)
        text = f"{text}\n\n{a.doc.text}" if text else a.doc.text
        first = len(sentences)
        sentences += [Sentence(first + k, offset + t.start, offset + t.end) for k, t in enumerate(a.doc.sentences)]
    return Document(
        id="+".join(a.pmid for a in abstracts), kind="paper", title="", text=text, sentences=tuple(sentences)
    )


def candidates(
    abstracts: Sequence[AbstractDoc],
    questions: Sequence[tuple[str, str]],
    embedder: Encoder,
    config: QAConfig,
    model: AnswerModel,
) -> list[Candidates]:
    """Every sentence of ``abstracts`` (joined into one paper) scored for each ``(question, its PMID)``,
    the way ``ask --paper`` sees it: BM25's statistics and normalisation are those of the joined text."""
    from sciwire.qa.retrieval import Retriever
    from sciwire.store import SQLiteStore

    doc = _joined(abstracts)
    vectors = np.vstack([a.vectors for a in abstracts])
    roles = np.vstack([a.roles for a in abstracts])
    kinds = tuple(k for a in abstracts for k in a.kinds)
    sources = tuple(a.pmid for a in abstracts for _ in a.kinds)
    long_answer = np.concatenate([a.long_answer for a in abstracts])
    n = len(doc.sentences)
    texts = doc.sentence_texts()
    out = []
    with SQLiteStore(":memory:") as store:
        store.add(doc, vectors, f"{doc.id}-hash", embedder.model_key)
        retriever = Retriever(store, embedder, config, model)
        for question, pmid in questions:
            hybrid, bm25, cosine = np.full(n, -np.inf), np.zeros(n), np.zeros(n)
            for r in retriever.rank(question, "hybrid"):
                i = r.key[1]
                hybrid[i], bm25[i], cosine[i] = r.score, r.bm25, r.cosine
            missing = ~np.isfinite(hybrid)
            if missing.any():  # not among either engine's candidates: scored as the dense part alone
                cosine[missing] = vectors[missing] @ embedder.encode([question])[0]
                hybrid[missing] = cosine[missing]
            X = answer_features(question, texts, hybrid=hybrid, bm25=bm25, cosine=cosine, roles=roles)
            out.append(Candidates(pmid, question, tuple(texts), kinds, sources, long_answer, hybrid, bm25, cosine, X))
    return out


def hardest_other(questions: np.ndarray, abstracts: Sequence[AbstractDoc]) -> list[int]:
    """For question i (row i of ``questions``, unit vectors): the other abstract whose best sentence is closest."""
    best = np.full((len(questions), len(abstracts)), -np.inf)
    for j, a in enumerate(abstracts):
        if len(a.vectors):
            best[:, j] = (questions @ a.vectors.T).max(axis=1)
    np.fill_diagonal(best, -np.inf)
    return [int(j) for j in best.argmax(axis=1)]


#: The candidate pools of :func:`within_abstract`.
POOLS = ("own", "own_long_answer", "pooled", "mismatched")


def within_abstract(
    items: Sequence[PubMedQAItem],
    embedder: Encoder,
    nlp: Any,
    coresc: DiscourseModel,
    config: QAConfig,
    model: AnswerModel,
    *,
    pools: Sequence[str] = POOLS,
    extra: int = 3,
    seed: int = 13,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, list[Candidates]]:
    """Each item's question against pools of sentences, in item order:

    - ``own``: its own abstract, CONTEXTS only (what ``ask --paper`` does on an abstract);
    - ``own_long_answer``: the same with the long answer (the abstract's conclusion) appended;
    - ``pooled``: its own abstract, the most similar other abstract and ``extra`` random other
      abstracts joined, each with its long answer, as if one paper held them all: the others'
      results and conclusions do not answer (relevant-looking ones from the most similar
      abstract, off-topic ones from the random ones), as in a long paper's other sections;
    - ``mismatched``: the most similar other abstract alone, with its long answer (the paper does
      not say).
    """
    plain = abstract_docs(items, embedder, nlp, coresc) if "own" in pools else []
    full = abstract_docs(items, embedder, nlp, coresc, long_answer=True)
    q = embedder.encode([it.question for it in items])
    other = hardest_other(q, full)
    rng = np.random.default_rng(seed)
    out: dict[str, list[Candidates]] = {p: [] for p in pools}
    for i, it in enumerate(items):
        me, them = full[i], full[other[i]]
        rest = [j for j in range(len(items)) if j not in (i, other[i])]
        randoms = [full[j] for j in rng.choice(rest, size=min(extra, len(rest)), replace=False)]
        asked = [(it.question, it.pmid)]
        for pool, docs in (
            ("own", [plain[i]] if plain else []),
            ("own_long_answer", [me]),
            ("pooled", [me, them, *randoms]),
            ("mismatched", [them]),
        ):
            if pool in pools:
                out[pool] += candidates(docs, asked, embedder, config, model)
        if on_progress is not None:
            on_progress(1)
    return out


__all__ = ["POOLS", "AbstractDoc", "Candidates", "abstract_docs", "context_kind", "within_abstract"]
