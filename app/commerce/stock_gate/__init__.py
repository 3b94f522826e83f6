"""The flash-sale stock gate: answers "sold out" and "limit reached" from memory or Redis,
so that only the buyers who won a unit reach the database.

The gate is a fast, disposable copy; the database stays the truth. A take decrements the
sale's units and counts the buyer's in one atomic step; the caller then settles the order
in the database and gives the units back when that fails. A crash between the two leaves
the gate short of units, never the database over: :func:`app.commerce.flash_sales.reconcile_gates`
rebuilds every live sale's gate from the database when the app starts (and a sale's gate is
built when it starts or when a request finds none).

The shape of broadcaster's ``Broadcast``: this facade picks a backend from the event bus's
URL (``redis://`` → :class:`~.redis_backend.RedisGate`, shared by every process, keys under
``Settings.ratelimit_prefix``; otherwise the in-process :class:`~.memory.MemoryGate`).
When Redis fails a call answers :attr:`Verdict.UNKNOWN` and the database decides alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref

from app.commerce.stock_gate.base import GateBackend, GateState, Taken, Verdict
from app.commerce.stock_gate.memory import MemoryGate
from app.shared_store import DEFAULT_PREFIX, StoreConfig
from app.tasks import RetryLog

__all__ = [
    "GateState",
    "Taken",
    "Verdict",
    "app_configured",
    "close",
    "configure",
    "drop",
    "give_back",
    "load",
    "read",
    "take",
    "using_redis",
]

log = logging.getLogger("livemart.commerce.stock_gate")


_config = StoreConfig()
_app_configured = False
_memory = MemoryGate()
# Redis clients hold loop-bound connections: one per running loop.
_redis: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GateBackend] = (
    weakref.WeakKeyDictionary()
)
_failures = RetryLog(log, "flash-sale stock gate")


def configure(url: str = "memory://", prefix: str = DEFAULT_PREFIX, by_app: bool = False) -> None:
    """Gate in Redis when ``url`` (the event bus URL) is Redis, else in this process;
    ``by_app``: the app's runtime configured it (see :func:`app_configured`)."""
    global _config, _app_configured
    _config = StoreConfig.for_bus(url, prefix)
    _app_configured = by_app
    _redis.clear()


def app_configured() -> bool:
    """Whether a running app configured the gate (else: this process, unconfigured)."""
    return _app_configured


def using_redis() -> bool:
    return _config.redis


def _backend() -> GateBackend:
    if not _config.redis:
        return _memory
    loop = asyncio.get_running_loop()
    backend = _redis.get(loop)
    if backend is None:
        from app.commerce.stock_gate.redis_backend import RedisGate

        backend = _redis[loop] = RedisGate(_config.url, _config.prefix)
    return backend


async def close() -> None:
    """Close this loop's Redis connections (the app stops)."""
    with contextlib.suppress(RuntimeError):  # no running loop: nothing to close
        backend = _redis.pop(asyncio.get_running_loop(), None)
        if backend is not None:
            await backend.close()


async def take(sale: str, buyer: int, key: str, quantity: int, limit: int) -> Taken:
    """Take ``quantity`` units of ``sale`` for ``buyer``; UNKNOWN when the gate holds
    nothing for the sale or cannot be reached."""
    try:
        taken = await _backend().take(sale, buyer, key, quantity, limit)
    except Exception:
        _failures.failed()
        return Taken(Verdict.UNKNOWN)
    _failures.succeeded()
    return taken


async def give_back(sale: str, buyer: int, key: str | None, quantity: int) -> None:
    """Return units to the gate (a failed settle, a released order); best effort: a gate
    that missed it is short of units until the next reconcile, never over."""
    try:
        await _backend().give_back(sale, buyer, key, quantity)
    except Exception:
        _failures.failed()


async def load(sale: str, state: GateState, ttl: float, replace: bool = True) -> bool:
    """Set the sale's gate (a reconcile replaces; a lazy build only fills an empty one)."""
    try:
        return await _backend().load(sale, state, ttl, replace)
    except Exception:
        _failures.failed()
        return False


async def read(sale: str) -> GateState | None:
    return await _backend().read(sale)


async def drop(sale: str) -> None:
    try:
        await _backend().drop(sale)
    except Exception:
        _failures.failed()
