from __future__ import annotations

import numpy as np
import pytest

from sciwire.backends.embeddings import Embedder, EmbeddingCache, load_sentence_transformer, resolve_model
from sciwire.errors import ModelLoadError


def test_resolve_model_bundled_path_and_hub(tiny_model_dir):
    target, key = resolve_model("all-MiniLM-L6-v2")
    assert key == "bundled:all-MiniLM-L6-v2" and target.endswith("model")
    target, key = resolve_model(str(tiny_model_dir))
    assert key.startswith(f"path:{tiny_model_dir}") and "model.safetensors" in key
    assert resolve_model("org/some-model") == ("org/some-model", "hub:org/some-model")


def test_local_model_encodes_normalised_vectors_and_caches(tiny_model_dir, tmp_path, monkeypatch):
    enc = Embedder(str(tiny_model_dir), cache_dir=tmp_path)
    vecs = enc.encode(["mice slept longer .", "the mice sleep", "mice slept longer ."])
    assert vecs.shape == (3, 16)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(vecs[0], vecs[2])
    calls = []
    original = enc._encode_now
    monkeypatch.setattr(enc, "_encode_now", lambda texts, *a: calls.append(texts) or original(texts, *a))
    again = enc.encode(["the mice sleep", "a new sentence"])
    assert calls == [["a new sentence"]], "only the unseen text is encoded"
    np.testing.assert_allclose(again[0], vecs[1], rtol=1e-6)
    assert enc.encode([]).shape == (0, 16)


def test_batches_follow_word_piece_counts_and_rows_stay_in_input_order(tiny_model_dir, monkeypatch):
    enc = Embedder(str(tiny_model_dir), cache_dir=None, batch_size=2)
    texts = ["mice slept longer after the feeding window was shortened .", "mice", "the mice sleep", "sleep"]
    alone = np.vstack([enc.encode([t]) for t in texts])
    batches = []
    original = enc._st.encode
    monkeypatch.setattr(enc._st, "encode", lambda chunk, **kw: batches.append(list(chunk)) or original(chunk, **kw))
    together = enc.encode(texts)
    assert batches == [["mice", "sleep"], ["the mice sleep", texts[0]]], "shortest first, one call per batch"
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_cache_is_keyed_by_model(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite")
    h = cache.text_hash("x")
    cache.put("model-a", {h: np.ones(3, dtype=np.float32)})
    assert cache.get("model-b", [h]) == {}
    np.testing.assert_array_equal(cache.get("model-a", [h])[h], np.ones(3))
    cache.close()


def test_unreadable_cache_falls_back_to_computing(tiny_model_dir, tmp_path):
    (tmp_path / "embeddings.sqlite").write_bytes(b"this is not a database" * 100)
    enc = Embedder(str(tiny_model_dir), cache_dir=tmp_path)
    assert enc.encode(["mice sleep"]).shape == (1, 16)


def test_missing_model_gives_clear_error(tmp_path):
    enc = Embedder("nobody/no-such-model-xyz", cache_dir=None)
    with pytest.raises(ModelLoadError, match="Cannot load the embedding model 'nobody/no-such-model-xyz'"):
        enc.warm_up()


@pytest.mark.slow
def test_bundled_minilm_is_offline_and_semantic(embedder):
    vecs = embedder.encode(["Mice slept longer after fasting.", "Fasting made the mice sleep more.", "Stocks fell."])
    assert vecs.shape == (3, 384)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.3


def test_max_tokens_cuts_long_texts_unless_full_length_and_keys_the_cache(tiny_model_dir, tmp_path):
    long_text = " ".join(["mice slept longer ."] * 6)  # 24 word pieces + 2 special tokens
    short = Embedder(str(tiny_model_dir), cache_dir=tmp_path, max_tokens=8)
    full = Embedder(str(tiny_model_dir), cache_dir=tmp_path, max_tokens=0)
    cut, whole = short.encode([long_text])[0], full.encode([long_text])[0]
    assert not np.allclose(cut, whole), "the cut text reads only its first 8 word pieces"
    np.testing.assert_allclose(short.encode([long_text], full_length=True)[0], whole, rtol=1e-5, atol=1e-6)
    assert short._st.max_seq_length == 32, "the model's own limit is restored after each call"
    assert short.cache_key == f"{short.model_key}|max8" and short.cache_key_for(True) == short.model_key
    assert full.cache_key == full.model_key
    again = Embedder(str(tiny_model_dir), cache_dir=tmp_path, max_tokens=8)
    np.testing.assert_array_equal(again.encode([long_text])[0], cut)  # from the cache, under its own key
    assert again._st is None, "served from the cache without loading the model"
    big = Embedder(str(tiny_model_dir), cache_dir=None, max_tokens=64)
    np.testing.assert_allclose(big.encode([long_text])[0], whole, rtol=1e-5, atol=1e-6)  # never above the model's limit


def test_from_config_carries_every_embedding_setting(tmp_path):
    from sciwire.config import load_config

    cfg = load_config(
        overrides=[f"paths.cache_dir={tmp_path}", "models.max_tokens=64", "models.embedding_backend=onnx",
                   "runtime.batch_size=8"],
        environ={},
    )  # fmt: skip
    enc = Embedder.from_config(cfg)
    assert (enc.model, enc.device, enc.batch_size, enc.max_tokens, enc.backend) == (
        "all-MiniLM-L6-v2", "cpu", 8, 64, "onnx",
    )  # fmt: skip
    assert str(enc.cache_dir) == str(tmp_path)
    off = load_config(overrides=[f"paths.cache_dir={tmp_path}", "runtime.embedding_cache=false"], environ={})
    assert Embedder.from_config(off).cache_dir is None


def test_loading_draws_no_progress_bar_and_leaves_the_setting_as_it_was(tiny_model_dir, capfd):
    """transformers draws a "Loading weights" bar on stderr; a library call must not."""
    from transformers.utils import logging as hf_logging

    hf_logging.enable_progress_bar()
    try:
        model = load_sentence_transformer(str(tiny_model_dir))
        assert model.encode(["a short text"]).shape[0] == 1
        assert "Loading weights" not in capfd.readouterr().err
        assert hf_logging.is_progress_bar_enabled()
    finally:
        hf_logging.enable_progress_bar()
