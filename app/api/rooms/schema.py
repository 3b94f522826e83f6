"""Room queries, mutations and the ``roomEvents`` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from app.api import errors
from app.api.accounts.types import UserType
from app.api.context import Info
from app.api.ids import decode_id
from app.api.pagination import Connection, paginate
from app.api.rooms.events import RoomEvent, to_graphql
from app.api.rooms.types import RoomStatusEnum, RoomType, prefetch_rooms
from app.errors import UserError
from app.events import get_bus
from app.rooms import likes
from app.rooms import services as rooms
from app.rooms.events import room_channel
from app.rooms.presence import get_presence


@errors.payload
class RoomPayload:
    room: RoomType | None = None


@errors.payload
class FollowPayload:
    streamer: UserType | None = None
    following: bool = False


@errors.payload
class LikePayload:
    accepted: int = 0


@strawberry.input
class CreateRoomInput:
    title: str
    category: str = "general"
    cover_url: str = ""
    scheduled_at: datetime | None = None


@strawberry.input
class UpdateRoomInput:
    room_id: strawberry.ID
    title: str | None = None
    category: str | None = None
    cover_url: str | None = None
    scheduled_at: datetime | None = None


@strawberry.type
class Query:
    @errors.field(description="Rooms, live ones first by audience; filter and search.")
    async def rooms(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: RoomStatusEnum | None = None,
        category: str | None = None,
        owner_id: strawberry.ID | None = None,
        search: str | None = None,
    ) -> Connection[RoomType]:
        owner = decode_id(owner_id, "User", "ownerId") if owner_id else None
        query = rooms.rooms_query(status.value if status else None, category, owner, search)
        page = await paginate(query, first, after, RoomType.from_model)
        await prefetch_rooms(info, [edge.node for edge in page.edges])
        return page

    @errors.field(missing_is_null=True)
    async def room(self, info: Info, id: strawberry.ID) -> RoomType | None:
        return RoomType.from_model(await rooms.get_room(decode_id(id, "Room")))

    @strawberry.field(description="Live rooms of the streamers the viewer follows.")
    async def followed_live_rooms(self, info: Info) -> list[RoomType]:
        user = info.context.principal.user
        if user is None:
            return []
        return [RoomType.from_model(r) for r in await rooms.live_followed(user)]


async def _room_action(info: Info, action) -> RoomPayload:
    user = info.context.principal.require_user()
    room = await action(user)
    return RoomPayload(room=RoomType.from_model(room))


@strawberry.type
class Mutation:
    @errors.mutation(description="Create a room (streamers).")
    async def create_room(self, info: Info, input: CreateRoomInput) -> RoomPayload:
        return await _room_action(
            info,
            lambda u: rooms.create_room(
                u, input.title, input.category, input.cover_url, input.scheduled_at
            ),
        )

    @errors.mutation
    async def update_room(self, info: Info, input: UpdateRoomInput) -> RoomPayload:
        async def action(user):
            room_id = decode_id(input.room_id, "Room", "roomId")
            return await rooms.update_room(
                user, room_id, input.title, input.category, input.cover_url, input.scheduled_at
            )

        return await _room_action(info, action)

    @errors.mutation(description="Go live.")
    async def open_room(self, info: Info, room_id: strawberry.ID) -> RoomPayload:
        return await _room_action(
            info, lambda u: rooms.open_room(u, decode_id(room_id, "Room", "roomId"))
        )

    @errors.mutation(description="End the live.")
    async def end_room(self, info: Info, room_id: strawberry.ID) -> RoomPayload:
        return await _room_action(
            info, lambda u: rooms.end_room(u, decode_id(room_id, "Room", "roomId"))
        )

    @errors.mutation(description="Replace the stream key; the old one stops working.")
    async def rotate_stream_key(self, info: Info, room_id: strawberry.ID) -> RoomPayload:
        return await _room_action(
            info, lambda u: rooms.rotate_stream_key(u, decode_id(room_id, "Room", "roomId"))
        )

    @errors.mutation
    async def follow_streamer(self, info: Info, streamer_id: strawberry.ID) -> FollowPayload:
        user = info.context.principal.require_user()
        streamer = await rooms.follow(user, decode_id(streamer_id, "User", "streamerId"))
        return FollowPayload(streamer=UserType.from_model(streamer), following=True)

    @errors.mutation
    async def unfollow_streamer(self, info: Info, streamer_id: strawberry.ID) -> FollowPayload:
        user = info.context.principal.require_user()
        await rooms.unfollow(user, decode_id(streamer_id, "User", "streamerId"))
        return FollowPayload(following=False)

    @errors.mutation(description="Tap like (1 to 100 taps at once).")
    async def like_room(self, info: Info, room_id: strawberry.ID, count: int = 1) -> LikePayload:
        user = info.context.principal.require_user()
        accepted = await likes.like(user, decode_id(room_id, "Room", "roomId"), count)
        return LikePayload(accepted=accepted)


async def room_for_subscription(room_id: str) -> int:
    """The room's primary key for ``roomEvents``, or a GraphQL error."""
    try:
        room = await rooms.get_room(decode_id(room_id, "Room", "roomId"))
    except UserError as exc:
        raise errors.query_error(exc) from None
    return room.id


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Everything that happens in a room: chat, likes, gifts, viewers, status, "
        "products. Anyone may watch; the viewer count includes this subscription."
    )
    async def room_events(
        self, info: Info, room_id: strawberry.ID
    ) -> AsyncGenerator[RoomEvent, None]:
        pk = await room_for_subscription(room_id)
        async with get_bus().subscribe(room_channel(pk)) as events, get_presence().watching(pk):
            async for event in events:
                value = to_graphql(event)
                if value is not None:
                    yield value
