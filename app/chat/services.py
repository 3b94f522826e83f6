"""Chat rules: who may post what, when; deleting; history.

A message is refused with a typed :class:`ChatRejected` (a :class:`UserError`) and nothing
is stored when: the room is not live (``ROOM_NOT_LIVE``), the sender is banned
(``BANNED``) or muted (``MUTED``) in the room, the text is empty (``EMPTY``) or longer
than :data:`MAX_LENGTH` characters (``TOO_LONG``), it contains a banned word
(``BANNED_WORD``, see :mod:`app.chat.filter`), the sender posts faster than
:data:`RATE_LIMIT` allows (``RATE_LIMITED``), or the room's slow mode asks them to wait
(``SLOW_MODE``). The last two carry ``retry_after`` (whole seconds).

Slow mode is checked against the sender's previous message in the database, under a
row lock on the sender, so it holds across processes. The rate limit is kept in process
memory (a burst guard; slow mode is the cross-process rule). The room's owner, moderators
and admins are exempt from slow mode.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import Role, User
from app.chat.filter import find_banned, strip_invisible
from app.chat.models import MAX_LENGTH, ChatMessage
from app.errors import NotFound, UserError
from app.faq import answering
from app.gifts.services import top_gifter_id
from app.moderation import audit
from app.moderation.models import BannedWord, Report, ReportStatus, RoomBan, RoomMute
from app.ratelimit import RateLimiter
from app.rooms import events
from app.rooms.models import Room, RoomStatus
from app.rooms.services import can_moderate, get_room, require_moderator

# At most 5 messages per user in any 10 seconds, across processes.
RATE_LIMIT = RateLimiter("chat", 5, 10)
DEFAULT_HISTORY = 50
MAX_HISTORY = 100

STREAMER = "streamer"
MODERATOR = "moderator"
TOP_GIFTER = "top_gifter"
BADGES = (STREAMER, MODERATOR, TOP_GIFTER)


class ChatRejected(UserError):
    """A message refused by a chat rule; ``retry_after`` is set for waits."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str | None = "text",
        retry_after: int = 0,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message, field, params)
        self.retry_after = retry_after


def now() -> datetime:
    return datetime.now(UTC)


def reset_rate_limits() -> None:
    """Forget the in-memory rate-limit state (tests, or an operator after an incident)."""
    RATE_LIMIT.reset()


async def clear_rate_limit(user: User) -> None:
    """Forget ``user``'s chat hits wherever they are counted (memory or Redis)."""
    await RATE_LIMIT.clear(_rate_key(user))


async def badge_for(user: User, room: Room) -> str:
    """``streamer`` (room owner), ``moderator`` (moderator/admin), ``top_gifter`` or ``""``."""
    if room.owner_id == user.id:
        return STREAMER
    if user.role in (Role.MODERATOR, Role.ADMIN):
        return MODERATOR
    if await top_gifter_id(room.id) == user.id:
        return TOP_GIFTER
    return ""


def clean_text(text: str) -> str:
    """The text as it is stored: invisible characters removed, one line, trimmed."""
    return strip_invisible(text or "").strip()


async def banned_words_for(room_id: int) -> list[str]:
    """The normalised banned words that apply in a room (its own and the global ones)."""
    rows = await BannedWord.filter(Q(room_id=room_id) | Q(room_id__isnull=True)).values_list(
        "normalized", flat=True
    )
    return [str(w) for w in rows]


async def active_mute(room_id: int, user_id: int) -> datetime | None:
    """When the user's mute in the room ends, or None when they are not muted."""
    mute = await RoomMute.filter(room_id=room_id, user_id=user_id, until__gt=now()).first()
    return mute.until if mute else None


async def is_banned(room_id: int, user_id: int) -> bool:
    return await RoomBan.filter(room_id=room_id, user_id=user_id).exists()


