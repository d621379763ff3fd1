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

The export also outputs the token states after every lower layer (``layer_0`` = the token
embeddings, ``layer_k`` = after k transformer layers), so heads that read a lower layer (the
fidelity heads read layer 3, :mod:`sciwire.backends.layer_states`) get them from the same pass;
a run fetches only the outputs asked for. ``int8=True`` quantizes the export's weights to int8
(ONNX Runtime's dynamic quantizer, per channel) once and keeps that file too.

All are opt-in (``models.embedding_backend``). Importing OpenVINO writes a Google Analytics client id to
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
import tempfile
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


#: Runs a compiled body: feed, output names -> those outputs.
Runner = Callable[[dict[str, np.ndarray], list[str]], list[np.ndarray]]


class OnnxEncoder:
    """A compiled transformer body plus the model's tokeniser (see the module docstring).

    Args:
        run: The compiled body (feed and output names in, arrays out).
        tokenizer: The model's tokeniser.
        inputs: The tokeniser outputs the body takes.
        layers: Lower layers whose token states the body also outputs (``layer_k``).
    """

    def __init__(self, run: Runner, tokenizer: Any, inputs: tuple[str, ...], layers: tuple[int, ...] = ()):
        self.run = run
        self.tokenizer = tokenizer
        self.inputs = inputs
        self.layers = layers

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int,
        max_length: int | None,
        keep: Sequence[int] = (),
        on_states: Callable[[int, int, np.ndarray, int | None], None] | None = None,
    ) -> np.ndarray:
        """L2-normalised mean-pooled vectors, in input order (batches sorted by length).

        Args:
            keep: Layers whose token states go to ``on_states`` (0 = embeddings; the last layer
                is the output itself); layers the body does not output are skipped.
            on_states: Called with (text index, layer, ``(tokens, hidden)`` states, the token
                limit that cut the text or None).
        """
        last = len(self.layers)
        wanted = [k for k in keep if k in self.layers or k == last] if on_states is not None else []
        names = ["hidden", *(f"layer_{k}" for k in wanted if k != last)]
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
            hidden, *lower = self.run({name: enc[name].astype(np.int64) for name in self.inputs}, names)
            mask = enc["attention_mask"][..., None].astype(np.float32)
            vecs = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            if out is None:
                out = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
            if wanted and on_states is not None:
                states = dict(zip([k for k in wanted if k != last], lower, strict=True))
                states[last] = hidden
                lengths = enc["attention_mask"].sum(axis=1)
                for row, i in enumerate(idx):
                    n = int(lengths[row])
                    cut = max_length if max_length and n >= max_length else None
                    for k in wanted:
                        on_states(int(i), k, np.array(states[k][row, :n], dtype=np.float32), cut)
        assert out is not None
        return out


def onnx_encoder(
    st: Any,
    runtime: str = "onnxruntime",
    threads: int | None = None,
    cache: tuple[Path, str] | None = None,
    int8: bool = False,
) -> OnnxEncoder:
    """Export a loaded sentence-transformers model's body to ONNX and load it in ``runtime``.

    Args:
        st: The loaded sentence-transformers model.
        runtime: ``onnxruntime`` or ``openvino``.
        threads: CPU threads for inference (default: the runtime's choice).
        cache: ``(folder, model key)``: the exported ``.onnx`` file is kept there, named by a
            SHA-256 of the model's weights (plus torch, ONNX Runtime and this format's versions),
            so a later start skips the export; rewritten when unreadable.
        int8: Quantize the weights to int8 (ONNX Runtime's dynamic quantizer, per channel; only
            with ``onnxruntime``); the quantized file is kept beside the fp32 one.

    Raises:
        UnsupportedModel: When a package is missing, the pipeline is not Transformer + mean
            pooling, or the export fails.
    """
    if runtime not in RUNTIMES:
        raise UnsupportedModel(f"runtime must be one of {RUNTIMES}, got {runtime!r}")
    if int8 and runtime != "onnxruntime":
        raise UnsupportedModel(f"int8 weights need the onnxruntime runtime, got {runtime!r}")
    body = _check_pipeline(st)
    tokenizer = st.tokenizer
    example = tokenizer(
        ["a short example", "another, slightly longer example sentence"], padding=True, return_tensors="pt"
    )
    inputs = tuple(n for n in INPUT_NAMES if n in example)
    load = _load_onnxruntime if runtime == "onnxruntime" else _load_openvino
    model = body.auto_model.eval()
    layers = tuple(range(_n_layers(model)))
    try:
        model_bytes, kept = _cached_export(model, example, inputs, cache, layers, int8)
        try:
            run = load(model_bytes, threads)
        except Exception as exc:  # a damaged kept export: export again, once
            if not kept:
                raise
            logger.warning("The kept ONNX export is unusable (%s); exporting again", exc)
            model_bytes, _ = _cached_export(model, example, inputs, cache, layers, int8, fresh=True)
            run = load(model_bytes, threads)
    except UnsupportedModel:
        raise
    except Exception as exc:  # any export or load failure: one clear error for the caller
        raise UnsupportedModel(f"{runtime} could not run the model: {exc}") from exc
    return OnnxEncoder(run, tokenizer, inputs, layers)


