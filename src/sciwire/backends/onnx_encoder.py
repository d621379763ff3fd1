"""Run a mean-pooled sentence-transformers encoder through ONNX on the CPU.

The transformer body is exported to ONNX from the loaded PyTorch module (in memory, no hub,
no optimum) and run by ONNX Runtime (``onnxruntime``) or, when asked for, by the OpenVINO
runtime. Tokenisation, mean pooling and L2 normalisation stay as sentence-transformers does
them, in fp32, so the vectors equal PyTorch's to within rounding. Measured here (2 cores,
all-MiniLM-L6-v2, 1,000 CoreSC sentences at 128 word pieces and 500 arXiv abstracts of 64
words, two alternating runs each): ONNX Runtime 1.1-1.25x PyTorch, OpenVINO 1.9-2.2x;
cosine to the PyTorch vectors >= 0.9999 for both. Ranking 10,000 abstracts
(``benchmarks/newsworthiness.py --part speed --backends torch,onnx,openvino``): PyTorch 206 s,
ONNX Runtime 209 s, OpenVINO 102 s.

Both are opt-in (``models.embedding_backend``). Importing OpenVINO writes a Google Analytics client id to
``~/intel`` and its model converter sends usage telemetry unless the user opted out
(``opt_in_out --opt_out``). sciwire does not use that converter.

Only models made of a Transformer, a mean Pooling and optionally a Normalize module are
supported; :func:`onnx_encoder` raises :class:`UnsupportedModel` for anything else, and
:class:`~sciwire.backends.embeddings.Embedder` turns that into a clear ``ModelLoadError``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

#: Tokeniser outputs a transformer body may take, in the order of its forward arguments.
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
#: Runtimes that can run the exported body.
RUNTIMES = ("onnxruntime", "openvino")


class UnsupportedModel(ValueError):
    """The encoder cannot run through ONNX (another pooling, extra layers, a missing package)."""


def _check_pipeline(st: Any) -> Any:
    modules = list(st)
    names = [type(m).__name__ for m in modules]
    if (
        len(modules) < 2
        or names[0] != "Transformer"
        or names[1] != "Pooling"
        or any(n != "Normalize" for n in names[2:])
    ):
        raise UnsupportedModel(f"only Transformer + mean Pooling (+ Normalize) models are supported, got {names}")
    config = modules[1].get_config_dict() if hasattr(modules[1], "get_config_dict") else {}
    if isinstance(config.get("pooling_mode"), str):  # sentence-transformers >= 6: one mode by name
        modes = {config["pooling_mode"]}
    else:  # older releases: one boolean per mode
        modes = {k.removeprefix("pooling_mode_").removesuffix("_tokens") for k, v in config.items()
                 if k.startswith("pooling_mode_") and v is True}  # fmt: skip
    if modes != {"mean"}:
        raise UnsupportedModel(f"only mean pooling is supported, got {sorted(modes) or 'none'}")
    return modules[0]


class OnnxEncoder:
    """A compiled transformer body plus the model's tokeniser (see the module docstring)."""

    def __init__(self, run: Callable[[dict[str, np.ndarray]], np.ndarray], tokenizer: Any, inputs: tuple[str, ...]):
        self.run = run
        self.tokenizer = tokenizer
        self.inputs = inputs

    def encode(self, texts: Sequence[str], batch_size: int, max_length: int | None) -> np.ndarray:
        """L2-normalised mean-pooled vectors, in input order (batches sorted by length)."""
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            enc = self.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=max_length is not None,
                max_length=max_length,
                return_tensors="np",
            )
            hidden = self.run({name: enc[name].astype(np.int64) for name in self.inputs})
            mask = enc["attention_mask"][..., None].astype(np.float32)
            vecs = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            if out is None:
                out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
        assert out is not None
        return out


