"""A short-lived, per-process cache of what every viewer of a room sees alike.

The room page of a live event is opened by thousands within a minute, and most of it (the
shelf, the chat backlog, the leaderboard, the anonymous recommendations) is the same for
all of them. :class:`RoomPageCache` keeps, per room, that shared context, the rendered
anonymous page and the signed-in page's shell (its personal parts marked) for ``ttl``
seconds (default 1 s) and drops them as soon as the room's events say they changed:

* an event published by this process drops the entry synchronously (``publish`` hook of
  :mod:`app.rooms.events`), so the next page load after a pin, a flash sale or the room's
  end shows it;
* events published by other processes arrive on the bus: while a room's entry is in use,
  one subscription per room and process watches its channel and drops the entry (the
  echoes of this process's own events are recognised by id and ignored).

Building an entry is single-flight: when 200 viewers arrive at an empty cache, one of them
reads the database and the others wait for its result. A build that an event overtook is
used by the requests that waited for it but is not kept. When an entry merely aged past
``ttl`` (no event changed it), the requests that arrive during its rebuild are answered
with the aged one instead of waiting: its age stays within ``ttl`` plus one build.

Counter-only events (``viewers``, ``product.buying``) do not drop the entry: the page shows
those numbers as of at most ``ttl`` ago and the event stream brings the live ones.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.events import Event, get_bus
from app.rooms import events as room_events

log = logging.getLogger("livemart.web.page_cache")

#: Event types that only move a counter the page also receives live.
KEEPS_CACHE = frozenset({"viewers", "product.buying"})
#: How long a room's bus watcher stays subscribed after the last lookup.
WATCH_IDLE_S = 60.0

_caches: weakref.WeakSet[RoomPageCache] = weakref.WeakSet()
#: Ids of the room events this process published lately (their bus echoes are ignored).
_published: collections.deque[str] = collections.deque(maxlen=1024)
_published_ids: set[str] = set()


@dataclass
class _Entry:
    generation: int = 0
    expires: float = 0.0
    values: dict[str, Any] = field(default_factory=dict)  # slot -> value within its ttl
    aged: dict[str, Any] = field(default_factory=dict)  # slot -> value past its ttl
    building: dict[str, asyncio.Future[Any]] = field(default_factory=dict)
    used: float = 0.0
    watcher: asyncio.Task[None] | None = None


class RoomPageCache:
    """Per-room shared context and anonymous HTML, each kept ``ttl`` seconds at most."""

    def __init__(self, ttl: float = 1.0, watch: bool = True) -> None:
        self.ttl = ttl
        self.watch = watch
        self._rooms: dict[int, _Entry] = {}
        _caches.add(self)

    def invalidate(self, room_id: int) -> None:
        entry = self._rooms.get(room_id)
        if entry is not None:
            entry.generation += 1
            entry.values.clear()
            entry.aged.clear()

    def clear(self) -> None:
        for room_id in list(self._rooms):
            self.invalidate(room_id)

    async def shared(
        self, room_id: int, build: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        """The room's shared context (built by ``build`` when missing or stale)."""
        return await self._get(room_id, "shared", build)

    async def html(self, room_id: int, build: Callable[[], Awaitable[str]]) -> str:
        """The room's rendered anonymous page (built by ``build`` when missing or stale)."""
        return await self._get(room_id, "html", build)

    async def signed_in_shell(self, room_id: int, build: Callable[[], Awaitable[Any]]) -> Any:
        """The room's page as every signed-in viewer sees it alike, with the places of
        their personal parts marked (``web.rooms``; built by ``build`` when missing or
        stale)."""
        return await self._get(room_id, "signed_in_shell", build)

    async def room(self, room_id: int, build: Callable[[], Awaitable[Any]]) -> Any:
        """The room's row: the one in its cached shared context (``"room"``) when there is
        one, else its own slot (built by ``build`` when missing or stale)."""
        entry = self._rooms.get(room_id)
        if entry is not None and entry.expires > time.monotonic():
            shared = entry.values.get("shared")
            if shared is not None:
                entry.used = time.monotonic()
                return shared["room"]
        return await self._get(room_id, "room", build)

    async def _get(self, room_id: int, slot: str, build: Callable[[], Awaitable[Any]]) -> Any:
        now = time.monotonic()
        entry = self._rooms.get(room_id)
        if entry is None:
            entry = self._rooms[room_id] = _Entry()
            self._prune(now)
        entry.used = now
        self._ensure_watcher(room_id, entry)
        if entry.expires <= now and entry.values:
            entry.aged = entry.values
            entry.values = {}
        found = entry.values.get(slot)
        if found is not None:
            return found
        aged = entry.aged.get(slot)
        if aged is not None and entry.building:  # a rebuild after ttl is under way
            return aged
        pending = entry.building.get(slot)
        if pending is not None:
            return await asyncio.shield(pending)
        generation = entry.generation
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        entry.building[slot] = future
        try:
            value = await build()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters get it, nobody else must log it
            raise
        finally:
            if entry.building.get(slot) is future:
                del entry.building[slot]
        future.set_result(value)
        if entry.generation == generation:  # no event overtook the build
            if not entry.values:
                entry.expires = time.monotonic() + self.ttl
            entry.values[slot] = value
            entry.aged.pop(slot, None)
        return value

    def _prune(self, now: float) -> None:
        """Forget rooms nobody looked at for a while (their watchers stop by themselves)."""
        if len(self._rooms) < 256:
            return
        for room_id, entry in list(self._rooms.items()):
            if now - entry.used > WATCH_IDLE_S and not entry.building:
                del self._rooms[room_id]

    def _ensure_watcher(self, room_id: int, entry: _Entry) -> None:
        if not self.watch or (entry.watcher is not None and not entry.watcher.done()):
            return
        try:
            get_bus()
        except RuntimeError:
            return
        entry.watcher = asyncio.get_running_loop().create_task(self._watch(room_id, entry))

    async def _watch(self, room_id: int, entry: _Entry) -> None:
        """Drop the room's entry on each of its events from any process, until unused."""
        with contextlib.suppress(Exception):
            async with get_bus().subscribe(room_events.room_channel(room_id)) as events:
                iterator = events.__aiter__()
                while time.monotonic() - entry.used < WATCH_IDLE_S:
                    try:
                        event = await asyncio.wait_for(iterator.__anext__(), WATCH_IDLE_S)
                    except TimeoutError:
                        continue
                    except StopAsyncIteration:
                        break
                    if event.type not in KEEPS_CACHE and event.id not in _published_ids:
                        self.invalidate(room_id)
        # Whatever ended the watch (idle, bus gone, fell behind): what it guarded is stale.
        self.invalidate(room_id)


def _on_published(room_id: int, event: Event) -> None:
    if len(_published) == _published.maxlen:
        _published_ids.discard(_published[0])
    _published.append(event.id)
    _published_ids.add(event.id)
    if event.type in KEEPS_CACHE:
        return
    for cache in tuple(_caches):
        cache.invalidate(room_id)


room_events.on_publish(_on_published)
