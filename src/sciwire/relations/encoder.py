"""Entity-pair vectors from MiniLM's token states: one encoder pass per marked sentence.

A :class:`Pair` is a sentence with two character spans, the head (``E1``) and the tail
(``E2``). :func:`mark` writes entity markers into the text (``style="punct"``: ``@ head @`` and
``# tail #``, the typed-marker trick of Zhou & Chen 2021, which needs no new word pieces;
``"tags"``: ``[E1] head [/E1]``; ``"none"``: the sentence as it is). :class:`PairEncoder` runs
the marked text through the sentence encoder once and keeps, for each asked layer, four
pooled vectors: the mean of the head's word pieces, of the tail's, of the whole sentence, and
the first token ([CLS]). :func:`pair_features` turns them into the rows the models read.

Example:
    >>> p = Pair("Aspirin reduces fever.", (0, 7), (16, 21))
    >>> mark(p, "punct")
    ('@ Aspirin @ reduces # fever # .', (2, 9), (22, 27))
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sciwire.config import DEFAULT_EMBEDDING_MODEL
from sciwire.errors import ConfigError, ModelLoadError

logger = logging.getLogger(__name__)

#: Marker styles of :func:`mark`.
MARKER_STYLES: tuple[str, ...] = ("punct", "tags", "none")
#: Pooled vectors per layer, in this order: head mean, tail mean, sentence mean, first token.
POOLS: tuple[str, ...] = ("head", "tail", "mean", "cls")
_MARKERS = {"punct": ("@ ", " @", "# ", " #"), "tags": ("[E1] ", " [/E1]", "[E2] ", " [/E2]")}


@dataclass(frozen=True)
class Pair:
    """A sentence and two character spans in it: ``head`` (E1) and ``tail`` (E2)."""

    text: str
    head: tuple[int, int]
    tail: tuple[int, int]


def mark(pair: Pair, style: str = "punct") -> tuple[str, tuple[int, int], tuple[int, int]]:
    """The text with entity markers and the offsets of head and tail inside it.

    Spaces around the markers keep word pieces apart; the punctuation before a marker is
    separated the same way ("fever." -> "# fever # .").

    Raises:
        ConfigError: An unknown style, or spans that overlap.
    """
    if style not in MARKER_STYLES:
        raise ConfigError(f"relation marker style must be one of {MARKER_STYLES}, got {style!r}")
    (hs, he), (ts, te) = pair.head, pair.tail
    if hs < te and ts < he:
        raise ConfigError(f"head {pair.head} and tail {pair.tail} overlap in {pair.text!r}")
    if style == "none":
        return pair.text, pair.head, pair.tail
    open1, close1, open2, close2 = _MARKERS[style]
    cuts = sorted([(hs, he, open1, close1, "h"), (ts, te, open2, close2, "t")])
    out, pos, spans = "", 0, {}
    for s, e, opener, closer, who in cuts:
        before = pair.text[pos:s]
        out += before + ("" if not before or before.endswith(" ") else " ") + opener
        spans[who] = (len(out), len(out) + e - s)
        out += pair.text[s:e] + closer
        pos = e
        if pos < len(pair.text) and pair.text[pos] != " ":
            out += " "
    out += pair.text[pos:]
    return out, spans["h"], spans["t"]


class PairEncoder:
    """Pooled token states of entity-marked sentences (MiniLM by default; loaded once, lazily).

    Args:
        model: A sentence-transformers model (the bundled name, a folder or a hub id).
        layers: Which hidden states to keep (0 = the word-piece embeddings, 6 = MiniLM's last).
        style: Entity markers (:data:`MARKER_STYLES`).
        batch_size: Sentences per forward pass.
        max_length: Word pieces read per sentence.

    Example:
        >>> enc = PairEncoder(layers=(6,))
        >>> enc.encode([Pair("Aspirin reduces fever.", (0, 7), (16, 21))]).shape  # doctest: +SKIP
        (1, 1, 4, 384)
    """

    def __init__(
        self,
        model: str = DEFAULT_EMBEDDING_MODEL,
        layers: Sequence[int] = (6,),
        style: str = "punct",
        batch_size: int = 32,
        max_length: int = 128,
    ) -> None:
        if style not in MARKER_STYLES:
            raise ConfigError(f"relation marker style must be one of {MARKER_STYLES}, got {style!r}")
        self.model = model
        self.layers = tuple(int(x) for x in layers)
        self.style = style
        self.batch_size = batch_size
        self.max_length = max_length
        self._st: Any = None

    def warm_up(self) -> None:
        """Load the encoder (shared with the rest of sciwire in this process)."""
        if self._st is not None:
            return
        from sciwire.backends.embeddings import resolve_model, shared_sentence_transformer

        target, _ = resolve_model(self.model)
        try:
            self._st = shared_sentence_transformer(target, "cpu")
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise ModelLoadError(f"Cannot load the encoder {self.model!r} ({target}) for relations: {exc}") from exc
        depth = int(self._st[0].auto_model.config.num_hidden_layers)
        if any(not 0 <= layer <= depth for layer in self.layers):
            raise ConfigError(f"relation layers must be 0-{depth} for {self.model!r}, got {list(self.layers)}")

    def encode(self, pairs: Sequence[Pair], on_progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Array ``(len(pairs), len(layers), 4, dim)`` of the pooled states (:data:`POOLS` order), float32."""
        marked = [mark(p, self.style) for p in pairs]
        states = self.span_states([m[0] for m in marked], [[m[1], m[2]] for m in marked], on_progress)
        logger.debug("Encoded %d entity pairs (%s markers, layers %s)", len(pairs), self.style, self.layers)
        return np.stack(states).transpose(0, 2, 1, 3) if states else np.zeros((0, len(self.layers), 4, 1), "f4")

    def span_states(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        on_progress: Callable[[int], None] | None = None,
    ) -> list[np.ndarray]:
        """Per text, ``(len(spans) + 2, len(layers), dim)``: the mean state of each character span, then
        of the whole text, then its first token; one encoder pass per text, texts as they are (no markers).

        A span cut off by the token limit gets the mean of the whole text.
        """
        import torch

        self.warm_up()
        auto, tokenizer = self._st[0].auto_model, self._st.tokenizer
        out: list[np.ndarray] = [np.zeros(0)] * len(texts)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for b in range(0, len(order), self.batch_size):
            rows = order[b : b + self.batch_size]
            enc = tokenizer([texts[i] for i in rows], padding=True, truncation=True, max_length=self.max_length,
                            return_offsets_mapping=True, return_tensors="pt")  # fmt: skip
            offsets = enc.pop("offset_mapping").numpy()
            with torch.inference_mode():
                states = auto(**enc, output_hidden_states=True).hidden_states
            chosen = np.stack([states[layer].float().numpy() for layer in self.layers], axis=1)  # (B, L, T, D)
            attention = enc["attention_mask"].numpy().astype(bool)
            for k, i in enumerate(rows):
                real = attention[k] & (offsets[k, :, 1] > offsets[k, :, 0])
                masks = [_inside(offsets[k], real, span) for span in spans[i]] + [real]
                pooled = [chosen[k][:, m if m.any() else real].mean(axis=1) for m in masks]
                out[i] = np.stack([*pooled, chosen[k][:, 0]]).astype(np.float32)
            if on_progress is not None:
                on_progress(len(rows))
        return out


def _inside(offsets: np.ndarray, real: np.ndarray, span: tuple[int, int]) -> np.ndarray:
    start, end = span
    return real & (offsets[:, 0] < end) & (offsets[:, 1] > start)


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm > 0, norm, 1.0)


def pair_features(pooled: np.ndarray, parts: Sequence[str] = ("head", "tail")) -> np.ndarray:
    """Rows for the models: per kept layer, the named pools, each L2-normalised, side by side.

    Args:
        pooled: The output of :meth:`PairEncoder.encode` (or a slice of its layers).
        parts: Names of :data:`POOLS` to use.

    Example:
        >>> pair_features(np.ones((2, 1, 4, 3))).shape
        (2, 6)
    """
    unknown = [p for p in parts if p not in POOLS]
    if unknown:
        raise ConfigError(f"relation feature parts must be among {POOLS}, got {unknown}")
    picked = pooled[:, :, [POOLS.index(p) for p in parts]]
    rows = _unit(picked).reshape(len(pooled), -1)
    return rows.astype(np.float32)
