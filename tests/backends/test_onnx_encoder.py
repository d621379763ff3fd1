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
