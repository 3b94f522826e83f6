"""A Redis backend for broadcaster that survives Redis restarts.

broadcaster 0.3.1's ``RedisBackend`` starts listening before ``SUBSCRIBE`` completes (so
redis-py's ``listen()`` returns at once and the listener waits forever), and it never
reconnects. This backend keeps the same interface, subscribes before it listens, and
re-subscribes every channel after a dropped connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from broadcaster import Event
from broadcaster._backends.base import BroadcastBackend
from redis import asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.tasks import stop_task

log = logging.getLogger("livemart.events")
RETRYABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisBackend(BroadcastBackend):
    def __init__(self, url: str) -> None:
        self._url = url
        self._conn = redis.Redis.from_url(url)
        self._pubsub: Any = None
        self._channels: set[str] = set()
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._listener: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._closing = False
        self.reconnects = 0

    async def connect(self) -> None:
        self._pubsub = self._conn.pubsub()
        self._listener = asyncio.create_task(self._listen())

    async def disconnect(self) -> None:
        self._closing = True  # redis-py may swallow the cancellation: the loop checks this too
        await stop_task(self._listener)
        with contextlib.suppress(Exception, TimeoutError):
            await asyncio.wait_for(self._pubsub.aclose(), 2)
        with contextlib.suppress(Exception, TimeoutError):
            await asyncio.wait_for(self._conn.aclose(), 2)

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        async with self._lock:
            with contextlib.suppress(*RETRYABLE):
                await self._pubsub.subscribe(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        async with self._lock:
            with contextlib.suppress(*RETRYABLE):
                await self._pubsub.unsubscribe(channel)

    async def publish(self, channel: str, message: Any) -> None:
        try:
            await self._conn.publish(channel, message)
        except RETRYABLE:
            await asyncio.sleep(0.2)
            await self._conn.publish(channel, message)

    async def next_published(self) -> Event:
        return await self._queue.get()

    async def _resubscribe(self) -> None:
        async with self._lock:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
            self._pubsub = self._conn.pubsub()
            if self._channels:
                await self._pubsub.subscribe(*self._channels)
        self.reconnects += 1

    async def _listen(self) -> None:
        backoff = 0.1
        broken = False
        while not self._closing:
            try:
                if broken:
                    await self._resubscribe()
                    log.info("reconnected to Redis; %d channel(s) back", len(self._channels))
                    broken = False
                    backoff = 0.1
                if not self._pubsub.subscribed:
                    await asyncio.sleep(0.05)
                    continue
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=1.0
                )
                if message and message["type"] == "message":
                    await self._queue.put(
                        Event(channel=message["channel"].decode(), message=message["data"].decode())
                    )
            except asyncio.CancelledError:
                raise
            except RETRYABLE as exc:
                if not broken:
                    log.warning("lost the Redis connection (%s); reconnecting", exc)
                broken = True
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 3.0)
