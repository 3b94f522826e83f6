"""Viewer presence: how many viewers watch each room, now and at peak.

A room counts distinct *viewers*, not connections (:meth:`Presence.watching`): a signed-in
user once however many pages, sockets and subscriptions they hold, an anonymous browser
once (its page stream and its sockets share the browser's key), an anonymous socket
without one once however many ``roomEvents`` subscriptions it opens. The open
subscriptions of one client IP address are capped (``per_ip``, the
``LIVEMART_ROOM_WATCHERS_PER_IP`` setting): one more is refused with
:class:`TooManyWatchers`, so a crowd of sockets from one address cannot inflate the count
(the peak orders the room list) or the process's memory.

Counts are kept per process; on Redis each process
writes its count into the hash ``<prefix>:presence:<room>`` (one field per process) and keeps
a heartbeat key alive, so the total is right across processes and a process that dies
stops counting within seconds. The total is published as a coalesced ``viewers`` event.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from typing import Any

from app import signals
from app.errors import UserError
from app.i18n import N_
from app.rooms import events
from app.rooms import services as rooms
from app.shared_store import DEFAULT_PREFIX
from app.tasks import RetryLog, stop_task

log = logging.getLogger("livemart.presence")

FLUSH_INTERVAL = 0.5
HEARTBEAT_TTL = 6
REFRESH_EVERY = 10  # flushes between full republishes
PER_IP = 100  # open room subscriptions one client address may hold (in one process)


class TooManyWatchers(UserError):
    """A client address holds :attr:`Presence.per_ip` room subscriptions already."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            "TOO_MANY_SUBSCRIPTIONS",
            N_("at most {limit} room subscriptions from one address; close some first"),
            None,
            {"limit": limit},
        )


class Presence:
    def __init__(
        self, redis_url: str | None = None, per_ip: int = PER_IP, prefix: str = DEFAULT_PREFIX
    ) -> None:
        self.prefix = prefix  # the deployment's namespace in a shared Redis
        self.process_id = uuid.uuid4().hex[:12]
        self.per_ip = per_ip
        # Distinct viewers per room (what is counted), from the open handles of each.
        self.local: dict[int, int] = defaultdict(int)
        self._handles: dict[int, Counter[str]] = defaultdict(Counter)
        self._per_address: Counter[str] = Counter()
        self._dirty: set[int] = set()
        self._published: dict[int, int] = {}
        self._redis: Any = None
        self._redis_url = redis_url
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        if self._redis_url:
            from redis import asyncio as redis

            self._redis = redis.Redis.from_url(self._redis_url)
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        self._stopping = True  # redis-py may swallow the cancellation: the loop checks this too
        await stop_task(self._task)
        if self._redis is not None:
            with contextlib.suppress(Exception, TimeoutError):
                await asyncio.wait_for(self._forget_process(), 3)

    async def _forget_process(self) -> None:
        for room_id in list(self.local):
            await self._redis.hdel(self._key(room_id), self.process_id)
        await self._redis.delete(self._heartbeat_key(self.process_id))
        await self._redis.aclose()

    @contextlib.asynccontextmanager
    async def watching(
        self,
        room_id: int,
        user_id: int | None = None,
        viewer_key: str | None = None,
        address: str | None = None,
    ) -> AsyncIterator[None]:
        """Count the viewer ``viewer_key`` (else ``user:<id>``, else a new anonymous key)
        as watching ``room_id`` for the duration of the block; a viewer already watching
        is not counted again. With ``address`` (the client's IP) the block is one of that
        address's room subscriptions: past :attr:`per_ip` it raises
        :class:`TooManyWatchers` and counts nothing.

        Emits ``room.joined`` and, at the end, ``room.watched`` with the watch time.
        """
        key = viewer_key or (f"user:{user_id}" if user_id else f"anon:{uuid.uuid4().hex[:12]}")
        if address is not None:
            if self._per_address[address] >= self.per_ip:
                raise TooManyWatchers(self.per_ip)
            self._per_address[address] += 1
        started = signals.now()
        self._hold(room_id, key, +1)
        try:
            await signals.emit("room.joined", room_id=room_id, user_id=user_id, viewer_key=key)
            yield
        finally:
            self._hold(room_id, key, -1)
            if address is not None:
                self._per_address[address] -= 1
                if self._per_address[address] <= 0:
                    del self._per_address[address]
            await signals.emit(
                "room.watched",
                room_id=room_id,
                user_id=user_id,
                viewer_key=key,
                started_at=started,
                ended_at=signals.now(),
            )

    def _hold(self, room_id: int, key: str, delta: int) -> None:
        handles = self._handles[room_id]
        handles[key] += delta
        if handles[key] <= 0:
            del handles[key]
        if not handles:
            del self._handles[room_id]
        self.local[room_id] = len(handles)
        self._dirty.add(room_id)

    def local_count(self, room_id: int) -> int:
        return self.local.get(room_id, 0)

    async def count(self, room_id: int) -> int:
        """Viewers of ``room_id`` across every live process."""
        if self._redis is None:
            return self.local_count(room_id)
        try:
            fields = await self._redis.hgetall(self._key(room_id))
        except Exception:
            return self.local_count(room_id)
        total = 0
        for proc, value in fields.items():
            proc_id = proc.decode()
            if proc_id == self.process_id:
                total += self.local_count(room_id)
            elif await self._redis.exists(self._heartbeat_key(proc_id)):
                total += int(value)
            else:
                await self._redis.hdel(self._key(room_id), proc_id)
        return total

    def _key(self, room_id: int) -> str:
        return f"{self.prefix}:presence:{room_id}"

    def _heartbeat_key(self, process_id: str) -> str:
        return f"{self.prefix}:proc:{process_id}"

    async def flush(self, full: bool = False) -> None:
        """Write local counts and publish changed totals (called by the loop)."""
        dirty, self._dirty = self._dirty, set()
        if full:
            dirty |= {r for r, n in self.local.items() if n > 0} | set(self._published)
        if self._redis is not None:
            await self._redis.set(self._heartbeat_key(self.process_id), "1", ex=HEARTBEAT_TTL)
            for room_id in dirty:
                await self._redis.hset(self._key(room_id), self.process_id, self.local[room_id])
        for room_id in dirty:
            total = await self.count(room_id)
            if self._published.get(room_id) == total:
                continue
            self._published[room_id] = total
            peak = await rooms.record_peak(room_id, total)
            await events.publish(room_id, events.ViewerCount(count=total, peak=peak))
            if total == 0 and self.local.get(room_id, 0) == 0:
                self.local.pop(room_id, None)
                self._published.pop(room_id, None)

    async def _loop(self) -> None:
        tick = 0
        failures = RetryLog(log, "presence flush")
        while not self._stopping:
            await asyncio.sleep(FLUSH_INTERVAL)
            tick += 1
            await failures.attempt(functools.partial(self.flush, full=tick % REFRESH_EVERY == 0))


_presence: Presence | None = None


def get_presence() -> Presence:
    if _presence is None:
        raise RuntimeError("presence is not started")
    return _presence


def set_presence(presence: Presence | None) -> None:
    global _presence
    _presence = presence