def onnx_encoder(
    st: Any, runtime: str = "onnxruntime", threads: int | None = None, cache: tuple[Path, str] | None = None
) -> OnnxEncoder:
    """Export a loaded sentence-transformers model's body to ONNX and load it in ``runtime``.

    Args:
        st: The loaded sentence-transformers model.
        runtime: ``onnxruntime`` or ``openvino``.
        threads: CPU threads for inference (default: the runtime's choice).
        cache: ``(folder, model key)``: the exported ``.onnx`` file is kept there, per model and
            torch version, so a later start skips the export; rewritten when unreadable.

    Raises:
        UnsupportedModel: When a package is missing, the pipeline is not Transformer + mean
            pooling, or the export fails.
    """
    if runtime not in RUNTIMES:
        raise UnsupportedModel(f"runtime must be one of {RUNTIMES}, got {runtime!r}")
    body = _check_pipeline(st)
    tokenizer = st.tokenizer
    example = tokenizer(
        ["a short example", "another, slightly longer example sentence"], padding=True, return_tensors="pt"
    )
    inputs = tuple(n for n in INPUT_NAMES if n in example)
    load = _load_onnxruntime if runtime == "onnxruntime" else _load_openvino
    model = body.auto_model.eval()
    try:
        model_bytes, kept = _cached_export(model, example, inputs, cache)
        try:
            run = load(model_bytes, threads)
        except Exception as exc:  # a damaged kept export: export again, once
            if not kept:
                raise
            logger.warning("The kept ONNX export is unusable (%s); exporting again", exc)
            model_bytes, _ = _cached_export(model, example, inputs, cache, fresh=True)
            run = load(model_bytes, threads)
    except UnsupportedModel:
        raise
    except Exception as exc:  # any export or load failure: one clear error for the caller
        raise UnsupportedModel(f"{runtime} could not run the model: {exc}") from exc
    return OnnxEncoder(run, tokenizer, inputs)


def _cached_export(
    model: Any, example: Any, inputs: tuple[str, ...], cache: tuple[Path, str] | None, fresh: bool = False
) -> tuple[bytes, bool]:
    """The ONNX bytes and whether they came from the kept file."""
    import torch

    path = None
    if cache is not None:
        name = hashlib.sha256(f"{cache[1]}|torch {torch.__version__}".encode()).hexdigest()[:16]
        path = cache[0] / f"{name}.onnx"
        if path.is_file() and not fresh:
            try:
                return path.read_bytes(), True
            except OSError as exc:
                logger.warning("Exported encoder %s unreadable (%s); exporting again", path, exc)
    data = _export(torch, model, example, inputs)
    if path is not None:
        try:  # written next to its final name, then renamed: never a half-written cache
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:
            logger.warning("Could not keep the exported encoder in %s: %s", path, exc)
    return data, False


def _export(torch: Any, model: Any, example: Any, inputs: tuple[str, ...]) -> bytes:
    """The transformer body as ONNX (dynamic batch and length), exported in memory."""
    try:
        import onnx  # noqa: F401  (the exporter needs it)
    except ImportError as exc:
        raise UnsupportedModel("onnx is not installed (pip install onnx onnxruntime)") from exc

    class Body(torch.nn.Module):  # type: ignore[name-defined,misc,unused-ignore]
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: Any) -> Any:
            return self.model(**dict(zip(inputs, tensors, strict=True))).last_hidden_state

    buffer = io.BytesIO()
    axes = {name: {0: "batch", 1: "tokens"} for name in (*inputs, "hidden")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings on the attention-mask checks
        torch.onnx.export(Body(), tuple(example[n] for n in inputs), buffer, input_names=list(inputs),
                          output_names=["hidden"], dynamic_axes=axes, opset_version=17, dynamo=False)  # fmt: skip
    return buffer.getvalue()


def _load_onnxruntime(model_bytes: bytes, threads: int | None) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise UnsupportedModel("onnxruntime is not installed (pip install onnx onnxruntime)") from exc
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = int(threads)
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    return lambda feed: np.asarray(session.run(None, feed)[0])


def _load_openvino(model_bytes: bytes, threads: int | None) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    try:
        import openvino as ov
    except ImportError as exc:
        raise UnsupportedModel("openvino is not installed (pip install onnx openvino)") from exc
    core = ov.Core()
    config: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY"}
    if threads:
        config["INFERENCE_NUM_THREADS"] = int(threads)
    compiled = core.compile_model(core.read_model(model=model_bytes, weights=b""), "CPU", config)
    return lambda feed: np.asarray(compiled(feed)[0])
