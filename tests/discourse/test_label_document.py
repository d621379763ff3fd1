from __future__ import annotations

import pytest

from sciwire.analysis import DISCOURSE
from sciwire.discourse.step import label_document
from sciwire.examples import paper_path
from sciwire.nlp import annotate
from sciwire.readers import read


@pytest.mark.slow
def test_labels_without_explanations_keep_the_same_roles(nlp, embedder):
    doc = annotate(read(paper_path()), nlp)
    sentences = list(doc.iter_sentences())[:25]
    vectors = embedder.encode([doc.span_text(s) for s in sentences])
    full = label_document(doc, sentences, vectors).layer(DISCOURSE)
    lean = label_document(doc, sentences, vectors, explain=False).layer(DISCOURSE)
    assert [(s.label, s.attrs["probabilities"]) for s in lean] == [(s.label, s.attrs["probabilities"]) for s in full]
    assert all(s.attrs["explanation"] for s in full)
    assert not any(s.attrs["explanation"] for s in lean)