async def check_can_chat(user: User, room: Room) -> None:
    """Raise the :class:`ChatRejected` that keeps ``user`` from chatting in ``room`` now."""
    if room.status != RoomStatus.LIVE:
        raise ChatRejected("ROOM_NOT_LIVE", "chat opens when the room is live", "roomId")
    if await is_banned(room.id, user.id):
        raise ChatRejected("BANNED", "you are banned from this room's chat", None)
    until = await active_mute(room.id, user.id)
    if until is not None:
        left = max(1, math.ceil((until - now()).total_seconds()))
        raise ChatRejected(
            "MUTED",
            "you are muted here until {time} UTC",
            None,
            retry_after=left,
            params={"time": until.strftime("%H:%M:%S")},
        )


def check_text(text: str) -> str:
    """The cleaned text, or EMPTY / TOO_LONG."""
    text = clean_text(text)
    if not text:
        raise ChatRejected("EMPTY", "write a message first")
    if len(text) > MAX_LENGTH:
        raise ChatRejected(
            "TOO_LONG", "keep messages to {max} characters", params={"max": MAX_LENGTH}
        )
    return text


def _rate_key(user: User) -> str:
    return f"chat:{user.id}"


def _rate_limited(retry: float) -> ChatRejected:
    seconds = max(1, math.ceil(retry))
    return ChatRejected(
        "RATE_LIMITED",
        "you are sending messages too fast; wait {seconds} s",
        retry_after=seconds,
        params={"seconds": seconds},
    )


async def _lock_sender(user: User) -> None:
    """Serialise one sender's posts (PostgreSQL row lock; SQLite writes serialise anyway)."""
    # (values_list() would drop FOR UPDATE; only() keeps it.)
    await User.filter(id=user.id).select_for_update(no_key=True).only("id")


async def post_message(user: User, room_id: int, text: str) -> ChatMessage:
    """Post ``text`` as ``user`` in a live room; returns the stored message.

    Raises :class:`ChatRejected` (nothing stored) for every chat rule, ``NotFound`` for an
    unknown room. Publishes ``chat.message`` after the commit.
    """
    room = await get_room(room_id)
    await check_can_chat(user, room)
    text = check_text(text)
    word = find_banned(text, await banned_words_for(room.id))
    if word is not None:
        raise ChatRejected("BANNED_WORD", "your message contains a word that is not allowed")
    badge = await badge_for(user, room)
    key = _rate_key(user)
    waiting = await RATE_LIMIT.retry_after(key)
    if waiting > 0:
        raise _rate_limited(waiting)
    slow = 0 if can_moderate(user, room) else int(room.slow_mode_seconds or 0)
    async with in_transaction():
        if slow:
            await _lock_sender(user)
            current: list[Any] = await Room.filter(id=room.id).values_list(
                "slow_mode_seconds", flat=True
            )
            slow = int(current[0]) if current else slow
        if slow:
            last = (
                await ChatMessage.filter(room_id=room.id, user_id=user.id)
                .order_by("-created_at")
                .first()
            )
            if last is not None:
                wait = slow - (now() - last.created_at).total_seconds()
                if wait > 0:
                    seconds = max(1, math.ceil(wait))
                    raise ChatRejected(
                        "SLOW_MODE",
                        "slow mode is on: wait {seconds} s before your next message",
                        retry_after=seconds,
                        params={"seconds": seconds},
                    )
        if not await RATE_LIMIT.hit(key):
            raise _rate_limited(await RATE_LIMIT.retry_after(key))
        message = await ChatMessage.create(room_id=room.id, user_id=user.id, text=text, badge=badge)
    message.user = user
    await events.publish(room.id, message_event(message, user))
    await signals.emit("chat.sent", room_id=room.id, user_id=user.id, message_id=message.id)
    answering.after_message(room.id, user, message.id, message.text, message.badge)
    return message


def message_event(message: ChatMessage, user: User) -> events.ChatMessageSent:
    """The ``chat.message`` event of a message (also what pages show of it)."""
    return events.ChatMessageSent(
        message_id=message.id,
        user_id=user.id,
        user_name=user.display_name,
        badge=message.badge,
        text=message.text,
        created_at=message.created_at,
    )


