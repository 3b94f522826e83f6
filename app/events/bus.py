"""A thin wrapper over encode/broadcaster.

Events are envelopes ``{type, id, room_id, ts, data}`` encoded to JSON once, when
published. Each process subscribes to a broadcaster channel once, however many local
listeners it has, and hands every listener the same :class:`Event` through a bounded
queue: a listener that falls behind is marked overflowed and dropped, never allowed to
grow memory or delay the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from broadcaster import Broadcast

from app.tasks import RetryLog

log = logging.getLogger("livemart.events")

DEFAULT_QUEUE_SIZE = 256


@dataclass(frozen=True)
class Event:
    """One event. ``encoded`` is the JSON text, computed once."""

    type: str
    data: dict[str, Any]
    room_id: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ts: float = field(default_factory=time.time)
    encoded: str = ""

    @classmethod
    def create(cls, type: str, data: dict[str, Any], room_id: str | int | None = None) -> Event:
        event = cls(type=type, data=data, room_id=None if room_id is None else str(room_id))
        envelope = {
            "type": event.type,
            "id": event.id,
            "room_id": event.room_id,
            "ts": event.ts,
            "data": event.data,
        }
        object.__setattr__(event, "encoded", json.dumps(envelope, separators=(",", ":")))
        return event

    @classmethod
    def decode(cls, text: str) -> Event:
        raw = json.loads(text)
        return cls(
            type=raw["type"],
            data=raw.get("data") or {},
            room_id=raw.get("room_id"),
            id=raw["id"],
            ts=raw["ts"],
            encoded=text,
        )


def _make_broadcast(url: str) -> Broadcast:
    if url.startswith(("redis://", "rediss://")):
        from app.events.redis_backend import ResilientRedisBackend

        return Broadcast(backend=ResilientRedisBackend(url))
    return Broadcast(url)


class Subscription:
    """A local listener on one channel: iterate it to receive events."""

    def __init__(self, channel: str, maxsize: int) -> None:
        self.channel = channel
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize)
        self.overflowed = False

    def offer(self, event: Event) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.queue.put_nowait(None)

    def close(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            event = await self.queue.get()
            if event is None:
                return
            yield event


class _Channel:
    def __init__(self) -> None:
        self.listeners: set[Subscription] = set()
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()


class EventBus:
    """Publish events to channels and subscribe to them, across processes on Redis."""

    def __init__(
        self, url: str = "memory://", queue_size: int = DEFAULT_QUEUE_SIZE, prefix: str = ""
    ) -> None:
        self.url = url
        self.queue_size = queue_size
        # The deployment's namespace (``Settings.ratelimit_prefix``): channel ``room:1`` is
        # ``<prefix>:room:1`` on the backend, so deployments sharing a Redis never meet.
        self.prefix = prefix
        self._broadcast = _make_broadcast(url)
        self._channels: dict[str, _Channel] = {}
        self._connected = False

    async def connect(self) -> None:
        await self._broadcast.connect()
        self._connected = True

    async def disconnect(self) -> None:
        for channel in list(self._channels.values()):
            if channel.task:
                channel.task.cancel()
            for listener in channel.listeners:
                listener.close()
        self._channels.clear()
        if self._connected:
            self._connected = False
            with contextlib.suppress(Exception, TimeoutError):
                await asyncio.wait_for(self._broadcast.disconnect(), 5)

    async def publish(self, channel: str, event: Event) -> None:
        await self._broadcast.publish(channel=self._wire(channel), message=event.encoded)

    async def emit(
        self, channel: str, type: str, data: dict[str, Any], room_id: str | int | None = None
    ) -> Event:
        """Create an event and publish it; returns the event."""
        event = Event.create(type, data, room_id)
        await self.publish(channel, event)
        return event

    def _wire(self, channel: str) -> str:
        return f"{self.prefix}:{channel}" if self.prefix else channel

    def listener_count(self, channel: str) -> int:
        found = self._channels.get(channel)
        return len(found.listeners) if found else 0

    @contextlib.asynccontextmanager
    async def subscribe(
        self, channel: str, maxsize: int | None = None
    ) -> AsyncIterator[Subscription]:
        """Listen on ``channel`` until the block exits."""
        sub = Subscription(channel, maxsize or self.queue_size)
        state = self._channels.get(channel)
        if state is None:
            state = self._channels[channel] = _Channel()
            state.task = asyncio.create_task(self._pump(channel, state))
        state.listeners.add(sub)
        try:
            await state.ready.wait()
            yield sub
        finally:
            state.listeners.discard(sub)
            if not state.listeners and self._channels.get(channel) is state:
                del self._channels[channel]
                if state.task:
                    state.task.cancel()

    async def _pump(self, channel: str, state: _Channel) -> None:
        """One broadcaster subscription per channel per process; fan out locally."""
        backoff = 0.2
        failures = RetryLog(log, f"event bus subscription to {channel}")
        while True:
            try:
                async with self._broadcast.subscribe(channel=self._wire(channel)) as upstream:
                    state.ready.set()
                    failures.succeeded()
                    backoff = 0.2
                    # broadcaster annotates Subscriber.__aiter__ as "AsyncGenerator | None".
                    async for message in upstream:  # type: ignore[union-attr]
                        if message is None:
                            break
                        try:
                            event = Event.decode(message.message)
                        except (ValueError, KeyError, TypeError):
                            log.warning("dropping a malformed event on %s", channel)
                            continue
                        for listener in tuple(state.listeners):
                            listener.offer(event)
            except asyncio.CancelledError:
                raise
            except Exception:
                failures.failed()
                state.ready.set()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)


_bus: EventBus | None = None


def get_bus() -> EventBus:
    if _bus is None:
        raise RuntimeError("the event bus is not started")
    return _bus


def set_bus(bus: EventBus | None) -> None:
    global _bus
    _bus = bus
