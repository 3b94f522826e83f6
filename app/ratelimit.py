"""A small sliding-window rate limiter kept in process memory.

Used for writes a user makes at a human rate (chat, reports, token creation). Login
attempts are limited through the database instead (see ``app.accounts.services``) so the
limit holds across processes.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque


class RateLimiter:
    """Allow at most ``limit`` hits per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def hit(self, key: str, now: float | None = None) -> bool:
        """Record a hit; return False (and record nothing) when over the limit."""
        now = time.monotonic() if now is None else now
        hits = self._hits[key]
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def retry_after(self, key: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        hits = self._hits.get(key)
        if not hits or len(hits) < self.limit:
            return 0.0
        return max(0.0, hits[0] + self.window - now)

    def reset(self) -> None:
        self._hits.clear()
