"""Writing the audit log. Call :func:`record` inside the transaction of the action."""

from __future__ import annotations

from typing import Any

from app.accounts.models import User
from app.moderation.models import AuditLog

# The actions written to the log.
CHAT_DELETE = "chat.delete"
USER_MUTE = "user.mute"
USER_UNMUTE = "user.unmute"
USER_BAN = "user.ban"
USER_UNBAN = "user.unban"
SLOW_MODE = "room.slow_mode"
ROOM_STOP = "room.stop"
WORD_ADD = "banned_word.add"
WORD_REMOVE = "banned_word.remove"
REPORT_CREATE = "report.create"
REPORT_RESOLVE = "report.resolve"

ACTIONS = (
    CHAT_DELETE,
    USER_MUTE,
    USER_UNMUTE,
    USER_BAN,
    USER_UNBAN,
    SLOW_MODE,
    ROOM_STOP,
    WORD_ADD,
    WORD_REMOVE,
    REPORT_CREATE,
    REPORT_RESOLVE,
)


async def record(
    actor: User | None,
    action: str,
    room_id: int | None = None,
    target_user_id: int | None = None,
    **detail: Any,
) -> AuditLog:
    """Add one audit row (in the caller's transaction)."""
    return await AuditLog.create(
        actor_id=actor.id if actor else None,
        action=action,
        room_id=room_id,
        target_user_id=target_user_id,
        detail=detail,
    )
