"""Rate limits shared by every process of a deployment.

Every limit (chat, likes, reports, logins, password resets, the generic write limit) is a
:class:`RateLimiter` from here, counted with the moving-window strategy of the ``limits``
library: in this process's memory (``memory://``) when the event bus is in memory, and in
Redis when the bus is Redis, so that several web processes share one limit instead of each
granting the whole budget. Keys carry a per-deployment namespace
(``LIVEMART_RATELIMIT_PREFIX``) so deployments (and test runs) that share a Redis never
count each other's hits. Expired entries are evicted by the storage, in memory as in Redis.

:func:`rate_limits_runtime` configures the storage for the app's lifetime; code running
without the app (the CLI, service tests) counts in memory.

When Redis cannot be reached a limit lets the hit pass (and logs it, rate-limited): the
limits protect the service and must not take it down with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import weakref
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from app.shared_store import DEFAULT_PREFIX, StoreConfig
from app.tasks import RetryLog

if TYPE_CHECKING:
    from app.settings import Settings

log = logging.getLogger("livemart.ratelimit")

REDIS_TIMEOUT = 1.0  # seconds a limit waits for Redis before letting the hit pass


class _Backend:
    """One storage and strategy, bound to the event loop that created it."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        storage: Storage
        if config.redis:
            storage = RedisStorage(
                "async+" + config.url,
                implementation="redispy",
                wrap_exceptions=True,
                socket_timeout=REDIS_TIMEOUT,
                socket_connect_timeout=REDIS_TIMEOUT,
            )
        else:
            storage = MemoryStorage()
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)
        self.failures = RetryLog(log, "rate-limit storage")


_config = StoreConfig()
_app_configured = False
# Storages hold loop-bound locks and connections: one per running loop (tests run many).
_backends: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Backend] = (
    weakref.WeakKeyDictionary()
)


def configure(url: str = "memory://", prefix: str = DEFAULT_PREFIX) -> None:
    """Count in Redis when ``url`` (the event bus URL) is Redis, else in memory."""
    global _config
    _config = StoreConfig.for_bus(url, prefix)
    _backends.clear()


def _backend() -> _Backend:
    loop = asyncio.get_running_loop()
    backend = _backends.get(loop)
    if backend is None or backend.config != _config:
        backend = _backends[loop] = _Backend(_config)
    return backend


@contextlib.asynccontextmanager
async def rate_limits_runtime(settings: Settings) -> AsyncIterator[None]:
    """Configure the limits for the app's lifetime, then go back to process memory."""
    global _app_configured
    configure(settings.broadcast_url, settings.ratelimit_prefix)
    _app_configured = True
    try:
        yield
    finally:
        _app_configured = False
        configure()


def app_configured() -> bool:
    """Whether an app's :func:`rate_limits_runtime` set the storage (else: process memory)."""
    return _app_configured


def reset_memory() -> None:
    """Forget every limit counted in this process's memory (tests; Redis keeps its own)."""
    for loop in list(_backends):
        backend = _backends.get(loop)
        if backend is not None and not backend.config.redis:
            del _backends[loop]


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds (a moving window) for each key."""

    def __init__(self, name: str, limit: int, window: float) -> None:
        self.name = name
        self.limit = limit
        self.window = max(1, math.ceil(window))

    def _item(self, backend: _Backend) -> RateLimitItem:
        return RateLimitItemPerSecond(self.limit, self.window, namespace=backend.config.prefix)

    async def hit(self, key: str, cost: int = 1) -> bool:
        """Count ``cost`` hits atomically; False (and nothing counted) when over the limit."""
        if self.limit <= 0:
            return True
        backend = _backend()
        try:
            allowed = await backend.strategy.hit(self._item(backend), self.name, key, cost=cost)
        except Exception:
            backend.failures.failed()
            return True
        backend.failures.succeeded()
        return allowed

    async def retry_after(self, key: str) -> float:
        """Seconds until one more hit fits (0 when it fits now)."""
        if self.limit <= 0:
            return 0.0
        backend = _backend()
        try:
            stats = await backend.strategy.get_window_stats(self._item(backend), self.name, key)
        except Exception:
            backend.failures.failed()
            return 0.0
        if stats.remaining > 0:
            return 0.0
        return max(0.001, stats.reset_time - time.time())

    async def take(self, key: str, cost: int = 1) -> float:
        """Count ``cost`` hits and return 0, or return the seconds to wait (counting
        nothing) when they do not fit."""
        if await self.hit(key, cost):
            return 0.0
        if cost > self.limit:
            return float(self.window)
        return max(0.001, await self.retry_after(key))

    async def clear(self, key: str) -> None:
        """Forget the hits of ``key`` (e.g. a successful login clears its failures)."""
        backend = _backend()
        try:
            await backend.strategy.clear(self._item(backend), self.name, key)
        except Exception:
            backend.failures.failed()

    def reset(self) -> None:
        """Forget what this process counted in memory (tests)."""
        reset_memory()
