"""Token states of an encoder's lower layers, kept from the sentence-embedding pass for later heads.

The claim-strength, certainty and conclusion heads (:mod:`sciwire.fidelity.encoder`) run the
top layers of MiniLM on the token states after its lower layers. ``analyze`` has already run
every paper and story sentence through all of MiniLM to embed it, so computing those lower
layers again costs about half an encoder pass. A head asks for the states after a layer
(:meth:`LayerStates.request`); the embedder, when it runs the same model at the same token
limit, keeps them here (:meth:`LayerStates.put`); the head reads them first
(:meth:`LayerStates.get`) and computes only what is missing.

The store is bounded (the oldest texts go first), so a long-running service does not grow.

Example:
    >>> import numpy as np
    >>> states = LayerStates()
    >>> states.request("bundled:m", 3)
    >>> states.wanted("bundled:m"), states.wanted("other")
    ({3}, set())
    >>> states.put("bundled:m", 3, "Mice slept.", np.zeros((4, 2)))
    >>> states.get("bundled:m", 3, "Mice slept.", max_length=256).shape
    (4, 2)
    >>> states.put("bundled:m", 3, "A long text.", np.zeros((128, 2)), cut_at=128)
    >>> states.get("bundled:m", 3, "A long text.", max_length=256) is None
    True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class LayerStates:
    """Per (model, layer, text): the token states after that layer, bounded in size.

    States of a text that the token limit did not cut are the same under any larger limit,
    so they serve every reader; states of a cut text serve only readers with that limit.

    Args:
        max_bytes: Memory kept at most (the oldest texts are dropped first).
    """

    def __init__(self, max_bytes: int = 256 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._wanted: dict[str, set[int]] = {}
        self._states: OrderedDict[tuple[str, int, str], tuple[Any, int | None]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def request(self, model_key: str, layer: int) -> None:
        """Ask the embedder to keep the states after ``layer`` (0 = the token embeddings)."""
        with self._lock:
            self._wanted.setdefault(model_key, set()).add(layer)

    def wanted(self, model_key: str) -> set[int]:
        """The layers some reader asked for, for this model (empty: keep nothing)."""
        with self._lock:
            return set(self._wanted.get(model_key, ()))

    def put(self, model_key: str, layer: int, text: str, states: Any, cut_at: int | None = None) -> None:
        """Keep one text's token states (a ``(tokens, hidden)`` array or tensor).

        Args:
            cut_at: The token limit that cut the text, or None when the whole text fitted.
        """
        key = (model_key, layer, text)
        with self._lock:
            old = self._states.pop(key, None)
            if old is not None:
                self._bytes -= _size(old[0])
            self._states[key] = (states, cut_at)
            self._bytes += _size(states)
            while self._bytes > self.max_bytes and self._states:
                _, (dropped, _) = self._states.popitem(last=False)
                self._bytes -= _size(dropped)

    def get(self, model_key: str, layer: int, text: str, max_length: int) -> Any:
        """The kept states, or None (also when they were cut at another token limit)."""
        with self._lock:
            found = self._states.get((model_key, layer, text))
        if found is None or found[1] not in (None, max_length):
            return None
        return found[0]

    def clear(self) -> None:
        """Forget every kept state (the requests stay)."""
        with self._lock:
            self._states.clear()
            self._bytes = 0


def _size(states: Any) -> int:
    return int(states.nbytes) if hasattr(states, "nbytes") else int(states.numel() * states.element_size())


#: The process-wide store shared by the embedder, the fidelity heads and span vectors.
SHARED_STATES = LayerStates()
