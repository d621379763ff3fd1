"""The ONNX encoder gives PyTorch's vectors, keeps its export, and refuses what it cannot run."""

from __future__ import annotations

import numpy as np
import pytest

from sciwire.backends.embeddings import Embedder
from sciwire.backends.onnx_encoder import UnsupportedModel, onnx_encoder
from sciwire.errors import ConfigError, ModelLoadError

pytest.importorskip("onnx", reason="the ONNX backend needs onnx (pip install onnx onnxruntime)")
pytest.importorskip("onnxruntime", reason="the ONNX backend needs onnxruntime")

TEXTS = ["mice slept longer .", "the mice sleep", "a", " ".join(["mice slept longer ."] * 6)]


def test_onnxruntime_vectors_match_pytorch_and_the_export_is_kept(tiny_model_dir, tmp_path):
    torch_vecs = Embedder(str(tiny_model_dir), cache_dir=None, backend="torch").encode(TEXTS)
    onnx = Embedder(str(tiny_model_dir), cache_dir=tmp_path, backend="onnx")
    onnx_vecs = onnx.encode(TEXTS)
    assert onnx.active_backend == "onnxruntime"
    assert (np.sum(torch_vecs * onnx_vecs, axis=1) > 0.9999).all()
    np.testing.assert_allclose(np.linalg.norm(onnx_vecs, axis=1), 1.0, rtol=1e-5)
    (exported,) = (tmp_path / "onnx").glob("*.onnx")
    full = onnx.encode(TEXTS[-1:], full_length=True)
    np.testing.assert_allclose(
        full, Embedder(str(tiny_model_dir), None, max_tokens=0, backend="torch").encode(TEXTS[-1:]), atol=1e-5
    )
    exported.write_bytes(b"not a model")  # a damaged export is exported again
    again = Embedder(str(tiny_model_dir), cache_dir=tmp_path, backend="onnx")
    again.warm_up()
    np.testing.assert_allclose(again.encode(TEXTS), onnx_vecs, atol=1e-6)
    assert exported.read_bytes() != b"not a model"


def test_the_kept_export_is_reused(tiny_model_dir, tmp_path, monkeypatch):
    Embedder(str(tiny_model_dir), cache_dir=tmp_path, backend="onnx").warm_up()
    import sciwire.backends.onnx_encoder as module

    monkeypatch.setattr(module, "_export", lambda *a: pytest.fail("the kept export should be read"))
    again = Embedder(str(tiny_model_dir), cache_dir=tmp_path, backend="onnx")
    again.warm_up()
    assert again.active_backend == "onnxruntime"
    assert Embedder(str(tiny_model_dir), cache_dir=None).backend == "torch", "PyTorch unless asked"


class Transformer:  # stand-ins with the module names sentence-transformers uses
    pass


class Pooling:
    def __init__(self, mode: str) -> None:
        self.mode = mode

    def get_config_dict(self) -> dict:
        return {"pooling_mode": self.mode}


class Dense:
    pass


class FakeModel(list):
    tokenizer = None


@pytest.mark.parametrize(
    ("modules", "message"),
    [
        ([Transformer(), Pooling("cls")], r"only mean pooling is supported, got \['cls'\]"),
        ([Transformer(), Pooling("mean"), Dense()], r"only Transformer \+ mean Pooling \(\+ Normalize\) models"),
    ],
)
def test_unsupported_pipelines_are_refused(modules, message):
    with pytest.raises(UnsupportedModel, match=message):
        onnx_encoder(FakeModel(modules))


def test_a_backend_that_cannot_run_the_model_fails_loudly(tiny_model_dir, monkeypatch):
    import sciwire.backends.onnx_encoder as module

    def refuse(*a, **k):
        raise UnsupportedModel("only mean pooling is supported, got ['cls']")

    monkeypatch.setattr(module, "onnx_encoder", refuse)
    with pytest.raises(ModelLoadError, match=r"Cannot run .* with onnxruntime: only mean pooling"):
        Embedder(str(tiny_model_dir), cache_dir=None, backend="onnx").warm_up()
    with pytest.raises(ModelLoadError, match=r"Cannot run .* with openvino: only mean pooling"):
        Embedder(str(tiny_model_dir), cache_dir=None, backend="openvino").warm_up()
    with pytest.raises(ConfigError, match=r"models.embedding_backend must be one of"):
        Embedder(str(tiny_model_dir), backend="auto")


def test_openvino_runtime_when_installed(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # importing openvino writes a telemetry id under ~/intel
    pytest.importorskip("openvino", reason="optional: pip install openvino")
    torch_vecs = Embedder(str(tiny_model_dir), cache_dir=None, backend="torch").encode(TEXTS)
    ov = Embedder(str(tiny_model_dir), cache_dir=None, backend="openvino")
    assert (np.sum(torch_vecs * ov.encode(TEXTS), axis=1) > 0.9999).all() and ov.active_backend == "openvino"


def test_the_onnx_pass_keeps_the_lower_layer_states_pytorch_would(tiny_model_dir, tmp_path):
    from sciwire.backends.layer_states import SHARED_STATES

    torch_enc = Embedder(str(tiny_model_dir), cache_dir=None, backend="torch")
    key = torch_enc.model_key
    for layer in (0, 1):  # the token embeddings and the (only) transformer layer
        SHARED_STATES.request(key, layer)
    try:
        torch_enc.encode(TEXTS)
        by_torch = {(layer, t): SHARED_STATES.get(key, layer, t, 32) for layer in (0, 1) for t in TEXTS}
        SHARED_STATES.clear()
        Embedder(str(tiny_model_dir), cache_dir=tmp_path, backend="onnx").encode(TEXTS)
        for (layer, text), want in by_torch.items():
            got = SHARED_STATES.get(key, layer, text, 32)
            assert got is not None and got.shape == want.shape, (layer, text)
            np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-4)
    finally:
        SHARED_STATES.clear()


def test_int8_weights_are_quantized_once_kept_and_cached_apart(tiny_model_dir, tmp_path, monkeypatch):
    torch_enc = Embedder(str(tiny_model_dir), cache_dir=None, backend="torch")
    int8 = Embedder(str(tiny_model_dir), cache_dir=tmp_path, backend="onnx-int8")
    vecs = int8.encode(TEXTS)
    assert int8.active_backend == "onnxruntime int8"
    assert (np.sum(torch_enc.encode(TEXTS) * vecs, axis=1) > 0.95).all()  # close, not equal
    assert int8.cache_key.endswith("|int8|max128") and not torch_enc.cache_key.endswith("int8|max128")
    assert len(list((tmp_path / "onnx").glob("*-int8.onnx"))) == 1
    import sciwire.backends.onnx_encoder as module

    monkeypatch.setattr(module, "_export", lambda *a: pytest.fail("the kept int8 file should be read"))
    monkeypatch.setattr(module, "_quantize_int8", lambda *a: pytest.fail("the kept int8 file should be read"))
    again = Embedder(str(tiny_model_dir), cache_dir=None, backend="onnx-int8", export_dir=tmp_path / "onnx")
    np.testing.assert_allclose(again.encode(TEXTS), vecs, atol=1e-6)


def test_int8_needs_onnxruntime(tiny_model_dir):
    from sentence_transformers import SentenceTransformer

    with pytest.raises(UnsupportedModel, match=r"^int8 weights need the onnxruntime runtime, got 'openvino'$"):
        onnx_encoder(SentenceTransformer(str(tiny_model_dir), device="cpu"), "openvino", int8=True)
