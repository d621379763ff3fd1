"""Align each news sentence to the paper sentences it reports.

Evidence per (news sentence, paper sentence) pair: the cosine similarity of their
embeddings and the IDF-weighted lexical overlap (:mod:`sciwire.align.lexical`). A logistic
function of both (:mod:`sciwire.align.model`, the model folder ``align.model``, fitted on
CD²CR by ``sciwire train align``; see docs/alignment.md) turns them into a match
probability; below ``align.threshold`` the news sentence gets "no_match".

Reads: sentences of both documents and their embeddings.
Writes: the ``alignment`` layer on the news document, one span per news sentence:
label ``reports`` or ``no_match``, score = best match probability, and attrs
``paper_id``, ``paper_sentences`` (matched indices, best first) and ``candidates``
(top-k with probability, cosine and lexical overlap).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sciwire.align.lexical import content_terms, idf_weights
from sciwire.align.model import load_align_model
from sciwire.analysis import ALIGNMENT
from sciwire.config import AlignConfig, load_config
from sciwire.document import Document, Sentence, Span
from sciwire.errors import DocumentError
from sciwire.fitting import LogisticScorer


def match_probability(cosine: np.ndarray, lexical: np.ndarray, model: LogisticScorer) -> np.ndarray:
    """The calibrated probability that a news sentence reports a paper sentence (same shape as ``cosine``).

    Args:
        cosine: Cosine similarities (any shape; float32 stays float32).
        lexical: Lexical overlaps, the same shape.
        model: The aligner's scorer (:func:`sciwire.align.model.load_align_model`).
    """
    return model.probability(np.stack([np.asarray(cosine), np.asarray(lexical)], axis=-1))


def pair_features(
    news_texts: Sequence[str],
    paper_texts: Sequence[str],
    news_vecs: np.ndarray,
    paper_vecs: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine and lexical-overlap matrices of shape (n_news, n_paper)."""
    cosine = np.clip(news_vecs @ paper_vecs.T, -1.0, 1.0)
    paper_terms = [content_terms(t) for t in paper_texts]
    idf = idf_weights(paper_terms)
    default_idf = max(idf.values(), default=1.0)
    lexical = np.zeros_like(cosine)
    # lexical_overlap for every pair at once: a paper-sentence x term incidence matrix
    vocab = {t: k for k, t in enumerate(sorted({t for terms in paper_terms for t in terms}))}
    incidence = np.zeros((len(paper_terms), len(vocab)))
    for row, terms in enumerate(paper_terms):
        incidence[row, [vocab[t] for t in terms]] = 1.0
    for i, text in enumerate(news_texts):
        terms = content_terms(text)
        total = sum(idf.get(t, default_idf) for t in terms)
        known = [t for t in terms if t in vocab]
        if total and known:
            weights = np.array([idf.get(t, default_idf) for t in known])
            lexical[i] = incidence[:, [vocab[t] for t in known]] @ weights / total
    return cosine, lexical


def align_story(
    news: Document,
    paper: Document,
    news_vecs: np.ndarray,
    paper_vecs: np.ndarray,
    cfg: AlignConfig | None = None,
    paper_sentences: Sequence[Sentence] | None = None,
    model: LogisticScorer | None = None,
) -> Document:
    """Add the ``alignment`` layer to ``news``.

    Args:
        news: A news document with sentences.
        paper: The paper with sentences.
        news_vecs: One normalised embedding per news sentence, in order.
        paper_vecs: One embedding per sentence of ``paper_sentences``, in order.
        cfg: Model folder, threshold and top-k; defaults to the resolved config's ``align``.
        paper_sentences: The paper sentences to align to (default: all outside the references).
        model: The scorer to use (default: the one in the folder ``cfg.model`` names).

    Returns:
        A copy of ``news`` with the layer.

    Raises:
        DocumentError: When the embeddings do not match the sentences.
        ModelLoadError: When the model folder is missing or damaged.
    """
    cfg = cfg or load_config().align
    model = model or load_align_model(cfg.model)
    targets = list(paper.iter_sentences()) if paper_sentences is None else list(paper_sentences)
    if len(news_vecs) != len(news.sentences) or len(paper_vecs) != len(targets):
        raise DocumentError(
            f"Got {len(news_vecs)} news and {len(paper_vecs)} paper vectors for {len(news.sentences)} news "
            f"and {len(targets)} paper sentences; pass one vector per sentence"
        )
    spans: list[Span] = []
    if targets and news.sentences:
        cosine, lexical = pair_features(
            news.sentence_texts(), [paper.span_text(s) for s in targets], news_vecs, paper_vecs
        )
        prob = match_probability(cosine, lexical, model)
        for row, sent in enumerate(news.sentences):
            order = np.argsort(-prob[row], kind="stable")[: cfg.top_k]
            candidates = [
                {
                    "sentence": targets[j].index,
                    "probability": round(float(prob[row, j]), 4),
                    "cosine": round(float(cosine[row, j]), 4),
                    "lexical": round(float(lexical[row, j]), 4),
                }
                for j in order
            ]
            matched = [c["sentence"] for c in candidates if c["probability"] >= cfg.threshold]
            spans.append(
                Span(
                    sent.start,
                    sent.end,
                    "reports" if matched else "no_match",
                    score=candidates[0]["probability"],
                    attrs={"paper_id": paper.id, "paper_sentences": matched, "candidates": candidates},
                )
            )
    return news.with_layer(ALIGNMENT, spans)