def _n_layers(model: Any) -> int:
    """Transformer layers of a BERT-like body (0 when it does not say: only the output is exported)."""
    blocks = getattr(getattr(model, "encoder", None), "layer", None)
    return len(blocks) if blocks is not None and hasattr(model, "embeddings") else 0


def weights_fingerprint(model: Any) -> str:
    """SHA-256 (first 16 hex digits) of a torch module's weights, names included."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


#: Bump when the exported graph changes (2: the lower layers' states are outputs too).
EXPORT_FORMAT = 2


def _cached_export(
    model: Any,
    example: Any,
    inputs: tuple[str, ...],
    cache: tuple[Path, str] | None,
    layers: tuple[int, ...] = (),
    int8: bool = False,
    fresh: bool = False,
) -> tuple[bytes, bool]:
    """The ONNX bytes (int8 weights when ``int8``) and whether they came from the kept file."""
    import torch

    path = None
    if cache is not None:
        versions = f"torch {torch.__version__}|format {EXPORT_FORMAT}|layers {len(layers)}"
        if int8:
            import onnxruntime

            versions += f"|int8 dynamic per-channel, onnxruntime {onnxruntime.__version__}"
        name = hashlib.sha256(f"{weights_fingerprint(model)}|{versions}".encode()).hexdigest()[:16]
        path = cache[0] / f"{name}{'-int8' if int8 else ''}.onnx"
        if path.is_file() and not fresh:
            try:
                return path.read_bytes(), True
            except OSError as exc:
                logger.warning("Exported encoder %s unreadable (%s); exporting again", path, exc)
    data = _export(torch, model, example, inputs, layers)
    if int8:
        data = _quantize_int8(data)
    if path is not None:
        try:  # written next to its final name, then renamed: never a half-written cache
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:
            logger.warning("Could not keep the exported encoder in %s: %s", path, exc)
    return data, False


def _quantize_int8(model_bytes: bytes) -> bytes:
    """int8 weights, activations quantized on the fly (ONNX Runtime's dynamic quantizer, per channel)."""
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise UnsupportedModel("onnxruntime is not installed (pip install onnx onnxruntime)") from exc
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        src.write_bytes(model_bytes)
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)
        return dst.read_bytes()


def _export(torch: Any, model: Any, example: Any, inputs: tuple[str, ...], layers: tuple[int, ...] = ()) -> bytes:
    """The transformer body as ONNX (dynamic batch and length), exported in memory: output
    ``hidden`` (the last layer) and ``layer_k`` for every ``k`` in ``layers``."""
    try:
        import onnx  # noqa: F401  (the exporter needs it)
    except ImportError as exc:
        raise UnsupportedModel("onnx is not installed (pip install onnx onnxruntime)") from exc

    class Body(torch.nn.Module):  # type: ignore[name-defined,misc,unused-ignore]
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: Any) -> Any:
            kwargs = dict(zip(inputs, tensors, strict=True))
            if not layers:
                return self.model(**kwargs).last_hidden_state
            out = self.model(**kwargs, output_hidden_states=True)
            return (out.last_hidden_state, *(out.hidden_states[k] for k in layers))

    buffer = io.BytesIO()
    outputs = ["hidden", *(f"layer_{k}" for k in layers)]
    axes = {name: {0: "batch", 1: "tokens"} for name in (*inputs, *outputs)}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings on the attention-mask checks
        torch.onnx.export(Body(), tuple(example[n] for n in inputs), buffer, input_names=list(inputs),
                          output_names=outputs, dynamic_axes=axes, opset_version=17, dynamo=False)  # fmt: skip
    return buffer.getvalue()


def _load_onnxruntime(model_bytes: bytes, threads: int | None) -> Runner:
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise UnsupportedModel("onnxruntime is not installed (pip install onnx onnxruntime)") from exc
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = int(threads)
    session = ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])
    return lambda feed, names: [np.asarray(a) for a in session.run(names, feed)]


def _load_openvino(model_bytes: bytes, threads: int | None) -> Runner:
    try:
        import openvino as ov
    except ImportError as exc:
        raise UnsupportedModel("openvino is not installed (pip install onnx openvino)") from exc
    core = ov.Core()
    config: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY"}
    if threads:
        config["INFERENCE_NUM_THREADS"] = int(threads)
    compiled = core.compile_model(core.read_model(model=model_bytes, weights=b""), "CPU", config)

    def run(feed: dict[str, np.ndarray], names: list[str]) -> list[np.ndarray]:
        result = compiled(feed)  # outputs by position, in export order: hidden, layer_0, layer_1, ...
        return [np.asarray(result[0 if name == "hidden" else int(name.removeprefix("layer_")) + 1]) for name in names]

    return run