async def get_message(message_id: int) -> ChatMessage:
    message = await ChatMessage.get_or_none(id=message_id).select_related("user")
    if message is None:
        raise NotFound("message", "messageId")
    return message


async def get_messages(ids: list[int]) -> dict[int, ChatMessage]:
    """Messages by id (deleted ones included), with ``user`` loaded."""
    rows = await ChatMessage.filter(id__in=ids).select_related("user")
    return {m.id: m for m in rows}


async def delete_in_transaction(actor: User, message: ChatMessage) -> bool:
    """Soft-delete ``message`` and resolve its open reports; audit it. Call inside a
    transaction; returns False when it was already deleted (nothing changed)."""
    at = now()
    updated = await ChatMessage.filter(id=message.id, deleted_at__isnull=True).update(
        deleted_at=at, deleted_by_id=actor.id
    )
    if not updated:
        return False
    message.deleted_at = at
    message.deleted_by_id = actor.id
    await Report.filter(message_id=message.id, status=ReportStatus.OPEN).update(
        status=ReportStatus.RESOLVED,
        open_key=None,
        resolution="delete_message",
        resolved_by_id=actor.id,
        resolved_at=at,
    )
    await audit.record(
        actor,
        audit.CHAT_DELETE,
        message.room_id,
        message.user_id,
        message_id=message.id,
        text=message.text,
    )
    return True


async def delete_message(actor: User, message_id: int) -> ChatMessage:
    """Delete a message (room owner, moderators, admins). Publishes ``chat.deleted``."""
    message = await get_message(message_id)
    room = await get_room(message.room_id)
    require_moderator(actor, room)
    async with in_transaction():
        if not await delete_in_transaction(actor, message):
            raise UserError("ALREADY_DELETED", "this message was already deleted", "messageId")
    await events.publish(
        room.id, events.ChatMessageDeleted(message_id=message.id, by_user_id=actor.id)
    )
    return message


def _history_query(room_id: int, include_deleted: bool) -> Any:
    query = ChatMessage.filter(room_id=room_id)
    if not include_deleted:
        query = query.filter(deleted_at__isnull=True)
    return query


async def history(
    room_id: int,
    first: int = DEFAULT_HISTORY,
    before_id: int | None = None,
    include_deleted: bool = False,
) -> tuple[list[ChatMessage], bool]:
    """A page of a room's messages, **newest first**, older than ``before_id`` if given.

    Returns ``(messages, has_more)``; messages have ``user`` loaded. Deleted messages are
    left out unless ``include_deleted`` (for moderators: the caller checks).
    """
    await get_room(room_id)
    if not 0 <= first <= MAX_HISTORY:
        raise UserError(
            "INVALID_PAGE_SIZE", "first must be between 0 and {max}", "first", {"max": MAX_HISTORY}
        )
    query = _history_query(room_id, include_deleted)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1).select_related("user")
    return list(rows[:first]), len(rows) > first


async def history_count(room_id: int, include_deleted: bool = False) -> int:
    return await _history_query(room_id, include_deleted).count()


async def recent(room_id: int, limit: int = DEFAULT_HISTORY) -> list[ChatMessage]:
    """The latest ``limit`` visible messages of a room, oldest first (for the room page)."""
    rows, _ = await history(room_id, min(limit, MAX_HISTORY))
    return list(reversed(rows))


async def latest_in_live_rooms(limit: int = 50, include_deleted: bool = False) -> list[ChatMessage]:
    """The latest messages across live rooms, newest first, with ``user`` and ``room``."""
    query = ChatMessage.filter(room__status=RoomStatus.LIVE)
    if not include_deleted:
        query = query.filter(deleted_at__isnull=True)
    return await query.order_by("-id").limit(min(limit, MAX_HISTORY)).select_related("user", "room")
