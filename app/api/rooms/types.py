"""GraphQL types for rooms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.api.accounts.loaders import user_loader
from app.api.accounts.types import UserType
from app.api.context import Info
from app.api.ids import in_order, int_ids
from app.api.rooms import loaders
from app.rooms import services as rooms
from app.rooms.models import Room, RoomStatus
from app.rooms.presence import get_presence

RoomStatusEnum = strawberry.enum(RoomStatus, name="RoomStatus")


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
        return cls(
            id=room.id,
            title=room.title,
            category=room.category,
            cover_url=room.cover_url,
            status=RoomStatusEnum(str(getattr(room.status, "value", room.status))),
            media_state=room.media_state,
            scheduled_at=room.scheduled_at,
            started_at=room.started_at,
            ended_at=room.ended_at,
            like_count=room.like_count,
            peak_viewers=room.peak_viewers,
            slow_mode_seconds=room.slow_mode_seconds,
            _owner_id=room.owner_id,
            _stream_key=room.stream_key,
        )

    @strawberry.field
    async def owner(self, info: Info) -> UserType | None:
        return await user_loader(info).load(self._owner_id)

    @strawberry.field(description="Viewers watching now (live subscriptions and pages).")
    async def viewer_count(self) -> int:
        try:
            return await get_presence().count(self.id)
        except RuntimeError:
            return 0

    @strawberry.field(description="The secret stream key: only the room's owner sees it.")
    def stream_key(self, info: Info) -> str | None:
        me = info.context.principal.user
        if me is not None and me.id == self._owner_id and info.context.principal.via != "token":
            return self._stream_key
        if me is not None and me.id == self._owner_id and info.context.principal.can_write:
            return self._stream_key
        return None

    @strawberry.field(description="HLS master playlist URL while live.")
    def hls_url(self) -> str | None:
        return f"/hls/{self.id}/master.m3u8" if self.status == RoomStatusEnum.LIVE else None

    @strawberry.field
    def thumbnail_url(self) -> str:
        return f"/hls/{self.id}/thumb.jpg"

    @strawberry.field
    async def is_following_owner(self, info: Info) -> bool:
        return await loaders.viewer_follows(info).load(self._owner_id)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[RoomType | None]:
        ids = int_ids(node_ids)
        found = await rooms.get_rooms(ids)
        return in_order(node_ids, found, cls.from_model)
