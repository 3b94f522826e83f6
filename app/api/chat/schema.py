"""Chat queries and mutations: history, sending and deleting messages."""

from __future__ import annotations

import base64

import strawberry

from app.api import errors
from app.api.chat.types import ChatBadgeEnum, ChatMessageType
from app.api.context import Info
from app.api.errors import FieldError, field_errors
from app.api.ids import MAX_PK, decode_id
from app.api.pagination import Connection, Edge, PageInfo
from app.chat import services as chat
from app.errors import UserError
from app.rooms.services import can_moderate, get_room


@strawberry.type
class ChatMessagePayload:
    message: ChatMessageType | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)
    retry_after: int | None = strawberry.field(
        default=None,
        description="For SLOW_MODE, RATE_LIMITED and MUTED: seconds until you may send again.",
    )

    @classmethod
    def from_user_error(cls, exc: UserError) -> ChatMessagePayload:
        return cls(errors=field_errors(exc), retry_after=getattr(exc, "retry_after", 0) or None)


def encode_message_cursor(message_id: int) -> str:
    return base64.urlsafe_b64encode(f"m:{message_id}".encode()).decode()


def decode_message_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        message_id = int(value)
    except (ValueError, UnicodeDecodeError):
        raise UserError("INVALID_CURSOR", "not a valid cursor", "after") from None
    if kind != "m" or not 0 < message_id <= MAX_PK:
        raise UserError("INVALID_CURSOR", "not a valid cursor", "after")
    return message_id


@strawberry.type
class Query:
    @errors.field(
        description="A room's chat, NEWEST FIRST: `first` gives the latest messages and "
        "`after` (an `endCursor`) pages back to older ones. Cursors are stable while new "
        "messages arrive. Deleted messages are left out unless `includeDeleted` is set by "
        "one of the room's moderators."
    )
    async def chat_messages(
        self,
        info: Info,
        room_id: strawberry.ID,
        first: int = 50,
        after: str | None = None,
        include_deleted: bool = False,
    ) -> Connection[ChatMessageType]:
        room = await get_room(decode_id(room_id, "Room", "roomId"))
        moderator = can_moderate(info.context.principal.user, room)
        include = include_deleted and moderator
        rows, has_more = await chat.history(
            room.id, first, decode_message_cursor(after), include_deleted=include
        )
        total = await chat.history_count(room.id, include_deleted=include)
        edges = [
            Edge(cursor=encode_message_cursor(m.id), node=ChatMessageType.from_model(m, moderator))
            for m in rows
        ]
        return Connection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=has_more,
                has_previous_page=after is not None,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Send a chat message to a live room. Typed errors: ROOM_NOT_LIVE, BANNED, "
        "MUTED, EMPTY, TOO_LONG (over 200 characters), BANNED_WORD, RATE_LIMITED, SLOW_MODE "
        "(with retryAfter); nothing is stored when refused."
    )
    async def send_chat_message(
        self, info: Info, room_id: strawberry.ID, text: str
    ) -> ChatMessagePayload:
        user = info.context.principal.require_user()
        message = await chat.post_message(user, decode_id(room_id, "Room", "roomId"), text)
        return ChatMessagePayload(message=ChatMessageType.from_model(message))

    @errors.mutation(description="Delete a message (the room's owner and moderators).")
    async def delete_chat_message(
        self, info: Info, message_id: strawberry.ID
    ) -> ChatMessagePayload:
        user = info.context.principal.require_user()
        message = await chat.delete_message(user, decode_id(message_id, "ChatMessage", "messageId"))
        return ChatMessagePayload(message=ChatMessageType.from_model(message, True))


__all__ = ["ChatBadgeEnum", "Mutation", "Query"]
