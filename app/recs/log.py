"""The interaction log: signal listeners → an in-memory buffer → ``bulk_create`` in batches.

Listeners only append to a buffer (no query, no await), so the request that emitted the
signal never waits for the log. A background task writes the buffer every
:data:`FLUSH_INTERVAL` seconds, or at once when :data:`BATCH_SIZE` rows are waiting, and
once more on shutdown. Repeats of the same kind on the same item by the same user within
one batch are merged (their weights summed up to the kind's cap), so a burst of likes is
one row.

| signal | item | kind | weight |
| --- | --- | --- | --- |
| ``room.joined`` | room | view | 0.5 |
| ``room.watched`` | room | watch | 0.3 a minute, up to 3 (under 10 s: none) |
| ``chat.sent`` | room | chat | 0.3 |
| ``like.sent`` | room | like | 0.5 |
| ``gift.sent`` | room | gift | 3 |
| ``follow.added`` | each room of the streamer | follow | 2 |
| ``product.impression`` | product | impression | 0.2 |
| ``product.clicked`` | product | click | 1 |
| ``cart.added`` | product | cart | 3 |
| ``order.created`` | each product of the order | order | 5 |
| ``order.paid`` | each product of the order | purchase | 2 |
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app import signals
from app.recs import data
from app.recs.models import Interaction, ItemType, Kind
from app.tasks import FlushLoop, RetryLog

log = logging.getLogger("livemart.recs.log")

FLUSH_INTERVAL = 1.0
BATCH_SIZE = 500
# Rows kept while the database is unreachable; beyond this the oldest are dropped.
MAX_BUFFER = 50_000
STOP_TIMEOUT = 5.0

WEIGHTS: dict[Kind, float] = {
    Kind.VIEW: 0.5,
    Kind.CHAT: 0.3,
    Kind.LIKE: 0.5,
    Kind.GIFT: 3.0,
    Kind.FOLLOW: 2.0,
    Kind.IMPRESSION: 0.2,
    Kind.CLICK: 1.0,
    Kind.CART: 3.0,
    Kind.ORDER: 5.0,
    Kind.PURCHASE: 2.0,
}
# The most one (user, item, kind) row may weigh within one batch.
CAPS: dict[Kind, float] = {
    Kind.VIEW: 1.0,
    Kind.CHAT: 1.5,
    Kind.LIKE: 2.0,
    Kind.IMPRESSION: 0.6,
    Kind.CLICK: 3.0,
    Kind.WATCH: 3.0,
}
WATCH_PER_MINUTE = 0.3
WATCH_MIN_SECONDS = 10.0


def watch_weight(started_at: datetime, ended_at: datetime) -> float:
    """The weight of a watch: :data:`WATCH_PER_MINUTE` a minute, capped; 0 under 10 s."""
    seconds = (ended_at - started_at).total_seconds()
    if seconds < WATCH_MIN_SECONDS:
        return 0.0
    return round(min(seconds / 60.0 * WATCH_PER_MINUTE, CAPS[Kind.WATCH]), 4)


Key = tuple[int, ItemType, int, Kind]


@dataclass
class Pending:
    weight: float
    at: datetime


FlushHook = Callable[[], Awaitable[None]]


class InteractionLog(signals.Listening, FlushLoop):
    """Buffers interactions from signals and writes them in batches."""

    SIGNALS = (*signals.VIEWER_ACTIVITY, "product.impression")  # every signal the log records
    task_name = "recs-interaction-log"
    stop_timeout = STOP_TIMEOUT
    logger = log
    final_flush_failed = "final flush of the interaction log failed (%d rows)"

    def __init__(
        self,
        flush_interval: float = FLUSH_INTERVAL,
        batch_size: int = BATCH_SIZE,
        max_buffer: int = MAX_BUFFER,
    ) -> None:
        self.flush_interval = flush_interval
        self.batch_size = batch_size
        self.max_buffer = max_buffer
        self.after_flush: list[FlushHook] = []
        self.written = 0
        self.dropped = 0
        self._rows: dict[Key, Pending] = {}
        self._follows: list[tuple[int, int, datetime]] = []
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()

    # -- buffer ------------------------------------------------------------------------

    def add(
        self,
        user_id: int | None,
        item_type: ItemType,
        item_id: int | None,
        kind: Kind,
        at: datetime,
        weight: float | None = None,
    ) -> None:
        """Buffer one interaction (anonymous ones and zero weights are skipped)."""
        if user_id is None or item_id is None:
            return
        value = WEIGHTS[kind] if weight is None else weight
        if value <= 0:
            return
        key = (int(user_id), item_type, int(item_id), kind)
        pending = self._rows.get(key)
        if pending is None:
            if len(self._rows) >= self.max_buffer:
                self._rows.pop(next(iter(self._rows)))
                self.dropped += 1
            self._rows[key] = Pending(min(value, CAPS.get(kind, value)), at)
        else:
            pending.weight = min(pending.weight + value, CAPS.get(kind, float("inf")))
            pending.at = max(pending.at, at)
        if len(self._rows) >= self.batch_size:
            self._wake.set()

    def pending(self) -> int:
        return len(self._rows) + len(self._follows)

    # -- listeners (quick: buffer only) ------------------------------------------------

    def on_room_joined(self, *, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self.add(user_id, ItemType.ROOM, room_id, Kind.VIEW, at)

    def on_room_watched(
        self,
        *,
        room_id: int,
        user_id: int | None,
        started_at: datetime,
        ended_at: datetime,
        at: datetime,
        **_: Any,
    ) -> None:
        weight = watch_weight(started_at, ended_at)
        self.add(user_id, ItemType.ROOM, room_id, Kind.WATCH, ended_at or at, weight)

    def on_chat_sent(self, *, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self.add(user_id, ItemType.ROOM, room_id, Kind.CHAT, at)

    def on_like_sent(self, *, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self.add(user_id, ItemType.ROOM, room_id, Kind.LIKE, at)

    def on_gift_sent(self, *, room_id: int, user_id: int | None, at: datetime, **_: Any) -> None:
        self.add(user_id, ItemType.ROOM, room_id, Kind.GIFT, at)

    def on_follow_added(
        self, *, streamer_id: int, user_id: int | None, at: datetime, **_: Any
    ) -> None:
        if user_id is not None:
            self._follows.append((int(user_id), int(streamer_id), at))
            if len(self._follows) >= self.batch_size:
                self._wake.set()

    def on_product_impression(
        self, *, product_id: int, user_id: int | None, at: datetime, **_: Any
    ) -> None:
        self.add(user_id, ItemType.PRODUCT, product_id, Kind.IMPRESSION, at)

    def on_product_clicked(
        self, *, product_id: int, user_id: int | None, at: datetime, **_: Any
    ) -> None:
        self.add(user_id, ItemType.PRODUCT, product_id, Kind.CLICK, at)

    def on_cart_added(
        self, *, product_id: int, user_id: int | None, at: datetime, **_: Any
    ) -> None:
        self.add(user_id, ItemType.PRODUCT, product_id, Kind.CART, at)

    def _order(self, user_id: int | None, product_ids: Iterable[int], kind: Kind, at: datetime):
        for product_id in dict.fromkeys(product_ids or ()):
            self.add(user_id, ItemType.PRODUCT, product_id, kind, at)

    def on_order_created(
        self, *, user_id: int | None, at: datetime, product_ids: Iterable[int] = (), **_: Any
    ) -> None:
        self._order(user_id, product_ids, Kind.ORDER, at)

    def on_order_paid(
        self, *, user_id: int | None, at: datetime, product_ids: Iterable[int] = (), **_: Any
    ) -> None:
        self._order(user_id, product_ids, Kind.PURCHASE, at)

    # -- writing -----------------------------------------------------------------------

    async def flush(self) -> int:
        """Write everything buffered; returns the rows written. Hooks run afterwards."""
        async with self._lock:
            rows, self._rows = self._rows, {}
            follows, self._follows = self._follows, []
            self._wake.clear()
            if follows:
                try:
                    owned = await data.rooms_of_streamers({s for _, s, _ in follows})
                except Exception:
                    log.exception("could not resolve the rooms of followed streamers")
                    owned = {}
                for user_id, streamer_id, at in follows:
                    for room_id in owned.get(streamer_id, ()):
                        key = (user_id, ItemType.ROOM, room_id, Kind.FOLLOW)
                        rows.setdefault(key, Pending(WEIGHTS[Kind.FOLLOW], at))
            if not rows:
                return 0
            written = await self._write(rows)
            self.written += written
        for hook in tuple(self.after_flush):
            try:
                await hook()
            except Exception:
                log.exception("after-flush hook %r failed", hook)
        return written

    async def _write(self, rows: dict[Key, Pending]) -> int:
        objects = [
            Interaction(
                user_id=user_id,
                item_type=item_type,
                item_id=item_id,
                kind=kind,
                weight=p.weight,
                created_at=p.at,
            )
            for (user_id, item_type, item_id, kind), p in sorted(
                rows.items(), key=lambda kv: kv[1].at
            )
        ]
        try:
            await Interaction.bulk_create(objects, batch_size=self.batch_size)
            return len(objects)
        except Exception as exc:
            if not _is_integrity_error(exc):
                log.warning("interaction log write failed (%s); keeping %d rows", exc, len(rows))
                self._requeue(rows)
                return 0
        # A row points at a user deleted meanwhile: write the others one by one.
        written = 0
        for obj in objects:
            try:
                await obj.save()
                written += 1
            except Exception as exc:
                if not _is_integrity_error(exc):
                    raise
        return written

    def _requeue(self, rows: dict[Key, Pending]) -> None:
        for key, pending in rows.items():
            if key in self._rows:
                self._rows[key].weight += pending.weight
            elif len(self._rows) < self.max_buffer:
                self._rows[key] = pending
            else:
                self.dropped += 1

    # -- lifecycle ---------------------------------------------------------------------

    async def _loop(self) -> None:
        failures = RetryLog(log, "interaction log flush")
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_interval)
            await failures.attempt(self.flush)


def _is_integrity_error(exc: BaseException) -> bool:
    from tortoise.exceptions import IntegrityError

    return isinstance(exc, IntegrityError)
