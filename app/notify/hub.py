"""The bells of one process: the unread counts of the users whose pages are open here.

The process subscribes once to the ``notifications`` bus channel (one event per fan-out,
however many recipients, and one when a user reads theirs); on each event it asks the
database, in one query, for the new counts of its own listening users and hands each
listener its number. Pages get it over their SSE stream (``web/notifications.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import TypeVar

from app.events import EventBus
from app.events import bus as event_bus
from app.notify import services
from app.tasks import stop_task

T = TypeVar("T")

log = logging.getLogger("livemart.notify.hub")

READ_CHANGED = "notification.read"


@contextlib.contextmanager
def registered(listeners: dict[int, set[T]], user_id: int, listener: T) -> Iterator[T]:
    """Keep ``listener`` among ``user_id``'s ``listeners`` for the block (a user with no
    listener left has no entry)."""
    listeners.setdefault(user_id, set()).add(listener)
    try:
        yield listener
    finally:
        found = listeners.get(user_id)
        if found is not None:
            found.discard(listener)
            if not found:
                del listeners[user_id]


class BellHub:
    """Listeners per user id, each an ``asyncio.Queue`` of unread counts (the latest
    matters: a full queue drops its oldest number)."""

    def __init__(self) -> None:
        self.listeners: dict[int, set[asyncio.Queue[int]]] = {}
        self._task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def listen(self, user_id: int) -> Iterator[asyncio.Queue[int]]:
        """A queue receiving ``user_id``'s unread count whenever it may have changed."""
        queue: asyncio.Queue[int] = asyncio.Queue(4)
        with registered(self.listeners, user_id, queue):
            yield queue

    def hand(self, user_id: int, count: int) -> None:
        for queue in tuple(self.listeners.get(user_id, ())):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(count)

    async def refresh(self, batch: str | None = None, user_id: int | None = None) -> None:
        """Hand new counts: to the listening users of fan-out ``batch``, or to ``user_id``."""
        if user_id is not None:
            if user_id in self.listeners:
                self.hand(user_id, await services.unread_count(user_id))
            return
        if batch and self.listeners:
            for uid, count in (await services.unread_counts(batch, list(self.listeners))).items():
                self.hand(uid, count)

    async def run(self, bus: EventBus) -> None:
        while True:  # subscribed again after falling behind (the queue overflowed)
            async with bus.subscribe(services.NOTIFY_CHANNEL) as events:
                async for event in events:
                    try:
                        if event.type == services.BATCH_WRITTEN:
                            await self.refresh(batch=str(event.data.get("batch", "")))
                        elif event.type == READ_CHANGED:
                            await self.refresh(user_id=int(event.data["user"]))
                    except Exception:
                        log.exception("could not refresh the bells for %s", event.type)

    def start(self, bus: EventBus) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(bus), name="bell hub")

    async def stop(self) -> None:
        await stop_task(self._task)
        self._task = None


_hub: BellHub | None = None


def get_hub() -> BellHub | None:
    """This process's bells, while the notify runtime runs."""
    return _hub


def set_hub(hub: BellHub | None) -> None:
    global _hub
    _hub = hub


async def read_changed(user_id: int) -> None:
    """Tell every process that ``user_id`` read notifications (their bells go down)."""
    try:
        bus = event_bus.get_bus()
    except RuntimeError:
        return
    try:
        await bus.emit(services.NOTIFY_CHANNEL, READ_CHANGED, {"user": user_id})
    except Exception:
        log.exception("could not announce read notifications of user %s", user_id)


@contextlib.asynccontextmanager
async def running_hub(bus: EventBus) -> AsyncIterator[BellHub]:
    hub = BellHub()
    hub.start(bus)
    set_hub(hub)
    try:
        yield hub
    finally:
        set_hub(None)
        await hub.stop()
