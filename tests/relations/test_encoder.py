"""Entity markers and pooled MiniLM states of entity pairs (the real bundled MiniLM)."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.errors import ConfigError
from sciwire.relations.api import pair_matrix
from sciwire.relations.encoder import Pair, PairEncoder, mark, pair_features


def test_markers_wrap_head_and_tail_in_either_order():
    text, head, tail = mark(Pair("Fever fell after aspirin.", (17, 24), (0, 5)), "tags")
    assert text == "[E2] Fever [/E2] fell after [E1] aspirin [/E1] ."
    assert text[slice(*head)] == "aspirin" and text[slice(*tail)] == "Fever"
    assert mark(Pair("a b", (0, 1), (2, 3)), "none") == ("a b", (0, 1), (2, 3))


def test_overlapping_entities_and_unknown_styles_are_config_errors():
    with pytest.raises(ConfigError, match="overlap"):
        mark(Pair("aspirin", (0, 7), (2, 4)))
    with pytest.raises(ConfigError, match="marker style must be one of"):
        PairEncoder(style="xml")


def test_pair_features_are_unit_blocks():
    rows = pair_features(np.arange(2 * 2 * 4 * 3, dtype=np.float32).reshape(2, 2, 4, 3) + 1)
    assert rows.shape == (2, 12)
    np.testing.assert_allclose(np.linalg.norm(rows[:, :3], axis=1), 1.0, rtol=1e-6)
    with pytest.raises(ConfigError, match="must be among"):
        pair_features(np.ones((1, 1, 4, 3)), ("subject",))


@pytest.mark.slow
def test_one_pass_per_sentence_gives_the_same_rows_as_one_pass_per_pair():
    enc = PairEncoder(layers=(4, 6), style="none")
    text = "Melatonin shortened sleep latency in older adults with insomnia."
    pairs = [Pair(text, (0, 9), (20, 33)), Pair(text, (37, 49), (55, 63)), Pair(text, (55, 63), (0, 9))]
    pooled = enc.encode(pairs)
    assert pooled.shape == (3, 2, 4, 384)
    np.testing.assert_allclose(pair_matrix(enc, pairs, ("head", "tail", "mean")),
                               pair_features(pooled, ("head", "tail", "mean")), atol=1e-4)  # fmt: skip
    # the head's vector depends on which words it covers
    assert not np.allclose(pooled[0, 0, 0], pooled[1, 0, 0])
