"""The rooms' background machinery, started with the app: presence, likes, and the hooks
that run after a room ends (handed in by ``create_app``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

from app.rooms.likes import LikeCoalescer, set_coalescer
from app.rooms.presence import Presence, set_presence
from app.rooms.services import RoomEndedHook, room_ended_hooks
from app.settings import Settings
from app.shared_store import StoreConfig


@contextlib.asynccontextmanager
async def rooms_runtime(
    settings: Settings, on_room_ended: Sequence[RoomEndedHook] = ()
) -> AsyncIterator[None]:
    store = StoreConfig.for_bus(settings.broadcast_url, settings.ratelimit_prefix)
    presence = Presence(
        store.url if store.redis else None,
        per_ip=settings.room_watchers_per_ip,
        prefix=store.prefix,
    )
    await presence.start()
    set_presence(presence)
    likes = LikeCoalescer()
    await likes.start()
    set_coalescer(likes)
    try:
        with room_ended_hooks(*on_room_ended):
            yield
    finally:
        await likes.stop()
        set_coalescer(None)
        await presence.stop()
        set_presence(None)
