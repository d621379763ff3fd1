"""A small tuned sentence encoder: MiniLM's lower layers frozen, its top layers LoRA-adapted.

Fine-tuning all of all-MiniLM-L6-v2 on CPU takes ~4 minutes an epoch on 4,800 sentences,
and the result (90 MB) is too big to ship. Here the lower ``6 - layers`` transformer layers
stay frozen, so their output is computed once per text and cached; only copies of the top
``layers`` layers get low-rank adapters (LoRA, Hu et al. 2021) on every linear map, plus a
linear head over the mean-pooled tokens. An epoch takes ~30 s on two cores and the trained
parameters are ~0.4 MB (safetensors), loaded on top of the bundled MiniLM.

Reads: texts. The base model is always the bundled MiniLM (the adapters were fitted on it),
whatever ``models.embedding`` says.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from sciwire.backends.layer_states import SHARED_STATES
from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.errors import ConfigError, MissingDependencyError, ModelLoadError

logger = logging.getLogger(__name__)
N_BASE_LAYERS = 6
HIDDEN = 384


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - torch comes with sentence-transformers
        raise MissingDependencyError("torch", "Claim-strength and certainty models") from exc
    return torch


@dataclass
class EncoderSettings:
    """Knobs of :func:`train_encoder`; validated on creation.

    Args:
        layers: How many top transformer layers get adapters (1-6).
        rank: LoRA rank (0 = train the copied layers fully; the result is then ~7 MB a layer).
        epochs: Passes over the training data.
        learning_rate: AdamW learning rate of the adapters (the head uses it too).
        batch_size: Sentences per step.
        max_length: Tokens per sentence (longer ones are truncated).
        seed: Seeds torch and numpy, so a run is repeatable on one machine.
    """

    layers: int = 3
    rank: int = 8
    epochs: int = 5
    learning_rate: float = 5e-4
    batch_size: int = 32
    max_length: int = 128
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.layers <= N_BASE_LAYERS:
            raise ConfigError(f"layers must be between 1 and {N_BASE_LAYERS}, got {self.layers}")
        if self.rank < 0 or self.epochs < 1 or self.batch_size < 2 or not 0 < self.learning_rate < 1:
            raise ConfigError(f"need rank >= 0, epochs >= 1, batch_size >= 2, 0 < learning_rate < 1; got {self}")


class FrozenBase:
    """The bundled MiniLM, run up to a given layer; hidden states are cached per (text, layer).

    The cache keeps at most ``max_cached`` texts (the oldest go first): enough for a training
    set, bounded for a long-running service.
    """

    max_cached = 12_000

    def __init__(self, model: str = DEFAULT_EMBEDDING_MODEL, max_length: int = 128) -> None:
        from sciwire.backends.embeddings import resolve_model, shared_sentence_transformer

        torch = _torch()
        target, self.key = resolve_model(model)
        try:
            st = shared_sentence_transformer(target, "cpu")
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"Cannot load the base encoder {model!r} ({target}): {exc}") from exc
        self.tokenizer: Any = st.tokenizer
        auto: Any = st[0].auto_model
        self.model: Any = auto.eval()
        self.max_length = max_length
        self._cache: dict[tuple[str, int], Any] = {}
        self._torch = torch
        self._fingerprint: str | None = None

    def request(self, layer: int) -> None:
        """Ask the sentence embedder to keep the states after ``layer`` (see :mod:`sciwire.backends.layer_states`)."""
        SHARED_STATES.request(self.key, layer)

    def clear(self) -> None:
        """Forget the cached states (benchmarks do, between timed runs)."""
        self._cache.clear()

    def layer(self, index: int) -> Any:
        """Transformer layer ``index`` (0-based) of the base model."""
        return self.model.encoder.layer[index]

    def _lower(self, enc: Any, layer: int) -> Any:
        """Run the embeddings and the first ``layer`` transformer layers only (the rest is the head's)."""
        from sciwire.backends.bert import additive_mask

        states = self.model.embeddings(input_ids=enc["input_ids"], token_type_ids=enc.get("token_type_ids"))
        extended = additive_mask(enc["attention_mask"], states.dtype)
        for block in self.model.encoder.layer[:layer]:
            result = block(states, attention_mask=extended)
            states = result[0] if isinstance(result, tuple) else result
        return states

    def fingerprint(self) -> str:
        """SHA-256 (first 16 hex digits) of the base weights, stored with every adapter (computed once)."""
        if self._fingerprint is None:
            digest = hashlib.sha256()
            for name, tensor in sorted(self.model.state_dict().items()):
                digest.update(name.encode())
                digest.update(tensor.detach().cpu().numpy().tobytes())
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    def hidden_states(self, texts: Sequence[str], layer: int, batch_size: int = 32) -> list[Any]:
        """Token states after ``layer`` base layers (0 = embeddings), one (tokens, 384) tensor per text.

        Texts the sentence embedder did not leave states for are run in batches cut from their
        order by word-piece count (little padding; on the bundled example's 288 sentences the three
        lower layers take 1.2-1.3 s instead of 1.8-2.1 s with batches of 64 by characters).
        """
        missing = list(dict.fromkeys(t for t in texts if (t, layer) not in self._cache))
        for text in missing:  # kept by the sentence embedder's pass over the same texts
            kept = SHARED_STATES.get(self.key, layer, text, self.max_length)
            if kept is not None:
                self._cache[(text, layer)] = kept
        missing = [t for t in missing if (t, layer) not in self._cache]
        if missing:
            from sciwire.backends.embeddings import by_word_pieces

            order = [missing[i] for i in by_word_pieces(self.tokenizer, missing, self.max_length)]
            with self._torch.inference_mode():
                for i in range(0, len(order), batch_size):
                    chunk = order[i : i + batch_size]
                    enc = self.tokenizer(chunk, padding=True, truncation=True, max_length=self.max_length,
                                         return_tensors="pt")  # fmt: skip
                    states = self._lower(enc, layer)
                    for row, text in enumerate(chunk):
                        n = int(enc["attention_mask"][row].sum())
                        self._cache[(text, layer)] = states[row, :n].clone()
        found = [self._cache[(t, layer)] for t in texts]
        while len(self._cache) > max(self.max_cached, len(texts)):
            del self._cache[next(iter(self._cache))]
        return found


@lru_cache(maxsize=2)
def frozen_base(model: str = DEFAULT_EMBEDDING_MODEL) -> FrozenBase:
    """One :class:`FrozenBase` per process and model (its cache is shared by every head)."""
    return FrozenBase(model)


def _lora_linear(base: Any, rank: int, freeze: bool = True, merge: bool = False) -> Any:
    """``base`` plus a rank-``rank`` update; with ``merge`` (loaded, inference-only heads) the
    update is folded into a copy of the weight at the first inference call."""
    torch = _torch()

    class LoRALinear(torch.nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.lora_a = torch.nn.Parameter(torch.randn(rank, base.in_features) * 0.01)
            self.lora_b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
            self.merge = merge
            self._merged: Any = None
            if freeze:
                for p in self.base.parameters():
                    p.requires_grad_(False)

        def forward(self, x: Any) -> Any:
            if self.merge and not self.training and not torch.is_grad_enabled():
                # W + 2 B A, made once: unmerged, the two rank-8 products and their temporaries
                # cost as much CPU as the full-rank map itself; the copy is ~7 MB a layer, made
                # only for heads that run (about 21 MB a head)
                if self._merged is None:
                    with torch.no_grad():
                        self._merged = self.base.weight + 2.0 * (self.lora_b @ self.lora_a)
                return torch.nn.functional.linear(x, self._merged, self.base.bias)
            return self.base(x) + 2.0 * ((x @ self.lora_a.T) @ self.lora_b.T)

        def _load_from_state_dict(self, *args: Any, **kwargs: Any) -> None:
            self._merged = None  # new adapters: merge again
            super()._load_from_state_dict(*args, **kwargs)

    return LoRALinear()


def build_head(base: FrozenBase, layers: int, rank: int, n_outputs: int, share_base: bool = False) -> Any:
    """Copies of the top ``layers`` base layers (LoRA-adapted unless ``rank`` is 0) + a linear head.

    Args:
        share_base: For inference only (a loaded model): the adapted linear maps read the base
            model's own frozen weights instead of copies (85 MB less for the four shipped
            heads), and fold the adapters into one weight per map at the first inference call
            (about 21 MB a head, only for heads that run). Training needs copies (``False``).
    """
    from sciwire.backends.bert import additive_mask

    torch = _torch()
    share = share_base and rank > 0

    def top_layer(index: int) -> Any:
        layer = base.layer(index)
        if not share:
            return copy.deepcopy(layer)
        linears = [m for m in layer.modules() if isinstance(m, torch.nn.Linear)]
        return copy.deepcopy(layer, {id(p): p for m in linears for p in m.parameters()})  # same tensors

    class TunedTop(torch.nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            start = N_BASE_LAYERS - layers
            self.layers = torch.nn.ModuleList(top_layer(start + i) for i in range(layers))
            if rank:
                for layer in self.layers:
                    attn = layer.attention
                    for name in ("query", "key", "value"):
                        setattr(attn.self, name, _lora_linear(getattr(attn.self, name), rank, not share, share))
                    attn.output.dense = _lora_linear(attn.output.dense, rank, not share, share)
                    layer.intermediate.dense = _lora_linear(layer.intermediate.dense, rank, not share, share)
                    layer.output.dense = _lora_linear(layer.output.dense, rank, not share, share)
            self.dropout = torch.nn.Dropout(0.1)
            self.out = torch.nn.Linear(HIDDEN, n_outputs)

        def forward(self, states: Any, mask: Any) -> Any:
            extended = additive_mask(mask, torch.float32)
            for layer in self.layers:
                result = layer(states, attention_mask=extended)
                states = result[0] if isinstance(result, tuple) else result
            pooled = (states * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            return self.out(self.dropout(pooled))

    return TunedTop()


def trainable_state(head: Any) -> dict[str, Any]:
    """Only the trained tensors (adapters, or whole copied layers when rank is 0, and the head)."""
    names = {n for n, p in head.named_parameters() if p.requires_grad}
    return {n: t.detach().clone().contiguous() for n, t in head.state_dict().items() if n in names}


def _pad(states: Sequence[Any]) -> tuple[Any, Any]:
    torch = _torch()
    n = max(len(s) for s in states)
    batch = torch.zeros(len(states), n, HIDDEN)
    mask = torch.zeros(len(states), n)
    for row, s in enumerate(states):
        batch[row, : len(s)] = s
        mask[row, : len(s)] = 1.0
    return batch, mask


def forward_all(head: Any, states: Sequence[Any], batch_size: int = 64) -> np.ndarray:
    """Head outputs for every text's states, in order (inference mode)."""
    torch = _torch()
    if not states:
        return np.zeros((0, head.out.out_features), dtype=np.float32)
    head.eval()
    order = np.argsort([len(s) for s in states], kind="stable")
    out = np.zeros((len(states), head.out.out_features), dtype=np.float32)
    with torch.inference_mode():
        for i in range(0, len(order), batch_size):
            idx = order[i : i + batch_size]
            batch, mask = _pad([states[j] for j in idx])
            out[idx] = head(batch, mask).numpy()
    return out


def train_encoder(
    states: Sequence[Any],
    loss_fn: Callable[[Any, np.ndarray], Any],
    n_outputs: int,
    base: FrozenBase,
    settings: EncoderSettings,
    on_progress: Callable[[int], None] | None = None,
) -> Any:
    """Train adapters + head on precomputed lower-layer ``states`` with ``loss_fn(outputs, rows)``.

    ``loss_fn`` receives the head's outputs for a batch and the row indices of that batch,
    so one loop serves classification, regression and multi-aspect labels.
    """
    torch = _torch()
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    head = build_head(base, settings.layers, settings.rank, n_outputs)
    params = [p for p in head.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=settings.learning_rate, weight_decay=0.01)
    steps = math.ceil(len(states) / settings.batch_size) * settings.epochs
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps))
    lengths = np.array([len(s) for s in states])
    for epoch in range(settings.epochs):
        head.train()
        perm = rng.permutation(len(states))
        chunk = settings.batch_size * 8  # sort within chunks: little padding, still shuffled
        batches = [
            sorted(perm[i : i + chunk], key=lambda j: lengths[j])[k : k + settings.batch_size]
            for i in range(0, len(perm), chunk)
            for k in range(0, min(chunk, len(perm) - i), settings.batch_size)
        ]
        rng.shuffle(batches)
        total = 0.0
        for rows in batches:
            batch, mask = _pad([states[j] for j in rows])
            loss = loss_fn(head(batch, mask), np.asarray(rows))
            loss.backward()
            opt.step()
            opt.zero_grad()
            sched.step()
            total += float(loss.detach()) * len(rows)
            if on_progress is not None:
                on_progress(len(rows))
        logger.info("epoch %d/%d: loss %.4f", epoch + 1, settings.epochs, total / len(states))
    head.eval()
    return head
