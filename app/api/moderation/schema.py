"""Moderation queries and mutations: mute, ban, slow mode, banned words, stopping a
stream, reports and the audit log. Authorization and every rule live in
:mod:`app.moderation.services`; refusals come back as typed payload errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from app.accounts.models import User
from app.api import errors
from app.api.accounts.schema import OkPayload
from app.api.context import Info
from app.api.ids import decode_id
from app.api.moderation.types import (
    AuditLogEntryType,
    BannedWordType,
    ReportActionEnum,
    ReportStatusEnum,
    ReportType,
    RoomBanType,
    RoomMuteType,
    RoomSanctions,
)
from app.api.pagination import Connection, paginate
from app.api.rooms.schema import RoomPayload
from app.api.rooms.types import RoomType
from app.moderation import services as moderation


@errors.payload
class MuteUserPayload:
    mute: RoomMuteType | None = None


@errors.payload
class BanUserPayload:
    ban: RoomBanType | None = None


@errors.payload
class BannedWordPayload:
    banned_word: BannedWordType | None = None


@errors.payload
class ReportPayload:
    report: ReportType | None = None


def _room(value: strawberry.ID) -> int:
    return decode_id(value, "Room", "roomId")


def _user(value: strawberry.ID) -> int:
    return decode_id(value, "User", "userId")


@strawberry.type
class Query:
    @errors.field(
        description="Reports (site moderators; a room's owner passes roomId). Open reports "
        "oldest first, handled ones newest first."
    )
    async def reports(
        self,
        info: Info,
        status: ReportStatusEnum | None = ReportStatusEnum.OPEN,
        room_id: strawberry.ID | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[ReportType]:
        user = info.context.principal.require_user(write=False)
        query = await moderation.reports_query(
            user, status.value if status else None, _room(room_id) if room_id else None
        )
        return await paginate(query, first, after, ReportType.from_model)

    @errors.field(
        description="The moderation audit log, newest first (site moderators; a room's owner "
        "passes roomId)."
    )
    async def audit_log(
        self,
        info: Info,
        room_id: strawberry.ID | None = None,
        action: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[AuditLogEntryType]:
        user = info.context.principal.require_user(write=False)
        query = await moderation.audit_log(
            user, _room(room_id) if room_id else None, action or None
        )
        return await paginate(query, first, after, AuditLogEntryType.from_model)

    @errors.field(
        description="Banned words of a room (its own and the global ones; the room's "
        "moderators), or with no roomId every banned word (site moderators)."
    )
    async def banned_words(
        self, info: Info, room_id: strawberry.ID | None = None
    ) -> list[BannedWordType]:
        user = info.context.principal.require_user(write=False)
        words = await moderation.banned_words(user, _room(room_id) if room_id else None)
        return [BannedWordType.from_model(w) for w in words]

    @errors.field(description="A room's active mutes and bans (the room's moderators).")
    async def room_sanctions(self, info: Info, room_id: strawberry.ID) -> RoomSanctions:
        user = info.context.principal.require_user(write=False)
        found = await moderation.room_sanctions(user, _room(room_id))
        return RoomSanctions(
            mutes=[RoomMuteType.from_model(m, m.user) for m in found["mutes"]],
            bans=[RoomBanType.from_model(b, b.user) for b in found["bans"]],
        )


async def _ok(info: Info, action: Callable[[User], Awaitable[Any]]) -> OkPayload:
    await action(info.context.principal.require_user())
    return OkPayload(ok=True)


async def _room_payload(info: Info, action: Callable[[User], Awaitable[Any]]) -> RoomPayload:
    room = await action(info.context.principal.require_user())
    return RoomPayload(room=RoomType.from_model(room))


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Mute a user in a room for 1 to 10080 minutes (replaces an earlier mute). "
        "Errors: FORBIDDEN, NOT_FOUND, PROTECTED_USER, INVALID_DURATION."
    )
    async def mute_user(
        self, info: Info, room_id: strawberry.ID, user_id: strawberry.ID, minutes: int = 10
    ) -> MuteUserPayload:
        actor = info.context.principal.require_user()
        mute = await moderation.mute(actor, _room(room_id), _user(user_id), minutes)
        return MuteUserPayload(mute=RoomMuteType.from_model(mute, mute.user))

    @errors.mutation(description="Lift a mute. Errors: FORBIDDEN, NOT_FOUND, NOT_MUTED.")
    async def unmute_user(
        self, info: Info, room_id: strawberry.ID, user_id: strawberry.ID
    ) -> OkPayload:
        return await _ok(info, lambda u: moderation.unmute(u, _room(room_id), _user(user_id)))

    @errors.mutation(
        description="Ban a user from a room's chat. Errors: FORBIDDEN, NOT_FOUND, "
        "PROTECTED_USER, ALREADY_BANNED."
    )
    async def ban_user(
        self, info: Info, room_id: strawberry.ID, user_id: strawberry.ID
    ) -> BanUserPayload:
        actor = info.context.principal.require_user()
        ban = await moderation.ban(actor, _room(room_id), _user(user_id))
        return BanUserPayload(ban=RoomBanType.from_model(ban, ban.user))

    @errors.mutation(description="Lift a ban. Errors: FORBIDDEN, NOT_FOUND, NOT_BANNED.")
    async def unban_user(
        self, info: Info, room_id: strawberry.ID, user_id: strawberry.ID
    ) -> OkPayload:
        return await _ok(info, lambda u: moderation.unban(u, _room(room_id), _user(user_id)))

    @errors.mutation(
        description="Slow mode: 0 (off) to 300 seconds between a viewer's messages. "
        "Errors: FORBIDDEN, NOT_FOUND, INVALID_SLOW_MODE."
    )
    async def set_slow_mode(self, info: Info, room_id: strawberry.ID, seconds: int) -> RoomPayload:
        return await _room_payload(
            info, lambda u: moderation.set_slow_mode(u, _room(room_id), seconds)
        )

    @errors.mutation(
        description="Ban a word in a room, or everywhere with roomId null (site moderators). "
        "Matching ignores case, full-width forms, spacing, punctuation and zero-width "
        "characters. Errors: FORBIDDEN, INVALID_WORD, WORD_EXISTS."
    )
    async def add_banned_word(
        self, info: Info, word: str, room_id: strawberry.ID | None = None
    ) -> BannedWordPayload:
        actor = info.context.principal.require_user()
        found = await moderation.add_banned_word(actor, _room(room_id) if room_id else None, word)
        return BannedWordPayload(banned_word=BannedWordType.from_model(found))

    @errors.mutation(description="Remove a banned word; returns it as it was.")
    async def remove_banned_word(self, info: Info, id: strawberry.ID) -> BannedWordPayload:
        actor = info.context.principal.require_user()
        found = await moderation.remove_banned_word(actor, decode_id(id, "BannedWord"))
        return BannedWordPayload(banned_word=BannedWordType.from_model(found))

    @errors.mutation(description="End a room's live as a moderator. Errors: FORBIDDEN, ROOM_ENDED.")
    async def stop_stream(self, info: Info, room_id: strawberry.ID) -> RoomPayload:
        return await _room_payload(info, lambda u: moderation.stop_stream(u, _room(room_id)))

    @errors.mutation(
        description="Report a chat message to the moderators (one open report per message). "
        "Errors: NOT_FOUND, INVALID_REASON, INVALID_REPORT, ALREADY_REPORTED, RATE_LIMITED."
    )
    async def report_message(
        self, info: Info, message_id: strawberry.ID, reason: str
    ) -> ReportPayload:
        user = info.context.principal.require_user()
        report = await moderation.report_message(
            user, decode_id(message_id, "ChatMessage", "messageId"), reason
        )
        report = await moderation.get_report(report.id)
        return ReportPayload(report=ReportType.from_model(report))

    @errors.mutation(
        description="Handle an open report: DISMISS, DELETE_MESSAGE or BAN_USER (deletes the "
        "message and bans its author). Errors: FORBIDDEN, NOT_FOUND, ALREADY_RESOLVED, "
        "PROTECTED_USER."
    )
    async def resolve_report(
        self, info: Info, report_id: strawberry.ID, action: ReportActionEnum
    ) -> ReportPayload:
        user = info.context.principal.require_user()
        report = await moderation.resolve_report(
            user, decode_id(report_id, "Report", "reportId"), action.value
        )
        return ReportPayload(report=ReportType.from_model(report))
