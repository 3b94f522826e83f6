"""Likes: any rate of taps, persisted and published as one burst per room per ~250 ms."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

from app import signals
from app.accounts.models import User
from app.errors import UserError
from app.ratelimit import RateLimiter
from app.rooms import events
from app.rooms import services as rooms
from app.rooms.models import RoomStatus
from app.tasks import RetryLog, cancel_and_wait

log = logging.getLogger("livemart.likes")

BURST_INTERVAL = 0.25
MAX_PER_REQUEST = 100
_requests = RateLimiter("like", limit=20, window=1)  # requests per user per second


class LikeCoalescer:
    """Collects taps per room and flushes them together."""

    def __init__(self, interval: float = BURST_INTERVAL) -> None:
        self.interval = interval
        self.pending: dict[int, int] = defaultdict(int)
        self._task: asyncio.Task[None] | None = None

    def add(self, room_id: int, count: int) -> None:
        self.pending[room_id] += count

    async def flush(self) -> None:
        pending, self.pending = self.pending, defaultdict(int)
        for room_id, count in pending.items():
            total = await rooms.add_likes(room_id, count)
            await events.publish(room_id, events.LikeBurst(count=count, total=total))

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            await cancel_and_wait(self._task)
        await self.flush()  # nothing tapped is lost on a clean shutdown

    async def _loop(self) -> None:
        failures = RetryLog(log, "like flush")
        while True:
            await asyncio.sleep(self.interval)
            await failures.attempt(self.flush)


_coalescer: LikeCoalescer | None = None


def set_coalescer(coalescer: LikeCoalescer | None) -> None:
    global _coalescer
    _coalescer = coalescer


async def like(user: User | None, room_id: int, count: int = 1) -> int:
    """Record ``count`` taps (1..100) on a live room; returns the accepted count."""
    if not 1 <= count <= MAX_PER_REQUEST:
        raise UserError(
            "INVALID_COUNT", "send 1 to {max} likes at a time", "count", {"max": MAX_PER_REQUEST}
        )
    room = await rooms.get_room(room_id)
    if room.status != RoomStatus.LIVE:
        raise UserError("ROOM_NOT_LIVE", "this room is not live", "roomId")
    key = f"user:{user.id}" if user else "anonymous"
    if user is None:
        raise UserError("UNAUTHENTICATED", "log in to like", None)
    if not await _requests.hit(key):
        raise UserError("RATE_LIMITED", "slow down a little", None)
    if _coalescer is None:
        total = await rooms.add_likes(room_id, count)
        await events.publish(room_id, events.LikeBurst(count=count, total=total))
    else:
        _coalescer.add(room_id, count)
    await signals.emit("like.sent", room_id=room_id, user_id=user.id, count=count)
    return count
