"""In-process signals: what happened, for the interaction log (recommendations) and
analytics. Services call :func:`emit` after their transaction commits; listeners run in
the same process, must be quick (buffer, don't query) and never raise into the caller.

Unlike room events on the bus (for clients, fan-out across processes), a signal is seen
exactly once: by the process where it happened, so counters are never doubled.

| name | keyword arguments |
| --- | --- |
| ``room.watched`` | ``room_id, user_id (None: anonymous), viewer_key, started_at, ended_at`` |
| ``room.joined`` | ``room_id, user_id, viewer_key, at`` |
| ``chat.sent`` | ``room_id, user_id, message_id, at`` |
| ``like.sent`` | ``room_id, user_id, count, at`` |
| ``follow.added`` | ``streamer_id, user_id, at`` |
| ``gift.sent`` | ``room_id, user_id, streamer_id, coins, gift_send_id, at`` |
| ``product.impression`` | ``product_id, user_id, room_id, at`` |
| ``product.clicked`` | ``product_id, user_id, room_id, at`` |
| ``cart.added`` | ``product_id, variant_id, user_id, quantity, room_id, at`` |
| ``order.created`` | ``order_id, user_id, merchant_id, room_id, total_cents, currency,``
|  | ``product_ids, source, at`` |
| ``order.paid`` | ``order_id, user_id, merchant_id, room_id, total_cents, currency,``
|  | ``product_ids, at`` |
| ``order.refunded`` | ``order_id, user_id, merchant_id, room_id, total_cents, currency, at`` |
| ``order.cancelled`` | ``order_id, user_id, room_id, at`` |
| ``order.shipped`` | ``order_id, user_id, merchant_id, room_id, total_cents, currency, at`` |
| ``order.delivered`` | ``order_id, user_id, merchant_id, room_id, total_cents, currency, at`` |
| ``room.live`` | ``room_id, streamer_id, at`` |
| ``auction.outbid`` | ``auction_id, room_id, user_id (the bidder outbid), amount, currency, at`` |
| ``coupon.dropped`` | ``coupon_id, room_id, streamer_id, code, first_n, at`` |
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("livemart.signals")

Listener = Callable[..., Awaitable[None] | None]
_listeners: dict[str, list[Listener]] = defaultdict(list)


def connect(name: str, listener: Listener) -> None:
    """Call ``listener(**kwargs)`` on every ``emit(name, ...)`` (idempotent)."""
    if listener not in _listeners[name]:
        _listeners[name].append(listener)


def disconnect(name: str, listener: Listener) -> None:
    if listener in _listeners[name]:
        _listeners[name].remove(listener)


def _pairs(
    listeners: Mapping[str, Listener] | Iterable[tuple[str, Listener]],
) -> Iterable[tuple[str, Listener]]:
    return listeners.items() if isinstance(listeners, Mapping) else listeners


def connect_all(listeners: Mapping[str, Listener] | Iterable[tuple[str, Listener]]) -> None:
    """:func:`connect` each listener of a ``{name: listener}`` map (or ``(name, listener)``
    pairs) to its signal."""
    for name, listener in _pairs(listeners):
        connect(name, listener)


def disconnect_all(listeners: Mapping[str, Listener] | Iterable[tuple[str, Listener]]) -> None:
    """Undo :func:`connect_all` with the same listeners."""
    for name, listener in _pairs(listeners):
        disconnect(name, listener)


# What a viewer does in rooms and shops: what the interaction log and the profiles learn from.
VIEWER_ACTIVITY = (
    "room.joined",
    "room.watched",
    "chat.sent",
    "like.sent",
    "gift.sent",
    "follow.added",
    "product.clicked",
    "cart.added",
    "order.created",
    "order.paid",
)


class Listening:
    """For a class that listens to the signals in ``SIGNALS`` with its methods named
    ``on_<signal>`` (``room.joined`` → ``on_room_joined``): :meth:`connect` and
    :meth:`disconnect` them all."""

    SIGNALS: tuple[str, ...] = ()

    def listeners(self) -> dict[str, Listener]:
        return {name: getattr(self, "on_" + name.replace(".", "_")) for name in self.SIGNALS}

    def connect(self) -> None:
        connect_all(self.listeners())

    def disconnect(self) -> None:
        disconnect_all(self.listeners())


def now() -> datetime:
    return datetime.now(UTC)


async def emit(name: str, **kwargs: Any) -> None:
    """Tell every listener of ``name``; a failing listener is logged, never raised."""
    kwargs.setdefault("at", now())
    for listener in tuple(_listeners.get(name, ())):
        try:
            result = listener(**kwargs)
            if result is not None:
                await result
        except Exception:
            log.exception("listener %r of %s failed", listener, name)
