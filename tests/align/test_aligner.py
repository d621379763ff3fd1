from __future__ import annotations

import numpy as np
import pytest

from sciwire.align import align_story, match_probability
from sciwire.align.model import load_align_model
from sciwire.analysis import ALIGNMENT
from sciwire.config import AlignConfig
from sciwire.document import Document, Sentence
from sciwire.errors import DocumentError
from sciwire.fitting import LogisticScorer


def doc(kind: str, sentences: list[str]) -> Document:
    text, spans, pos = "", [], 0
    for i, s in enumerate(sentences):
        spans.append(Sentence(i, pos, pos + len(s)))
        text += s + " "
        pos = len(text)
    return Document(id=kind, kind=kind, title="", text=text, sentences=tuple(spans))


def unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_probability_is_monotone_in_both_features():
    model = load_align_model()
    low = match_probability(np.array(0.2), np.array(0.1), model)
    assert match_probability(np.array(0.8), np.array(0.1), model) > low
    assert match_probability(np.array(0.2), np.array(0.9), model) > low


def test_probability_is_the_shipped_logistic_function_in_float32():
    cos = np.array([[0.2, 0.7]], dtype=np.float32)
    lex = np.array([[0.0, 0.5]], dtype=np.float32)
    prob = match_probability(cos, lex, load_align_model("default"))
    assert prob.shape == (1, 2) and prob.dtype == np.float32
    z = -1.898 + 3.321 * cos + 4.944 * lex  # what AlignConfig's weights computed, bit for bit
    np.testing.assert_array_equal(prob, 1.0 / (1.0 + np.exp(-z)))


def test_align_story_matches_and_reports_no_match():
    paper = doc("paper", ["Fasting reduced waking in mice by 23%.", "The cohort had 1,240 adults.", "We thank Bob."])
    news = doc("news", ["Fasting cut waking by 23% in mice.", "The weather was nice today."])
    paper_vecs = np.stack([unit([1, 0, 0]), unit([0, 1, 0]), unit([0, 0, 1])])
    news_vecs = np.stack([unit([0.95, 0.1, 0]), unit([0.3, 0.3, 0.3])])
    cfg = AlignConfig(threshold=0.5, top_k=2)
    model = LogisticScorer.from_weights({"cosine": 10.0, "lexical": 5.0}, -8.0)
    out = align_story(news, paper, news_vecs, paper_vecs, cfg, model=model)
    spans = out.layer(ALIGNMENT)
    assert [s.label for s in spans] == ["reports", "no_match"]
    assert spans[0].attrs["paper_sentences"] == [0]
    assert spans[0].attrs["paper_id"] == "paper"
    assert len(spans[0].attrs["candidates"]) == 2
    assert spans[0].score == spans[0].attrs["candidates"][0]["probability"] > 0.5 > spans[1].score
    assert ALIGNMENT not in news.layers


def test_align_story_rejects_mismatched_vectors():
    paper = doc("paper", ["A."])
    news = doc("news", ["B.", "C."])
    with pytest.raises(DocumentError, match="Got 1 news and 1 paper vectors for 2 news and 1 paper sentences"):
        align_story(news, paper, np.zeros((1, 3)), np.zeros((1, 3)))
