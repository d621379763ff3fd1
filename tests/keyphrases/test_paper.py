"""The full-paper mode of ``combined`` and ``fast``: structure features, references left out."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.config import KeyphrasesConfig
from sciwire.keyphrases import KeyphraseExtractor
from sciwire.keyphrases.scorers.paper import PAPER_FEATURES, PAPER_WEIGHTS, lead_text, paper_features
from sciwire.keyphrases.structure import read_structure
from tests.keyphrases.conftest import ABSTRACT, PAPER


def test_weights_cover_every_feature():
    assert set(PAPER_WEIGHTS) == set(PAPER_FEATURES)


def test_paper_features_mark_title_abstract_and_spread(fast_extractor):
    cands = fast_extractor.candidates(PAPER)
    structure = read_structure(cands.tagged.text)
    X = paper_features(cands, structure, np.zeros(len(cands)))
    assert X.shape == (len(cands), len(PAPER_FEATURES))
    assert ((X >= 0) & (X <= 1)).all()
    row = {c.surface.lower(): X[k] for k, c in enumerate(cands.candidates)}
    title, abstract, spread = (PAPER_FEATURES.index(f) for f in ("title", "abstract", "spread"))
    assert row["adaptive resource management"][title] == 1
    assert row["adaptive resource management"][abstract] == 1
    assert row["control loop design"][title] == 0
    assert row["embedded systems"][spread] > row["control loop design"][spread]


def test_a_paper_is_read_without_its_references(fast_extractor):
    assert fast_extractor.mode(PAPER) == "paper"
    assert fast_extractor.mode(ABSTRACT) == "abstract"
    texts = [c.surface for c in fast_extractor.candidates(PAPER).candidates]
    assert "Middleware" not in texts  # only in the reference list
    phrases = [k.text.lower() for k in fast_extractor.extract(PAPER, 5)]
    assert "adaptive resource management" in phrases


def test_paper_mode_can_be_turned_off():
    ex = KeyphraseExtractor(KeyphrasesConfig(method="fast"))
    ex.paper_mode = False
    assert ex.mode(PAPER) == "abstract"
    assert "Middleware" in [c.surface for c in ex.candidates(PAPER).candidates]


def test_other_methods_rank_every_text_as_an_abstract(graph_extractor):
    assert graph_extractor.mode(PAPER) == "abstract"


def test_lead_text_is_title_and_abstract():
    lead = lead_text(read_structure(PAPER))
    assert lead.startswith("Adaptive Resource Management for Distributed Embedded Systems\nABSTRACT")
    assert "INTRODUCTION" not in lead


@pytest.mark.parametrize("name", ["fast_extractor"])
def test_paper_output_is_the_same_alone_and_in_a_batch(request, name):
    ex = request.getfixturevalue(name)
    alone = [[k.text for k in ex.extract(t)] for t in (PAPER, ABSTRACT)]
    assert [[k.text for k in r] for r in ex.extract_many([PAPER, ABSTRACT])] == alone


def test_combined_ranks_a_paper_with_the_encoder(combined_extractor):
    rows, indices, vecs = combined_extractor.paper_features(combined_extractor.candidates(PAPER))
    assert vecs is not None and len(vecs) == len(indices) == len(rows)
    assert len(indices) <= combined_extractor.config.embed_candidates
    phrases = [k.text.lower() for k in combined_extractor.extract(PAPER, 5)]
    assert "adaptive resource management" in phrases
    assert "middleware" not in phrases
