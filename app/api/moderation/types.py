"""GraphQL types for moderation: mutes, bans, banned words, reports, the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.accounts.models import User
from app.api.accounts.types import UserType
from app.api.chat.types import ChatMessageType
from app.api.context import Info
from app.api.ids import encode_id, in_order, int_ids
from app.api.mapping import from_model
from app.api.rooms.types import RoomType
from app.moderation import services as moderation
from app.moderation.models import AuditLog, BannedWord, Report, ReportStatus, RoomBan, RoomMute
from app.rooms.models import Room


def _room_gid(room_id: int | None) -> strawberry.ID | None:
    return None if room_id is None else strawberry.ID(encode_id("Room", room_id))


@strawberry.type(name="RoomMute", description="A user muted in a room until a time.")
class RoomMuteType:
    room_id: strawberry.ID
    until: datetime
    _user: strawberry.Private[User]

    @strawberry.field
    def user(self) -> UserType:
        return UserType.from_model(self._user)

    @classmethod
    def from_model(cls, mute: RoomMute, user: User) -> RoomMuteType:
        room_id = strawberry.ID(encode_id("Room", mute.room_id))
        return cls(room_id=room_id, until=mute.until, _user=user)


@strawberry.type(name="RoomBan", description="A user banned from a room's chat.")
class RoomBanType:
    room_id: strawberry.ID
    created_at: datetime
    _user: strawberry.Private[User]

    @strawberry.field
    def user(self) -> UserType:
        return UserType.from_model(self._user)

    @classmethod
    def from_model(cls, ban: RoomBan, user: User) -> RoomBanType:
        room_id = strawberry.ID(encode_id("Room", ban.room_id))
        return cls(room_id=room_id, created_at=ban.created_at, _user=user)


@strawberry.type(description="A room's active mutes and bans.")
class RoomSanctions:
    mutes: list[RoomMuteType]
    bans: list[RoomBanType]


@strawberry.type(name="BannedWord", description="A word refused in chat, in a room or everywhere.")
class BannedWordType(relay.Node):
    id: relay.NodeID[int]
    word: str
    normalized: str = strawberry.field(description="The form the filter compares.")
    room_id: strawberry.ID | None = strawberry.field(description="Null for a global word.")
    created_at: datetime

    @strawberry.field(description="Banned in every room.")
    def is_global(self) -> bool:
        return self.room_id is None

    @classmethod
    def from_model(cls, word: BannedWord) -> BannedWordType:
        return from_model(cls, word, room_id=_room_gid(word.room_id))

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[BannedWordType | None]:
        me = info.context.principal.user
        if me is None or not me.is_moderator:
            return [None for _ in node_ids]
        words = {w.id: w for w in await moderation.banned_words(me)}
        return in_order(node_ids, words, cls.from_model)


ReportStatusEnum = ReportStatus
strawberry.enum(ReportStatusEnum, name="ReportStatus")


@strawberry.enum(name="ReportAction", description="How a moderator handles a report.")
class ReportActionEnum(Enum):
    DISMISS = "dismiss"
    DELETE_MESSAGE = "delete_message"
    BAN_USER = "ban_user"


@strawberry.type(name="Report", description="A viewer's report of a chat message.")
class ReportType(relay.Node):
    id: relay.NodeID[int]
    reason: str
    status: ReportStatusEnum
    resolution: ReportActionEnum | None
    created_at: datetime
    resolved_at: datetime | None
    _report: strawberry.Private[Report]

    @strawberry.field
    def message(self, info: Info) -> ChatMessageType:
        moderator_view = moderation.reads_deleted_text(info.context.principal.user, self._report)
        return ChatMessageType.from_model(self._report.message, moderator_view=moderator_view)

    @strawberry.field
    def reporter(self) -> UserType:
        return UserType.from_model(self._report.reporter)

    @strawberry.field
    def room(self) -> RoomType:
        return RoomType.from_model(self._report.room)

    @classmethod
    def from_model(cls, report: Report) -> ReportType:
        """``report`` must have ``message__user``, ``reporter`` and ``room`` loaded."""
        return cls(
            id=report.id,
            reason=report.reason,
            status=ReportStatusEnum(report.status),
            resolution=ReportActionEnum(report.resolution) if report.resolution else None,
            created_at=report.created_at,
            resolved_at=report.resolved_at,
            _report=report,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ReportType | None]:
        me = info.context.principal.user
        ids = int_ids(node_ids)
        found = await moderation.reports_visible_to(me, ids)
        return in_order(node_ids, found, cls.from_model)


@strawberry.type(name="AuditLogEntry", description="One moderation action.")
class AuditLogEntryType(relay.Node):
    id: relay.NodeID[int]
    action: str = strawberry.field(
        description="chat.delete, user.mute, user.unmute, user.ban, user.unban, "
        "room.slow_mode, room.stop, banned_word.add, banned_word.remove, report.create, "
        "report.resolve"
    )
    detail: JSON
    created_at: datetime
    _actor: strawberry.Private[User | None]
    _target: strawberry.Private[User | None]
    _room: strawberry.Private[Room | None]

    @strawberry.field
    def actor(self) -> UserType | None:
        return UserType.from_model(self._actor) if self._actor else None

    @strawberry.field
    def target_user(self) -> UserType | None:
        return UserType.from_model(self._target) if self._target else None

    @strawberry.field
    def room(self) -> RoomType | None:
        return RoomType.from_model(self._room) if self._room else None

    @classmethod
    def from_model(cls, entry: AuditLog) -> AuditLogEntryType:
        return from_model(cls, entry, detail=JSON(entry.detail or {}), _target=entry.target_user)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AuditLogEntryType | None]:
        me = info.context.principal.user
        ids = int_ids(node_ids)
        found = await moderation.audit_entries_visible_to(me, ids)
        return in_order(node_ids, found, cls.from_model)
