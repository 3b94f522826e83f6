"""GraphQL types for rooms."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from app.api.accounts.loaders import user_loader
from app.api.accounts.types import UserType
from app.api.context import Info
from app.api.loaders import connection_node_fields, load_all, now_or_later
from app.api.mapping import from_model, public_nodes
from app.api.rooms import loaders
from app.rooms import services as rooms
from app.rooms.models import Room, RoomStatus

RoomStatusEnum = RoomStatus
strawberry.enum(RoomStatusEnum, name="RoomStatus")


@strawberry.type(name="Room", description="A live-shopping room: scheduled, live or ended.")
class RoomType(relay.Node):
    id: relay.NodeID[int]
    title: str
    category: str
    cover_url: str
    status: RoomStatusEnum
    media_state: str = strawberry.field(description="starting, live or reconnecting while live")
    scheduled_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    like_count: int
    peak_viewers: int
    slow_mode_seconds: int
    _owner_id: strawberry.Private[int]
    _stream_key: strawberry.Private[str]

    @classmethod
    def from_model(cls, room: Room) -> RoomType:
        return from_model(cls, room, status=RoomStatusEnum(room.status))

    # owner and viewerCount read the request's loaders; a page of rooms loads them at once
    # first (prefetch_rooms), so they answer synchronously there (app.api.loaders).
    @strawberry.field
    def owner(self, info: Info) -> UserType | None:
        return now_or_later(user_loader(info), self._owner_id)

    @strawberry.field(description="Viewers watching now (live subscriptions and pages).")
    def viewer_count(self, info: Info) -> int:
        return now_or_later(loaders.viewer_counts(info), self.id)

    @strawberry.field(description="The secret stream key: only the room's owner sees it.")
    def stream_key(self, info: Info) -> str | None:
        me = info.context.principal.user
        if me is not None and me.id == self._owner_id and info.context.principal.via != "token":
            return self._stream_key
        if me is not None and me.id == self._owner_id and info.context.principal.can_write:
            return self._stream_key
        return None

    @strawberry.field(
        description="Whether viewers can watch now: live and its video is served (the media "
        "worker has written the first playlist). A room live without video yet is not on air."
    )
    def on_air(self) -> bool:
        return rooms.viewer_status(self.status, self.media_state) == "live"

    @strawberry.field(description="HLS master playlist URL while on air.")
    def hls_url(self) -> str | None:
        on_air = rooms.viewer_status(self.status, self.media_state) == "live"
        return f"/hls/{self.id}/master.m3u8" if on_air else None

    @strawberry.field
    def thumbnail_url(self) -> str:
        return f"/hls/{self.id}/thumb.jpg"

    @strawberry.field
    async def is_following_owner(self, info: Info) -> bool:
        return await loaders.viewer_follows(info).load(self._owner_id)

    resolve_nodes = public_nodes(rooms.get_rooms)


def room_or_none(found: Room | None) -> RoomType | None:
    return RoomType.from_model(found) if found else None


async def load_room(info: Info, room_id: int | None) -> RoomType | None:
    """The room ``room_id`` through the request's loader (None for no room)."""
    if room_id is None:
        return None
    return room_or_none(await loaders.rooms_by_id(info).load(room_id))


async def prefetch_rooms(info: Info, page: list[RoomType]) -> None:
    """Load what the page's rooms' selected fields read (owners, viewer counts), each kind
    in one batch of its loader, before the page completes."""
    wanted = connection_node_fields(info)
    batches: list[Awaitable[Any]] = []
    if "owner" in wanted:
        batches.append(user_loader(info).load_many(list({r._owner_id for r in page})))
    if "viewerCount" in wanted:
        batches.append(loaders.viewer_counts(info).load_many([r.id for r in page]))
    await load_all(*batches)
