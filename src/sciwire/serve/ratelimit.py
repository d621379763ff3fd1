"""Per-key token buckets: ``burst`` requests at once, refilled at ``rate_per_minute``.

Example:
    >>> limiter = RateLimiter(rate_per_minute=60, burst=2, clock=lambda: 0.0)
    >>> [limiter.wait("k") for _ in range(3)]
    [0.0, 0.0, 1.0]
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Token buckets by key (an API key id, or ``ip:<address>`` for requests without one).

    Args:
        rate_per_minute: Tokens added per minute.
        burst: Bucket size: requests allowed at once.
        clock: Seconds, monotonic (for tests).
    """

    def __init__(self, rate_per_minute: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when there was one, else the seconds until there is one."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:  # many addresses: forget the full buckets
                self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.burst}
            return (1.0 - tokens) / self.rate
