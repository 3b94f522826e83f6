"""What ``notificationAdded`` sockets receive: one bus subscription and one query per
fan-out per process, however many sockets listen.

A fan-out (:func:`app.notify.services.notify`, ``notify_followers``) writes one row per
recipient and announces its batch key once on the ``notifications`` channel. Each socket
reading its own rows of that batch was one query per socket per event. Here a process
keeps one `NotificationFeed` per bus: the sockets of a user listen under that user's id
(their channel in this process); on a batch event the feed reads, in one query per
:data:`CHUNK` listening users, the batch's visible rows of the users listening here, and
hands each row, as a typed `NotificationAdded` carrying every field a subscriber shows, to
the listeners of its owner only. Subscribers then read nothing (titles are translated from
the event for each socket's language).

A batch event per fan-out (not one event per recipient) keeps a 50,000-follower go-live one
publish; a process without listeners reads nothing. The feed runs while someone listens.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.events import EventBus
from app.notify import services
from app.notify.hub import registered
from app.notify.models import Notification
from app.notify.texts import localized
from app.tasks import stop_task

log = logging.getLogger("livemart.api.notify")

CHUNK = 1000  # listening users per query
LISTENER_QUEUE = 100  # notifications a socket may fall behind before it is completed


@dataclass(frozen=True, slots=True)
class NotificationAdded:
    """One new in-app notification of ``user_id``, with everything a subscriber shows."""

    id: int
    user_id: int
    kind: str
    title: str
    body: str
    url: str
    message: str  # the message ids and values of title and body (app.notify.texts)
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, note: Notification) -> NotificationAdded:
        return cls(
            id=note.id,
            user_id=note.user_id,
            kind=note.kind,
            title=note.title,
            body=note.body,
            url=note.url,
            message=note.message,
            created_at=note.created_at,
            read_at=note.read_at,
        )

    def texts(self) -> tuple[str, str]:
        """Title and body in the current language."""
        return localized(self.title, self.body, self.message)


class Listener:
    """One socket's queue of its user's new notifications; iteration ends when the feed
    stops or the socket fell :data:`LISTENER_QUEUE` behind (it may subscribe again and
    read the list)."""

    def __init__(self, maxsize: int = LISTENER_QUEUE) -> None:
        self.queue: asyncio.Queue[NotificationAdded | None] = asyncio.Queue(maxsize + 1)
        self.maxsize = maxsize
        self.overflowed = False

    def offer(self, added: NotificationAdded) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= self.maxsize:
            self.overflowed = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(added)

    def close(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[NotificationAdded]:
        while (added := await self.queue.get()) is not None:
            yield added


async def visible_in_batch(batch: str, user_ids: Sequence[int]) -> list[NotificationAdded]:
    """The in-app notifications of fan-out ``batch`` that belong to ``user_ids``, as events."""
    rows = await services.in_batch(batch, user_ids, chunk=CHUNK)
    return [NotificationAdded.of(row) for row in rows]


class NotificationFeed:
    """The ``notificationAdded`` listeners of one process on one bus, by user id."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.listeners: dict[int, set[Listener]] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()  # set once the running feed is subscribed

    @contextlib.asynccontextmanager
    async def listen(self, user_id: int) -> AsyncIterator[Listener]:
        """A listener receiving ``user_id``'s new notifications (and no one else's) from
        the moment the block is entered."""
        try:
            with registered(self.listeners, user_id, Listener()) as listener:
                if self._task is None or self._task.done():
                    self._ready = asyncio.Event()
                    run = self._run(self._ready)
                    self._task = asyncio.create_task(run, name="notificationAdded feed")
                await self._ready.wait()
                yield listener
        finally:
            if not self.listeners:
                task, self._task = self._task, None
                await stop_task(task)

    async def deliver(self, batch: str) -> int:
        """Hand the listeners here their notifications of ``batch``; how many were handed."""
        if not batch or not self.listeners:
            return 0
        handed = 0
        for added in await visible_in_batch(batch, list(self.listeners)):
            for listener in tuple(self.listeners.get(added.user_id, ())):
                listener.offer(added)
                handed += 1
        return handed

    async def _run(self, ready: asyncio.Event) -> None:
        try:
            while True:  # subscribed again after falling behind (the queue overflowed)
                async with self.bus.subscribe(services.NOTIFY_CHANNEL) as events:
                    ready.set()
                    async for event in events:
                        if event.type != services.BATCH_WRITTEN:
                            continue
                        try:
                            await self.deliver(str(event.data.get("batch", "")))
                        except Exception:
                            log.exception("could not hand out notification batch")
                    if not events.overflowed:
                        break  # the bus closed (shutting down)
        finally:
            ready.set()  # a listener waiting for a feed that could not start
            if self._task is asyncio.current_task():  # not stopped by the last listener
                self._task = None
                for listeners in tuple(self.listeners.values()):
                    for listener in tuple(listeners):
                        listener.close()


_feeds: weakref.WeakKeyDictionary[EventBus, NotificationFeed] = weakref.WeakKeyDictionary()


def feed_for(bus: EventBus) -> NotificationFeed:
    """This process's feed on ``bus`` (made on first use; it runs while someone listens)."""
    feed = _feeds.get(bus)
    if feed is None:
        feed = _feeds[bus] = NotificationFeed(bus)
    return feed
