"""GraphQL types for chat."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from app.accounts.models import User
from app.api.accounts.types import UserType
from app.api.context import Info
from app.api.ids import encode_id, int_ids
from app.chat import services as chat
from app.chat.models import ChatMessage
from app.rooms.models import Room
from app.rooms.services import can_moderate, get_rooms


@strawberry.enum(name="ChatBadge", description="The sender's standing in the room.")
class ChatBadgeEnum(Enum):
    STREAMER = "streamer"
    MODERATOR = "moderator"
    TOP_GIFTER = "top_gifter"


def badge_enum(value: str) -> ChatBadgeEnum | None:
    try:
        return ChatBadgeEnum(value) if value else None
    except ValueError:
        return None


@strawberry.type(name="ChatMessage", description="A chat (danmaku) message in a room.")
class ChatMessageType(relay.Node):
    id: relay.NodeID[int]
    created_at: datetime
    deleted: bool = strawberry.field(description="Deleted by a moderator.")
    badge: ChatBadgeEnum | None = strawberry.field(
        description="Streamer, moderator or top gifter when sent; null for everyone else."
    )
    room_id: strawberry.ID
    _text: strawberry.Private[str]
    _user: strawberry.Private[User]
    _moderator_view: strawberry.Private[bool]

    @strawberry.field(description="The text; empty once deleted, except for moderators.")
    def text(self) -> str:
        return "" if self.deleted and not self._moderator_view else self._text

    @strawberry.field(description="Who sent it.")
    def user(self) -> UserType:
        return UserType.from_model(self._user)

    @classmethod
    def from_model(cls, message: ChatMessage, moderator_view: bool = False) -> ChatMessageType:
        """``message`` must have ``user`` loaded."""
        return cls(
            id=message.id,
            created_at=message.created_at,
            deleted=message.deleted_at is not None,
            badge=badge_enum(message.badge),
            room_id=strawberry.ID(encode_id("Room", message.room_id)),
            _text=message.text,
            _user=message.user,
            _moderator_view=moderator_view,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ChatMessageType | None]:
        ids = int_ids(node_ids)
        found = await chat.get_messages(ids)
        rooms: dict[int, Room] = await get_rooms(list({m.room_id for m in found.values()}))
        me = info.context.principal.user
        out: list[ChatMessageType | None] = []
        for i in node_ids:
            message = found.get(int(i)) if str(i).isdigit() else None
            if message is None:
                out.append(None)
                continue
            room = rooms.get(message.room_id)
            out.append(cls.from_model(message, room is not None and can_moderate(me, room)))
        return out
