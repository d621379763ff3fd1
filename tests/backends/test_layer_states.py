from __future__ import annotations

import numpy as np
import pytest
import torch

from sciwire.backends import embeddings as emb_module
from sciwire.backends.embeddings import Embedder, encoder_blocks
from sciwire.backends.layer_states import LayerStates


@pytest.fixture
def fresh_states(monkeypatch):
    """A private store, so requests made here do not leak into other tests."""
    states = LayerStates()
    monkeypatch.setattr(emb_module, "SHARED_STATES", states)
    return states


def _hidden(enc: Embedder, text: str, layer: int) -> np.ndarray:
    st = enc._st
    features = st.tokenizer([text], return_tensors="pt", truncation=True, max_length=st.max_seq_length)
    with torch.inference_mode():
        out = st[0].auto_model(**features, output_hidden_states=True)
    return out.hidden_states[layer][0].numpy()


def test_one_pass_gives_the_same_vectors_and_keeps_the_requested_states(tiny_model_dir, fresh_states):
    texts = ["mice slept longer .", "the mice sleep", "a mice sleep longer the mice slept ."]
    plain = Embedder(str(tiny_model_dir)).encode(texts)
    enc = Embedder(str(tiny_model_dir))
    fresh_states.request(enc.model_key, 1)
    fresh_states.request(enc.model_key, 0)
    kept = enc.encode(texts)
    np.testing.assert_allclose(kept, plain, atol=1e-5)
    for text in texts:
        for layer in (0, 1):
            states = fresh_states.get(enc.model_key, layer, text, max_length=32)
            np.testing.assert_allclose(states.numpy(), _hidden(enc, text, layer), atol=1e-5)
    assert fresh_states.get("another-model", 1, texts[0], max_length=32) is None


def test_states_of_a_cut_text_serve_only_that_token_limit(tiny_model_dir, fresh_states):
    enc = Embedder(str(tiny_model_dir), max_tokens=4)
    fresh_states.request(enc.model_key, 1)
    enc.encode(["mice slept longer the mice sleep .", "mice"])
    assert fresh_states.get(enc.model_key, 1, "mice slept longer the mice sleep .", max_length=32) is None
    assert fresh_states.get(enc.model_key, 1, "mice slept longer the mice sleep .", max_length=4).shape[0] == 4
    assert fresh_states.get(enc.model_key, 1, "mice", max_length=32).shape[0] == 3  # [CLS] mice [SEP]: not cut


def test_nothing_is_kept_unless_requested(tiny_model_dir, fresh_states):
    enc = Embedder(str(tiny_model_dir))
    enc.encode(["mice slept longer ."])
    assert fresh_states.get(enc.model_key, 1, "mice slept longer .", max_length=32) is None


def test_memo_embeds_a_text_once_inside_the_block_only(tiny_model_dir, monkeypatch):
    enc = Embedder(str(tiny_model_dir))
    calls: list[list[str]] = []
    original = enc._encode_now
    monkeypatch.setattr(enc, "_encode_now", lambda texts, *a: calls.append(texts) or original(texts, *a))
    with enc.memo():
        first = enc.encode(["mice sleep", "the mice"])
        with enc.memo():  # nested blocks share one memo
            again = enc.encode(["the mice", "mice sleep", "mice sleep"])
        passage = enc.encode(["the mice"], full_length=True)  # another token limit: embedded again
    np.testing.assert_array_equal(again[0], first[1])
    assert calls == [["mice sleep", "the mice"], ["the mice"]]
    assert passage.shape == (1, 16)
    enc.encode(["mice sleep"])
    assert calls[-1] == ["mice sleep"], "after the block, nothing is remembered"


def test_store_is_bounded_by_bytes_oldest_first():
    states = LayerStates(max_bytes=3 * 4 * 4)  # three rows of 4 float32
    for i in range(5):
        states.put("m", 1, f"text {i}", np.zeros((1, 4), dtype=np.float32))
    assert [states.get("m", 1, f"text {i}", 8) is not None for i in range(5)] == [False, False, True, True, True]
    states.put("m", 1, "text 4", np.zeros((1, 4), dtype=np.float32))  # replacing does not double count
    assert states.get("m", 1, "text 2", 8) is not None
    states.clear()
    assert states.get("m", 1, "text 4", 8) is None


def test_encoder_blocks_only_for_bert_like_models(tiny_model_dir):
    enc = Embedder(str(tiny_model_dir))
    enc.warm_up()
    assert len(encoder_blocks(enc._st)) == 1
    assert encoder_blocks(object()) is None
